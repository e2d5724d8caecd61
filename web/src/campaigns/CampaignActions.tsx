// Pause, resume or cancel a campaign, as its status allows; cancelling is
// final, so it asks first.
import { useState } from 'preact/hooks';
import * as campaignsApi from '../api/campaigns';
import type { Campaign } from '../api/campaigns';
import { ApiError } from '../api/client';
import { Modal } from '../components/Modal';
import { t } from '../i18n';
import { useError } from '../lib/useError';

type Move = 'pause' | 'resume' | 'cancel';

interface Props {
  campaign: Campaign;
  onChanged: (c: Campaign) => void;
  /** A move the campaign had already left behind (409): look again. */
  onStale: () => void;
}

export function CampaignActions({ campaign: c, onChanged, onStale }: Props) {
  const [busy, setBusy] = useState<Move | null>(null);
  const [asking, setAsking] = useState(false);
  const [error, setError, fail] = useError();
  const mayPause = c.status === 'scheduled' || c.status === 'sending';
  const mayResume = c.status === 'paused';
  const mayCancel = mayPause || mayResume;
  if (!mayCancel && !error) return null;

  const move = async (m: Move) => {
    setBusy(m);
    setError('');
    try {
      onChanged(await campaignsApi[m](c.id));
    } catch (e) {
      fail(e);
      if (e instanceof ApiError && e.status === 409) onStale();
    } finally {
      setBusy(null);
      setAsking(false);
    }
  };

  return (
    <div class="campaign-moves" data-testid="campaign-actions">
      {mayPause ? (
        <button type="button" class="button button--secondary" data-testid="campaign-pause" disabled={busy !== null} onClick={() => move('pause')}>
          {busy === 'pause' ? t('campaigns.pausing') : t('campaigns.pause')}
        </button>
      ) : null}
      {mayResume ? (
        <button type="button" class="button button--primary" data-testid="campaign-resume" disabled={busy !== null} onClick={() => move('resume')}>
          {busy === 'resume' ? t('campaigns.resuming') : t('campaigns.resume')}
        </button>
      ) : null}
      {mayCancel ? (
        <button type="button" class="button button--ghost campaign-cancel" data-testid="campaign-cancel" disabled={busy !== null} onClick={() => setAsking(true)}>
          {t('campaigns.cancel')}
        </button>
      ) : null}
      {error ? <p class="form-error" role="alert" data-testid="campaign-action-error">{error}</p> : null}
      {asking ? (
        <Modal title={t('campaigns.cancelTitle', { name: c.name })} onClose={() => setAsking(false)} testId="campaign-cancel-dialog">
          <p>{t('campaigns.cancelBody')}</p>
          <div class="modal-actions">
            <button type="button" class="button button--secondary" data-testid="campaign-cancel-keep" onClick={() => setAsking(false)}>{t('campaigns.cancelKeep')}</button>
            <button type="button" class="button button--danger" data-testid="campaign-cancel-confirm" disabled={busy !== null} onClick={() => move('cancel')}>
              {busy === 'cancel' ? t('campaigns.cancelling') : t('campaigns.cancelConfirm')}
            </button>
          </div>
        </Modal>
      ) : null}
    </div>
  );
}
