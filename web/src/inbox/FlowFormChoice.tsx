// The composer's Form choice: the published WhatsApp Flows of the lead
// sources; the customer fills the form inside WhatsApp and its answers
// come back as a lead of that source.
import { useEffect, useState } from 'preact/hooks';
import { flowForms, type FlowForm } from '../api/leads';
import { t } from '../i18n';

export function FlowFormChoice({ value, onChange }: { value: FlowForm | null; onChange: (form: FlowForm | null) => void }) {
  const [forms, setForms] = useState<FlowForm[] | null>(null);
  useEffect(() => {
    flowForms().then((page) => {
      setForms(page.items);
      if (page.items.length > 0 && !value) onChange(page.items[0] ?? null);
    }).catch(() => setForms([]));
  }, []);
  if (forms === null) return <p class="muted" aria-busy="true">{t('interactive.formsLoading')}</p>;
  if (forms.length === 0) return <p class="muted" data-testid="interactive-no-forms">{t('interactive.noForms')}</p>;
  return (
    <>
      <label for="interactive-form-choice">{t('interactive.form')}</label>
      <select id="interactive-form-choice" data-testid="interactive-form-choice" value={value?.source ?? ''}
        onChange={(e) => onChange(forms.find((f) => f.source === (e.currentTarget as HTMLSelectElement).value) ?? null)}>
        {forms.map((f) => <option key={f.source} value={f.source}>{f.name}</option>)}
      </select>
      {value ? <p class="muted" data-testid="interactive-form-button">{t('interactive.formButton', { label: value.flow.cta })}</p> : null}
    </>
  );
}
