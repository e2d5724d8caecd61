// The mapping step of a contact import: what each column is (the API's
// suggestions preselected), the pipeline for stage and deal-value columns,
// tags for every row, the first rows as read, and the button that starts it.
import { useState } from 'preact/hooks';
import type { Pipeline } from '../api/deals';
import * as importsApi from '../api/imports';
import type { ImportJob, ImportPreview } from '../api/imports';
import { t } from '../i18n';
import { badKey, choiceFrom, ImportColumnTarget, targetLabel, targetOf, type ColumnChoice } from './ImportColumnTarget';
import { ImportPreviewTable } from './ImportPreviewTable';

const val = (e: Event) => (e.currentTarget as HTMLInputElement).value;

/** "diwali, Surat ,,vip" → ['diwali', 'Surat', 'vip'], each once. */
export const tagList = (text: string) => [...new Set(text.split(',').map((x) => x.trim()).filter(Boolean))];

/** The column's first non-blank value in the preview. */
const sampleOf = (preview: ImportPreview, i: number) => preview.rows.map((r) => (r[i] ?? '').trim()).find(Boolean) ?? '';

function defaultPipeline(pipelines: Pipeline[]): string {
  return pipelines.find((p) => p.id === 'sales')?.id ?? pipelines[0]?.id ?? '';
}

export function ImportMapping({ job, preview, pipelines, onStarted, fail }: {
  job: ImportJob;
  preview: ImportPreview;
  pipelines: Pipeline[];
  onStarted: (job: ImportJob) => void;
  /** Shows an API refusal (a bad mapping's message, a job already started). */
  fail: (e: unknown) => void;
}) {
  const [choices, setChoices] = useState<ColumnChoice[]>(() => preview.columns.map((_c, i) => choiceFrom(preview.suggested[i])));
  const [pipeline, setPipeline] = useState('');
  const [tags, setTags] = useState('');
  const [busy, setBusy] = useState(false);
  const chosenPipeline = pipeline || defaultPipeline(pipelines);
  const targets = choices.map(targetOf);
  const needsPipeline = targets.includes('stage') || targets.includes('value');
  const noPhone = !targets.includes('phone');
  const badKeys = choices.some(badKey);
  const twice = targets.find((x, i) => x && targets.indexOf(x) !== i);
  const blocked = noPhone || badKeys || Boolean(twice) || (needsPipeline && !chosenPipeline);

  const setChoice = (i: number, c: ColumnChoice) => {
    const next = choices.slice();
    next[i] = c;
    setChoices(next);
  };

  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (blocked || busy) return;
    setBusy(true);
    try {
      const started = await importsApi.startImport(job.id, { mapping: targets, pipeline: needsPipeline ? chosenPipeline : null, tags: tagList(tags) });
      onStarted(started);
    } catch (err) {
      fail(err);
      setBusy(false);
    }
  };

  return (
    <form class="form import-mapping" data-testid="import-mapping" novalidate onSubmit={onSubmit} aria-busy={busy ? 'true' : undefined}>
      <fieldset class="import-fieldset">
        <legend class="import-legend">{t('imports.columnsLegend')}</legend>
        <p class="muted">{t('imports.columnsHint')}</p>
        <ul class="import-columns">
          {preview.columns.map((column, i) => (
            <ImportColumnTarget key={i} index={i} column={column} sample={sampleOf(preview, i)} choice={choices[i] ?? { target: '', key: '' }}
              onChange={(c) => setChoice(i, c)} />
          ))}
        </ul>
      </fieldset>
      {needsPipeline ? (
        <div class="field field--select">
          <label for="import-pipeline">{t('imports.pipeline')}</label>
          <select id="import-pipeline" data-testid="import-pipeline" value={chosenPipeline} aria-describedby="import-pipeline-hint"
            onChange={(e) => setPipeline(val(e))}>
            {pipelines.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
          <p id="import-pipeline-hint" class="field-hint">{t('imports.pipelineHint')}</p>
        </div>
      ) : null}
      <div class="field">
        <label for="import-tags">{t('imports.tags')}</label>
        <input id="import-tags" type="text" autocomplete="off" data-testid="import-tags" value={tags} aria-describedby="import-tags-hint"
          onInput={(e) => setTags(val(e))} />
        <p id="import-tags-hint" class="field-hint">{t('imports.tagsHint')}</p>
      </div>
      <ImportPreviewTable preview={preview} filename={job.filename} />
      <p id="import-problem" class="form-error" aria-live="polite" data-testid="import-mapping-problem">
        {noPhone ? t('imports.noPhone') : badKeys ? t('imports.badKey') : twice ? t('imports.twice', { target: targetLabel(twice) }) : ''}
      </p>
      <div class="form-actions">
        <button class="button button--primary" type="submit" data-testid="import-start" disabled={blocked || busy}
          aria-describedby={blocked ? 'import-problem' : undefined}>
          {busy ? t('imports.starting') : t('imports.start')}
        </button>
      </div>
    </form>
  );
}
