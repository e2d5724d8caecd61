// How a feed Parley reads itself (Facebook Lead Ads, IndiaMART) is doing:
// leads taken and refused, when the last came, and what went wrong last.
import type { LeadFeed } from '../api/leads';
import { t } from '../i18n';
import type { Key } from '../i18n/en';

const OUTCOME: Record<LeadFeed['outcome'], Key> = {
  ok: 'leads.feedOk',
  rate_limited: 'leads.feedRateLimited',
  key_rejected: 'leads.feedKeyRejected',
  failed: 'leads.feedFailed',
  no_key: 'leads.feedNoKey',
};

const when = (at: string | null | undefined) => (at ? new Date(at).toLocaleString() : t('leads.feedNever'));

export function LeadFeedStatus({ feed }: { feed: LeadFeed | null | undefined }) {
  if (!feed) return <p class="muted" data-testid="lead-feed">{t('leads.feedWaiting')}</p>;
  const healthy = feed.outcome === 'ok';
  return (
    <dl class="kv" data-testid="lead-feed" data-outcome={feed.outcome}>
      <dt>{t('leads.feedState')}</dt>
      <dd class={healthy ? undefined : 'form-error'} data-testid="lead-feed-outcome">{t(OUTCOME[feed.outcome])}{feed.detail ? ` — ${feed.detail}` : ''}</dd>
      <dt>{t('leads.feedTaken')}</dt>
      <dd data-testid="lead-feed-taken">{t('leads.feedCounts', { taken: feed.leads_taken, refused: feed.leads_refused })}</dd>
      <dt>{t('leads.feedLastLead')}</dt><dd>{when(feed.last_lead_at)}</dd>
      <dt>{t('leads.feedLastCall')}</dt><dd>{when(feed.last_call_at)}</dd>
    </dl>
  );
}
