// A new campaign: its name, template and where each parameter comes from,
// the segment with its live count, exclusions and estimated cost, and when
// it starts. Review opens once the count is whole and the cost confirmed;
// the confirmation step sends or schedules it.
import { useEffect, useState } from 'preact/hooks';
import * as campaignsApi from '../api/campaigns';
import type { Audience, ParamSource } from '../api/campaigns';
import * as templatesApi from '../api/templates';
import { t } from '../i18n';
import type { Key } from '../i18n/en';
import { navigate } from '../lib/router';
import { useError } from '../lib/useError';
import { AudienceBuilder } from './AudienceBuilder';
import { AudienceCount } from './AudienceCount';
import { BodyPreview } from './BodyPreview';
import { CostEstimate } from './CostEstimate';
import { FixedParts, fixedParts, fixedPartsMissing } from './FixedParts';
import { cleanAudience, cleanParams, emptyAudience, estimateOf, paramReady, placeholders, templateKey, templateProblem } from './model';
import { ParamRows } from './ParamRows';
import { ScheduleChoice, type When } from './ScheduleChoice';
import { SendConfirm } from './SendConfirm';
import { TemplateChoice } from './TemplateChoice';
import { useCatalog } from './useCatalog';
import { useLiveCount } from './useLiveCount';

/** A scheduled start must be at least this far ahead. */
const LEAD_MS = 60_000;

export function CampaignComposer() {
  const [error, setError, fail] = useError();
  const catalog = useCatalog(fail);
  const [name, setName] = useState('');
  const [tplKey, setTplKey] = useState('');
  const [params, setParams] = useState<ParamSource[]>([]);
  const [fixed, setFixed] = useState<Record<string, string>>({});
  const [audience, setAudience] = useState<Audience>(emptyAudience);
  const [when, setWhen] = useState<When>({ mode: 'now' });
  const [confirmedKey, setConfirmedKey] = useState<string | null>(null);
  const [reviewing, setReviewing] = useState(false);
  const [sending, setSending] = useState(false);
  const [sendError, setSendError] = useState('');
  const [syncing, setSyncing] = useState(false);

  const tpl = (catalog.templates ?? []).find((x) => templateKey(x) === tplKey && templateProblem(x) === null) ?? null;
  const tokens = tpl ? placeholders(tpl) : [];
  const ready = tpl !== null && params.length === tokens.length && params.every(paramReady) && fixedPartsMissing(tpl, fixed) === 0;
  const request = ready && tpl
    ? { template: tpl.name, language: tpl.language, params: cleanParams(params), ...fixedParts(tpl, fixed), audience: cleanAudience(audience) }
    : null;
  const live = useLiveCount(request);
  // Any change to the draft undoes the confirmation, even back to a draft confirmed before.
  const requestKey = request ? JSON.stringify(request) : '';
  useEffect(() => setConfirmedKey(null), [requestKey]);
  const estimate = !live.counting && !live.error ? estimateOf(live.count) : null;
  // The confirmation holds for this estimate of this draft only.
  const estimateKey = estimate && request ? JSON.stringify([request, estimate]) : null;
  const confirmed = estimateKey !== null && confirmedKey === estimateKey;
  const at = when.mode === 'later' ? new Date(when.at).getTime() : null;
  const badTime = when.mode === 'later' && !(at !== null && Number.isFinite(at) && at > Date.now() + LEAD_MS);

  let blocker: Key | null = null;
  if (!name.trim()) blocker = 'campaigns.block.name';
  else if (!tpl) blocker = 'campaigns.block.template';
  else if (!ready) blocker = 'campaigns.block.params';
  else if (live.error) blocker = 'campaigns.block.error';
  else if (live.counting || !estimate) blocker = 'campaigns.block.counting';
  else if (estimate.recipients === 0) blocker = 'campaigns.block.nobody';
  else if (!confirmed) blocker = 'campaigns.block.confirm';
  else if (badTime) blocker = 'campaigns.block.time';

  const chooseTemplate = (key: string) => {
    setTplKey(key);
    const next = (catalog.templates ?? []).find((x) => templateKey(x) === key);
    setParams(next ? placeholders(next).map(() => ({ kind: 'text', text: '' })) : []);
    setFixed({});
  };

  const sync = async () => {
    setSyncing(true);
    try {
      await templatesApi.syncTemplates();
      setError('');
      await catalog.reload();
    } catch (e) {
      fail(e);
    } finally {
      setSyncing(false);
    }
  };

  const send = async () => {
    if (!request || !estimate) return;
    setSending(true);
    setSendError('');
    try {
      const created = await campaignsApi.createCampaign({
        name: name.trim(), ...request, send_at: at === null ? null : new Date(at).toISOString(), estimate,
      });
      navigate({ name: 'campaigns', campaign: created.id });
    } catch (e) {
      setSending(false);
      setSendError(e instanceof Error ? e.message : t('app.unreachable'));
    }
  };

  return (
    <section class="page campaign-composer" data-testid="campaign-composer" aria-labelledby="campaign-composer-heading">
      <div class="page-head">
        <h1 id="campaign-composer-heading" class="pane-title">{t('campaigns.new')}</h1>
        <a class="button button--ghost" href="#/campaigns" data-testid="campaign-composer-back">{t('campaigns.backToList')}</a>
      </div>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      <div class="campaign-columns">
        <div class="campaign-column">
          <div class="field">
            <label for="campaign-name">{t('campaigns.name')}</label>
            <input id="campaign-name" type="text" data-testid="campaign-name" maxLength={100} value={name} autocomplete="off"
              onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
          </div>
          {catalog.templates === null ? <p class="muted">{t('campaigns.loadingTemplates')}</p> : (
            <TemplateChoice templates={catalog.templates} value={tplKey} onChange={chooseTemplate} />
          )}
          {catalog.templates !== null && !catalog.templates.some((x) => templateProblem(x) === null) ? (
            <button type="button" class="button button--secondary" data-testid="campaign-sync-templates" disabled={syncing} onClick={sync}>
              {syncing ? t('tpl.syncing') : t('tpl.syncTemplates')}
            </button>
          ) : null}
          {tpl ? (
            <>
              <FixedParts tpl={tpl} values={fixed} onChange={setFixed} />
              <ParamRows tokens={tokens} params={params} onChange={setParams} />
              <BodyPreview tpl={tpl} params={params} />
            </>
          ) : null}
          <AudienceBuilder audience={audience} onChange={setAudience} pipelines={catalog.pipelines} team={catalog.team} />
          <ScheduleChoice when={when} onChange={setWhen} invalid={badTime && when.mode === 'later' && when.at !== ''} />
        </div>
        <div class="campaign-column">
          <AudienceCount live={live} ready={ready} />
          {ready && !live.error ? (
            <CostEstimate count={live.count} confirmed={confirmed} onConfirm={(yes) => setConfirmedKey(yes ? estimateKey : null)} />
          ) : null}
          <div class="campaign-actions">
            <button type="button" class="button button--primary" data-testid="campaign-review" disabled={blocker !== null}
              aria-describedby="campaign-review-hint" onClick={() => { setSendError(''); setReviewing(true); }}>
              {t('campaigns.review')}
            </button>
            <p id="campaign-review-hint" class="field-hint" data-testid="campaign-review-hint">{blocker ? t(blocker) : ''}</p>
          </div>
        </div>
      </div>
      {reviewing && estimate && tpl ? (
        <SendConfirm name={name.trim()} template={`${tpl.name} (${tpl.language})`} estimate={estimate} excluded={live.count.excluded}
          at={at} busy={sending} error={sendError} onSend={send} onClose={() => setReviewing(false)} />
      ) : null}
    </section>
  );
}
