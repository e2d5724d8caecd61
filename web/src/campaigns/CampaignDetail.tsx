// One campaign, live: where it stands, what it sends to whom, the estimate
// that was confirmed, its results as they come in, and pause / resume /
// cancel as its status allows.
import type { Campaign } from '../api/campaigns';
import { t } from '../i18n';
import { fmtFull, money, number, parseTime } from '../lib/format';
import { sourceText } from './BodyPreview';
import { CampaignActions } from './CampaignActions';
import { CampaignResults } from './CampaignResults';
import { RecipientList } from './RecipientList';
import { StatusBadge } from './StatusBadge';
import { useCampaign } from './useCampaign';

/** The segment in words: each filter that narrows it. */
function audienceText(c: Campaign): string {
  const a = c.audience;
  const parts: string[] = [];
  if (a.tag) parts.push(t('campaigns.sum.tag', { tag: a.tag }));
  if (a.stage) parts.push(t('campaigns.sum.stage', { stage: `${a.stage.pipeline} / ${a.stage.stage}` }));
  if (a.owner) parts.push(t('campaigns.sum.owner', { owner: a.owner === 'unassigned' ? t('campaigns.aud.unassigned') : a.owner }));
  if (a.source) parts.push(t('campaigns.sum.source', { source: a.source }));
  if (a.field) parts.push(`${a.field.name} = ${a.field.value}`);
  if (a.inbound_within_days) parts.push(t('campaigns.sum.recent', { n: a.inbound_within_days }));
  if (a.opted_in_only) parts.push(t('campaigns.aud.optedIn'));
  return parts.length ? parts.join(' · ') : t('campaigns.sum.everyone');
}

function Facts({ c }: { c: Campaign }) {
  const sendAt = parseTime(c.send_at);
  const finished = parseTime(c.finished_at);
  return (
    <dl class="kv campaign-facts">
      <dt>{t('campaigns.template')}</dt><dd>{`${c.template} (${c.language})`}</dd>
      {c.params.length ? <><dt>{t('campaigns.params')}</dt><dd>{c.params.map((p, i) => `{{${i + 1}}} ${sourceText(p)}`).join(', ')}</dd></> : null}
      <dt>{t('campaigns.audience')}</dt><dd data-testid="campaign-audience-text">{audienceText(c)}</dd>
      <dt>{c.status === 'scheduled' ? t('campaigns.startsAt') : t('campaigns.startedAt')}</dt><dd>{sendAt === null ? '—' : fmtFull(sendAt)}</dd>
      {finished !== null ? <><dt>{t('campaigns.finishedAt')}</dt><dd>{fmtFull(finished)}</dd></> : null}
      <dt>{t('campaigns.estimate')}</dt>
      <dd data-testid="campaign-estimate">{t('campaigns.estimateText', { amount: money(c.estimate_minor, c.currency), n: c.estimated_recipients, count: number(c.estimated_recipients) })}</dd>
      <dt>{t('campaigns.createdBy')}</dt><dd>{c.created_by}</dd>
    </dl>
  );
}

export function CampaignDetail({ id }: { id: string }) {
  const { campaign: c, error, show, refresh } = useCampaign(id);
  return (
    <section class="page campaign-detail" data-testid="campaign-detail" data-campaign-id={id} aria-labelledby="campaign-detail-heading">
      <div class="page-head">
        <h1 id="campaign-detail-heading" class="pane-title">{c ? c.name : t('campaigns.title')}</h1>
        <a class="button button--ghost" href="#/campaigns" data-testid="campaign-detail-back">{t('campaigns.backToList')}</a>
      </div>
      {error ? <p class="form-error" role="alert" data-testid="campaign-detail-error">{error}</p> : null}
      {c === null ? (error ? null : <p class="muted">{t('app.loading')}</p>) : (
        <>
          <div class="campaign-standing">
            <StatusBadge status={c.status} testId="campaign-status" />
            <CampaignActions campaign={c} onChanged={show} onStale={refresh} />
          </div>
          {c.note ? <p class="optout-note" data-testid="campaign-note">{c.note}</p> : null}
          <Facts c={c} />
          <CampaignResults campaign={c} />
          <RecipientList id={c.id} />
        </>
      )}
    </section>
  );
}
