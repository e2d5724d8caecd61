// The composer: text replies inside the service window, approved templates always.
import { lazy, Suspense } from 'preact/compat';
import { useEffect, useRef, useState } from 'preact/hooks';
import { replyEstimate, type ReplyEstimate } from '../api/messages';
import type { Contact } from '../api/contacts';
import { Icon } from '../components/Icon';
import { t } from '../i18n';
import { EstimateChip } from './Message';
import { closedExplanation, displayName, estimateWords, localEstimate, snippet, windowInfo } from './model';
import { MAX_TEXT, draftFor, setSendResult, state, submit, timeline, updateDraft } from './store';
import { AttachFile } from './AttachFile';
import { staffTyping } from './typing';
import { TemplatePicker } from './template/TemplatePicker';

const InteractiveComposer = lazy(() => import('./InteractiveComposer').then((m) => m.InteractiveComposer));

export function Composer({ c }: { c: Contact }) {
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

  // The server prices replies from the rate card (service price, window):
  // asked again when the contact or its window changes.
  const [billing, setBilling] = useState<ReplyEstimate | null>(null);
  const [choices, setChoices] = useState(false);
  useEffect(() => {
    let live = true;
    setBilling(null);
    replyEstimate(c.id).then((b) => { if (live) setBilling(b); }, () => {});
    return () => { live = false; };
  }, [c.id, open]);

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
      {billing && !billing.window_open ? (
        <p class="window-note is-closed" data-testid="reply-billing">{t('composer.templateBilled', { price: estimateWords(billing.template) })}</p>
      ) : null}
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
              if (open && d.text.trim()) staffTyping(c.id);
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
        <span class="estimate" data-testid="text-estimate"><EstimateChip estimate={billing?.reply ?? localEstimate('service', true, c.wa_id)} /></span>
        {billing?.free_replies_left != null ? (
          <span class="estimate" data-testid="free-replies-left">{t('composer.freeRepliesLeft', { n: billing.free_replies_left })}</span>
        ) : null}
      </div>
      {mode === 'text' ? (
        <div class="composer-extras">
          <AttachFile contactId={c.id} disabled={busy} />
          <button type="button" class="button button--ghost interactive-toggle" data-testid="interactive-toggle" aria-expanded={choices}
            aria-label={t('interactive.open')} title={t('interactive.open')} onClick={() => setChoices(!choices)}>
            <Icon name="tap" /><span class="interactive-toggle-text">{t('interactive.open')}</span>
          </button>
        </div>
      ) : null}
      {mode === 'text' && choices ? (
        <Suspense fallback={null}><InteractiveComposer contactId={c.id} onDone={() => setChoices(false)} /></Suspense>
      ) : null}
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
