// A signing secret, shown once after creation or rotation, with a copy button.
import { useState } from 'preact/hooks';
import { t } from '../i18n';

export function WebhookSecret({ secret, onDismiss }: { secret: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div class="webhook-secret" role="status" data-testid="webhook-secret-wrap">
      <p>{t('webhooks.secretOnce')}</p>
      <output data-testid="webhook-secret">{secret}</output>
      <span class="webhook-actions">
        <button type="button" class="button button--small button--secondary" data-testid="webhook-secret-copy" onClick={async () => {
          try {
            await navigator.clipboard.writeText(secret);
            setCopied(true);
          } catch {
            setCopied(false);
          }
        }}>{copied ? t('webhooks.copied') : t('webhooks.copy')}</button>
        <button type="button" class="button button--small button--ghost" data-testid="webhook-secret-dismiss" onClick={onDismiss}>{t('webhooks.secretSaved')}</button>
      </span>
    </div>
  );
}
