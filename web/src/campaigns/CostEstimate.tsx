// The estimated cost: the sendable recipients priced by market with Meta's
// rate card, the total in the business's currency, and the admin's
// confirmation of that total (undone whenever the count changes).
import { t } from '../i18n';
import { money, number } from '../lib/format';
import { estimateOf, foreignMarkets, type Count } from './model';

/** A market's name: its calling code, or the rest of the world. */
const marketLabel = (market: string) => (market === 'other' ? t('campaigns.cost.other') : `+${market}`);

interface Props {
  count: Count;
  confirmed: boolean;
  onConfirm: (confirmed: boolean) => void;
}

export function CostEstimate({ count, confirmed, onConfirm }: Props) {
  const estimate = estimateOf(count);
  const foreign = foreignMarkets(count);
  const total = count.markets.filter((m) => m.currency === count.currency).reduce((a, m) => a + m.amount_minor, 0);
  return (
    <section class="campaign-cost" aria-labelledby="campaign-cost-heading" data-testid="campaign-cost">
      <h2 id="campaign-cost-heading" class="side-heading">{t('campaigns.cost.heading')}</h2>
      {count.markets.length ? (
        <table class="table campaign-table">
          <caption class="visually-hidden">{t('campaigns.cost.caption')}</caption>
          <thead>
            <tr><th scope="col">{t('campaigns.cost.market')}</th><th scope="col" class="num">{t('campaigns.cost.recipients')}</th><th scope="col" class="num">{t('campaigns.cost.amount')}</th></tr>
          </thead>
          <tbody>
            {count.markets.map((m) => (
              <tr key={`${m.market}-${m.currency}`} data-testid="campaign-market" data-market={m.market}>
                <th scope="row">{marketLabel(m.market)}</th>
                <td class="num">{number(m.recipients)}</td>
                <td class="num">{money(m.amount_minor, m.currency)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">{count.done ? t('campaigns.cost.total') : t('campaigns.cost.soFar')}</th>
              <td class="num">{number(count.sendable)}</td>
              <td class="num" data-testid="campaign-cost-total" data-amount-minor={String(total)} data-currency={count.currency ?? ''}>
                {money(total, count.currency)}
              </td>
            </tr>
          </tfoot>
        </table>
      ) : (
        <p class="muted" data-testid="campaign-cost-none">{count.done ? t('campaigns.cost.nobody') : t('campaigns.cost.waiting')}</p>
      )}
      {foreign.length ? <p class="field-hint" data-testid="campaign-cost-foreign">{t('campaigns.cost.foreign', { currency: count.currency ?? '' })}</p> : null}
      <p class="field-hint">{t('campaigns.cost.hint')}</p>
      <label class="check campaign-confirm">
        <input type="checkbox" data-testid="campaign-cost-confirm" checked={confirmed && estimate !== null}
          disabled={estimate === null || estimate.recipients === 0}
          onChange={(e) => onConfirm((e.currentTarget as HTMLInputElement).checked)} />
        <span>
          {estimate
            ? t('campaigns.cost.confirm', { amount: money(estimate.amount_minor, estimate.currency), n: estimate.recipients, count: number(estimate.recipients) })
            : t('campaigns.cost.confirmWait')}
        </span>
      </label>
    </section>
  );
}
