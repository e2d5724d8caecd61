// The business's own prices over Meta's published rate card (admins): per
// market (a calling code, or every other market) and category, in the
// business's currency. Every estimate after saving uses them; the API
// refuses what Meta would not price so, and says why. A utility or
// authentication price can start after a month's first N messages: Meta's
// volume tiers, which the spend report prices each month through. Meta's
// October 2026 billing of service replies is the admin's switch, since
// Meta's own pricing page is what says when it applies to an account. When
// Meta reports an account reached a volume tier, the editor offers the line
// that prices it, starting at Meta's own count.
import { useState } from 'preact/hooks';
import * as businessApi from '../api/business';
import type { RateCard } from '../api/business';
import { t } from '../i18n';
import { rates } from '../lib/business';
import { useError } from '../lib/useError';
import { categoryLabel } from '../inbox/model';
import { tierKey, tierPlace, tierRange } from './VolumeTiers';

type Line = RateCard['overrides']['lines'][number];
type MetaTier = RateCard['meta_volume_tiers'][number];
type Row = { market: string; category: Line['category']; price: string; after: string };
const CATEGORIES = ['marketing', 'utility', 'authentication'] as const;
/** The market a row names, as the API takes it: a calling code without its "+". */
const marketOf = (r: Row) => r.market.trim().replace(/^\+/, '');

/** Digits after the decimal point in `currency` (2 for INR, 0 for JPY). */
const digits = (currency: string) => {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
};

export function RateOverridesEditor({ card, currency }: { card: RateCard; currency: string }) {
  const scale = 10 ** digits(currency);
  const [rows, setRows] = useState<Row[]>(card.overrides.lines.map((l) => ({ market: l.market, category: l.category, price: String(l.amount_minor / scale), after: String(l.after ?? 0) })));
  const [serviceBilled, setServiceBilled] = useState(card.overrides.service_billed ?? false);
  const [freeReplies, setFreeReplies] = useState(String(card.overrides.free_service_replies ?? 0));
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState('');
  const [error, setError, fail] = useError();
  const set = (i: number, row: Partial<Row>) => setRows(rows.map((r, j) => (j === i ? { ...r, ...row } : r)));
  const priced = (tier: MetaTier) =>
    rows.some((r) => marketOf(r) === (tier.market ?? '') && r.category === tier.category && r.after.trim() === String(tier.after));
  const priceTier = (tier: MetaTier) =>
    setRows([...rows, { market: tier.market ?? '', category: tier.category as Row['category'], price: '', after: String(tier.after) }]);
  const save = async (e: Event) => {
    e.preventDefault();
    setMessage('');
    const lines = rows.map((r) => ({
      market: marketOf(r),
      category: r.category,
      amount_minor: Math.round(Number(r.price) * scale),
      after: r.category === 'marketing' ? 0 : Number(r.after.trim() || '0'),
    }));
    // Checked here, since a price that is no number never reaches the API.
    if (lines.some((l) => !Number.isFinite(l.amount_minor) || l.amount_minor < 0)) return setError(t('rates.badPrice'));
    if (lines.some((l) => !Number.isSafeInteger(l.after) || l.after < 0)) return setError(t('rates.badAfter'));
    const free = serviceBilled ? Number(freeReplies.trim() || '0') : 0;
    if (!Number.isSafeInteger(free) || free < 0) return setError(t('rates.badFreeReplies'));
    setBusy(true);
    try {
      rates.value = await businessApi.saveRateCard({ lines, service_billed: serviceBilled, free_service_replies: free });
      setError('');
      setMessage(t('rates.saved'));
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="form rate-overrides" data-testid="rate-overrides" novalidate onSubmit={save} aria-busy={busy ? 'true' : undefined}>
      <h4 class="side-heading">{t('rates.title')}</h4>
      <p class="muted">{t('rates.hint', { currency })}</p>
      {card.meta_volume_tiers.length > 0 ? (
        <div data-testid="rate-meta-tiers">
          <p>{t('rates.metaTiers')}</p>
          <ul class="plain-list">
            {card.meta_volume_tiers.map((tier) => (
              <li key={tierKey(tier)} data-testid="rate-meta-tier">
                {tierPlace(tier)} · {tierRange(tier)}{' '}
                <button type="button" class="button button--small button--secondary" data-testid="rate-meta-tier-price"
                  disabled={priced(tier)} onClick={() => priceTier(tier)}>{t('rates.priceTier')}</button>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {rows.map((r, i) => (
        <div class="rate-override" key={i} data-testid="rate-override">
          <label>{t('rates.market')}
            <input value={r.market} data-testid="rate-override-market" placeholder="91" maxLength={5} onInput={(e) => set(i, { market: (e.currentTarget as HTMLInputElement).value })} />
          </label>
          <label>{t('rates.category')}
            <select value={r.category} data-testid="rate-override-category" onChange={(e) => set(i, { category: (e.currentTarget as HTMLSelectElement).value as Row['category'] })}>
              {CATEGORIES.map((c) => <option key={c} value={c}>{categoryLabel(c)}</option>)}
            </select>
          </label>
          {r.category !== 'marketing' && (
            <label>{t('rates.after')}
              <input value={r.after} inputMode="numeric" data-testid="rate-override-after" onInput={(e) => set(i, { after: (e.currentTarget as HTMLInputElement).value })} />
            </label>
          )}
          <label>{t('rates.price', { currency })}
            <input value={r.price} inputMode="decimal" data-testid="rate-override-price" onInput={(e) => set(i, { price: (e.currentTarget as HTMLInputElement).value })} />
          </label>
          <button type="button" class="button button--small button--secondary" data-testid="rate-override-remove" onClick={() => setRows(rows.filter((_, j) => j !== i))}>{t('rates.remove')}</button>
        </div>
      ))}
      <label class="check">
        <input type="checkbox" checked={serviceBilled} data-testid="rate-service-billed" onChange={(e) => setServiceBilled((e.currentTarget as HTMLInputElement).checked)} />
        {t('rates.serviceBilled')}
      </label>
      {serviceBilled ? (
        <label>
          {t('rates.freeReplies')}
          <input type="text" inputMode="numeric" value={freeReplies} data-testid="rate-free-replies"
            onInput={(e) => setFreeReplies((e.currentTarget as HTMLInputElement).value)} />
        </label>
      ) : null}
      <div class="form-actions">
        <button type="button" class="button button--secondary" data-testid="rate-override-add" onClick={() => setRows([...rows, { market: '', category: 'marketing', price: '', after: '0' }])}>{t('rates.add')}</button>
        <button type="submit" class="button button--primary" data-testid="rate-overrides-save" disabled={busy}>{t('rates.save')}</button>
      </div>
      <div class="form-error" role="alert" data-testid="rate-overrides-error">{error}</div>
      <p role="status" data-testid="rate-overrides-message">{message}</p>
    </form>
  );
}
