// One work queue beside its dead-letter queue, with the redrive action.
import { useState } from 'preact/hooks';
import type { DeadLetterQueue } from '../api/exports';
import * as healthApi from '../api/health';
import { t } from '../i18n';
import { number } from '../lib/format';
import { useError } from '../lib/useError';

export function QueueCard({ queue, onMoved }: { queue: DeadLetterQueue; onMoved: (moved: number) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError, fail] = useError();
  const dead = Number(queue.approximate_depth ?? 0);
  const redrive = async () => {
    setBusy(true);
    try {
      const r = await healthApi.redrive(queue.queue);
      setError('');
      onMoved(Number(r.moved ?? 0));
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="queue-card" data-testid={`health-queue-${queue.queue}`}>
      <h4 class="queue-card-name">{queue.queue}</h4>
      <dl class="health-facts">
        <dt>{t('health.waiting')}</dt><dd>{number(Number(queue.work_waiting ?? 0))}</dd>
        <dt>{t('health.inFlight')}</dt><dd>{number(Number(queue.work_in_flight ?? 0))}</dd>
        <dt>{t('health.dead')}</dt><dd class={dead > 0 ? 'health-bad' : undefined} data-testid="health-dead">{number(dead)}</dd>
      </dl>
      {queue.first.length > 0 ? (
        <ul class="plain-list" aria-label={t('health.deadFirst')}>
          {queue.first.map((m) => (
            <li key={m.sqs_message_id}><code>{Object.entries(m.refers_to).map(([k, v]) => `${k}=${v}`).join(' ') || m.sqs_message_id}</code></li>
          ))}
        </ul>
      ) : null}
      <button type="button" class="button button--secondary" data-testid="health-redrive" disabled={busy || dead === 0} onClick={redrive}>
        {busy ? t('health.redriving') : t('health.redrive')}
      </button>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
    </li>
  );
}
