// Settings > Pipelines (managers, admins): create a pipeline, rename it,
// add, rename, reorder (up/down buttons) and remove stages, mark the won
// and lost ones, choose the stage a sent quote moves its deal to, and save.
// The API refuses removing a stage that holds deals.
import { useEffect, useState } from 'preact/hooks';
import { items } from '../api/client';
import * as dealsApi from '../api/deals';
import type { Pipeline, Stage, StageKind } from '../api/deals';
import { t } from '../i18n';
import { useError } from '../lib/useError';

/** A key-safe id from a display name (ids are lowercase words, up to 40). */
export function slug(name: string, taken: string[]): string {
  const base = name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 32) || 'stage';
  let id = base;
  for (let n = 2; taken.includes(id); n++) id = `${base}_${n}`;
  return id;
}

const KINDS: StageKind[] = ['open', 'won', 'lost'];
const kindKey = (k: StageKind) => (k === 'open' ? 'pipelines.kindOpen' : k === 'won' ? 'pipelines.kindWon' : 'pipelines.kindLost');

function Editor({ initial, isNew, taken, onSaved }: { initial: Pipeline; isNew: boolean; taken: string[]; onSaved: (p: Pipeline) => void }) {
  const [name, setName] = useState(initial.name);
  const [stages, setStages] = useState<Stage[]>(initial.stages);
  const [quoteStage, setQuoteStage] = useState<string | null>(initial.quote_stage ?? null);
  const [busy, setBusy] = useState(false);
  const [error, setError, fail] = useError();
  useEffect(() => { setName(initial.name); setStages(initial.stages); setQuoteStage(initial.quote_stage ?? null); setError(''); }, [initial]);
  const edit = (i: number, change: Partial<Stage>) => setStages(stages.map((s, j) => (j === i ? { ...s, ...change } : s)));
  const swap = (i: number, j: number) => {
    const next = [...stages];
    [next[i], next[j]] = [next[j] as Stage, next[i] as Stage];
    setStages(next);
  };
  const save = async () => {
    if (!name.trim() || stages.some((s) => !s.name.trim())) {
      setError(t('pipelines.namesNeeded'));
      return;
    }
    setBusy(true);
    try {
      const id = isNew ? slug(name, taken) : initial.id;
      // Stages added here get ids from their final names; saved ones keep theirs.
      const kept = new Set(initial.stages.map((s) => s.id));
      const ids: string[] = stages.filter((s) => kept.has(s.id)).map((s) => s.id);
      const named = stages.map((s) => {
        if (kept.has(s.id)) return { ...s, name: s.name.trim() };
        const stageId = slug(s.name, ids);
        ids.push(stageId);
        return { ...s, id: stageId, name: s.name.trim() };
      });
      // A quote stage removed or no longer open falls back to the default.
      const quoteStageKept = named.some((s) => s.id === quoteStage && s.kind === 'open') ? quoteStage : null;
      const out = await dealsApi.putPipeline({ id, name: name.trim(), stages: named, quote_stage: quoteStageKept });
      setError('');
      onSaved(out);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form class="pipeline-editor" data-testid="pipeline-editor" novalidate onSubmit={(e) => { e.preventDefault(); save(); }}>
      <label for="pipeline-name">{t('pipelines.name')}</label>
      <input id="pipeline-name" type="text" maxLength={80} autocomplete="off" data-testid="pipeline-name" value={name} onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
      <h3 class="side-heading">{t('pipelines.stages')}</h3>
      <ol class="stage-editor-list" data-testid="stage-list">
        {stages.map((s, i) => (
          <li class="stage-editor" data-testid="stage-row" data-stage-id={s.id} key={s.id}>
            <label class="visually-hidden" for={`stage-name-${s.id}`}>{t('pipelines.stageName', { n: i + 1 })}</label>
            <input id={`stage-name-${s.id}`} type="text" maxLength={80} autocomplete="off" data-testid="stage-name" value={s.name}
              onInput={(e) => edit(i, { name: (e.currentTarget as HTMLInputElement).value })} />
            <label class="visually-hidden" for={`stage-kind-${s.id}`}>{t('pipelines.stageKind', { name: s.name })}</label>
            <select id={`stage-kind-${s.id}`} data-testid="stage-kind" value={s.kind} onChange={(e) => edit(i, { kind: (e.currentTarget as HTMLSelectElement).value as StageKind })}>
              {KINDS.map((k) => <option key={k} value={k}>{t(kindKey(k))}</option>)}
            </select>
            <label class="visually-hidden" for={`stage-idle-${s.id}`}>{t('pipelines.idleDays', { name: s.name })}</label>
            <input id={`stage-idle-${s.id}`} class="stage-idle" type="number" min={1} max={365} inputMode="numeric" data-testid="stage-idle"
              placeholder="—" value={s.idle_days ?? ''} title={t('pipelines.idleDays', { name: s.name })}
              onInput={(e) => {
                const days = Number.parseInt((e.currentTarget as HTMLInputElement).value, 10);
                edit(i, { idle_days: Number.isFinite(days) && days > 0 ? days : null });
              }} />
            <button type="button" class="button button--small button--ghost" data-testid="stage-up" disabled={i === 0}
              aria-label={t('pipelines.up', { name: s.name })} onClick={() => swap(i, i - 1)}>↑</button>
            <button type="button" class="button button--small button--ghost" data-testid="stage-down" disabled={i === stages.length - 1}
              aria-label={t('pipelines.down', { name: s.name })} onClick={() => swap(i, i + 1)}>↓</button>
            <button type="button" class="button button--small button--ghost" data-testid="stage-remove"
              aria-label={t('pipelines.remove', { name: s.name })} onClick={() => setStages(stages.filter((_, j) => j !== i))}>{t('common.remove')}</button>
          </li>
        ))}
      </ol>
      <button type="button" class="button button--small button--secondary" data-testid="stage-add" onClick={() => {
        const label = t('pipelines.newStage');
        setStages([...stages.filter((s) => s.kind === 'open'), { id: slug(label, stages.map((s) => s.id)), name: label, kind: 'open' }, ...stages.filter((s) => s.kind !== 'open')]);
      }}>{t('pipelines.addStage')}</button>
      <label for="pipeline-quote-stage">{t('pipelines.quoteStage')}</label>
      <select id="pipeline-quote-stage" data-testid="pipeline-quote-stage" value={quoteStage ?? ''}
        onChange={(e) => setQuoteStage((e.currentTarget as HTMLSelectElement).value || null)}>
        <option value="">{t('pipelines.quoteStageDefault')}</option>
        {stages.filter((s) => s.kind === 'open' && initial.stages.some((k) => k.id === s.id)).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
      </select>
      <div class="modal-actions">
        <button type="submit" class="button button--primary" data-testid="pipeline-save" disabled={busy}>{t('common.save')}</button>
      </div>
      {error ? <p class="form-error" role="alert" data-testid="pipeline-error">{error}</p> : null}
    </form>
  );
}

const fresh = (): Pipeline => ({
  id: '',
  name: '',
  stages: [
    { id: 'new', name: t('pipelines.defaultNew'), kind: 'open' },
    { id: 'won', name: t('pipelines.kindWon'), kind: 'won' },
    { id: 'lost', name: t('pipelines.kindLost'), kind: 'lost' },
  ],
});

export function Pipelines() {
  const [list, setList] = useState<Pipeline[] | null>(null);
  const [chosen, setChosen] = useState<Pipeline | null>(null);
  const [saved, setSaved] = useState('');
  const [error, , fail] = useError();
  const load = (select?: string) => dealsApi.pipelines().then((p) => {
    const all = items(p);
    setList(all);
    // A pipeline being written meanwhile stays on screen.
    setChosen((current) => all.find((x) => x.id === select) ?? current ?? all[0] ?? fresh());
  }).catch(fail);
  useEffect(() => { load(); }, []);
  const isNew = chosen !== null && chosen.id === '';
  return (
    <section class="settings-section" aria-labelledby="pipelines-heading" data-testid="settings-pipelines">
      <h2 id="pipelines-heading" class="side-heading">{t('settings.pipelines')}</h2>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      <div class="field-form">
        <label for="pipeline-pick">{t('pipelines.edit')}</label>
        <select id="pipeline-pick" data-testid="pipeline-pick" value={isNew ? '' : chosen?.id ?? ''}
          onChange={(e) => {
            setSaved('');
            setChosen(list?.find((p) => p.id === (e.currentTarget as HTMLSelectElement).value) ?? null);
          }}>
          {isNew ? <option value="">{t('pipelines.unsaved')}</option> : null}
          {(list ?? []).map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
        </select>
        <button type="button" class="button button--small button--secondary" data-testid="pipeline-new" onClick={() => { setSaved(''); setChosen(fresh()); }}>{t('pipelines.create')}</button>
      </div>
      {chosen ? <Editor initial={chosen} isNew={isNew} taken={(list ?? []).map((p) => p.id)} onSaved={(p) => { setSaved(t('pipelines.saved', { name: p.name })); load(p.id); }} /> : null}
      <p role="status" data-testid="pipeline-saved">{saved}</p>
    </section>
  );
}
