// A running or finished contact import: its status, the rows read so far
// and what became of them, then a summary, the report of the rows it
// refused or skipped (each with its reason), or why the import failed.
import type { ImportJob } from '../api/imports';
import { isActive } from '../api/imports';
import { t } from '../i18n';
import type { Key } from '../i18n/en';
import { number } from '../lib/format';

/** The counters, in the order they are shown. */
export const COUNTS = ['created', 'updated', 'unchanged', 'rejected', 'skipped'] as const;

export const statusLabel = (job: Pick<ImportJob, 'status'>) => t(`imports.status.${job.status}` as Key);

/** Rows taken, rejected or skipped so far. */
const processed = (job: ImportJob) => COUNTS.reduce((n, c) => n + job[c], 0);

export function ImportProgress({ job }: { job: ImportJob }) {
  const active = isActive(job);
  return (
    <section class="import-progress" aria-labelledby="import-progress-heading" data-testid="import-progress" aria-busy={active ? 'true' : undefined}>
      <h3 id="import-progress-heading" class="import-heading">{t('imports.progressTitle', { file: job.filename })}</h3>
      <p role="status" class={`import-status import-status--${job.status}`} data-testid="import-status" data-status={job.status}>{statusLabel(job)}</p>
      {active ? (
        job.rows > 0
          ? <progress class="import-bar" aria-labelledby="import-progress-heading" max={job.rows} value={processed(job)}
              aria-valuetext={t('imports.processed', { done: number(processed(job)), n: job.rows })} />
          : <progress class="import-bar" aria-labelledby="import-progress-heading" />
      ) : null}
      <dl class="kv import-counts">
        <dt>{t('imports.rowsRead')}</dt><dd data-testid="import-rows">{number(job.rows)}</dd>
        {COUNTS.map((c) => [
          <dt key={`${c}-t`}>{t(`imports.count.${c}` as Key)}</dt>,
          <dd key={`${c}-d`} data-testid={`import-${c}`}>{number(job[c])}</dd>,
        ])}
      </dl>
      {job.status === 'done' ? (
        <p data-testid="import-summary">
          {t('imports.summary', { n: job.rows, created: number(job.created), updated: number(job.updated), unchanged: number(job.unchanged), refused: number(job.rejected + job.skipped) })}
        </p>
      ) : null}
      {job.status === 'failed' ? <p class="form-error" data-testid="import-failure">{job.error || t('imports.failedUnknown')}</p> : null}
      {job.report_url ? (
        <p>
          <a class="import-report-link" href={job.report_url} download data-testid="import-report">{t('imports.report')}</a>{' '}
          <span class="muted">{t('imports.reportHint')}</span>
        </p>
      ) : null}
    </section>
  );
}
