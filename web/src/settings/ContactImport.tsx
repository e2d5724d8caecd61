// Settings → Import contacts (managers and admins): choose a CSV, which is
// uploaded straight to the bucket; map its columns (the API suggests each)
// with its first rows in view; start it and watch the counts; download the
// report of the rows it refused or skipped. Recent imports below.
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, items, SignedOut } from '../api/client';
import * as dealsApi from '../api/deals';
import type { Pipeline } from '../api/deals';
import * as importsApi from '../api/imports';
import type { ImportJob, ImportPreview } from '../api/imports';
import { t } from '../i18n';
import { generation } from '../lib/session';
import { useError } from '../lib/useError';
import { ImportHistory } from './ImportHistory';
import { ImportMapping } from './ImportMapping';
import { ImportProgress } from './ImportProgress';

const POLL_MS = 1000;
/** While an import someone else started is running, the list refreshes this often. */
const HISTORY_POLL_MS = 5000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Step = 'choose' | 'uploading' | 'mapping' | 'importing';

export function ContactImport() {
  const [step, setStep] = useState<Step>('choose');
  const [job, setJob] = useState<ImportJob | null>(null);
  const [preview, setPreview] = useState<ImportPreview | null>(null);
  const [pipelines, setPipelines] = useState<Pipeline[]>([]);
  const [recent, setRecent] = useState<ImportJob[] | null>(null);
  const [error, setError, fail] = useError();
  const alive = useRef(true);
  // Each chosen file (or resumed job) is a run; an older run's answers are dropped.
  const run = useRef(0);
  useEffect(() => () => { alive.current = false; }, []);

  const loadRecent = () => importsApi.imports().then((p) => { if (alive.current) setRecent(items(p)); }).catch(fail);
  useEffect(() => {
    loadRecent();
    dealsApi.pipelines().then((p) => setPipelines(items(p))).catch(fail);
  }, []);

  // Someone's import still running in the list: look again in a while.
  const othersActive = (recent ?? []).some((j) => importsApi.isActive(j) && j.id !== job?.id);
  useEffect(() => {
    if (!othersActive) return undefined;
    const timer = setTimeout(loadRecent, HISTORY_POLL_MS);
    return () => clearTimeout(timer);
  }, [recent, othersActive]);

  const begin = () => {
    const mine = ++run.current;
    const session = generation();
    return () => alive.current && mine === run.current && session === generation();
  };

  /** The preview, once the PUT is visible to the API (409 not_uploaded until then). */
  const previewOf = async (id: string, current: () => boolean, retries: number) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await importsApi.preview(id);
      } catch (e) {
        if (!(e instanceof ApiError && e.code === 'not_uploaded' && attempt < retries && current())) throw e;
        await sleep(500);
      }
    }
  };

  const toMapping = async (created: ImportJob, current: () => boolean, file?: File) => {
    if (file) {
      if (!created.upload_url) throw new ApiError(500, 'no_upload_url', t('imports.noUploadUrl'));
      await importsApi.putCsv(created.upload_url, file);
      if (!current()) return;
    }
    const p = await previewOf(created.id, current, file ? 8 : 0);
    if (!current()) return;
    setPreview(p);
    setStep('mapping');
  };

  const choose = async (file: File) => {
    const current = begin();
    setJob(null);
    setPreview(null);
    setError('');
    if (!/\.csv$/i.test(file.name)) { setStep('choose'); setError(t('imports.notCsv')); return; }
    if (file.size > importsApi.MAX_BYTES) { setStep('choose'); setError(t('imports.tooLarge', { mb: importsApi.MAX_BYTES / (1024 * 1024) })); return; }
    setStep('uploading');
    try {
      const created = await importsApi.createImport({ filename: file.name, size: file.size });
      if (!current()) return;
      setJob(created);
      await toMapping(created, current, file);
    } catch (e) {
      if (!current()) return;
      setStep('choose');
      fail(e);
    } finally {
      if (current()) loadRecent();
    }
  };

  const resume = async (pending: ImportJob) => {
    const current = begin();
    setJob(pending);
    setPreview(null);
    setError('');
    setStep('uploading');
    try {
      await toMapping(pending, current);
    } catch (e) {
      if (!current()) return;
      setStep('choose');
      setJob(null);
      fail(e);
    }
  };

  const follow = async (started: ImportJob) => {
    const current = begin();
    setError('');
    setJob(started);
    setStep('importing');
    let next = started;
    while (current() && importsApi.isActive(next)) {
      await sleep(POLL_MS);
      if (!current()) return;
      try {
        next = await importsApi.importJob(next.id);
        if (!current()) return;
        setJob(next);
        setError('');
      } catch (e) {
        if (e instanceof SignedOut || !current()) return;
        fail(e); // shown while it retries
      }
    }
    if (current()) loadRecent();
  };

  const shownRecent = recent && job ? recent.map((j) => (j.id === job.id ? job : j)) : recent;
  const busy = step === 'uploading' || (step === 'importing' && job !== null && importsApi.isActive(job));
  return (
    <section class="settings-section" aria-labelledby="import-heading" data-testid="settings-import">
      <h2 id="import-heading" class="side-heading">{t('imports.title')}</h2>
      <p class="muted">{t('imports.note')}</p>
      <div class="field import-file">
        <label for="import-file">{t('imports.file')}</label>
        <input id="import-file" type="file" accept=".csv,text/csv" data-testid="import-file" disabled={busy} aria-describedby="import-file-hint"
          onChange={(e) => {
            const input = e.currentTarget as HTMLInputElement;
            const file = input.files?.[0];
            input.value = ''; // the same file again is a new import
            if (file) choose(file);
          }} />
        <p id="import-file-hint" class="field-hint">{t('imports.fileHint')}</p>
      </div>
      {step === 'uploading' ? <p role="status" class="muted" data-testid="import-uploading">{t('imports.uploading', { file: job?.filename ?? '' })}</p> : null}
      {step === 'mapping' && job && preview ? (
        <ImportMapping key={job.id} job={job} preview={preview} pipelines={pipelines} onStarted={follow} fail={fail} />
      ) : null}
      {step === 'importing' && job ? <ImportProgress job={job} /> : null}
      {error ? <p class="form-error" role="alert" data-testid="import-error">{error}</p> : null}
      <ImportHistory list={shownRecent} current={step === 'choose' ? null : job?.id ?? null} onResume={resume} />
    </section>
  );
}
