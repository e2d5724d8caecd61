// The inbox's state: queues, the open conversation, drafts, the template
// catalog and the contact panel. The state is plain data behind a proxy
// that subscribes whatever reads it while rendering to `rev`, which every
// change bumps.

import { signal } from '@preact/signals';
import type { Changes } from '../api/changes';
import { ApiError, SignedOut, items, nextCursor } from '../api/client';
import * as consentApi from '../api/consent';
import type { ConsentInput } from '../api/consent';
import * as contactsApi from '../api/contacts';
import type { CallLogged, Contact, NewCallLog, Note, Queue } from '../api/contacts';
import * as dealsApi from '../api/deals';
import type { Deal, Pipeline } from '../api/deals';
import * as messagesApi from '../api/messages';
import type { Estimate, Message, SendBody } from '../api/messages';
import * as tasksApi from '../api/tasks';
import type { Task } from '../api/tasks';
import * as teamApi from '../api/team';
import type { User } from '../api/team';
import * as templatesApi from '../api/templates';
import type { Template } from '../api/templates';
import { t } from '../i18n';
import { fmtFull, parseTime } from '../lib/format';
import { generation, isManager, onReset, user } from '../lib/session';
import { expectChanges } from '../live/feed';
import { filters, hasFilters, keeps } from './filters';
import { displayName, localEstimate, windowInfo, type Category, CATEGORIES } from './model';
import { fillBody, missingCount, templateSend } from './template/fields';
import { errorText } from '../lib/errorText';

const rev = signal(0);
const changed = () => {
  rev.value++;
};

export const QUEUES: Queue[] = ['mine', 'unassigned', 'waiting_on_us', 'waiting_on_customer', 'overdue', 'closed', 'all'];
const QUEUE_KEY = 'parley.queue';
const MAX_MESSAGE_PAGES = 100;
export const MAX_TEXT = 4096;
const SEND_ATTEMPTS = 3;

export interface Draft {
  text: string;
  replyTo: string | null;
  mode: 'text' | 'template';
  template: string | null;
  language: string | null;
  params: Map<string, string[]>;
  /** Header, named-parameter and button values, by `template|language`, then field key. */
  fields: Map<string, Record<string, string>>;
  key: string | null;
  keySig: string | null;
  error: string;
  result: string | { replayed: boolean; estimate: Estimate | null } | null;
}

export interface LocalMessage extends Message {
  local?: boolean;
  createdAt?: number;
}

export interface TemplateGroup {
  name: string;
  category: Category;
  translations: { language: string; category: Category; params: number; body: string; template: Template }[];
}

function storedQueue(): Queue {
  try {
    const q = localStorage.getItem(QUEUE_KEY) as Queue | null;
    return q && QUEUES.includes(q) ? q : 'all';
  } catch {
    return 'all';
  }
}

function fresh() {
  return {
    contacts: new Map<string, Contact>(),
    list: [] as string[],
    nextCursor: null as string | null,
    pages: 1,
    listEpoch: 0,
    contactsLoaded: false,
    queue: storedQueue(),
    counts: new Map<Queue, { n: number; more: boolean }>(),
    filter: '',
    selectedId: null as string | null,
    serverMessages: [] as Message[],
    timelineFor: null as string | null,
    conversationSeq: 0,
    pending: new Map<string, Map<string, LocalMessage>>(),
    drafts: new Map<string, Draft>(),
    inFlight: new Set<string>(),
    retrying: new Set<string>(),
    retryErrors: new Map<string, string>(),
    localEdits: new Map<string, { opted_out: boolean; at: number }>(),
    patchedAt: new Map<string, number>(),
    templates: null as Template[] | null,
    /** The business number `templates` are the catalog of (its account's). */
    templatesNumber: null as string | null,
    templatesLoading: null as Promise<void> | null,
    templatesError: '',
    syncing: false,
    users: [] as User[],
    pipelines: null as Pipeline[] | null,
    notes: [] as Note[],
    deals: [] as Deal[],
    /** The open conversation's open tasks (`tasksFor` says whose). */
    tasks: [] as Task[],
    tasksFor: null as string | null,
    tasksError: '',
    panelFor: null as string | null,
    appError: '',
    convError: '',
    panelError: '',
    optOutBusy: false,
    busy: new Set<string>(),
  };
}

/**
 * The state as everything reads it: a read during a render subscribes the
 * component to `rev`, however it reached the data (directly, or through a
 * helper such as `ownerLabel`). @preact/signals re-renders a component that
 * reads signals only for its own signals, state and props, not with its
 * parent, so one that read this plain data without `rev` kept showing it
 * stale (the new-lead form's owners, a note's author).
 */
function tracked<T extends object>(raw: T): T {
  return new Proxy(raw, {
    get(target, key, receiver) {
      void rev.value;
      return Reflect.get(target, key, receiver);
    },
  });
}

export let state = tracked(fresh());
onReset(() => {
  state = tracked(fresh());
  changed();
});

const stale = (g: number) => g !== generation();
const quiet = (e: unknown) => e instanceof SignedOut;

export function draftFor(id: string): Draft {
  let d = state.drafts.get(id);
  if (!d) {
    d = { text: '', replyTo: null, mode: 'text', template: null, language: null, params: new Map(), fields: new Map(), key: null, keySig: null, error: '', result: null };
    state.drafts.set(id, d);
  }
  return d;
}

// ---------------------------------------------------------------------------
// Contacts and queues

function storeContact(c: Contact | null | undefined, askedAt: number): void {
  if (!c || c.id === null || c.id === undefined) return;
  const id = String(c.id);
  const patched = state.patchedAt.get(id);
  if (patched && askedAt <= patched && state.contacts.has(id)) return; // an answer from before our own change
  const edit = state.localEdits.get(id);
  if (edit && askedAt <= edit.at && c.opted_out !== edit.opted_out) c = { ...c, opted_out: edit.opted_out };
  state.contacts.set(id, c);
}

export function backgroundError(e: unknown): void {
  if (quiet(e) || !user.value) return;
  state.appError = e instanceof ApiError ? t('app.refreshFailed', { message: e.message }) : t('app.unreachable');
  changed();
}

/** Loads the active queue again (as many pages as are shown), or its next page with `more`. */
export async function loadContacts({ more = false } = {}): Promise<void> {
  const g = generation();
  const { queue, listEpoch: epoch } = state;
  const narrow = filters.value;
  const asked = Date.now();
  let ids: string[];
  let next: string | null;
  if (more) {
    if (!state.nextCursor) return;
    const page = await contactsApi.queuePage(queue, state.nextCursor, narrow);
    if (stale(g) || queue !== state.queue || epoch !== state.listEpoch || narrow !== filters.value) return;
    for (const c of items(page)) storeContact(c, asked);
    ids = [...state.list, ...items(page).map((c) => String(c?.id))];
    next = nextCursor(page);
    state.pages++;
    state.listEpoch++;
  } else {
    ids = [];
    next = null;
    for (let i = 0; i < state.pages; i++) {
      const page = await contactsApi.queuePage(queue, next, narrow);
      if (stale(g)) return;
      for (const c of items(page)) storeContact(c, asked);
      ids.push(...items(page).map((c) => String(c?.id)));
      next = nextCursor(page);
      if (!next) break;
    }
    if (queue !== state.queue || epoch !== state.listEpoch || narrow !== filters.value) return;
  }
  state.list = [...new Set(ids.filter((id) => id !== 'undefined' && state.contacts.has(id)))];
  state.nextCursor = next;
  state.contactsLoaded = true;
  // The tabs count whole queues: a filtered list does not stand for one.
  if (!hasFilters(narrow)) state.counts.set(queue, { n: state.list.length, more: Boolean(next) });
  state.appError = '';
  changed();
}

export function chooseQueue(queue: Queue): void {
  if (queue === state.queue || !user.value) return;
  state.queue = queue;
  try {
    localStorage.setItem(QUEUE_KEY, queue);
  } catch {
    // not remembered
  }
  state.list = [];
  state.pages = 1;
  state.nextCursor = null;
  state.listEpoch++;
  state.contactsLoaded = false;
  changed();
  loadContacts().catch(backgroundError);
}

let shownFilters = filters.value;

/** Reads the list again when the URL's filters changed (a choice in the filter bar, Back, a reload). */
export function refilter(): void {
  if (shownFilters === filters.value) return;
  shownFilters = filters.value;
  state.list = [];
  state.pages = 1;
  state.nextCursor = null;
  state.listEpoch++;
  state.contactsLoaded = false;
  changed();
  loadContacts().catch(backgroundError);
}

export function setFilter(text: string): void {
  state.filter = text.trim().toLowerCase();
  changed();
}

export async function loadTeam(): Promise<void> {
  const g = generation();
  if (!state.pipelines) {
    const p = await dealsApi.pipelines().catch(() => null);
    if (stale(g)) return;
    if (p) state.pipelines = items(p);
  }
  if (isManager()) {
    const u = await teamApi.users();
    if (stale(g)) return;
    state.users = items(u).filter((x) => x && typeof x.email === 'string');
  }
  changed();
}

/** How many times, and how far apart, a missing team is asked for again. */
const TEAM_TRIES = 10;
const TEAM_RETRY_MS = 2_000;

/** Whether what `loadTeam` fetches is here: the pipelines, and for managers the team. */
const teamLoaded = () => state.pipelines !== null && (!isManager() || state.users.length > 0);

/**
 * Loads the team, and again while it is missing: a 5xx, a timeout or an
 * answer dropped by a sign-in would otherwise leave addresses where names
 * belong, and no owners to choose, until the next sign-in. `gaveUp` runs
 * when the tries are spent. Returns what stops the tries.
 */
export function keepLoadingTeam(gaveUp: () => void = () => {}): () => void {
  let tries = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let live = true;
  const attempt = (): void => {
    if (!live || teamLoaded()) return;
    tries++;
    loadTeam().catch(() => undefined).finally(() => {
      if (!live || teamLoaded()) return;
      if (tries < TEAM_TRIES) timer = setTimeout(attempt, TEAM_RETRY_MS);
      else gaveUp();
    });
  };
  attempt();
  return () => {
    live = false;
    clearTimeout(timer);
  };
}

export async function fetchContact(id: string): Promise<void> {
  const g = generation();
  try {
    const asked = Date.now();
    const c = await contactsApi.contact(id);
    if (stale(g) || !c) return;
    storeContact(c, asked);
    changed();
  } catch (e) {
    if (quiet(e) || stale(g)) return;
    if (e instanceof ApiError && e.status === 404 && state.selectedId === id) lostConversation(id);
  }
}

// ---------------------------------------------------------------------------
// The open conversation

/** Opens (or closes, with null) a conversation; the router calls this. */
export function select(id: string | null): void {
  if (id === state.selectedId) return;
  state.selectedId = id;
  state.conversationSeq++;
  state.serverMessages = [];
  state.timelineFor = null;
  state.convError = '';
  state.panelError = '';
  state.notes = [];
  state.deals = [];
  state.tasks = [];
  state.tasksFor = null;
  state.tasksError = '';
  state.panelFor = id;
  changed();
  if (!id) return;
  if (!state.contacts.has(id)) fetchContact(id);
  refreshConversation().catch(backgroundError);
  refreshPanel();
}

let onLost: (id: string) => void = () => {};
/** What happens when the open conversation no longer exists (the router goes back to the list). */
export function whenLost(hook: (id: string) => void): void {
  onLost = hook;
}

function lostConversation(id: string): void {
  if (state.selectedId !== id) return;
  onLost(id);
  loadContacts().catch(backgroundError);
}

async function fetchAllMessages(id: string): Promise<Message[]> {
  const all: Message[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page = await messagesApi.messagesPage(id, cursor);
    all.push(...items(page));
    cursor = nextCursor(page);
    pages++;
  } while (cursor && pages < MAX_MESSAGE_PAGES);
  return mergedTimeline([], all);
}

/** `base` with `newer` laid over it by id, oldest first (as the API pages them; the sort is stable). */
function mergedTimeline(base: Message[], newer: Message[]): Message[] {
  const seen = new Map<string, Message>();
  for (const m of [...base, ...newer]) if (m && m.id !== undefined) seen.set(String(m.id), m);
  return [...seen.values()].sort((a, b) => (parseTime(a.at) ?? 0) - (parseTime(b.at) ?? 0));
}

export async function refreshConversation(): Promise<void> {
  const id = state.selectedId;
  if (!id) return;
  const g = generation();
  const seq = ++state.conversationSeq;
  try {
    const list = await fetchAllMessages(id);
    if (stale(g) || id !== state.selectedId || seq !== state.conversationSeq) return;
    state.serverMessages = list;
    state.timelineFor = id;
    changed();
  } catch (e) {
    if (quiet(e) || stale(g) || id !== state.selectedId) return;
    if (e instanceof ApiError && e.status === 404) {
      lostConversation(id);
      return;
    }
    throw e;
  }
}

/** The API's timeline plus the sends it does not list yet (shown as queued until it does). */
export function timeline(): LocalMessage[] {
  const id = state.selectedId;
  if (!id) return [];
  const list = state.serverMessages;
  const pending = state.pending.get(id);
  if (!pending || pending.size === 0) return list;
  const known = new Set(list.map((m) => String(m.id)));
  const extra: LocalMessage[] = [];
  const old = Date.now() - 5 * 60_000;
  for (const [mid, m] of pending) {
    if (known.has(mid) || (m.createdAt ?? 0) < old) pending.delete(mid);
    else extra.push(m);
  }
  return extra.length ? [...list, ...extra] : list;
}

export function deliveryUnderway(): boolean {
  return timeline().some((m) => m.direction === 'out' && (m.status === 'queued' || m.status === 'sending') && m.outcome_unknown !== true);
}

/** A send or retry went out: the live feed brings its progress. */
export function refreshSoon(): void {
  expectChanges();
}

// ---------------------------------------------------------------------------
// Live updates (the feed in ../live delivers them)

/** The conversation the live feed follows: the open one, once its timeline is loaded (so what the feed brings is newer). */
export function liveContact(): string | null {
  const id = state.selectedId;
  return id && state.timelineFor === id ? id : null;
}

/** Folds one answer of the live feed into the state. */
export function applyChanges(changes: Changes, contact: string | null, askedAt: number): void {
  const rows = Array.isArray(changes?.contacts) ? changes.contacts : [];
  for (const c of rows) storeContact(c, askedAt);
  if (changes?.contact) storeContact(changes.contact, askedAt);
  const messages = Array.isArray(changes?.messages) ? changes.messages : [];
  const known = new Set(state.serverMessages.map((m) => String(m.id)));
  if (contact && contact === state.selectedId && state.timelineFor === contact && messages.length) {
    state.serverMessages = mergedTimeline(state.serverMessages, messages);
  }
  if (changes?.notes_changed && contact && contact === state.selectedId) refreshPanel();
  // A missed call becomes a call-back task shortly after it arrives (no change
  // the feed reports): the panel's tasks are read again a few times.
  if (contact && contact === state.selectedId && messages.some((m) => m?.type === 'call' && (m.content as { missed?: unknown } | null)?.missed === true && !known.has(String(m.id)))) {
    tasksSoon(contact);
  }
  // A row the list does not hold, or one whose queue may have changed: the shown queue is read again.
  // The feed's rows are unfiltered: under filters only rows the list holds or the filters keep count,
  // and the list is read again from the API (filtered), never extended with the feed's rows.
  const narrow = filters.value;
  const filtered = hasFilters(narrow);
  const listed = (c: Contact) => state.list.includes(String(c?.id));
  const relevant = rows.filter((c) => !filtered || listed(c) || keeps(c, narrow));
  let reload = relevant.some((c) => !listed(c) || (filtered && !keeps(c, narrow))) || (state.queue !== 'all' && relevant.length > 0);
  for (const [queue, count] of Object.entries(changes?.counts ?? {}) as [Queue, { n: number; more: boolean }][]) {
    if (!count || typeof count.n !== 'number') continue;
    if (queue !== state.queue || filtered) state.counts.set(queue, count);
    else if (state.pages === 1 && state.counts.get(queue)?.n !== count.n) reload = true;
  }
  if (reload) loadContacts().catch(backgroundError);
  state.appError = '';
  changed();
}

/** A poll failed: the open conversation went out of view, or the API is unreachable. */
export function liveFailed(error: unknown, contact: string | null): void {
  if (error instanceof ApiError && error.status === 404 && contact) lostConversation(contact);
  else backgroundError(error);
}

export async function retryMessage(id: string): Promise<void> {
  if (state.retrying.has(id)) return;
  const g = generation();
  const contactId = state.selectedId;
  state.retrying.add(id);
  state.retryErrors.delete(id);
  changed();
  try {
    await messagesApi.retry(id);
    if (stale(g)) return;
    // Queued again: shown at once; the next poll brings the rest.
    const m = state.serverMessages.find((x) => String(x.id) === id);
    if (m && state.selectedId === contactId) Object.assign(m, { status: 'queued', errors: null, outcome_unknown: false, attempts: 0 });
  } catch (e) {
    if (quiet(e) || stale(g)) return;
    state.retryErrors.set(id, e instanceof ApiError && e.code === 'not_retryable' ? t('msg.notRetryable') : t('msg.retryFailed', { message: (e as Error).message }));
  } finally {
    state.retrying.delete(id);
  }
  if (stale(g) || state.selectedId !== contactId) return;
  changed();
  refreshSoon();
}

export async function toggleOptOut(): Promise<void> {
  const id = state.selectedId;
  const c = id ? state.contacts.get(id) : null;
  if (!id || !c || state.optOutBusy) return;
  const want = c.opted_out !== true;
  const g = generation();
  state.optOutBusy = true;
  changed();
  try {
    const res = await contactsApi.setOptOut(id, want);
    if (stale(g)) return;
    const optedOut = typeof res?.opted_out === 'boolean' ? res.opted_out : want;
    state.localEdits.set(id, { opted_out: optedOut, at: Date.now() });
    const current = state.contacts.get(id);
    if (current) state.contacts.set(id, { ...current, opted_out: optedOut });
  } catch (e) {
    if (quiet(e) || stale(g)) return;
    state.appError = t('conv.optOutFailed', { message: (e as Error).message });
  } finally {
    state.optOutBusy = false;
    changed();
  }
}

/** POSTs a change to the open conversation (assign, close, reopen); the answer is the updated contact. */
export async function contactAction(action: 'assign' | 'close' | 'reopen', owner: string | null = null): Promise<void> {
  const id = state.selectedId;
  if (!id || state.busy.has(action)) return;
  const g = generation();
  state.convError = '';
  state.busy.add(action);
  changed();
  try {
    const c = action === 'assign' ? await contactsApi.assign(id, owner) : action === 'close' ? await contactsApi.close(id) : await contactsApi.reopen(id);
    if (stale(g)) return;
    acceptContact(id, c);
    loadContacts().catch(() => {});
    expectChanges();
  } catch (e) {
    if (quiet(e) || stale(g)) return;
    if (e instanceof ApiError && e.status === 404) lostConversation(id);
    else if (state.selectedId === id) state.convError = (e as Error).message;
  } finally {
    state.busy.delete(action);
    changed();
  }
}

function acceptContact(id: string, c: Contact | null): void {
  if (c && c.id !== undefined) {
    state.contacts.set(id, c);
    state.patchedAt.set(id, Date.now());
  }
  changed();
}

// ---------------------------------------------------------------------------
// Templates

/** Approved templates, one entry per name, its translations inside. */
export function templateGroups(): TemplateGroup[] {
  const byName = new Map<string, TemplateGroup>();
  for (const tpl of state.templates ?? []) {
    if (!tpl || typeof tpl.name !== 'string' || !tpl.name || typeof tpl.language !== 'string' || String(tpl.status).toUpperCase() !== 'APPROVED') continue;
    const lower = String(tpl.category).toLowerCase() as Category;
    const category: Category = CATEGORIES.includes(lower) ? lower : 'utility';
    let g = byName.get(tpl.name);
    if (!g) {
      g = { name: tpl.name, category, translations: [] };
      byName.set(tpl.name, g);
    }
    // A named template's values are asked for by name, not by position.
    const positional = tpl.parameter_format !== 'named';
    const params = positional && Number.isInteger(tpl.body_params) && (tpl.body_params ?? 0) >= 0 ? Math.min(tpl.body_params ?? 0, 50) : 0;
    const template = { ...tpl, buttons: Array.isArray(tpl.buttons) ? tpl.buttons : [], body_param_names: Array.isArray(tpl.body_param_names) ? tpl.body_param_names : [] };
    g.translations.push({ language: tpl.language, category, params, body: typeof tpl.body === 'string' ? tpl.body : '', template });
  }
  const groups = [...byName.values()];
  for (const g of groups) g.translations.sort((a, b) => a.language.localeCompare(b.language));
  return groups.sort((a, b) => CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category) || a.name.localeCompare(b.name));
}

/** The templates a message from business number `number` may use: its WhatsApp Business Account's catalog. */
export function loadTemplates(number: string | null = state.templatesNumber): Promise<void> {
  if (state.templatesLoading && state.templatesNumber === number) return state.templatesLoading;
  if (state.templatesNumber !== number) state.templates = null;
  state.templatesNumber = number;
  const g = generation();
  let done: Promise<void> | null = null;
  done = (async () => {
    try {
      const all: Template[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await templatesApi.templatesPage(cursor, number);
        all.push(...items(page));
        cursor = nextCursor(page);
        pages++;
      } while (cursor && pages < 20);
      if (stale(g) || state.templatesNumber !== number) return;
      state.templates = all;
      state.templatesError = '';
    } catch (e) {
      if (quiet(e) || stale(g)) return;
      state.templatesError = t('tpl.loadFailed', { message: (e as Error).message });
    } finally {
      if (state.templatesLoading === done) state.templatesLoading = null;
      if (!stale(g)) changed();
    }
  })();
  state.templatesLoading = done;
  return done;
}

export async function syncTemplates(): Promise<void> {
  if (state.syncing) return;
  const g = generation();
  state.syncing = true;
  state.templatesError = '';
  setSendResult(null);
  changed();
  try {
    const res = await templatesApi.syncTemplates();
    if (stale(g)) return;
    await loadTemplates();
    if (stale(g)) return;
    const n = Number(res?.synced);
    const approved = templateGroups().length;
    const failed = (res?.accounts ?? []).filter((a) => a.error).map((a) => a.waba_id ?? '');
    const synced = Number.isFinite(n) ? t('tpl.synced', { n, approved }) : t('tpl.syncedSome');
    setSendResult(failed.length ? `${synced} ${t('tpl.accountsFailed', { accounts: failed.join(', ') })}` : synced);
  } catch (e) {
    if (quiet(e) || stale(g)) return;
    state.templatesError = t('tpl.syncFailed', { message: (e as Error).message });
  } finally {
    if (!stale(g)) {
      state.syncing = false;
      changed();
    }
  }
}

export function selectedGroup(draft: Draft): TemplateGroup | null {
  return templateGroups().find((g) => g.name === draft.template) ?? null;
}

export function selectedTranslation(draft: Draft) {
  return selectedGroup(draft)?.translations.find((x) => x.language === draft.language) ?? null;
}

export function paramValues(draft: Draft, tr: { params: number }): string[] {
  const stored = draft.params.get(draft.template ?? '') ?? [];
  return Array.from({ length: tr.params }, (_, i) => (typeof stored[i] === 'string' ? stored[i] : ''));
}

// ---------------------------------------------------------------------------
// The composer

let resultTimer = 0;
export function setSendResult(result: Draft['result']): void {
  const id = state.selectedId;
  if (id) draftFor(id).result = result;
  clearTimeout(resultTimer);
  if (result && id) {
    resultTimer = window.setTimeout(() => {
      const d = state.drafts.get(id);
      if (d?.result === result) {
        d.result = null;
        changed();
      }
    }, 20_000);
  }
  changed();
}

export function updateDraft(change: (d: Draft) => void): void {
  const id = state.selectedId;
  if (!id) return;
  change(draftFor(id));
  changed();
}

function newKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function sendErrorMessage(e: unknown, c: Contact): string {
  if (!(e instanceof ApiError)) return t('send.unreachable');
  switch (e.code) {
    case 'window_closed': {
      const closed = parseTime(e.detail.window_closed_at);
      return closed !== null ? t('send.windowClosed', { at: fmtFull(closed) }) : t('send.failed', { message: e.message });
    }
    case 'opted_out':
      return t('send.optedOut', { name: displayName(c) });
    case 'not_found':
      return t('send.notFound');
    default:
      return t('send.failed', { message: e.message });
  }
}

/** Sends the draft as text or a template; one Idempotency-Key per compose action. */
export async function submit(kind: 'text' | 'template'): Promise<boolean> {
  const id = state.selectedId;
  const c = id ? state.contacts.get(id) : null;
  if (!id || !c || state.inFlight.has(id)) return false;
  const draft = draftFor(id);
  const open = windowInfo(c.window, Date.now()).open;
  let payload: SendBody;
  let shown: string;
  let category: Category | 'service' = 'service';
  if (kind === 'text') {
    if (!open || !draft.text.trim() || Array.from(draft.text).length > MAX_TEXT) return false;
    payload = { type: 'text', text: draft.text };
    shown = draft.text;
  } else {
    const tr = selectedTranslation(draft);
    if (!tr || !draft.template || !draft.language) return false;
    const params = paramValues(draft, tr).map((v) => v.trim());
    const fields = draft.fields.get(`${draft.template}|${draft.language}`) ?? {};
    if (params.some((v) => !v) || missingCount(tr.template, fields) > 0) return false;
    payload = { type: 'template', template: templateSend(tr.template, params, fields) };
    shown = fillBody(tr.template, params, fields);
    category = tr.category;
  }
  if (draft.replyTo) payload.context = { message_id: draft.replyTo };
  // The key belongs to this exact message: sending it again (or retrying after a
  // lost answer) reuses it, so Parley queues it once; a changed message gets a new one.
  const sig = JSON.stringify(payload);
  if (!draft.key || draft.keySig !== sig) {
    draft.key = newKey();
    draft.keySig = sig;
  }
  const key = draft.key;
  const g = generation();
  state.inFlight.add(id);
  draft.error = '';
  setSendResult(null);
  try {
    let res: messagesApi.SendResult | null = null;
    for (let attempt = 1; ; attempt++) {
      try {
        res = await messagesApi.send(id, payload, key);
        break;
      } catch (e) {
        const transient = !(e instanceof ApiError) || e.status === 502 || e.status === 503 || e.status === 504;
        if (quiet(e) || !transient || attempt >= SEND_ATTEMPTS || stale(g)) throw e;
        await new Promise((resolve) => setTimeout(resolve, 400 * attempt));
      }
    }
    if (stale(g)) return false;
    if (kind === 'text') {
      if (payload.type === 'text' && draft.text === payload.text) draft.text = '';
    } else {
      draft.params.delete(draft.template ?? '');
      draft.fields.delete(`${draft.template}|${draft.language}`);
      if (open) draft.mode = 'text';
    }
    draft.replyTo = null;
    draft.key = null;
    draft.keySig = null;
    const messageId = typeof res?.id === 'string' ? res.id : null;
    if (messageId && !state.serverMessages.some((m) => String(m.id) === messageId)) {
      let pending = state.pending.get(id);
      if (!pending) state.pending.set(id, (pending = new Map()));
      pending.set(messageId, {
        id: messageId, direction: 'out', type: kind, text: shown, status: 'queued', at: new Date().toISOString(),
        content: null, context: payload.context ?? null, referral: null, errors: null, pricing: null,
        attempts: 0, outcome_unknown: false, estimate: res?.estimate ?? null, media: null, campaign_id: null, origin: null, sent_by: user.value?.email ?? null, local: true, createdAt: Date.now(),
      });
    }
    state.inFlight.delete(id);
    // A replayed request answers without an estimate: show the rate card's.
    const estimate = res?.estimate ?? localEstimate(category, open, c.wa_id);
    if (state.selectedId === id) setSendResult({ replayed: res?.replayed === true, estimate });
    else draft.result = { replayed: res?.replayed === true, estimate };
    refreshSoon();
    return true;
  } catch (e) {
    if (quiet(e) || stale(g)) return false;
    draft.error = sendErrorMessage(e, c);
    if (e instanceof ApiError) {
      if (e.code === 'window_closed' || e.code === 'opted_out' || e.code === 'no_marketing_consent') fetchContact(id);
      if (e.code === 'unknown_template' || e.code === 'template_language' || e.code === 'template_not_approved') loadTemplates();
    }
    return false;
  } finally {
    if (!stale(g)) {
      state.inFlight.delete(id);
      changed();
    }
  }
}

// ---------------------------------------------------------------------------
// The contact panel

export async function refreshPanel(): Promise<void> {
  const id = state.selectedId;
  if (!id) return;
  const g = generation();
  try {
    refreshTasks();
    // The team (names, and the pipelines' stages) renders when it lands: a
    // slow or failing team load must not hold the notes and deals back.
    if (!state.pipelines) loadTeam().catch(() => {});
    const [n, d] = await Promise.all([contactsApi.notes(id), dealsApi.dealsFor(id)]);
    if (stale(g) || state.selectedId !== id || state.panelFor !== id) return;
    state.notes = items(n);
    state.deals = items(d);
    changed();
  } catch (e) {
    if (quiet(e) || stale(g)) return;
    if (!(e instanceof ApiError && e.status === 404) && state.selectedId === id) {
      state.panelError = t('panel.loadFailed', { message: (e as Error).message });
      changed();
    }
  }
}

let tasksSeq = 0;
/** Reads the open conversation's open tasks again (the caller's; a manager's or admin's: the team's). */
export async function refreshTasks(): Promise<void> {
  const id = state.selectedId;
  if (!id) return;
  const g = generation();
  const seq = ++tasksSeq;
  try {
    const list = await tasksApi.contactTasks(id);
    if (stale(g) || seq !== tasksSeq || state.selectedId !== id) return;
    state.tasks = list;
    state.tasksFor = id;
    state.tasksError = '';
  } catch (e) {
    if (quiet(e) || stale(g) || seq !== tasksSeq || state.selectedId !== id) return;
    state.tasksError = t('panel.tasksFailed', { message: (e as Error).message });
  }
  changed();
}

const TASK_RECHECKS_MS = [1500, 4000, 9000, 20_000, 45_000];
let taskTimers: ReturnType<typeof setTimeout>[] = [];
/** Reads `contact`'s tasks again a few times over the next seconds, while it is open, until a new one shows. */
function tasksSoon(contact: string): void {
  for (const timer of taskTimers) clearTimeout(timer);
  const before = new Set(state.tasksFor === contact ? state.tasks.map((x) => x.id) : []);
  const arrived = () => state.tasksFor === contact && state.tasks.some((x) => !before.has(x.id));
  taskTimers = TASK_RECHECKS_MS.map((ms) => setTimeout(() => {
    if (state.selectedId === contact && !arrived()) refreshTasks();
  }, ms));
}

async function panelCall<T>(what: () => Promise<T>, failure: (message: string) => string): Promise<T | null> {
  const id = state.selectedId;
  if (!id) return null;
  const g = generation();
  state.panelError = '';
  changed();
  try {
    const out = await what();
    return stale(g) ? null : out;
  } catch (e) {
    if (quiet(e) || stale(g)) return null;
    if (e instanceof ApiError && e.status === 404) lostConversation(id);
    else state.panelError = failure((e as Error).message);
    changed();
    return null;
  }
}

export async function patchContact(body: contactsApi.ContactPatch, what: string): Promise<boolean> {
  const id = state.selectedId;
  if (!id) return false;
  const c = await panelCall(() => contactsApi.patchContact(id, body), (message) => t('panel.saveFailed', { what, message }));
  if (!c) return false;
  acceptContact(id, c);
  return true;
}

let tagChain: Promise<unknown> = Promise.resolve();
/** Tag changes go one after another, each from the list the previous one left. */
export function changeTags(change: (tags: string[]) => string[] | null): Promise<boolean> {
  const run = tagChain.then(() => {
    const c = state.contacts.get(state.selectedId ?? '');
    if (!c) return false;
    const next = change(Array.isArray(c.tags) ? c.tags : []);
    return next ? patchContact({ tags: next }, t('panel.tags')) : true;
  });
  tagChain = run.catch(() => {});
  return run;
}

export function setPanelError(message: string): void {
  state.panelError = message;
  changed();
}

export async function addNote(text: string): Promise<boolean> {
  const id = state.selectedId;
  if (!id) return false;
  const note = await panelCall(() => contactsApi.addNote(id, text), (message) => t('panel.noteFailed', { message }));
  if (!note || state.selectedId !== id) return false;
  if (note.id !== undefined && !state.notes.some((n) => n.id === note.id)) state.notes = [note, ...state.notes];
  changed();
  refreshPanel();
  return true;
}

/**
 * Logs a call staff made to the open contact: its note joins the timeline and
 * its follow-up (when one was asked for) the panel's tasks. Returns the API's
 * answer, or the reason it was refused.
 */
export async function logCall(body: NewCallLog): Promise<{ logged: CallLogged } | { error: string }> {
  const id = state.selectedId;
  if (!id) return { error: '' };
  const g = generation();
  try {
    const logged = await contactsApi.logCall(id, body);
    if (stale(g) || state.selectedId !== id) return { logged };
    const note = logged.note;
    if (note?.id !== undefined && !state.notes.some((n) => n.id === note.id)) state.notes = [note, ...state.notes];
    const task = logged.follow_up;
    if (task && !state.tasks.some((x) => x.id === task.id)) state.tasks = [...state.tasks, task];
    changed();
    refreshPanel();
    return { logged };
  } catch (e) {
    if (quiet(e) || stale(g)) return { error: '' };
    if (e instanceof ApiError && e.status === 404) lostConversation(id);
    return { error: errorText(e) };
  }
}

/** Records the opt-in a customer gave staff, then shows the contact as stored. */
export async function recordConsent(body: ConsentInput): Promise<boolean> {
  const id = state.selectedId;
  if (!id) return false;
  const done = await panelCall(() => consentApi.recordConsent(id, body), (message) => t('consent.recordFailed', { message }));
  if (!done) return false;
  await fetchContact(id);
  return true;
}

export async function createDeal(title: string, valueMinor: number): Promise<boolean> {
  const id = state.selectedId;
  if (!id) return false;
  const deal = await panelCall(() => dealsApi.createDeal({ contact_id: id, title, value_minor: valueMinor }), (message) => t('panel.dealFailed', { message }));
  if (!deal || state.selectedId !== id) return false;
  if (deal.id !== undefined && !state.deals.some((d) => d.id === deal.id)) state.deals = [...state.deals, deal];
  changed();
  refreshPanel();
  return true;
}

export async function moveDeal(dealId: string, stage: string): Promise<void> {
  const deal = await panelCall(() => dealsApi.moveDeal(dealId, stage), (message) => t('panel.moveFailed', { message }));
  if (deal) state.deals = state.deals.map((d) => (d.id === deal.id ? { ...d, ...deal } : d));
  changed();
  refreshPanel();
}

/** Merges `from`, another record of the same person, into the open contact: its messages, deals and tasks join this one. */
export async function mergeSuggested(from: string): Promise<boolean> {
  const id = state.selectedId;
  if (!id) return false;
  const g = generation();
  state.panelError = '';
  changed();
  try {
    const c = await contactsApi.merge(id, from);
    if (stale(g)) return false;
    state.contacts.delete(from);
    state.list = state.list.filter((x) => x !== from);
    acceptContact(id, c);
  } catch (e) {
    if (quiet(e) || stale(g)) return false;
    // A 404 is either record gone (merged or erased meanwhile): show what is left.
    if (e instanceof ApiError && e.status === 404) fetchContact(id);
    else if (state.selectedId === id) state.panelError = t('panel.mergeFailed', { message: (e as Error).message });
    changed();
    return false;
  }
  loadContacts().catch(backgroundError);
  if (state.selectedId === id) {
    refreshConversation().catch(backgroundError);
    refreshPanel();
  }
  return true;
}

export function ownerLabel(email: string | null | undefined): string {
  if (!email) return t('owner.unassigned');
  if (email === user.value?.email) return t('owner.you');
  const u = state.users.find((x) => x.email === email);
  return u?.name?.trim() ? u.name : email;
}

export const visibleContacts = (): Contact[] => {
  const listed = state.list.map((id) => state.contacts.get(id)).filter((c): c is Contact => Boolean(c));
  const q = state.filter;
  const matches = (c: Contact) => {
    if (!q) return true;
    const hay = [c.name, c.phone, c.user_id, c.wa_id, ...(c.tags ?? [])].filter(Boolean).join(' ').toLowerCase();
    if (hay.includes(q)) return true;
    const digits = q.replace(/\D/g, '');
    return digits.length >= 3 && (c.phone || c.wa_id || '').replace(/\D/g, '').includes(digits);
  };
  const sorted = state.queue !== 'all' ? listed : listed.sort((a, b) =>
    (parseTime(b.last_activity_at) ?? parseTime(b.created_at) ?? 0) - (parseTime(a.last_activity_at) ?? parseTime(a.created_at) ?? 0) || String(a.id).localeCompare(String(b.id)));
  return sorted.filter(matches);
};

export { changed };
