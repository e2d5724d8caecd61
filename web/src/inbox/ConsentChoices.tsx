// The categories a customer agreed to receive, as checkboxes: used where
// staff record an opt-in (New lead, the contact panel).
import type { ConsentCategory } from '../api/consent';
import { t } from '../i18n';

export const CONSENT_CATEGORIES: ConsentCategory[] = ['marketing', 'utility'];

export const consentCategoryLabel = (c: ConsentCategory) => (c === 'marketing' ? t('consent.marketing') : t('consent.utility'));

export function ConsentChoices({ id, value, onChange }: { id: string; value: ConsentCategory[]; onChange: (next: ConsentCategory[]) => void }) {
  return (
    <fieldset class="field consent-choices" data-testid={`${id}-consent`}>
      <legend>{t('consent.agreedTo')}</legend>
      {CONSENT_CATEGORIES.map((c) => (
        <label class="check" key={c}>
          <input type="checkbox" data-testid={`${id}-consent-${c}`} checked={value.includes(c)}
            onChange={(e) => onChange((e.currentTarget as HTMLInputElement).checked ? [...value.filter((x) => x !== c), c] : value.filter((x) => x !== c))} />
          {consentCategoryLabel(c)}
        </label>
      ))}
    </fieldset>
  );
}
