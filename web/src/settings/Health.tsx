// The deployment's health for administrators: whether customers' messages
// still arrive, queues and their dead letters (with a redrive), whether Meta
// still takes the access token, what Meta says of each number's quality and
// account, the volume tiers Meta moved the accounts to, and the versions
// deployed.
import { useEffect, useState } from 'preact/hooks';
import * as healthApi from '../api/health';
import type { Health as HealthReport } from '../api/health';
import { t } from '../i18n';
import { fmtFull, parseTime } from '../lib/format';
import { useError } from '../lib/useError';
import { NumberStandings } from './NumberStandings';
import { QueueCard } from './QueueCard';
import { VolumeTiers } from './VolumeTiers';

function TokenState({ report }: { report: HealthReport }) {
  if (report.access_token === 'valid') return <span class="health-good">{t('health.tokenValid')}</span>;
  if (report.access_token === 'rejected') {
    return (
      <span class="health-bad">
        {t('health.tokenRejected', { code: String(report.access_token_code ?? '') })}
        <span class="muted"> {t('health.tokenRenew')}</span>
      </span>
    );
  }
  return <span class="muted">{t('health.tokenUnknown')}</span>;
}

function LastArrival({ report }: { report: HealthReport }) {
  if (!report.last_customer_message_known) return <span class="muted">{t('health.unreadable')}</span>;
  const at = parseTime(report.last_customer_message_at);
  return <span>{at === null ? t('health.noMessageYet') : fmtFull(at)}</span>;
}

export function Health() {
  const [report, setReport] = useState<HealthReport | null>(null);
  const [moved, setMoved] = useState<string>('');
  const [error, setError, fail] = useError();
  const load = () => healthApi.health().then((r) => { setReport(r); setError(''); }).catch(fail);
  useEffect(() => { load(); }, []);
  const pending = report?.migrations_pending;
  return (
    <section class="settings-section" aria-labelledby="health-heading" data-testid="settings-health">
      <h2 id="health-heading" class="side-heading">{t('health.title')}</h2>
      <button type="button" class="button button--secondary" data-testid="health-refresh" onClick={load}>{t('health.refresh')}</button>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      {moved ? <p role="status" data-testid="health-moved">{moved}</p> : null}
      {report ? (
        <>
          <dl class="health-facts">
            <dt>{t('health.lastMessage')}</dt><dd data-testid="health-last-message"><LastArrival report={report} /></dd>
            <dt>{t('health.token')}</dt><dd data-testid="health-token"><TokenState report={report} /></dd>
            <dt>{t('health.codeVersion')}</dt><dd data-testid="health-code-version">{report.code_version}</dd>
            <dt>{t('health.dataVersion')}</dt>
            <dd data-testid="health-data">
              {pending === null || pending === undefined
                ? t('health.unreadable')
                : pending.length === 0
                  ? t('health.dataCurrent', { version: String(report.data_version) })
                  : t('health.dataPending', { steps: pending.join(', ') })}
            </dd>
          </dl>
          <h3 class="side-heading">{t('health.queues')}</h3>
          {report.queues ? (
            <ul class="queue-cards" data-testid="health-queues">
              {report.queues.map((q) => (
                <QueueCard key={q.queue} queue={q} onMoved={(n) => { setMoved(t('health.moved', { n, queue: q.queue })); load(); }} />
              ))}
            </ul>
          ) : <p class="muted">{t('health.unreadable')}</p>}
          <h3 class="side-heading">{t('health.numbers')}</h3>
          <NumberStandings numbers={report.numbers} />
          <h3 class="side-heading">{t('health.volumeTiers')}</h3>
          <VolumeTiers tiers={report.volume_tiers} />
        </>
      ) : null}
    </section>
  );
}
