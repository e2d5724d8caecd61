// What a campaign came to so far: how far the sending got, sent /
// delivered / read / replied / failed / opted out after, what Meta billed
// (from the pricing on its statuses), the failures by Meta's code and who
// was left out, by reason.
import type { Campaign, CampaignTotals } from '../api/campaigns';
import { t } from '../i18n';
import type { Key } from '../i18n/en';
import { money, number } from '../lib/format';
import { exclusionLabel } from './AudienceCount';
import { excludedTotal } from './model';

const FIGURES = ['sent', 'delivered', 'read', 'replied', 'failed', 'opted_out_after', 'queued'] as const;
/** Meta's codes a campaign meets most, in words; the rest by number. */
const KNOWN_CODES = ['0', '131026', '131047', '131049', '131050', '132001', '132015', '132016', '130472'];

const codeLabel = (code: string) => (KNOWN_CODES.includes(code) ? t(`campaigns.code.${code}` as Key) : t('campaigns.code.other'));

const zero: CampaignTotals = {
  recipients: 0, queued: 0, sent: 0, delivered: 0, read: 0, failed: 0, failed_by_code: {}, excluded: {}, replied: 0, opted_out_after: 0,
  billed: 0, free: 0, billed_cost_minor: 0,
};

export function CampaignResults({ campaign }: { campaign: Campaign }) {
  const totals = campaign.totals ?? zero;
  const left = excludedTotal(totals.excluded);
  const handed = Math.max(0, totals.recipients - left);
  const planned = Math.max(campaign.estimated_recipients, handed);
  const failures = Object.entries(totals.failed_by_code).filter(([, n]) => n > 0).sort(([, a], [, b]) => b - a);
  const reasons = Object.entries(totals.excluded).filter(([, n]) => n > 0);
  return (
    <section class="campaign-results" aria-labelledby="campaign-results-heading" data-testid="campaign-results">
      <h2 id="campaign-results-heading" class="side-heading">{t('campaigns.results')}</h2>
      <div class="campaign-progress">
        <label for="campaign-progress-bar">{t('campaigns.progress', { done: number(handed), n: planned, total: number(planned) })}</label>
        <progress id="campaign-progress-bar" class="import-bar" data-testid="campaign-progress" max={Math.max(planned, 1)}
          value={campaign.status === 'finished' ? Math.max(planned, 1) : handed} />
      </div>
      <dl class="stat-cards campaign-figures">
        {FIGURES.map((f) => (
          <div class="stat" key={f}>
            <dt class="stat-label">{t(`campaigns.fig.${f}` as Key)}</dt>
            <dd class="stat-value" data-testid={`campaign-${f}`} data-value={String(totals[f])}>{number(totals[f])}</dd>
          </div>
        ))}
      </dl>
      <p class="campaign-cost" data-testid="campaign-cost" data-value={String(totals.billed_cost_minor)}
        data-billed={String(totals.billed)} data-free={String(totals.free)}>
        {t('campaigns.billedCost', {
          billed: number(totals.billed),
          cost: money(totals.billed_cost_minor, campaign.currency),
          free: number(totals.free),
          pending: number(Math.max(0, totals.sent - totals.billed - totals.free)),
          estimate: money(campaign.estimate_minor, campaign.currency),
        })}
      </p>
      {failures.length ? (
        <table class="table campaign-table" data-testid="campaign-failures">
          <caption class="campaign-caption">{t('campaigns.failedByCode')}</caption>
          <thead><tr><th scope="col">{t('campaigns.code')}</th><th scope="col">{t('campaigns.codeMeaning')}</th><th scope="col" class="num">{t('campaigns.count.contacts')}</th></tr></thead>
          <tbody>
            {failures.map(([code, n]) => (
              <tr key={code} data-testid="campaign-failure" data-code={code} data-value={String(n)}>
                <th scope="row">{code}</th><td>{codeLabel(code)}</td><td class="num">{number(n)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {reasons.length ? (
        <table class="table campaign-table" data-testid="campaign-excluded">
          <caption class="campaign-caption">{t('campaigns.excludedByReason')}</caption>
          <thead><tr><th scope="col">{t('campaigns.count.reason')}</th><th scope="col" class="num">{t('campaigns.count.contacts')}</th></tr></thead>
          <tbody>
            {reasons.map(([reason, n]) => (
              <tr key={reason} data-testid="campaign-excluded-reason" data-reason={reason} data-value={String(n)}>
                <th scope="row">{exclusionLabel(reason)}</th><td class="num">{number(n)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
