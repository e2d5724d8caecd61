// One export (what × format): starts the job, polls it while it runs, then
// offers its short-lived download link.
import { useEffect, useRef, useState } from 'preact/hooks';
import * as exportsApi from '../api/exports';
import type { ExportFormat, ExportJob, ExportWhat } from '../api/exports';
import { SignedOut } from '../api/client';
import { t } from '../i18n';
import type { Key } from '../i18n/en';
import { generation } from '../lib/session';

const POLL_MS = 1000;

export function ExportButton({ what, format }: { what: ExportWhat; format: ExportFormat }) {
  const [job, setJob] = useState<ExportJob | null>(null);
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  const alive = useRef(true);
  useEffect(() => () => { alive.current = false; }, []);

  const run = async () => {
    const started = generation();
    const current = () => alive.current && started === generation();
    setBusy(true);
    setFailed(false);
    setJob(null);
    try {
      let next = await exportsApi.start(what, format);
      while (current() && (next.status === 'queued' || next.status === 'running')) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
        if (!current()) return;
        next = await exportsApi.job(next.id);
      }
      if (!current()) return;
      setJob(next);
      setFailed(next.status !== 'done' || !next.download_url);
    } catch (e) {
      if (current() && !(e instanceof SignedOut)) setFailed(true);
    } finally {
      if (current()) setBusy(false);
    }
  };

  const label = t('export.start', { what: t(`settings.export.${what}` as Key), format: format.toUpperCase() });
  return (
    <span class="export-item">
      <button type="button" class="button button--small button--secondary" disabled={busy} onClick={run}
        data-testid={`export-${what}-${format}`} aria-label={label}>
        {format.toUpperCase()}
      </button>
      <span role="status" data-testid={`export-status-${what}-${format}`}>
        {busy ? t('export.running') : null}
        {failed ? t('export.failed') : null}
        {job?.status === 'done' && job.download_url ? (
          <a href={job.download_url} download data-testid="export-link" data-export={`${what}-${format}`}>
            {t('export.download', { n: job.rows ?? 0 })}
          </a>
        ) : null}
      </span>
    </span>
  );
}
