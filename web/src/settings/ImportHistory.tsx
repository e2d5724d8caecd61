// Recent contact imports, newest first: file, who and when, status, what
// became of the rows, the report link; an import never started can be
// mapped and started from here.
import type { ImportJob } from '../api/imports';
import { t } from '../i18n';
import { fmtFull, number, parseTime } from '../lib/format';
import { COUNTS, statusLabel } from './ImportProgress';
import type { Key } from '../i18n/en';

function counts(job: ImportJob): string {
  return COUNTS.map((c) => `${t(`imports.count.${c}` as Key)} ${number(job[c])}`).join(' · ');
}

export function ImportHistory({ list, current, onResume }: {
  list: ImportJob[] | null;
  /** The import on screen above (not offered again). */
  current: string | null;
  onResume: (job: ImportJob) => void;
}) {
  return (
    <section class="import-history-section" aria-labelledby="import-history-heading">
      <h3 id="import-history-heading" class="import-heading">{t('imports.history')}</h3>
      {list && !list.length ? <p class="muted">{t('imports.historyNone')}</p> : null}
      <ul class="import-history" data-testid="import-history">
        {(list ?? []).map((job) => {
          const at = parseTime(job.requested_at);
          return (
            <li key={job.id} class="import-history-item" data-testid="import-history-row" data-id={job.id} data-status={job.status}>
              <div class="import-history-head">
                <strong class="import-filename">{job.filename}</strong>
                <span class={`import-status import-status--${job.status}`}>{statusLabel(job)}</span>
              </div>
              <p class="muted import-meta">{t('imports.requested', { when: at !== null ? fmtFull(at) : job.requested_at, who: job.requested_by })}</p>
              {job.status === 'awaiting_upload' ? null : <p class="import-meta">{t('imports.rowsCount', { n: job.rows })} — {counts(job)}</p>}
              {job.status === 'failed' && job.error ? <p class="form-error import-meta">{job.error}</p> : null}
              {job.report_url ? <a href={job.report_url} download data-testid="import-history-report" aria-label={t('imports.reportLabel', { file: job.filename })}>{t('imports.report')}</a> : null}
              {job.status === 'awaiting_upload' && job.id !== current ? (
                <button class="button button--small button--secondary" type="button" data-testid="import-history-resume"
                  aria-label={t('imports.resumeLabel', { file: job.filename })} onClick={() => onResume(job)}>{t('imports.resume')}</button>
              ) : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
