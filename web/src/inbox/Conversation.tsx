// The open conversation: header, ownership and status tools, timeline.
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Contact } from '../api/contacts';
import { Icon } from '../components/Icon';
import { t } from '../i18n';
import { fmtDay, parseTime, startOfDay, startOfPreviousDay } from '../lib/format';
import { navigate } from '../lib/router';
import { isManager, user } from '../lib/session';
import { ComposerArea } from './ComposerArea';
import { ConversationActions } from './ConversationActions';
import { awaitMedia } from './mediaRefresh';
import { MessageView, messageSig } from './Message';
import { NumberChip } from './NumberChip';
import { avatarClass, displayName, humanize, initials, secondaryLine, str, windowInfo } from './model';
import { Panel } from './Panel';
import { QuickFollowUp } from './QuickFollowUp';
import { latestRevisions, revisedId, revisedSnippet } from './revisions';
import { noteAuthor, TimelineNote } from './TimelineNote';
import { contactAction, ownerLabel, state, timeline, toggleOptOut } from './store';
import { ToolsRow } from './ToolsRow';
import type { Key } from '../i18n/en';

const STATUS_KEYS: Record<string, Key> = { open: 'convStatus.open', waiting_on_us: 'convStatus.waiting_on_us', waiting_on_customer: 'convStatus.waiting_on_customer', closed: 'convStatus.closed' };
export const statusLabel = (s: string) => (STATUS_KEYS[s] ? t(STATUS_KEYS[s]) : humanize(s) ?? s);

export function WindowBadge({ c, now, small = false }: { c: Contact; now: number; small?: boolean }) {
  const info = windowInfo(c.window, now);
  const cls = `badge ${info.open ? (info.soon ? 'badge--soon' : 'badge--open') : 'badge--closed'}${small ? ' badge--small' : ''}`;
  return (
    <span class={cls} data-testid="window-badge" data-open={String(info.open)} title={info.note}>
      <span class="badge-dot" aria-hidden="true" />
      {info.text}
    </span>
  );
}

function Tools({ c }: { c: Contact }) {
  const me = user.value?.email;
  const status = str(c.status);
  const manager = isManager();
  const team = state.users.filter((u) => u.active !== false);
  if (c.owner && !team.some((u) => u.email === c.owner)) team.push({ email: c.owner, name: '', role: 'agent', active: true, available: true, invited: false });
  return (
    <div class="conv-tools" data-testid="conv-tools">
      {status ? <span class={`chip chip--${status}`} data-testid="conv-status" data-status={status}>{statusLabel(status)}</span> : null}
      {c.overdue ? <span class="chip chip--overdue" data-testid="conv-overdue">{t('conv.overdue')}</span> : null}
      <span class="conv-owner" data-testid="conv-owner" data-owner={c.owner ?? ''} title={c.owner ?? t('owner.nobody')}>
        <Icon name="contact" class="icon icon--tiny" />
        {c.owner ? <span>{t('conv.ownerPrefix')} <strong>{ownerLabel(c.owner)}</strong></span> : <span>{t('owner.unassigned')}</span>}
      </span>
      <span class="conv-tools-actions">
        {!c.owner ? (
          <button class="button button--small button--primary" type="button" data-testid="assign-me" disabled={state.busy.has('assign')}
            onClick={() => contactAction('assign', me ?? null)}>{t('conv.assignMe')}</button>
        ) : null}
        {manager ? (
          <label class="owner-select">
            <span class="visually-hidden">{t('conv.transferTo')}</span>
            <select data-testid="owner-select" value={c.owner ?? ''} onChange={(e) => {
              const owner = (e.currentTarget as HTMLSelectElement).value || null;
              if (owner !== (c.owner ?? null)) contactAction('assign', owner);
            }}>
              <option value="">{c.owner ? t('conv.transferOrUnassign') : t('conv.assignTo')}</option>
              {team.map((u) => (
                <option key={u.email} value={u.email}>
                  {`${u.name?.trim() ? u.name : u.email}${u.email === me ? t('conv.youSuffix') : ''}${u.available === false ? t('conv.awaySuffix') : ''}`}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        {c.owner && (manager || c.owner === me) ? (
          <button class="button button--small button--ghost" type="button" data-testid="unassign" onClick={() => contactAction('assign', null)}>{t('conv.unassign')}</button>
        ) : null}
        {status !== 'closed' ? (
          <button class="button button--small button--ghost" type="button" data-testid="close-conversation" disabled={state.busy.has('close')} onClick={() => contactAction('close')}>{t('conv.close')}</button>
        ) : (
          <button class="button button--small button--ghost" type="button" data-testid="reopen-conversation" disabled={state.busy.has('reopen')} onClick={() => contactAction('reopen')}>{t('conv.reopen')}</button>
        )}
      </span>
      <span class="conv-error" data-testid="conv-error" role="alert">{state.convError}</span>
    </div>
  );
}

/** Customer messages WhatsApp lets a business react to. */
const REACTABLE = new Set(['text', 'image', 'video', 'audio', 'document', 'sticker', 'location', 'contacts', 'interactive', 'button', 'order']);

function dayLabel(at: number, now: number): string {
  if (at >= startOfDay(now)) return t('time.today');
  if (at >= startOfPreviousDay(now)) return t('time.yesterday');
  return fmtDay(at);
}

const isAtBottom = (el: HTMLElement) => el.scrollHeight - el.scrollTop - el.clientHeight <= 48;

function Timeline({ contactId }: { contactId: string }) {
  const scroller = useRef<HTMLDivElement>(null);
  const stuck = useRef(true);
  const seen = useRef<{ contact: string; ids: string[] }>({ contact: '', ids: [] });
  const [jump, setJump] = useState(false);
  const list = timeline();
  const loaded = state.timelineFor === contactId;
  const now = Date.now();
  const byId = new Map(list.map((m) => [String(m.id), m]));
  // Customers' edits and deletions show on the message they change.
  const revisions = latestRevisions(list);
  // Staff react to a customer's message while the window is open; the
  // business's latest reaction on each message is what Remove takes back.
  const contact = state.contacts.get(contactId);
  const canReact = contact ? windowInfo(contact.window, now).open : false;
  const ourReactions = new Map<string, string>();
  for (const m of list) {
    const c = m.content as Record<string, unknown> | null;
    if (m.direction === 'out' && m.type === 'reaction' && c) ourReactions.set(String(c.message_id), typeof c.emoji === 'string' ? c.emoji : '');
  }

  const scrollToBottom = () => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    stuck.current = true;
    setJump(false);
  };

  useLayoutEffect(() => {
    const ids = list.map((m) => String(m.id));
    const before = seen.current;
    if (before.contact !== contactId) {
      stuck.current = true;
      setJump(false);
    }
    const appended = before.contact === contactId && ids.length > before.ids.length && before.ids.every((id, i) => ids[i] === id);
    const newInbound = appended ? list.slice(before.ids.length).some((m) => m.direction === 'in') : false;
    if (stuck.current) scrollToBottom();
    else if (newInbound) setJump(true);
    seen.current = { contact: contactId, ids };
  });

  // A customer's file still being copied: read the timeline again soon.
  useEffect(() => {
    if (loaded && list.some((m) => m.media?.status === 'pending')) awaitMedia(contactId);
  });

  useEffect(() => {
    const el = scroller.current;
    if (!el) return undefined;
    // A resized window or pane reflows the bubbles: keep the latest message in view.
    const observer = new ResizeObserver(() => {
      if (stuck.current) el.scrollTop = el.scrollHeight;
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  // Internal notes sit among the messages by time (a stable sort keeps the
  // messages' own order).
  const entries = [
    ...list.map((m) => ({ at: parseTime(m.at) ?? 0, m, n: null })),
    ...state.notes.map((n) => ({ at: parseTime(n.at) ?? 0, m: null, n })),
  ].sort((a, b) => a.at - b.at);
  let lastDay: number | null = null;
  const rows = [];
  for (const { m, n, at: noteAt } of entries) {
    if (n) {
      const day = startOfDay(noteAt);
      if (day !== lastDay) {
        rows.push(<li class="day" key={`day-${day}`}><span>{dayLabel(noteAt, now)}</span></li>);
        lastDay = day;
      }
      rows.push(<TimelineNote key={`note-${String(n.id)}`} n={n} who={noteAuthor(n)} />);
      continue;
    }
    if (!m) continue;
    const changes = revisedId(m);
    if (changes !== null && byId.has(changes)) continue;
    // A call's ring gives way to its end, stored under the call's id.
    if (m.type === 'call_ringing' && byId.has(String((m.content as Record<string, unknown> | null)?.call_id))) continue;
    const at = parseTime(m.at);
    const day = at === null ? null : startOfDay(at);
    if (day !== null && day !== lastDay && at !== null) {
      rows.push(<li class="day" key={`day-${day}`}><span>{dayLabel(at, now)}</span></li>);
      lastDay = day;
    }
    const ctx = m.context && typeof m.context === 'object' ? (m.context as Record<string, unknown>) : null;
    const quoted = ctx ? revisedSnippet(byId.get(String(ctx.id ?? ctx.message_id)), revisions) : null;
    const reactionTarget = m.type === 'reaction' ? revisedSnippet(byId.get(String((m.content as Record<string, unknown> | null)?.message_id)), revisions) : null;
    const id = String(m.id);
    const busy = state.retrying.has(id);
    const retryError = state.retryErrors.get(id);
    const revision = revisions.get(id) ?? null;
    const reactable = canReact && m.direction === 'in' && REACTABLE.has(String(m.type)) && revision?.type !== 'revoke'
      ? { contactId, current: ourReactions.get(id) ?? '' } : null;
    rows.push(<MessageView key={id} m={m} quoted={quoted} reactionTarget={reactionTarget} reactable={reactable} busy={busy} retryError={retryError} revision={revision}
      sig={messageSig(m, quoted, reactionTarget, reactable, busy, retryError, revision)} />);
  }
  return (
    <div class="timeline-wrap">
      <div class="timeline-scroll" tabIndex={0} role="log" aria-label={t('conv.messages')} data-testid="timeline-scroll" ref={scroller}
        aria-busy={loaded ? undefined : 'true'}
        onScroll={() => {
          const el = scroller.current;
          if (!el) return;
          stuck.current = isAtBottom(el);
          if (stuck.current && jump) setJump(false);
        }}>
        <ol id="timeline" class="timeline" data-testid="timeline">{rows}</ol>
        <p class="timeline-status" data-testid="timeline-status" hidden={loaded && list.length > 0}>
          {!loaded ? t('conv.loadingMessages') : list.length ? '' : t('conv.noMessages')}
        </p>
      </div>
      <button class="jump" type="button" data-testid="jump-to-latest" hidden={!jump} onClick={scrollToBottom}><Icon name="down" />{t('conv.newMessages')}</button>
    </div>
  );
}

export function Conversation({ contactId }: { contactId: string }) {
  const c = state.contacts.get(contactId);
  const [panelOpen, setPanelOpen] = useState<boolean | null>(null);
  const wide = typeof window.matchMedia === 'function' && !window.matchMedia('(max-width: 1100px)').matches;
  const open = panelOpen ?? wide;
  useEffect(() => {
    document.title = c ? `${displayName(c)} · Parley` : 'Parley';
    return () => {
      document.title = 'Parley';
    };
  }, [c?.name, c?.phone]);
  const now = Date.now();
  return (
    <div id="conv-view" class={`conv-view${open ? ' is-panel-open' : ''}`}>
      <div class="conv-main">
        <header class="conv-header">
          <button class="icon-button back-button" type="button" aria-label={t('conv.back')} data-testid="back" onClick={() => navigate({ name: 'inbox', contact: null })}>
            <Icon name="back" />
          </button>
          <span class={avatarClass(contactId)} aria-hidden="true">{c ? initials(c) : ''}</span>
          <div class="conv-title">
            <h2 class="conv-name" data-testid="conversation-name">{c ? displayName(c) : t('conv.loading')}</h2>
            <span class="conv-phone" data-testid="conversation-phone">{c ? secondaryLine(c) : ''}</span>
          </div>
          {c ? <NumberChip id={c.phone_number_id} /> : null}
          {c ? (
            <div class="conv-side">
              <WindowBadge c={c} now={now} />
              <button class="switch" type="button" role="switch" aria-checked={!c.opted_out} aria-label={t('conv.marketing')}
                data-testid="opt-out-toggle" data-opted-out={String(c.opted_out === true)} aria-busy={state.optOutBusy ? 'true' : undefined}
                // Clearing an opt-out is for managers and administrators (the API refuses agents too).
                disabled={c.opted_out === true && !isManager()}
                title={!c.opted_out ? t('conv.allowedTitle') : isManager() ? t('conv.optedOutTitle') : t('conv.optedOutAgentTitle')}
                onClick={toggleOptOut}>
                <span class="switch-track" aria-hidden="true"><span class="switch-thumb" /></span>
                <span class="switch-label" data-testid="opt-out-state">{c.opted_out ? t('conv.optedOut') : t('conv.allowed')}</span>
              </button>
            </div>
          ) : null}
        </header>
        {c ? (
          <ToolsRow contactId={contactId}>
            <Tools c={c} />
            <QuickFollowUp c={c} />
            <ConversationActions c={c} />
            <button class="button button--small button--ghost details-toggle" type="button" aria-controls="side-panel" aria-expanded={open}
              data-testid="details-toggle" onClick={() => setPanelOpen(!open)}>{open ? t('conv.hideDetails') : t('conv.details')}</button>
          </ToolsRow>
        ) : null}
        <Timeline contactId={contactId} />
        {c ? <ComposerArea c={c} /> : null}
      </div>
      {c ? <Panel c={c} onClose={() => setPanelOpen(false)} /> : null}
    </div>
  );
}
