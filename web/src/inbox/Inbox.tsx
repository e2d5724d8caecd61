// The inbox screen: queue tabs, search, the contact list and the open conversation.
import { useEffect, useState } from 'preact/hooks';
import type { Contact, Queue } from '../api/contacts';
import { Icon } from '../components/Icon';
import { t } from '../i18n';
import type { Key } from '../i18n/en';
import { fmtFull } from '../lib/format';
import { navigate } from '../lib/router';
import { statusLabel, WindowBadge, Conversation } from './Conversation';
import { FilterBar } from './FilterBar';
import { filters, hasFilters, normalizeTag, setFilters } from './filters';
import { NewConversation } from './NewConversation';
import { useReadMarker } from './readMarker';
import { activityTime, avatarClass, displayName, initials, relativeTime, secondaryLine, str } from './model';
import {
  QUEUES, applyChanges, backgroundError, chooseQueue, deliveryUnderway, keepLoadingTeam, liveContact, liveFailed, loadContacts, ownerLabel,
  refilter, select, setFilter, state, visibleContacts, whenLost,
} from './store';
import { setFeed } from '../live/feed';
import { socketFeed } from '../live/socket';

const QUEUE_KEYS: Record<Queue, Key> = {
  mine: 'queue.mine', unassigned: 'queue.unassigned', waiting_on_us: 'queue.waiting_on_us', waiting_on_customer: 'queue.waiting_on_customer',
  overdue: 'queue.overdue', closed: 'queue.closed', all: 'queue.all',
};
const EMPTY_KEYS: Record<Queue, Key> = {
  mine: 'queueEmpty.mine', unassigned: 'queueEmpty.unassigned', waiting_on_us: 'queueEmpty.waiting_on_us', waiting_on_customer: 'queueEmpty.waiting_on_customer',
  overdue: 'queueEmpty.overdue', closed: 'queueEmpty.closed', all: 'queueEmpty.all',
};

// Live updates come from one change feed (web/src/live), started with the
// inbox and stopped when it goes: pushed over a socket, polled when it is down.
function useLive(): void {
  useEffect(() => {
    const feed = socketFeed({ contact: liveContact, underway: deliveryUnderway, failed: liveFailed });
    const unsubscribe = feed.onChange(applyChanges);
    setFeed(feed);
    loadContacts().catch(backgroundError);
    const stopTeam = keepLoadingTeam();
    feed.start();
    return () => {
      stopTeam();
      unsubscribe();
      feed.stop();
      setFeed(null);
    };
  }, []);
}

function ContactRow({ c, now }: { c: Contact; now: number }) {
  const id = String(c.id);
  const selected = id === state.selectedId;
  const at = activityTime(c);
  const sub = secondaryLine(c);
  const status = str(c.status);
  const unread = c.unread === true && !selected;
  return (
    <li class="contact-item">
      <button type="button" class={`contact${selected ? ' is-selected' : ''}${unread ? ' is-unread' : ''}`} data-testid="contact" data-contact-id={id}
        data-unread={unread ? 'true' : 'false'}
        aria-current={selected ? 'true' : undefined} onClick={() => navigate({ name: 'inbox', contact: id })}>
        <span class={avatarClass(id)} aria-hidden="true">{initials(c)}</span>
        <span class="contact-main">
          <span class="contact-top">
            <span class="contact-name" data-testid="contact-name">{displayName(c)}</span>
            {unread ? <span class="unread-dot" data-testid="unread-dot" role="img" aria-label={t('inbox.unread')} /> : null}
            {at === null ? null : (
              <time class="contact-time" data-testid="contact-time" dateTime={new Date(at).toISOString()} title={t('contact.lastActivity', { at: fmtFull(at) })}>
                {relativeTime(at, now)}
              </time>
            )}
          </span>
          <span class="contact-mid">
            {sub ? <span class="contact-phone" data-testid="contact-phone">{sub}</span> : <span />}
            <span class={`contact-owner${c.owner ? '' : ' is-unassigned'}`} data-testid="contact-owner" data-owner={c.owner ?? ''}
              title={c.owner ? t('contact.ownerTitle', { owner: c.owner }) : t('owner.nobody')}>
              <Icon name="contact" class="icon icon--tiny" />{ownerLabel(c.owner)}
            </span>
          </span>
          <span class="contact-bottom">
            {status ? <span class={`chip chip--${status} chip--small`} data-testid="status-chip" data-status={status}>{statusLabel(status)}</span> : null}
            {c.overdue ? <span class="chip chip--overdue chip--small" data-testid="overdue" title={t('contact.overdueTitle')}>{t('conv.overdue')}</span> : null}
            <WindowBadge c={c} now={now} small />
            {c.opted_out ? <span class="badge badge--small badge--optout" data-testid="opted-out" title={t('contact.optedOutTitle')}>{t('contact.optedOut')}</span> : null}
          </span>
        </span>
      </button>
    </li>
  );
}

function QueueTabs() {
  const onKey = (e: KeyboardEvent) => {
    const i = QUEUES.indexOf((e.target as HTMLElement).dataset.queue as Queue);
    if (i < 0) return;
    let j: number | null = null;
    if (e.key === 'ArrowRight') j = (i + 1) % QUEUES.length;
    else if (e.key === 'ArrowLeft') j = (i - 1 + QUEUES.length) % QUEUES.length;
    else if (e.key === 'Home') j = 0;
    else if (e.key === 'End') j = QUEUES.length - 1;
    if (j === null) return;
    e.preventDefault();
    const next = QUEUES[j] as Queue;
    chooseQueue(next);
    (e.currentTarget as HTMLElement).querySelector<HTMLElement>(`[data-queue="${next}"]`)?.focus();
  };
  return (
    <div class="queue-tabs" role="tablist" aria-label={t('inbox.queues')} data-testid="queue-tabs" onKeyDown={onKey}>
      {QUEUES.map((q) => {
        const selected = q === state.queue;
        const count = state.counts.get(q);
        return (
          <button type="button" role="tab" id={`queue-${q}`} key={q} class={`queue-tab${selected ? ' is-selected' : ''}`} aria-selected={selected}
            aria-controls="contact-list" tabIndex={selected ? 0 : -1} data-testid="queue-tab" data-queue={q} onClick={() => chooseQueue(q)}>
            <span class="queue-label">{t(QUEUE_KEYS[q])}</span>
            <span class={`queue-count${q === 'overdue' && count?.n ? ' is-alert' : ''}`} data-testid="queue-count"
              aria-label={count ? t('inbox.countLabel', { n: count.n, more: count.more ? '+' : '' }) : undefined}>
              {count ? `${count.n}${count.more ? '+' : ''}` : ''}
            </span>
          </button>
        );
      })}
    </div>
  );
}

export function Inbox({ contact }: { contact: string | null }) {
  useLive();
  const [search, setSearch] = useState('');
  const [loadingMore, setLoadingMore] = useState(false);
  useEffect(() => select(contact), [contact]);
  useEffect(() => refilter(), [filters.value]);
  useReadMarker(contact);
  useEffect(() => {
    whenLost(() => navigate({ name: 'inbox', contact: null }, { replace: true }));
    return () => select(null);
  }, []);
  const now = Date.now();
  const visible = visibleContacts();
  const total = state.list.length;
  let empty = '';
  if (state.contactsLoaded && total === 0) empty = hasFilters(filters.value) ? t('filters.none') : t(EMPTY_KEYS[state.queue]);
  else if (state.contactsLoaded && visible.length === 0) empty = t('inbox.noMatch', { q: search.trim() });
  return (
    <div class={`inbox${contact ? ' has-selection' : ''}`} data-testid="inbox">
      {state.appError ? <div class="app-error" data-testid="app-error" role="status" aria-live="polite">{state.appError}</div> : null}
      <div class="panes">
        <nav class="contacts-pane" aria-labelledby="contacts-heading">
          <div class="contacts-head">
            <h1 id="contacts-heading" class="pane-title" tabIndex={-1}>{t('nav.inbox')}</h1>
            <span class="count" data-testid="contact-count" aria-live="polite">
              {!state.contactsLoaded ? '' : state.filter ? t('inbox.countOf', { shown: visible.length, total }) : `${total}${state.nextCursor ? '+' : ''}`}
            </span>
          </div>
          <NewConversation />
          <QueueTabs />
          <form class="search" role="search" onSubmit={(e) => {
            e.preventDefault();
            // `#vip` asks the server for every contact tagged vip (the tag filter), not only the loaded ones.
            if (search.trim().startsWith('#')) {
              setFilters({ ...filters.value, tag: normalizeTag(search) });
              setSearch('');
              setFilter('');
            }
          }}>
            <label class="visually-hidden" for="contact-search">{t('inbox.search')}</label>
            <input id="contact-search" class="search-input" type="search" placeholder={t('inbox.searchPlaceholder')} autocomplete="off" spellcheck={false}
              data-testid="contact-search" value={search}
              onInput={(e) => { const v = (e.currentTarget as HTMLInputElement).value; setSearch(v); setFilter(v.trim().replace(/^#/, '')); }} />
          </form>
          <FilterBar />
          <div class="contacts-scroll">
            <ul id="contact-list" class="contact-list" data-testid="contact-list" aria-labelledby={`queue-${state.queue}`}>
              {visible.map((c) => <ContactRow c={c} now={now} key={c.id} />)}
            </ul>
            {empty ? <p class="contacts-empty" data-testid="contacts-empty">{empty}</p> : null}
            {state.nextCursor ? (
              <div class="load-more-wrap">
                <button class="button button--secondary" type="button" data-testid="load-more" disabled={loadingMore} onClick={async () => {
                  setLoadingMore(true);
                  try {
                    await loadContacts({ more: true });
                  } catch (e) {
                    backgroundError(e);
                  } finally {
                    setLoadingMore(false);
                  }
                }}>{loadingMore ? t('inbox.loading') : t('inbox.loadMore')}</button>
              </div>
            ) : null}
          </div>
        </nav>
        <main class="conversation" data-testid="conversation" aria-label={t('conv.label')}>
          {contact ? <Conversation contactId={contact} key={contact} /> : (
            <div class="no-selection" data-testid="no-selection">
              <div class="no-selection-card">
                <img src="/favicon.svg" alt="" width="56" height="56" />
                <h2>{t('inbox.emptyTitle')}</h2>
                <p>{t('inbox.emptyText')}</p>
              </div>
            </div>
          )}
        </main>
      </div>
    </div>
  );
}
