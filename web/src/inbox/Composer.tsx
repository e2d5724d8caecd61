// The composer: text replies inside the service window, approved templates always.
import { useEffect, useRef } from 'preact/hooks';
import type { Contact } from '../api/contacts';
import { Icon } from '../components/Icon';
import { t } from '../i18n';
import { languageLabel } from '../lib/format';
import { isManager } from '../lib/session';
import { EstimateChip } from './Message';
import { CATEGORIES, categoryLabel, closedExplanation, displayName, localEstimate, snippet, windowInfo } from './model';
import {
  MAX_TEXT, draftFor, rev, loadTemplates, paramValues, setSendResult, state, submit, syncTemplates, templateGroups, timeline, updateDraft,
  type Draft,
} from './store';

function TemplatePicker({ c, draft, open }: { c: Contact; draft: Draft; open: boolean }) {
  void rev.value; // state is plain data: re-render on every store change
  useEffect(() => {
    if (state.templates === null && !state.templatesLoading && !state.templatesError) loadTemplates();
  });
  const busy = state.inFlight.has(c.id);
  const optedOut = c.opted_out === true;
  const all = templateGroups();
  const usable = all.filter((g) => !(optedOut && g.category === 'marketing'));
  const hiddenCount = all.length - usable.length;
  const loading = state.templates === null && !state.templatesError;
  const maySync = isManager();
  const catalog = state.templates ?? [];

  let emptyText = '';
  if (loading) emptyText = t('tpl.loading');
  else if (state.templatesError) emptyText = state.templatesError;
  else if (all.length === 0) {
    emptyText = catalog.length ? t('tpl.noneApproved') : t('tpl.none');
    emptyText += ' ' + (maySync ? (catalog.length ? t('tpl.syncAgain') : t('tpl.fetchApproved')) : t('tpl.askManager'));
  } else if (usable.length === 0) {
    emptyText = t('tpl.allMarketing');
  }

  // Keep the choice while it is usable, else the first one; the language likewise.
  if (usable.length && !usable.some((g) => g.name === draft.template)) {
    draft.template = usable[0]?.name ?? null;
    draft.language = null;
  }
  const group = usable.find((g) => g.name === draft.template) ?? null;
  if (group && !group.translations.some((x) => x.language === draft.language)) {
    const preferred = (navigator.language || 'en').replace(/-/g, '_').toLowerCase();
    draft.language = (group.translations.find((x) => x.language.toLowerCase() === preferred)
      ?? group.translations.find((x) => x.language.toLowerCase().startsWith(preferred.slice(0, 2)))
      ?? group.translations[0])?.language ?? null;
  }
  const tr = group?.translations.find((x) => x.language === draft.language) ?? null;
  const values = tr ? paramValues(draft, tr) : [];
  const missing = values.filter((v) => !v.trim()).length;

  const setParam = (i: number, value: string) => updateDraft((d) => {
    const next = [...values];
    next[i] = value;
    d.params.set(d.template ?? '', next);
    d.error = '';
  });

  const preview = [];
  if (tr) {
    const body = tr.body || '';
    let last = 0;
    for (const match of body.matchAll(/\{\{(\d+)\}\}/g)) {
      const at = match.index ?? 0;
      if (at > last) preview.push(body.slice(last, at));
      const n = Number(match[1]);
      const v = values[n - 1];
      preview.push(v && v.trim() ? <span class="param-value">{v}</span> : <span class="param-empty">{`{{${n}}}`}</span>);
      last = at + match[0].length;
    }
    if (last < body.length) preview.push(body.slice(last));
  }

  return (
    <section class="template-panel" data-testid="template-picker" aria-labelledby="template-heading">
      <div class="template-head">
        <h3 id="template-heading" class="template-title">{t('tpl.heading')}</h3>
        {all.length > 0 && maySync ? (
          <button class="link-button" type="button" data-testid="resync-templates" disabled={state.syncing} title={t('tpl.resyncTitle')} onClick={syncTemplates}>
            {state.syncing ? t('tpl.syncing') : t('tpl.sync')}
          </button>
        ) : null}
        {open ? (
          <button class="link-button" type="button" data-testid="text-toggle" onClick={() => updateDraft((d) => { d.mode = 'text'; d.error = ''; })}>
            {t('tpl.writeInstead')}
          </button>
        ) : null}
      </div>
      {emptyText ? (
        <div class={`template-empty${state.templatesError ? ' is-error' : ''}`} data-testid="templates-empty">
          <p>{emptyText}</p>
          {!loading && maySync && (all.length === 0 || state.templatesError) ? (
            <button class="button button--secondary" type="button" data-testid="sync-templates" disabled={state.syncing} onClick={syncTemplates}>
              {state.syncing ? t('tpl.syncing') : t('tpl.syncTemplates')}
            </button>
          ) : null}
        </div>
      ) : null}
      {optedOut && hiddenCount > 0 ? (
        <p class="optout-note" data-testid="optout-note"><Icon name="shield" /><span>{t('tpl.hiddenMarketing', { n: hiddenCount })}</span></p>
      ) : null}
      {usable.length > 0 && group ? (
        <form class="template-form" novalidate onSubmit={(e) => { e.preventDefault(); submit('template'); }}>
          <div class="template-fields">
            <div class="field field--select">
              <label for="template-name">{t('tpl.template')}</label>
              <select id="template-name" data-testid="template-name" value={draft.template ?? ''}
                onChange={(e) => updateDraft((d) => { d.template = (e.currentTarget as HTMLSelectElement).value; d.language = null; d.error = ''; })}>
                {CATEGORIES.map((cat) => {
                  const members = usable.filter((g) => g.category === cat);
                  return members.length ? (
                    <optgroup key={cat} label={categoryLabel(cat)}>
                      {members.map((g) => <option key={g.name} value={g.name}>{g.name}</option>)}
                    </optgroup>
                  ) : null;
                })}
              </select>
            </div>
            <div class="field field--select field--language">
              <label for="template-language">{t('tpl.language')}</label>
              <select id="template-language" data-testid="template-language" value={draft.language ?? ''} disabled={group.translations.length < 2}
                onChange={(e) => updateDraft((d) => { d.language = (e.currentTarget as HTMLSelectElement).value; d.error = ''; })}>
                {group.translations.map((x) => <option key={x.language} value={x.language}>{languageLabel(x.language)}</option>)}
              </select>
            </div>
          </div>
          {values.length ? (
            <div class="template-params" data-testid="template-params">
              {values.map((v, i) => (
                <div class="field field--param" key={`${group.name}-${i}`}>
                  <label for={`template-param-${i + 1}`}><span class="param-token">{`{{${i + 1}}}`}</span></label>
                  <input id={`template-param-${i + 1}`} type="text" autocomplete="off" spellcheck data-testid="template-param" data-index={String(i)}
                    placeholder={t('tpl.valueFor', { n: i + 1 })} maxLength={1024} required value={v}
                    onInput={(e) => setParam(i, (e.currentTarget as HTMLInputElement).value)} />
                </div>
              ))}
            </div>
          ) : null}
          <div class="template-preview-wrap">
            <span class="template-preview-label" id="template-preview-label">{t('tpl.preview')}</span>
            <div class="template-preview" data-testid="template-preview" aria-labelledby="template-preview-label">
              <p class="msg-text">{tr && tr.body ? preview : <span class="param-empty">{t('tpl.noBody')}</span>}</p>
            </div>
          </div>
          <div class="template-foot">
            <span class="estimate" data-testid="template-estimate">{tr ? <EstimateChip estimate={localEstimate(tr.category, open, c.wa_id)} /> : null}</span>
            <span class="template-hint" data-testid="template-hint">
              {tr && missing > 0 ? (values.length === 1 ? t('tpl.fillOne') : t('tpl.fillEvery', { n: missing })) : ''}
            </span>
            <button class="button button--primary" type="submit" data-testid="send-template" disabled={busy || !tr || missing > 0}>
              {busy ? t('composer.sending') : t('tpl.send')}
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}

export function Composer({ c }: { c: Contact }) {
  void rev.value; // state is plain data: re-render on every store change
  const draft = draftFor(c.id);
  const input = useRef<HTMLTextAreaElement>(null);
  const now = Date.now();
  const info = windowInfo(c.window, now);
  const open = info.open;
  const mode = open ? draft.mode : 'template';
  const busy = state.inFlight.has(c.id);
  const note = open ? info.note : closedExplanation(c);
  const target = draft.replyTo ? (timeline().find((m) => String(m.id) === draft.replyTo) ?? null) : null;
  const chars = Array.from(draft.text).length;
  const tooLong = chars > MAX_TEXT;

  useEffect(() => {
    const el = input.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight + 2, 168)}px`;
  }, [draft.text]);

  const send = async () => {
    if (await submit('text')) input.current?.focus({ preventScroll: true });
  };
  const result = draft.result;
  return (
    <footer class="composer" data-testid="composer" data-window={open ? 'open' : 'closed'} data-mode={mode} aria-busy={busy ? 'true' : undefined}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && draft.replyTo) updateDraft((d) => { d.replyTo = null; });
      }}>
      <p class={`window-note ${open ? 'is-open' : 'is-closed'}${info.soon ? ' is-soon' : ''}`} data-testid="window-note" data-open={String(open)}>
        <Icon name={open ? 'clock' : 'info'} /><span>{note}</span>
      </p>
      {draft.replyTo ? (
        <div class="reply-preview" data-testid="reply-preview">
          <div class="reply-preview-body">
            <span class="reply-preview-label">{target?.direction === 'out' ? t('composer.replyingToYou') : t('composer.replyingTo', { name: displayName(c) })}</span>
            <span class="reply-preview-text" data-testid="reply-preview-text">{(target && snippet(target)) || t('composer.earlierMessage')}</span>
          </div>
          <button class="icon-button icon-button--small" type="button" aria-label={t('composer.cancelReply')} title={t('composer.cancelReply')} data-testid="reply-cancel"
            onClick={() => { updateDraft((d) => { d.replyTo = null; }); input.current?.focus({ preventScroll: true }); }}>
            <Icon name="close" />
          </button>
        </div>
      ) : null}
      <form class="text-form" data-testid="text-composer" novalidate hidden={mode !== 'text'} onSubmit={(e) => { e.preventDefault(); send(); }}>
        {open ? (
          <button class="button button--ghost template-toggle" type="button" data-testid="template-toggle" title={t('composer.templateInstead')}
            onClick={() => updateDraft((d) => { d.mode = 'template'; d.error = ''; })}>
            <Icon name="template" /><span class="template-toggle-text">{t('composer.template')}</span>
          </button>
        ) : null}
        <div class="input-wrap">
          <label class="visually-hidden" for="composer-input">{t('composer.message')}</label>
          <textarea id="composer-input" class="composer-input" rows={1} placeholder={t('composer.placeholder')} autocomplete="off"
            data-testid="composer-input" aria-describedby="composer-hint" ref={input} value={draft.text} readOnly={busy}
            onInput={(e) => updateDraft((d) => {
              d.text = (e.currentTarget as HTMLTextAreaElement).value;
              d.error = '';
              if (d.result) setSendResult(null);
            })}
            onKeyDown={(e) => {
              if (e.key !== 'Enter' || e.shiftKey || e.altKey || e.isComposing || e.keyCode === 229) return;
              e.preventDefault();
              send();
            }} />
        </div>
        <button class={`send-button${busy ? ' is-busy' : ''}`} type="submit" aria-label={busy ? t('composer.sending') : t('composer.send')} title={t('composer.sendTitle')}
          data-testid="send" disabled={busy || !draft.text.trim() || tooLong}>
          <Icon name="send" />
        </button>
      </form>
      <div class="composer-meta" hidden={mode !== 'text'}>
        <span id="composer-hint" class="composer-hint">{t('composer.hint')}</span>
        <span class={`text-counter${tooLong ? ' is-over' : ''}`} data-testid="text-counter">{chars > MAX_TEXT - 500 ? `${chars} / ${MAX_TEXT}` : ''}</span>
        <span class="estimate" data-testid="text-estimate"><EstimateChip estimate={localEstimate('service', true, c.wa_id)} /></span>
      </div>
      {mode === 'template' ? <TemplatePicker c={c} draft={draft} open={open} /> : null}
      <div class="composer-error" data-testid="composer-error" role="alert">{draft.error}</div>
      <div class="send-result" data-testid="send-result" role="status" aria-live="polite"
        data-replayed={result && typeof result === 'object' ? String(result.replayed === true) : undefined}>
        {!result ? null : typeof result === 'string' ? <span>{result}</span> : (
          <>
            <Icon name="check" /><span>{t('composer.queued')}</span>
            <EstimateChip estimate={result.estimate} />
          </>
        )}
      </div>
    </footer>
  );
}
