// For administrators, in the top bar: how many messages wait in the
// dead-letter queues (each one also alarms by e-mail); it opens the health
// page, where they are redriven.
import { useEffect, useState } from 'preact/hooks';
import * as exportsApi from '../api/exports';
import type { DeadLetterQueue } from '../api/exports';
import { t } from '../i18n';
import { href } from '../lib/router';
import { generation } from '../lib/session';

export function DeadLetters() {
  const [queues, setQueues] = useState<DeadLetterQueue[] | null>(null);
  useEffect(() => {
    const started = generation();
    exportsApi
      .deadLetters()
      .then((r) => { if (started === generation()) setQueues(Array.isArray(r?.items) ? r.items : []); })
      .catch(() => { /* the count is a hint; the alarm e-mail is the signal */ });
  }, []);
  if (!queues) return null;
  const depth = queues.reduce((sum, q) => sum + Number(q.approximate_depth ?? 0), 0);
  const detail = queues.map((q) => `${q.queue}: ${Number(q.approximate_depth ?? 0)}`).join(', ');
  return (
    <a class={`dead-letters${depth > 0 ? ' dead-letters--waiting' : ''}`} data-testid="dead-letters"
      href={href({ name: 'settings', section: 'health' })} title={`${t('shell.deadLettersTitle')} (${detail})`}>
      {t('shell.deadLetters', { n: depth })}
    </a>
  );
}
