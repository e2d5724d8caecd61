// One webhook's delivery log, newest first: each delivery's state and
// attempts, a Redeliver button on failed and dead ones, and more on demand.
import { useEffect, useState } from 'preact/hooks';
import { items } from '../api/client';
import * as api from '../api/webhooks';
import type { WebhookDelivery } from '../api/webhooks';
import { t } from '../i18n';
import type { Key } from '../i18n/en';
import { fmtFull, parseTime } from '../lib/format';
import { useError } from '../lib/useError';

const when = (iso: string) => {
  const at = parseTime(iso);
  return at !== null ? fmtFull(at) : iso;
};

function attemptText(a: api.WebhookAttempt): string {
  const outcome = a.status !== null && a.status !== undefined ? `HTTP ${a.status}` : t(`webhooks.error.${a.error ?? 'transport'}` as Key);
  return t('webhooks.attempt', { when: when(a.at), outcome, ms: a.duration_ms });
}

export function WebhookDeliveries({ webhookId, refresh }: { webhookId: string; refresh: number }) {
  const [list, setList] = useState<WebhookDelivery[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError, fail] = useError();
  const load = () => api.deliveries(webhookId, null).then((p) => { setList(items(p)); setCursor(p.next_cursor ?? null); setError(''); }).catch(fail);
  useEffect(() => { load(); }, [webhookId, refresh]);
  return (
    <div class="webhook-log" data-testid="webhook-log">
      <div class="webhook-actions">
        <h4 class="side-heading">{t('webhooks.log')}</h4>
        <button type="button" class="button button--small button--ghost" data-testid="webhook-log-refresh" onClick={load}>{t('webhooks.refresh')}</button>
      </div>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      {list && list.length === 0 ? <p class="muted">{t('webhooks.noDeliveries')}</p> : null}
      <ul class="webhook-deliveries">
        {(list ?? []).map((d) => (
          <li key={d.id} data-testid="webhook-delivery" data-state={d.state}>
            <span class={`chip webhook-state webhook-state--${d.state}`} data-testid="webhook-delivery-state">{t(`webhooks.state.${d.state}` as Key)}</span>
            {' '}<code>{d.event_type}</code> <span class="muted">{when(d.created_at)}</span>
            <ul class="webhook-attempts">
              {d.attempts.map((a, i) => <li key={i} data-testid="webhook-attempt">{attemptText(a)}</li>)}
            </ul>
            {d.state === 'failed' || d.state === 'dead' ? (
              <button type="button" class="button button--small button--secondary" data-testid="webhook-redeliver" onClick={async () => {
                try {
                  await api.redeliver(webhookId, d.id);
                  load();
                } catch (e) {
                  fail(e);
                }
              }}>{t('webhooks.redeliver')}</button>
            ) : null}
          </li>
        ))}
      </ul>
      {cursor ? (
        <button type="button" class="button button--small button--ghost" data-testid="webhook-log-more" onClick={() =>
          api.deliveries(webhookId, cursor).then((p) => { setList([...(list ?? []), ...items(p)]); setCursor(p.next_cursor ?? null); }).catch(fail)}>
          {t('webhooks.more')}
        </button>
      ) : null}
    </div>
  );
}
