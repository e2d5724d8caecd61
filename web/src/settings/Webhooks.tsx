// Settings → Webhooks (administrators): register receivers, see each one's
// delivery log. A new subscription's signing secret is shown once.
import { useEffect, useState } from 'preact/hooks';
import { items } from '../api/client';
import * as api from '../api/webhooks';
import type { EventType, Webhook } from '../api/webhooks';
import { t } from '../i18n';
import { useError } from '../lib/useError';
import { WebhookItem } from './WebhookItem';
import { WebhookKinds } from './WebhookKinds';
import { WebhookSecret } from './WebhookSecret';

export function Webhooks() {
  const [list, setList] = useState<Webhook[] | null>(null);
  const [error, setError, fail] = useError();
  const [name, setName] = useState('');
  const [url, setUrl] = useState('');
  const [kinds, setKinds] = useState<EventType[]>(['deal.stage_changed']);
  const [secret, setSecret] = useState<string | null>(null);
  const load = () => api.webhooks().then((p) => setList(items(p))).catch(fail);
  useEffect(() => { load(); }, []);
  return (
    <section class="settings-section" aria-labelledby="webhooks-heading" data-testid="settings-webhooks">
      <h2 id="webhooks-heading" class="side-heading">{t('webhooks.title')}</h2>
      <p class="muted">{t('webhooks.intro')}</p>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      {secret ? <WebhookSecret secret={secret} onDismiss={() => setSecret(null)} /> : null}
      {list && list.length === 0 ? <p class="muted">{t('webhooks.none')}</p> : null}
      <ul class="webhook-list">
        {(list ?? []).map((w) => <WebhookItem key={w.id} webhook={w} onChanged={load} />)}
      </ul>
      <form class="field-form webhook-form" data-testid="webhook-form" novalidate onSubmit={async (e) => {
        e.preventDefault();
        try {
          const created = await api.createWebhook({ name: name.trim(), url: url.trim(), kinds, active: true });
          setSecret(created.secret);
          setName('');
          setUrl('');
          setError('');
          load();
        } catch (err) {
          fail(err);
        }
      }}>
        <h3 class="side-heading">{t('webhooks.add')}</h3>
        <label for="webhook-name">{t('webhooks.name')}</label>
        <input id="webhook-name" type="text" data-testid="webhook-name-input" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
        <label for="webhook-url">{t('webhooks.url')}</label>
        <input id="webhook-url" type="url" inputMode="url" placeholder="https://" data-testid="webhook-url-input" value={url} onInput={(e) => setUrl((e.currentTarget as HTMLInputElement).value)} />
        <WebhookKinds idPrefix="new-webhook" value={kinds} onChange={setKinds} />
        <button type="submit" class="button button--primary" data-testid="webhook-submit">{t('webhooks.create')}</button>
      </form>
    </section>
  );
}
