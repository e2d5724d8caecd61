// Settings → Business profile: name, default country, currency, time zone,
// the WhatsApp number new conversations start from, and what quotes and
// invoices print (GST state, tax id, address), and whether customers see
// read receipts and "typing…". Admins edit it; everyone else reads it.
// Below it, the rate card estimates use.
import { useEffect, useState } from 'preact/hooks';
import * as businessApi from '../api/business';
import { ScrollingTable } from '../components/ScrollingTable';
import type { BusinessProfileInput } from '../api/business';
import { t } from '../i18n';
import { business, loadBusiness, rates, setBusiness } from '../lib/business';
import { money } from '../lib/format';
import { isAdmin } from '../lib/session';
import { useError } from '../lib/useError';
import { categoryLabel } from '../inbox/model';
import { ChatSignalSwitches } from './ChatSignalSwitches';
import { RateOverridesEditor } from './RateOverridesEditor';

type Label = 'business.name' | 'business.country' | 'business.currency' | 'business.timeZone' | 'business.phoneNumberId' | 'business.state' | 'business.taxId' | 'business.address';
type Hint = 'business.countryHint' | 'business.currencyHint' | 'business.timeZoneHint' | 'business.phoneNumberIdHint' | 'business.stateHint' | 'business.taxIdHint' | 'business.addressHint';

type TextField = Exclude<keyof BusinessProfileInput, 'read_receipts' | 'typing_indicator'>;

const FIELDS: { id: TextField; label: Label; hint?: Hint; multiline?: boolean }[] = [
  { id: 'name', label: 'business.name' },
  { id: 'country', label: 'business.country', hint: 'business.countryHint' },
  { id: 'currency', label: 'business.currency', hint: 'business.currencyHint' },
  { id: 'time_zone', label: 'business.timeZone', hint: 'business.timeZoneHint' },
  { id: 'phone_number_id', label: 'business.phoneNumberId', hint: 'business.phoneNumberIdHint' },
  { id: 'state', label: 'business.state', hint: 'business.stateHint' },
  { id: 'tax_id', label: 'business.taxId', hint: 'business.taxIdHint' },
  { id: 'address', label: 'business.address', hint: 'business.addressHint', multiline: true },
];

function RateCardTable() {
  const card = rates.value;
  if (!card) return null;
  const lines = [...Object.entries(card.by_prefix).map(([prefix, line]) => ({ market: `+${prefix}`, line })), { market: t('business.otherMarkets'), line: card.fallback }];
  const categories = [...new Set(lines.flatMap((l) => Object.keys(l.line.per_message)))].sort();
  return (
    <div class="rate-card" data-testid="rate-card">
      <h3 class="side-heading">{t('business.rateCard')}</h3>
      <p class="muted">{t('business.rateCardNote')}</p>
      <p class="muted rate-card-source" data-testid="rate-card-source">{t('rates.published', { source: card.published_source, date: card.published_effective })}</p>
      {card.fallback.currency !== business.value.currency ? (
        <p class="muted" data-testid="rate-card-currency">{t('business.rateCardCurrency', { currency: card.fallback.currency })}</p>
      ) : null}
      <ScrollingTable label={t('business.rateCard')}>
        <table class="table">
          <thead><tr><th scope="col">{t('business.market')}</th>{categories.map((c) => <th scope="col" key={c}>{categoryLabel(c)}</th>)}</tr></thead>
          <tbody>
            {lines.map(({ market, line }) => (
              <tr key={market} data-testid="rate-card-row">
                <th scope="row">{market}</th>
                {categories.map((c) => <td key={c}>{typeof line.per_message[c] === 'number' ? money(line.per_message[c] ?? 0, line.currency) : ''}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollingTable>
      {isAdmin() ? <RateOverridesEditor card={card} currency={business.value.currency} /> : null}
    </div>
  );
}

export function BusinessProfile() {
  const [draft, setDraft] = useState<BusinessProfileInput | null>(null);
  const [message, setMessage] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError, fail] = useError();
  useEffect(() => {
    businessApi.businessProfile().then((p) => {
      setBusiness(p);
      setDraft({ name: p.name, country: p.country, currency: p.currency, time_zone: p.time_zone, phone_number_id: p.phone_number_id, state: p.state, tax_id: p.tax_id, address: p.address, read_receipts: p.read_receipts, typing_indicator: p.typing_indicator });
    }).catch(fail);
    void loadBusiness();
  }, []);
  const editable = isAdmin();
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (!draft) return;
    setBusy(true);
    setMessage('');
    try {
      const optional = (v: string | null | undefined) => v?.trim() || null;
      const saved = await businessApi.saveBusinessProfile({ ...draft, phone_number_id: optional(draft.phone_number_id), state: optional(draft.state), tax_id: optional(draft.tax_id) });
      setBusiness(saved);
      setError('');
      setMessage(t('business.saved'));
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  const profile = business.value;
  return (
    <section class="settings-section" aria-labelledby="business-heading" data-testid="settings-business">
      <h2 id="business-heading" class="side-heading">{t('settings.business')}</h2>
      {!editable ? (
        <dl class="business-read" data-testid="business-read">
          {FIELDS.flatMap((f) => [<dt key={`${f.id}-t`}>{t(f.label)}</dt>, <dd key={`${f.id}-d`} data-testid={`business-read-${f.id}`}>{profile[f.id] || '—'}</dd>])}
        </dl>
      ) : draft ? (
        <form class="form business-form" data-testid="business-form" novalidate onSubmit={onSubmit} aria-busy={busy ? 'true' : undefined}>
          {FIELDS.map((f) => (
            <div class="field" key={f.id}>
              <label for={`business-${f.id}`}>{t(f.label)}</label>
              {f.multiline ? (
                <textarea id={`business-${f.id}`} rows={3} data-testid={`business-${f.id}`} value={draft[f.id] ?? ''}
                  aria-describedby={f.hint ? `business-${f.id}-hint` : undefined}
                  onInput={(e) => setDraft({ ...draft, [f.id]: (e.currentTarget as HTMLTextAreaElement).value })} />
              ) : (
                <input id={`business-${f.id}`} type="text" autocomplete="off" data-testid={`business-${f.id}`} value={draft[f.id] ?? ''}
                  aria-describedby={f.hint ? `business-${f.id}-hint` : undefined}
                  onInput={(e) => setDraft({ ...draft, [f.id]: (e.currentTarget as HTMLInputElement).value })} />
              )}
              {f.hint ? <p id={`business-${f.id}-hint`} class="muted">{t(f.hint)}</p> : null}
            </div>
          ))}
          <ChatSignalSwitches value={{ read_receipts: draft.read_receipts ?? true, typing_indicator: draft.typing_indicator ?? true }}
            onChange={(next) => setDraft({ ...draft, ...next })} />
          <div class="form-error" role="alert" data-testid="business-error">{error}</div>
          <p role="status" data-testid="business-message">{message}</p>
          <div class="form-actions">
            <button class="button button--primary" type="submit" data-testid="business-save" disabled={busy}>{t('business.save')}</button>
          </div>
        </form>
      ) : error ? <p class="form-error" role="alert">{error}</p> : null}
      <RateCardTable />
    </section>
  );
}
