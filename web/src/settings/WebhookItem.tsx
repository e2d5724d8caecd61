// One webhook subscription: pause or resume, edit its event types, rotate
// its secret, send a test event, delete it, and its delivery log.
import { useState } from 'preact/hooks';
import * as api from '../api/webhooks';
import type { EventType, Webhook } from '../api/webhooks';
import { t } from '../i18n';
import { useError } from '../lib/useError';
import { WebhookDeliveries } from './WebhookDeliveries';
import { WebhookKinds } from './WebhookKinds';
import { WebhookSecret } from './WebhookSecret';

export function WebhookItem({ webhook, onChanged }: { webhook: Webhook; onChanged: () => void }) {
  const [error, setError, fail] = useError();
  const [kinds, setKinds] = useState<EventType[]>(webhook.kinds);
  const [editing, setEditing] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [refresh, setRefresh] = useState(0);
  const act = async (action: () => Promise<unknown>) => {
    try {
      await action();
      setError('');
      onChanged();
    } catch (e) {
      fail(e);
    }
  };
  return (
    <li class="webhook" data-testid="webhook" data-id={webhook.id}>
      <div class="webhook-head">
        <strong data-testid="webhook-name">{webhook.name}</strong>
        {!webhook.active ? <span class="chip chip--closed" data-testid="webhook-paused">{t('webhooks.paused')}</span> : null}
        <span class="webhook-url">{webhook.url}</span>
      </div>
      <p class="muted">{webhook.kinds.join(', ')}</p>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      <div class="webhook-actions">
        <button type="button" class="button button--small button--secondary" data-testid="webhook-test" onClick={() =>
          act(async () => { await api.sendTest(webhook.id); setRefresh((n) => n + 1); })}>{t('webhooks.sendTest')}</button>
        <button type="button" class="button button--small button--ghost" data-testid="webhook-pause" onClick={() =>
          act(() => api.updateWebhook(webhook.id, { active: !webhook.active }))}>{webhook.active ? t('webhooks.pause') : t('webhooks.resume')}</button>
        <button type="button" class="button button--small button--ghost" data-testid="webhook-edit" aria-expanded={editing} onClick={() => setEditing(!editing)}>{t('webhooks.editKinds')}</button>
        <button type="button" class="button button--small button--ghost" data-testid="webhook-rotate" onClick={() =>
          act(async () => { if (confirm(t('webhooks.rotateConfirm'))) setSecret((await api.rotateSecret(webhook.id)).secret); })}>{t('webhooks.rotate')}</button>
        <button type="button" class="button button--small button--ghost" data-testid="webhook-delete" onClick={() =>
          act(async () => { if (confirm(t('webhooks.deleteConfirm', { name: webhook.name }))) await api.deleteWebhook(webhook.id); })}>{t('webhooks.delete')}</button>
      </div>
      {secret ? <WebhookSecret secret={secret} onDismiss={() => setSecret(null)} /> : null}
      {editing ? (
        <form class="field-form" data-testid="webhook-kinds-form" onSubmit={(e) => {
          e.preventDefault();
          act(async () => { await api.updateWebhook(webhook.id, { kinds }); setEditing(false); });
        }}>
          <WebhookKinds idPrefix={`kinds-${webhook.id}`} value={kinds} onChange={setKinds} />
          <button type="submit" class="button button--primary" data-testid="webhook-kinds-save">{t('webhooks.save')}</button>
        </form>
      ) : null}
      <WebhookDeliveries webhookId={webhook.id} refresh={refresh} />
    </li>
  );
}
