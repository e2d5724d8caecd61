// The pipeline board: a column per stage with its count and value total.
// Deals move by drag and drop, or from the keyboard (the stage menu on each card).
import { useEffect, useState } from 'preact/hooks';
import { SignedOut, items } from '../api/client';
import * as dealsApi from '../api/deals';
import type { Board, Deal, Pipeline } from '../api/deals';
import { t } from '../i18n';
import { fmtFull, money, parseTime } from '../lib/format';
import { href } from '../lib/router';
import { stageName } from '../inbox/Panel';
import { QuotesSection } from '../inbox/QuotesSection';
import { errorText } from '../lib/errorText';

export function PipelineBoard() {
  const [pipelines, setPipelines] = useState<Pipeline[]>([]);
  const [chosen, setChosen] = useState<string>(() => localStorage.getItem('parley.pipeline') ?? '');
  const [board, setBoard] = useState<Board | null>(null);
  const [error, setError] = useState('');
  const [open, setOpen] = useState<Deal | null>(null);
  const [dragging, setDragging] = useState<string | null>(null);
  const fail = (e: unknown) => {
    if (!(e instanceof SignedOut)) setError(errorText(e));
  };
  useEffect(() => {
    dealsApi.pipelines().then((p) => setPipelines(items(p))).catch(fail);
  }, []);
  const id = pipelines.some((p) => p.id === chosen) ? chosen : pipelines[0]?.id ?? '';
  const load = () => {
    if (id) dealsApi.board(id).then((b) => { setBoard(b); setError(''); }).catch(fail);
  };
  useEffect(load, [id]);
  const stages = pipelines.find((p) => p.id === id)?.stages ?? [];
  // A quote sent or accepted from the drawer moves its deal: the board and
  // the drawer show where it went.
  const refreshOpen = async () => {
    if (!open) return;
    try {
      setOpen(await dealsApi.deal(open.id));
      load();
    } catch (e) {
      fail(e);
    }
  };
  const move = async (deal: string, stage: string) => {
    try {
      const moved = await dealsApi.moveDeal(deal, stage);
      if (open?.id === moved.id) setOpen(moved);
      load();
    } catch (e) {
      fail(e);
    }
  };
  return (
    <section class="page page--wide" data-testid="pipeline" aria-labelledby="pipeline-heading">
      <div class="page-head">
        <h1 id="pipeline-heading" class="pane-title">{t('nav.pipeline')}</h1>
        {pipelines.length > 1 ? (
          <label class="inline-label">
            <span>{t('pipeline.choose')}</span>
            <select data-testid="pipeline-select" value={id} onChange={(e) => {
              const v = (e.currentTarget as HTMLSelectElement).value;
              setChosen(v);
              localStorage.setItem('parley.pipeline', v);
            }}>
              {pipelines.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
            </select>
          </label>
        ) : null}
      </div>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      {board && board.columns.every((col) => col.items.length === 0 && !col.next_cursor) ? (
        <p class="muted pipeline-empty" data-testid="pipeline-empty">
          {t('pipeline.empty')} <a href={href({ name: 'inbox', contact: null })}>{t('pipeline.emptyInbox')}</a>
        </p>
      ) : null}
      <div class="board" data-testid="board" tabIndex={0} role="region" aria-label={t('nav.pipeline')}>
        {(board?.columns ?? []).map((col) => (
          <section class={`column column--${col.stage.kind}${dragging ? ' is-droppable' : ''}`} key={col.stage.id} data-testid="column" data-stage={col.stage.id}
            aria-label={col.stage.name}
            onDragOver={(e) => e.preventDefault()}
            onDrop={(e) => {
              e.preventDefault();
              const deal = e.dataTransfer?.getData('text/plain');
              setDragging(null);
              if (deal) move(deal, col.stage.id);
            }}>
            <header class="column-head">
              <h2 class="column-title">{col.stage.name}</h2>
              <span class="column-count" data-testid="column-count">{col.items.length}{col.next_cursor ? '+' : ''}</span>
              <span class="column-value" data-testid="column-value">{money(col.value_minor, col.items[0]?.currency)}</span>
            </header>
            <ul class="cards">
              {col.items.map((d) => (
                <li class="card" key={d.id} data-testid="card" data-deal-id={d.id} draggable
                  onDragStart={(e) => { e.dataTransfer?.setData('text/plain', d.id); setDragging(d.id); }} onDragEnd={() => setDragging(null)}>
                  <button type="button" class="card-open" data-testid="card-open" onClick={() => setOpen(d)}>
                    <span class="card-title" data-testid="card-title">{d.title}</span>
                    <span class="card-value">{money(d.value_minor, d.currency)}</span>
                  </button>
                  <label class="visually-hidden" for={`move-${d.id}`}>{t('pipeline.moveTo', { title: d.title })}</label>
                  <select id={`move-${d.id}`} class="card-move" data-testid="card-move" value={d.stage} onChange={(e) => move(d.id, (e.currentTarget as HTMLSelectElement).value)}>
                    {stages.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
                  </select>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
      {open ? (
        <aside class="drawer" data-testid="deal-drawer" aria-label={open.title}>
          <div class="side-head">
            <h2 class="side-title">{open.title}</h2>
            <button type="button" class="button button--small button--ghost" data-testid="drawer-close" onClick={() => setOpen(null)}>{t('common.close')}</button>
          </div>
          <dl class="kv">
            <dt>{t('pipeline.value')}</dt><dd>{money(open.value_minor, open.currency)}</dd>
            <dt>{t('pipeline.stage')}</dt><dd>{stageName(stages, open.stage)}</dd>
            <dt>{t('pipeline.owner')}</dt><dd>{open.owner ?? '—'}</dd>
            <dt>{t('pipeline.expectedClose')}</dt><dd>{open.expected_close ?? '—'}</dd>
            {Object.entries(open.custom_fields ?? {}).map(([k, v]) => [<dt key={`k${k}`}>{k}</dt>, <dd key={`v${k}`}>{v}</dd>])}
          </dl>
          <h3 class="side-heading">{t('pipeline.history')}</h3>
          <ol class="history">
            {(open.history ?? []).map((h, i) => {
              const at = parseTime(h.at);
              return <li key={i}>{`${stageName(stages, h.from) || t('panel.new')} → ${stageName(stages, h.to)} · ${h.by}${at !== null ? ` · ${fmtFull(at)}` : ''}`}</li>;
            })}
          </ol>
          {open.contact_id ? (
            <QuotesSection key={open.id} contactId={open.contact_id} dealId={open.id} lastActivity={null} ofDeal onDealChanged={() => void refreshOpen()} />
          ) : null}
          {open.contact_id ? <a class="button button--secondary" href={href({ name: 'inbox', contact: open.contact_id })}>{t('pipeline.openConversation')}</a> : null}
        </aside>
      ) : null}
    </section>
  );
}
