// The last step before a campaign goes: what it sends, to how many, who is
// left out, what it is estimated to cost and when it starts.
import type { CampaignEstimate } from '../api/campaigns';
import { Modal } from '../components/Modal';
import { t } from '../i18n';
import { fmtFull, money, number } from '../lib/format';
import { exclusionLabel } from './AudienceCount';
import { excludedTotal } from './model';

interface Props {
  name: string;
  template: string;
  estimate: CampaignEstimate;
  excluded: Record<string, number>;
  /** When it starts (ms); null: now. */
  at: number | null;
  busy: boolean;
  error: string;
  onSend: () => void;
  onClose: () => void;
}

export function SendConfirm({ name, template, estimate, excluded, at, busy, error, onSend, onClose }: Props) {
  const left = Object.entries(excluded).filter(([, n]) => n > 0);
  return (
    <Modal title={t('campaigns.confirm.title', { name })} onClose={onClose} testId="campaign-confirm">
      <dl class="kv campaign-summary">
        <dt>{t('campaigns.template')}</dt><dd>{template}</dd>
        <dt>{t('campaigns.confirm.recipients')}</dt><dd data-testid="campaign-confirm-recipients">{number(estimate.recipients)}</dd>
        <dt>{t('campaigns.confirm.excluded')}</dt>
        <dd data-testid="campaign-confirm-excluded">
          {number(excludedTotal(excluded))}
          {left.length ? ` (${left.map(([reason, n]) => `${exclusionLabel(reason)}: ${number(n)}`).join(', ')})` : ''}
        </dd>
        <dt>{t('campaigns.confirm.cost')}</dt><dd data-testid="campaign-confirm-cost">{money(estimate.amount_minor, estimate.currency)}</dd>
        <dt>{t('campaigns.confirm.when')}</dt><dd>{at === null ? t('campaigns.whenNow') : fmtFull(at)}</dd>
      </dl>
      {error ? <p class="form-error" role="alert" data-testid="campaign-confirm-error">{error}</p> : null}
      <div class="modal-actions">
        <button type="button" class="button button--secondary" data-testid="campaign-confirm-back" onClick={onClose}>{t('campaigns.confirm.back')}</button>
        <button type="button" class="button button--primary" data-testid="campaign-send" disabled={busy} onClick={onSend}>
          {busy ? t('campaigns.confirm.sending') : at === null
            ? t('campaigns.confirm.sendNow', { n: estimate.recipients, count: number(estimate.recipients) })
            : t('campaigns.confirm.schedule')}
        </button>
      </div>
    </Modal>
  );
}
