// The contact panel's consent: whether marketing may reach the customer,
// the opt-in on record (when, how, to what), and recording one the
// customer gave staff. Keyword opt-ins and opt-outs arrive on their own.
import { useState } from 'preact/hooks';
import type { Contact } from '../api/contacts';
import type { ConsentCategory, ConsentInput } from '../api/consent';
import { t } from '../i18n';
import { fmtFull, parseTime } from '../lib/format';
import { ConsentChoices, consentCategoryLabel } from './ConsentChoices';
import { recordConsent } from './store';

type StaffMethod = ConsentInput['method'];
const STAFF_METHODS: StaffMethod[] = ['staff', 'form', 'import'];

function methodLabel(method: string): string {
  switch (method) {
    case 'form': return t('consent.method.form');
    case 'import': return t('consent.method.import');
    case 'inbound_message': return t('consent.method.inbound_message');
    case 'keyword': return t('consent.method.keyword');
    default: return t('consent.method.staff');
  }
}

function Standing({ c }: { c: Contact }) {
  const consent = c.consent;
  const at = parseTime(consent?.at);
  return (
    <p class="consent-standing" data-testid="consent-standing" data-opted-out={String(c.opted_out === true)}
      data-method={consent?.method ?? ''} data-categories={(consent?.categories ?? []).join(',')}>
      {c.opted_out ? <strong>{t('consent.optedOut')}</strong> : null}
      {consent ? (
        <span>{t('consent.onRecord', {
          what: consent.categories.map(consentCategoryLabel).join(t('consent.and')),
          how: methodLabel(consent.method),
          when: at === null ? '' : fmtFull(at),
        })}</span>
      ) : <span>{t('consent.none')}</span>}
    </p>
  );
}

export function ConsentSection({ c }: { c: Contact }) {
  const [open, setOpen] = useState(false);
  const [categories, setCategories] = useState<ConsentCategory[]>(['marketing', 'utility']);
  const [method, setMethod] = useState<StaffMethod>('staff');
  const [busy, setBusy] = useState(false);
  return (
    <section class="side-section" aria-labelledby="consent-heading" data-testid="consent-section">
      <h3 id="consent-heading" class="side-heading">{t('consent.heading')}</h3>
      <Standing c={c} />
      {!open ? (
        <button class="link-button" type="button" data-testid="consent-record" onClick={() => setOpen(true)}>{t('consent.record')}</button>
      ) : (
        <form class="form consent-form" data-testid="consent-form" novalidate aria-busy={busy ? 'true' : undefined} onSubmit={async (e) => {
          e.preventDefault();
          if (!categories.length) return;
          setBusy(true);
          const ok = await recordConsent({ method, categories });
          setBusy(false);
          if (ok) setOpen(false);
        }}>
          <ConsentChoices id="consent-form" value={categories} onChange={setCategories} />
          <div class="field">
            <label for="consent-method">{t('consent.how')}</label>
            <select id="consent-method" data-testid="consent-method" value={method} onChange={(e) => setMethod((e.currentTarget as HTMLSelectElement).value as StaffMethod)}>
              {STAFF_METHODS.map((m) => <option key={m} value={m}>{methodLabel(m)}</option>)}
            </select>
          </div>
          {c.opted_out ? <p class="muted">{t('consent.optOutStays')}</p> : null}
          <div class="form-actions">
            <button class="button button--small button--primary" type="submit" data-testid="consent-save" disabled={busy || !categories.length}>{t('common.save')}</button>
            <button class="button button--small button--ghost" type="button" onClick={() => setOpen(false)}>{t('common.cancel')}</button>
          </div>
        </form>
      )}
    </section>
  );
}
