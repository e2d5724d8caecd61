// Parley's team inbox: a plain ES module, no dependencies, no build step.
//
// Security rule for this file: every string that comes from a customer, from
// Meta or from a staff member reaches the page through textContent, a text
// node or setAttribute on a non-URL attribute. Nothing here assigns
// innerHTML/outerHTML or calls insertAdjacentHTML, and no URL is ever built
// from such a string (the only link, a map, is built from two numbers).

const POLL_MS = 3000;
const FAST_POLL_MS = 1500; // while a send of ours is still on its way
const CONTACTS_PAGE = 50;
const MESSAGES_PAGE = 200;
const MAX_MESSAGE_PAGES = 100;
const DAY_MS = 86_400_000;

// ---------------------------------------------------------------------------
// Small DOM helpers

const byId = (id) => document.getElementById(id);

/** createElement with properties; children may be nodes or strings (text). */
function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = String(value);
    else if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(parent, children) {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

// Line icons on a 24×24 grid, drawn for Parley: [element, attributes] lists.
const ICONS = {
  image: [['rect', { x: 3, y: 5, width: 18, height: 14, rx: 2 }], ['circle', { cx: 8.5, cy: 10, r: 1.6 }], ['path', { d: 'M21 15.5l-5-4.5-9 8' }]],
  video: [['rect', { x: 2.5, y: 6, width: 13, height: 12, rx: 2 }], ['path', { d: 'M15.5 10.5l6-3.5v10l-6-3.5z' }]],
  document: [['path', { d: 'M14 3H6.5A1.5 1.5 0 0 0 5 4.5v15A1.5 1.5 0 0 0 6.5 21h11a1.5 1.5 0 0 0 1.5-1.5V8z' }], ['path', { d: 'M14 3v5h5M8.5 13h7M8.5 16.5h7' }]],
  mic: [['rect', { x: 9, y: 3, width: 6, height: 11, rx: 3 }], ['path', { d: 'M5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21' }]],
  audio: [['path', { d: 'M9 18V5.5l11-2.5v12.5' }], ['circle', { cx: 6, cy: 18, r: 3 }], ['circle', { cx: 17, cy: 15.5, r: 3 }]],
  sticker: [['path', { d: 'M4 5.5A1.5 1.5 0 0 1 5.5 4h13A1.5 1.5 0 0 1 20 5.5V13l-7 7H5.5A1.5 1.5 0 0 1 4 18.5z' }], ['path', { d: 'M20 13h-5.5a1.5 1.5 0 0 0-1.5 1.5V20' }]],
  location: [['path', { d: 'M12 21s-7-6.1-7-11.5a7 7 0 0 1 14 0C19 14.9 12 21 12 21z' }], ['circle', { cx: 12, cy: 9.5, r: 2.5 }]],
  contact: [['circle', { cx: 12, cy: 8, r: 4 }], ['path', { d: 'M4 21a8 8 0 0 1 16 0' }]],
  cart: [['path', { d: 'M2.5 4h2.5l2.4 11h10.3l2.1-8H6.1' }], ['circle', { cx: 9, cy: 19.5, r: 1.5 }], ['circle', { cx: 17, cy: 19.5, r: 1.5 }]],
  reaction: [['circle', { cx: 12, cy: 12, r: 9 }], ['path', { d: 'M8.5 14.5a4.5 4.5 0 0 0 7 0M9 9.5v.5M15 9.5v.5' }]],
  tap: [['path', { d: 'M5 3.5l13.5 6.5-5.8 1.9-2 5.9z' }], ['path', { d: 'M13 13l6 6' }]],
  info: [['circle', { cx: 12, cy: 12, r: 9 }], ['path', { d: 'M12 11v6M12 7.5v.5' }]],
  warning: [['path', { d: 'M12 3.5L21.5 20h-19z' }], ['path', { d: 'M12 10v4.5M12 17.3v.4' }]],
  reply: [['path', { d: 'M9.5 14.5L4.5 9.5l5-5' }], ['path', { d: 'M4.5 9.5h9a6 6 0 0 1 6 6v4' }]],
  forward: [['path', { d: 'M14.5 14.5l5-5-5-5' }], ['path', { d: 'M19.5 9.5h-9a6 6 0 0 0-6 6v4' }]],
  ad: [['path', { d: 'M3.5 9.5v5h3.5l8 4.5v-14l-8 4.5z' }], ['path', { d: 'M18.5 9a4 4 0 0 1 0 6' }]],
  check: [['path', { d: 'M6 12.5l3.5 3.5 8.5-9' }]],
  checks: [['path', { d: 'M3.5 12.5l3.5 3.5 8-8.5' }], ['path', { d: 'M11.5 15l1 1 8-8.5' }]],
  clock: [['circle', { cx: 12, cy: 12, r: 8.5 }], ['path', { d: 'M12 7.5V12l3 2' }]],
  back: [['path', { d: 'M15 5l-7 7 7 7' }]],
  down: [['path', { d: 'M6 9.5l6 6 6-6' }]],
  send: [['path', { d: 'M5 12L3.5 4.8a.6.6 0 0 1 .83-.67L20.6 11.45a.6.6 0 0 1 0 1.1L4.33 19.87a.6.6 0 0 1-.83-.67z' }], ['path', { d: 'M5 12h7' }]],
  close: [['path', { d: 'M6.5 6.5l11 11M17.5 6.5l-11 11' }]],
  retry: [['path', { d: 'M19.5 12a7.5 7.5 0 1 1-2.2-5.3' }], ['path', { d: 'M19.5 4.5v4h-4' }]],
  template: [['rect', { x: 4, y: 3.5, width: 16, height: 17, rx: 2 }], ['path', { d: 'M8 8.5h8M8 12h8M8 15.5h4.5' }]],
  shield: [['path', { d: 'M12 3.5l7 2.8v5.2c0 4.3-3 7.7-7 9-4-1.3-7-4.7-7-9V6.3z' }], ['path', { d: 'M9.2 12l2 2 3.8-4' }]],
};

function icon(name, className = 'icon') {
  const svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('class', className);
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  for (const [tag, attrs] of ICONS[name] ?? ICONS.info) {
    const shape = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) shape.setAttribute(k, String(v));
    svg.append(shape);
  }
  return svg;
}

// ---------------------------------------------------------------------------
// Dates

const timeFmt = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const weekdayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short' });
const shortDateFmt = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: '2-digit' });
const dayFmt = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
const fullFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const untilFmt = new Intl.DateTimeFormat(undefined, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

function parseTime(iso) {
  const t = typeof iso === 'string' ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? t : null;
}

function startOfDay(t) {
  const d = new Date(t);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

function startOfPreviousDay(t) {
  const d = new Date(startOfDay(t));
  d.setDate(d.getDate() - 1);
  return d.getTime();
}

/** "now", "5 min", "14:05", "Yesterday", "Mon", "3 Nov 26". */
function relativeTime(t, now) {
  if (t === null) return '';
  const diff = now - t;
  if (diff < 60_000) return 'now';
  if (diff < 3_600_000) return `${Math.floor(diff / 60_000)} min`;
  const today = startOfDay(now);
  if (t >= today) return timeFmt.format(t);
  if (t >= startOfPreviousDay(now)) return 'Yesterday';
  if (t >= today - 6 * DAY_MS) return weekdayFmt.format(t);
  return shortDateFmt.format(t);
}

function dayLabel(t, now) {
  if (t >= startOfDay(now)) return 'Today';
  if (t >= startOfPreviousDay(now)) return 'Yesterday';
  return dayFmt.format(t);
}

// ---------------------------------------------------------------------------
// API

class SignedOut extends Error {}

class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

async function errorFrom(res) {
  let body = null;
  try {
    body = await res.json();
  } catch {
    // not JSON: fall through to the generic message
  }
  const code = body?.error?.code ?? 'http_' + res.status;
  const message = typeof body?.error?.message === 'string' ? body.error.message : `request failed (${res.status})`;
  const err = new ApiError(res.status, code, message);
  err.detail = body?.error && typeof body.error === 'object' ? body.error : {};
  return err;
}

/** A same-origin call to /api. 401 ends the session and throws SignedOut. */
async function api(path, { method = 'GET', json, headers: extra = {} } = {}) {
  const generation = state.generation;
  const headers = { accept: 'application/json', ...extra };
  if (json !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method,
    headers,
    body: json === undefined ? undefined : JSON.stringify(json),
    credentials: 'same-origin',
    cache: 'no-store',
  });
  if (res.status === 401) {
    if (generation === state.generation) sessionEnded();
    throw new SignedOut('signed out');
  }
  if (!res.ok) throw await errorFrom(res);
  if (res.status === 204) return null;
  return res.json();
}

// ---------------------------------------------------------------------------
// State

const state = {
  generation: 0, // bumped on every sign-in/out: late answers from before are dropped
  user: null,
  contacts: new Map(), // id -> contact
  rows: new Map(), // id -> { li, sig }
  nextCursor: null,
  extraPages: 0,
  contactsLoaded: false,
  filter: '',
  selectedId: null,
  messages: [],
  messageSigs: [],
  scrollOnNextRender: false,
  stuck: true, // the timeline is scrolled to its end and should stay there
  conversationSeq: 0,
  pollTimer: 0,
  refreshing: null,
  soonTimer: 0,
  resultTimer: 0,
  timelineFor: null, // the contact whose timeline has been loaded at least once
  serverMessages: [], // the selected timeline as the API last answered it
  pending: new Map(), // contact id -> Map(message id -> optimistic "queued" item)
  drafts: new Map(), // contact id -> what staff are composing there
  inFlight: new Set(), // contact ids with a send on its way
  retrying: new Set(), // message ids with a retry on its way
  retryErrors: new Map(), // message id -> why the last retry was refused
  localEdits: new Map(), // contact id -> { opted_out, at }: wins over answers to requests sent before `at`
  templates: null, // the catalog, null until loaded
  templatesLoading: null,
  templatesError: '',
  syncing: false,
  // Team inbox
  queue: 'all', // the chosen queue tab
  list: [], // contact ids in the active queue, in the order shown
  pages: 1, // how many pages of the active queue are loaded
  listEpoch: 0, // bumped when the list changes shape (tab, load more): older refreshes are dropped
  counts: new Map(), // queue -> { n, more }
  users: [], // the team (managers and admins only)
  pipelines: null,
  patchedAt: new Map(), // contact id -> when staff last changed it here
  panel: { id: null, notes: [], deals: [], notesSig: '', dealsSig: '', contactSig: '' },
  panelOpen: null, // null: open on wide screens, closed on narrow ones
};

function resetData() {
  state.contacts = new Map();
  state.rows = new Map();
  state.nextCursor = null;
  state.extraPages = 0;
  state.contactsLoaded = false;
  state.selectedId = null;
  state.messages = [];
  state.messageSigs = [];
  state.serverMessages = [];
  state.pending = new Map();
  state.drafts = new Map();
  state.inFlight = new Set();
  state.retrying = new Set();
  state.retryErrors = new Map();
  state.localEdits = new Map();
  state.templates = null;
  state.templatesLoading = null;
  state.templatesError = '';
  state.syncing = false;
  state.list = [];
  state.pages = 1;
  state.listEpoch++;
  state.counts = new Map();
  state.users = [];
  state.pipelines = null;
  state.patchedAt = new Map();
  state.panel = { id: null, notes: [], deals: [], notesSig: '', dealsSig: '', contactSig: '' };
  state.conversationSeq++;
}

let els;

// ---------------------------------------------------------------------------
// Contacts

function displayName(c) {
  return c.name || c.phone || c.user_id || c.wa_id || 'Unknown contact';
}

/** The line under the name: E.164 phone, or the business-scoped user id when Meta withholds the number. */
function secondaryLine(c) {
  const line = c.phone || (c.user_id ? c.user_id : '');
  return line && line !== displayName(c) ? line : '';
}

function initials(c) {
  const name = (c.name || '').trim();
  if (!name) return '#';
  const words = name.split(/\s+/).filter(Boolean);
  const first = Array.from(words[0] ?? '')[0] ?? '';
  const second = words.length > 1 ? Array.from(words[words.length - 1])[0] ?? '' : '';
  return (first + second).toUpperCase() || '#';
}

function avatarClass(id) {
  let hash = 0;
  for (const ch of String(id)) hash = (hash * 31 + ch.codePointAt(0)) >>> 0;
  return `avatar avatar--${hash % 8}`;
}

function activityTime(c) {
  return parseTime(c.last_activity_at) ?? parseTime(c.created_at);
}

/** The 24-hour customer-service window as staff need to read it. */
function windowInfo(w, now) {
  const closes = parseTime(w?.closes_at);
  const open = Boolean(w?.open) && (closes === null || closes > now);
  if (open) {
    const soon = closes !== null && closes - now < 2 * 3_600_000;
    let when = '';
    if (closes !== null) {
      when = closes - now < DAY_MS ? timeFmt.format(closes) : `${weekdayFmt.format(closes)} ${timeFmt.format(closes)}`;
    }
    return {
      open,
      soon,
      text: when ? `window open · closes ${when}` : 'window open',
      note: closes !== null
        ? `Service window open until ${untilFmt.format(closes)} — free-form replies are allowed.`
        : 'Service window open — free-form replies are allowed.',
    };
  }
  return {
    open: false,
    soon: false,
    text: 'window closed — template only',
    note: 'Service window closed — the customer last wrote over 24 hours ago, so only an approved template can be sent.',
  };
}

function windowBadge(w, now, extraClass = '') {
  const info = windowInfo(w, now);
  const cls = `badge ${info.open ? (info.soon ? 'badge--soon' : 'badge--open') : 'badge--closed'} ${extraClass}`;
  return h('span', { class: cls.trim(), 'data-testid': 'window-badge', 'data-open': String(info.open), title: info.note },
    h('span', { class: 'badge-dot', 'aria-hidden': 'true' }), info.text);
}

function optedOutTag(c) {
  return c.opted_out === true
    ? h('span', { class: 'badge badge--small badge--optout', 'data-testid': 'opted-out', title: 'This customer asked not to receive marketing messages.', text: 'opted out' })
    : null;
}

function matchesFilter(c) {
  const q = state.filter;
  if (!q) return true;
  const hay = [c.name, c.phone, c.user_id, c.wa_id].filter(Boolean).join(' ').toLowerCase();
  if (hay.includes(q)) return true;
  const digits = q.replace(/\D/g, '');
  return digits.length >= 3 && (c.phone || c.wa_id || '').replace(/\D/g, '').includes(digits);
}

function sortedContacts() {
  const listed = state.list.map((id) => state.contacts.get(id)).filter(Boolean);
  if (state.queue !== 'all') return listed; // the queue's own order
  return listed.sort((a, b) =>
    (activityTime(b) ?? 0) - (activityTime(a) ?? 0) || String(a.id).localeCompare(String(b.id)));
}

function buildContactRow(c, now) {
  const id = String(c.id);
  const selected = id === state.selectedId;
  const t = activityTime(c);
  const sub = secondaryLine(c);
  const button = h('button', {
    type: 'button',
    class: 'contact' + (selected ? ' is-selected' : ''),
    'data-testid': 'contact',
    'data-contact-id': id,
    'aria-current': selected ? 'true' : null,
    onclick: () => selectContact(id),
  },
  h('span', { class: avatarClass(id), 'aria-hidden': 'true', text: initials(c) }),
  h('span', { class: 'contact-main' },
    h('span', { class: 'contact-top' },
      h('span', { class: 'contact-name', 'data-testid': 'contact-name', text: displayName(c) }),
      t === null ? null : h('time', {
        class: 'contact-time', 'data-testid': 'contact-time',
        datetime: new Date(t).toISOString(), title: `Last activity ${fullFmt.format(t)}`,
        text: relativeTime(t, now),
      })),
    h('span', { class: 'contact-mid' },
      sub ? h('span', { class: 'contact-phone', 'data-testid': 'contact-phone', text: sub }) : h('span'),
      h('span', { class: 'contact-owner' + (c.owner ? '' : ' is-unassigned'), 'data-testid': 'contact-owner', 'data-owner': c.owner ?? '', title: c.owner ? `Owner: ${c.owner}` : 'Nobody owns this conversation yet' },
        icon('contact', 'icon icon--tiny'), ownerLabel(c.owner))),
    h('span', { class: 'contact-bottom' }, statusChip(c, 'chip--small'), overdueChip(c, 'chip--small'),
      windowBadge(c.window, now, 'badge--small'), optedOutTag(c))));
  return h('li', { class: 'contact-item' }, button);
}

function contactSig(c, now) {
  const t = activityTime(c);
  return JSON.stringify([c, relativeTime(t, now), windowInfo(c.window, now).text, String(c.id) === state.selectedId, ownerLabel(c.owner)]);
}

function renderContacts() {
  const list = els.contactList;
  const now = Date.now();
  const focusedId = document.activeElement?.closest?.('[data-testid="contact"]')?.dataset.contactId ?? null;
  const visible = sortedContacts().filter(matchesFilter);
  const keep = new Set(visible.map((c) => String(c.id)));
  for (const [id, row] of state.rows) {
    if (!keep.has(id)) {
      row.li.remove();
      state.rows.delete(id);
    }
  }
  visible.forEach((c, i) => {
    const id = String(c.id);
    const sig = contactSig(c, now);
    let row = state.rows.get(id);
    if (!row || row.sig !== sig) {
      const li = buildContactRow(c, now);
      if (row) row.li.replaceWith(li);
      row = { li, sig };
      state.rows.set(id, row);
    }
    const current = list.children[i];
    if (current !== row.li) list.insertBefore(row.li, current ?? null);
  });
  if (focusedId && !list.contains(document.activeElement)) {
    state.rows.get(focusedId)?.li.querySelector('button')?.focus({ preventScroll: true });
  }

  const total = state.list.length;
  els.contactCount.textContent = !state.contactsLoaded ? ''
    : state.filter ? `${visible.length} of ${total}`
    : `${total}${state.nextCursor ? '+' : ''}`;
  let empty = '';
  if (state.contactsLoaded && total === 0) {
    empty = QUEUE_EMPTY[state.queue] ?? QUEUE_EMPTY.all;
  } else if (state.contactsLoaded && visible.length === 0) {
    empty = `No contacts match “${els.search.value.trim()}”.`;
  }
  els.contactsEmpty.textContent = empty;
  els.contactsEmpty.hidden = !empty;
  els.loadMore.hidden = !state.nextCursor;
}

function queuePath(queue, cursor) {
  const params = new URLSearchParams({ limit: String(CONTACTS_PAGE) });
  if (queue !== 'all') params.set('queue', queue);
  if (cursor) params.set('cursor', cursor);
  return queue === 'all' ? `/api/contacts?${params}` : `/api/conversations?${params}`;
}

const pageItems = (page) => (Array.isArray(page?.items) ? page.items : []);
const pageNext = (page) => (typeof page?.next_cursor === 'string' && page.next_cursor ? page.next_cursor : null);

/** Loads the active queue again (as many pages as are shown), or its next page with `more`. */
async function loadContacts({ more = false } = {}) {
  const generation = state.generation;
  const queue = state.queue;
  const epoch = state.listEpoch;
  const asked = Date.now();
  let ids;
  let next;
  if (more) {
    if (!state.nextCursor) return;
    const page = await api(queuePath(queue, state.nextCursor));
    if (generation !== state.generation || queue !== state.queue || epoch !== state.listEpoch) return;
    for (const c of pageItems(page)) storeContact(c, asked);
    ids = [...state.list, ...pageItems(page).map((c) => String(c?.id))];
    next = pageNext(page);
    state.pages++;
    state.listEpoch++;
  } else {
    ids = [];
    next = null;
    for (let i = 0; i < state.pages; i++) {
      const page = await api(queuePath(queue, next));
      if (generation !== state.generation) return;
      for (const c of pageItems(page)) storeContact(c, asked);
      ids.push(...pageItems(page).map((c) => String(c?.id)));
      next = pageNext(page);
      if (!next) break;
    }
    if (queue !== state.queue || epoch !== state.listEpoch) return;
  }
  state.list = [...new Set(ids.filter((id) => id !== 'undefined' && state.contacts.has(id)))];
  state.nextCursor = next;
  state.contactsLoaded = true;
  state.counts.set(queue, { n: state.list.length, more: Boolean(next) });
  renderContacts();
  renderTabs();
  renderConversationHeader();
}

/** Keeps a contact from the API, unless staff changed it after the request left. */
function storeContact(c, askedAt) {
  if (!c || c.id === null || c.id === undefined) return;
  const id = String(c.id);
  const patched = state.patchedAt.get(id);
  if (patched && askedAt <= patched && state.contacts.has(id)) return; // an answer from before our own change
  const edit = state.localEdits.get(id);
  if (edit && askedAt <= edit.at && c.opted_out !== edit.opted_out) c = { ...c, opted_out: edit.opted_out };
  state.contacts.set(id, c);
}

async function loadMoreContacts() {
  const button = els.loadMore;
  button.disabled = true;
  button.textContent = 'Loading…';
  try {
    await loadContacts({ more: true });
    clearAppError();
  } catch (e) {
    if (!(e instanceof SignedOut)) showAppError(`Could not load more contacts: ${e.message}`);
  } finally {
    button.disabled = false;
    button.textContent = 'Load more';
  }
}

// ---------------------------------------------------------------------------
// Conversation

function selectContact(id) {
  if (!state.user) return;
  const changed = id !== state.selectedId;
  state.selectedId = id;
  els.inbox.classList.add('has-selection');
  history.replaceState(null, '', `#c=${encodeURIComponent(id)}`);
  renderContacts();
  renderConversationHeader();
  if (changed) renderComposer({ restore: true });
  if (changed) {
    state.messages = [];
    state.messageSigs = [];
    state.serverMessages = [];
    state.timelineFor = null;
    state.scrollOnNextRender = true;
    els.timeline.replaceChildren();
    els.jump.hidden = true;
    setTimelineStatus('Loading messages…');
    els.timelineScroll.setAttribute('aria-busy', 'true');
    if (!state.contacts.has(id)) fetchSelectedContact(id);
    refreshConversation().catch(backgroundError);
    openPanelFor(id);
  }
  if (window.matchMedia('(max-width: 760px)').matches) els.back.focus({ preventScroll: true });
}

function closeConversation() {
  state.selectedId = null;
  state.conversationSeq++;
  state.messages = [];
  state.messageSigs = [];
  state.serverMessages = [];
  state.timelineFor = null;
  els.inbox.classList.remove('has-selection');
  history.replaceState(null, '', location.pathname + location.search);
  renderContacts();
  renderConversationHeader();
  els.contactList.querySelector('[data-testid="contact"]')?.focus({ preventScroll: true });
}

async function fetchSelectedContact(id) {
  const generation = state.generation;
  try {
    const asked = Date.now();
    const c = await api(`/api/contacts/${encodeURIComponent(id)}`);
    if (generation !== state.generation || !c || c.id === undefined) return;
    storeContact(c, asked);
    renderContacts();
    renderConversationHeader();
  } catch (e) {
    if (e instanceof SignedOut || generation !== state.generation) return;
    if (e.status === 404 && state.selectedId === id) lostConversation(id);
  }
}

function renderConversationHeader() {
  const id = state.selectedId;
  els.noSelection.hidden = Boolean(id);
  els.convView.hidden = !id;
  if (!id) {
    document.title = 'Parley';
    return;
  }
  const c = state.contacts.get(id);
  const now = Date.now();
  if (!c) {
    els.convName.textContent = 'Loading…';
    els.convPhone.textContent = '';
    els.convAvatar.className = avatarClass(id);
    els.convAvatar.textContent = '';
    els.convBadge.replaceChildren();
    els.optOut.hidden = true;
    els.convTools.hidden = true;
    renderComposer();
    return;
  }
  renderTools(c);
  renderPanel(c);
  document.title = `${displayName(c)} · Parley`;
  els.convName.textContent = displayName(c);
  els.convPhone.textContent = secondaryLine(c);
  els.convAvatar.className = avatarClass(id);
  els.convAvatar.textContent = initials(c);
  els.convBadge.replaceChildren(windowBadge(c.window, now));
  const optedOut = c.opted_out === true;
  els.optOut.hidden = false;
  els.optOut.setAttribute('aria-checked', String(!optedOut));
  els.optOut.dataset.optedOut = String(optedOut);
  els.optOut.title = optedOut
    ? 'This customer opted out of marketing messages. Click to opt them back in.'
    : 'Marketing templates may be sent. Click to record that this customer opted out.';
  els.optOutLabel.textContent = optedOut ? 'Opted out of marketing' : 'Marketing allowed';
  renderComposer();
}

async function toggleOptOut() {
  const id = state.selectedId;
  const c = id ? state.contacts.get(id) : null;
  if (!c || els.optOut.getAttribute('aria-busy') === 'true') return;
  const want = c.opted_out !== true;
  const generation = state.generation;
  els.optOut.setAttribute('aria-busy', 'true');
  try {
    const res = await api(`/api/contacts/${encodeURIComponent(id)}/opt_out`, { method: 'POST', json: { opted_out: want } });
    if (generation !== state.generation) return;
    const optedOut = typeof res?.opted_out === 'boolean' ? res.opted_out : want;
    state.localEdits.set(id, { opted_out: optedOut, at: Date.now() });
    const current = state.contacts.get(id);
    if (current) state.contacts.set(id, { ...current, opted_out: optedOut });
    renderContacts();
    if (state.selectedId === id) renderConversationHeader();
  } catch (e) {
    if (e instanceof SignedOut || generation !== state.generation) return;
    showAppError(`Could not change the marketing opt-out: ${e.message}`);
  } finally {
    els.optOut.removeAttribute('aria-busy');
  }
}

function setTimelineStatus(text) {
  els.timelineStatus.textContent = text;
  els.timelineStatus.hidden = !text;
}

async function fetchAllMessages(id) {
  const all = [];
  let cursor = null;
  let pages = 0;
  do {
    const params = new URLSearchParams({ limit: String(MESSAGES_PAGE) });
    if (cursor) params.set('cursor', cursor);
    const page = await api(`/api/contacts/${encodeURIComponent(id)}/messages?${params}`);
    if (Array.isArray(page?.items)) all.push(...page.items);
    cursor = typeof page?.next_cursor === 'string' && page.next_cursor ? page.next_cursor : null;
    pages++;
  } while (cursor && pages < MAX_MESSAGE_PAGES);
  const seen = new Map();
  for (const m of all) if (m && m.id !== undefined) seen.set(String(m.id), m);
  // Oldest first, as the API pages them; the sort is stable, so equal times keep the API's order.
  return [...seen.values()].sort((a, b) => (parseTime(a.at) ?? 0) - (parseTime(b.at) ?? 0));
}

async function refreshConversation() {
  const id = state.selectedId;
  if (!id) return;
  const generation = state.generation;
  const seq = ++state.conversationSeq;
  try {
    const items = await fetchAllMessages(id);
    if (generation !== state.generation || id !== state.selectedId || seq !== state.conversationSeq) return;
    state.serverMessages = items;
    state.timelineFor = id;
    renderTimeline(withPending(id, items));
  } catch (e) {
    if (e instanceof SignedOut || generation !== state.generation || id !== state.selectedId) return;
    if (e.status === 404) {
      lostConversation(id);
      return;
    }
    throw e;
  }
}

function isAtBottom(el) {
  return el.scrollHeight - el.scrollTop - el.clientHeight <= 48;
}

function scrollToBottom() {
  const el = els.timelineScroll;
  el.scrollTop = el.scrollHeight;
  state.stuck = true;
  els.jump.hidden = true;
}

function messageSig(m) {
  return JSON.stringify([m.id, m.direction, m.type, m.text, m.status, m.at, m.content, m.context, m.referral, m.errors,
    m.attempts, m.outcome_unknown, m.estimate, m.local === true, state.retryErrors.get(String(m.id)) ?? null,
    state.retrying.has(String(m.id))]);
}

/** The API's timeline plus the sends it does not list yet (shown as queued until it does). */
function withPending(contactId, items) {
  const pending = state.pending.get(contactId);
  if (!pending || pending.size === 0) return items;
  const known = new Set(items.map((m) => String(m.id)));
  const extra = [];
  const stale = Date.now() - 5 * 60_000;
  for (const [id, m] of pending) {
    if (known.has(id) || m.createdAt < stale) pending.delete(id);
    else extra.push(m);
  }
  if (pending.size === 0) state.pending.delete(contactId);
  return extra.length ? [...items, ...extra] : items;
}

/** Renders the selected timeline again from what is known, without asking the API. */
function rerenderTimeline() {
  if (state.selectedId && state.timelineFor === state.selectedId) renderTimeline(withPending(state.selectedId, state.serverMessages));
}

function renderTimeline(items) {
  const scroller = els.timelineScroll;
  const stick = state.scrollOnNextRender || state.stuck || isAtBottom(scroller);
  const sigs = items.map(messageSig);
  const old = state.messageSigs;
  const unchanged = !state.scrollOnNextRender && sigs.length === old.length && sigs.every((s, i) => s === old[i]);
  scroller.removeAttribute('aria-busy');
  setTimelineStatus(items.length ? '' : 'No messages yet.');
  if (unchanged) return;

  const now = Date.now();
  const index = new Map(items.map((m) => [String(m.id), m]));
  const appendOnly = old.length > 0 && !state.scrollOnNextRender && old.length < sigs.length && old.every((s, i) => s === sigs[i]);
  let lastDay = null;
  let start = 0;
  if (appendOnly) {
    start = old.length;
    const t = parseTime(items[start - 1].at);
    lastDay = t === null ? null : startOfDay(t);
  } else {
    els.timeline.replaceChildren();
  }
  let newInbound = 0;
  for (const m of items.slice(start)) {
    const t = parseTime(m.at);
    const day = t === null ? null : startOfDay(t);
    if (day !== null && day !== lastDay) {
      els.timeline.append(h('li', { class: 'day', role: 'presentation' }, h('span', { text: dayLabel(t, now) })));
      lastDay = day;
    }
    els.timeline.append(renderMessage(m, index));
    if (m.direction === 'in') newInbound++;
  }
  state.messages = items;
  state.messageSigs = sigs;
  if (stick) {
    scrollToBottom();
  } else if (appendOnly && newInbound > 0) {
    els.jump.hidden = false;
  }
  state.scrollOnNextRender = false;
}

// --- one message

const plural = (n, word) => `${n} ${word}${n === 1 ? '' : 's'}`;
const str = (v) => (typeof v === 'string' && v.trim() ? v : null);

function humanize(code) {
  const s = str(code);
  return s ? s.replace(/_/g, ' ').replace(/^./, (ch) => ch.toUpperCase()) : null;
}

function snippet(m) {
  if (!m) return null;
  const text = str(m.text) ?? describe(m, new Map()).label;
  if (!text) return null;
  const chars = Array.from(text);
  return chars.length > 60 ? chars.slice(0, 59).join('') + '…' : text;
}

function orderTotal(items) {
  const currencies = new Set(items.map((i) => i?.currency).filter(Boolean));
  if (currencies.size !== 1) return null;
  let total = 0;
  for (const i of items) {
    const q = Number(i?.quantity ?? 1);
    const p = Number(i?.item_price);
    if (!Number.isFinite(q) || !Number.isFinite(p)) return null;
    total += q * p;
  }
  const [currency] = currencies;
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency }).format(total);
  } catch {
    return `${total.toFixed(2)} ${currency}`;
  }
}

/**
 * What a message shows: { kind: 'bubble'|'system', icon, label, text, lines, link }.
 * `text` is the server's readable line (body, caption, title…), shown as typed.
 */
function describe(m, index) {
  const c = m.content && typeof m.content === 'object' ? m.content : {};
  const text = str(m.text);
  const media = c.media && typeof c.media === 'object' ? c.media : {};
  switch (m.type) {
    case 'text':
      return { text: text ?? str(c.body) ?? '' , emptyText: 'Empty message' };
    case 'image':
      return { icon: 'image', label: 'Photo', text: text ?? str(media.caption) };
    case 'video':
      return { icon: 'video', label: 'Video', text: text ?? str(media.caption) };
    case 'document':
      return { icon: 'document', label: str(c.filename) ?? 'Document', text: text ?? str(media.caption) };
    case 'audio':
      return c.voice ? { icon: 'mic', label: 'Voice note' } : { icon: 'audio', label: 'Audio' };
    case 'sticker':
      return { icon: 'sticker', label: c.animated ? 'Animated sticker' : 'Sticker' };
    case 'location': {
      const lat = Number(c.latitude);
      const lon = Number(c.longitude);
      const hasPoint = c.latitude !== null && c.latitude !== undefined && Number.isFinite(lat) && Number.isFinite(lon)
        && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
      const lines = [str(c.name) ?? (hasPoint ? null : text), str(c.address), hasPoint ? `${lat.toFixed(5)}, ${lon.toFixed(5)}` : null];
      const link = hasPoint
        ? `https://www.openstreetmap.org/?mlat=${lat.toFixed(6)}&mlon=${lon.toFixed(6)}#map=16/${lat.toFixed(6)}/${lon.toFixed(6)}`
        : null;
      return { icon: 'location', label: 'Location', lines, link };
    }
    case 'contacts': {
      const cards = Array.isArray(c.cards) ? c.cards : [];
      const lines = cards.map((card) => {
        const phones = Array.isArray(card?.phones) ? card.phones.filter((p) => typeof p === 'string') : [];
        return [str(card?.formatted_name) ?? 'Unnamed contact', phones.join(', ')].filter(Boolean).join(' · ');
      });
      return { icon: 'contact', label: cards.length === 1 ? 'Contact card' : plural(cards.length, 'contact card'), lines };
    }
    case 'interactive': {
      const labels = { button_reply: 'Tapped a button', list_reply: 'Chose from a list', nfm_reply: 'Submitted a form' };
      return { icon: 'tap', label: labels[c.reply] ?? 'Replied to an interactive message', text: text ?? str(c.title), trailing: [str(c.description)] };
    }
    case 'button':
      return { icon: 'tap', label: 'Tapped a template button', text: str(c.text) ?? text };
    case 'reaction': {
      const emoji = str(c.emoji);
      const target = snippet(index.get(String(c.message_id)));
      return {
        icon: 'reaction',
        label: emoji ? `Reacted ${emoji}` : 'Removed a reaction',
        lines: [target ? `to “${target}”` : null],
      };
    }
    case 'order': {
      const items = Array.isArray(c.items) ? c.items : [];
      const total = orderTotal(items);
      return { icon: 'cart', label: `Order · ${plural(items.length, 'item')}`, lines: [total ? `Total ${total}` : null], text: str(c.text) ?? text };
    }
    case 'template':
      return { icon: 'template', label: 'Template', text: text ?? '', compact: true };
    case 'system':
      return { kind: 'system', icon: 'info', text: str(c.body) ?? text ?? humanize(c.system_type) ?? 'System notice' };
    case 'unsupported': {
      const errors = Array.isArray(c.errors) ? c.errors.filter((e) => typeof e === 'string') : [];
      return { icon: 'warning', label: 'Unsupported message', lines: errors.length ? errors : ['WhatsApp could not deliver this message in a supported form.'] };
    }
    default:
      return { icon: 'info', label: `${humanize(m.type) ?? 'Unknown'} message`, text };
  }
}

const STATUS = {
  queued: { icon: 'clock', label: 'Queued' },
  sending: { icon: 'clock', label: 'Sending' },
  sent: { icon: 'check', label: 'Sent' },
  delivered: { icon: 'checks', label: 'Delivered' },
  read: { icon: 'checks', label: 'Read' },
  failed: { icon: 'warning', label: 'Failed' },
};

function errorLines(errors) {
  if (!Array.isArray(errors)) return [];
  return errors.map((e) => {
    if (typeof e === 'string') return e;
    if (e && typeof e === 'object') {
      return [e.code, str(e.title) ?? str(e.message), str(e.error_data?.details)].filter((x) => x !== null && x !== undefined && x !== '').join(' · ');
    }
    return null;
  }).filter(Boolean);
}

function renderMessage(m, index) {
  const d = describe(m, index);
  const direction = m.direction === 'out' ? 'out' : 'in';
  const t = parseTime(m.at);
  const time = t === null ? null : h('time', { class: 'msg-time', datetime: new Date(t).toISOString(), title: fullFmt.format(t), text: timeFmt.format(t) });
  const attrs = {
    'data-testid': 'message',
    'data-message-id': String(m.id),
    'data-direction': direction,
    'data-type': String(m.type ?? ''),
  };

  if (d.kind === 'system') {
    return h('li', { ...attrs, class: 'msg msg--system' },
      h('div', { class: 'system-note' }, icon('info'), h('span', { class: 'msg-text', 'data-testid': 'message-text', text: d.text }), time ? ' · ' : null, time));
  }

  const bubble = h('div', { class: 'bubble' });
  const ctx = m.context && typeof m.context === 'object' ? m.context : null;
  if (ctx?.forwarded || ctx?.frequently_forwarded) {
    bubble.append(h('div', { class: 'forwarded', 'data-testid': 'forwarded' }, icon('forward'),
      ctx.frequently_forwarded ? 'Forwarded many times' : 'Forwarded'));
  }
  const quotedId = ctx?.id ?? ctx?.message_id;
  if (ctx && (quotedId || ctx.referred_product || !(ctx.forwarded || ctx.frequently_forwarded))) {
    const quoted = snippet(index.get(String(quotedId)));
    bubble.append(h('div', { class: 'reply-ref', 'data-testid': 'reply' },
      h('span', { class: 'reply-mark', text: '↪ reply' }),
      quoted ? h('span', { class: 'reply-quote', text: quoted }) : null,
      ctx.referred_product ? h('span', { class: 'reply-quote', text: 'about a product in your catalogue' }) : null));
  }
  const ref = m.referral && typeof m.referral === 'object' ? m.referral : null;
  if (ref) {
    bubble.append(h('div', { class: 'referral', 'data-testid': 'ad-tag', title: str(ref.body) ?? null },
      h('span', { class: 'tag tag--ad' }, icon('ad', 'icon icon--tiny'), 'Ad'),
      h('span', { class: 'referral-headline', text: str(ref.headline) ?? humanize(ref.source_type) ?? 'Click-to-WhatsApp ad' })));
  }
  if (d.label) {
    bubble.append(h('div', { class: `placeholder${d.compact ? ' placeholder--compact' : ''}`, 'data-testid': 'placeholder' }, icon(d.icon), h('span', { text: d.label })));
  }
  for (const line of (d.lines ?? []).filter(Boolean)) {
    bubble.append(h('div', { class: 'detail', text: line }));
  }
  if (d.link) {
    bubble.append(h('a', { class: 'map-link', href: d.link, target: '_blank', rel: 'noopener noreferrer' }, 'Open map'));
  }
  if (d.text) {
    bubble.append(h('p', { class: 'msg-text', 'data-testid': 'message-text', text: d.text }));
  } else if (!d.label) {
    bubble.append(h('p', { class: 'msg-text msg-text--empty', 'data-testid': 'message-text', text: d.emptyText ?? 'Empty message' }));
  }
  for (const line of (d.trailing ?? []).filter(Boolean)) {
    bubble.append(h('div', { class: 'detail detail--trailing', text: line }));
  }
  if (direction === 'out') {
    bubble.append(...deliveryNotes(m));
  } else {
    const errs = errorLines(m.errors);
    if (errs.length) {
      bubble.append(h('div', { class: 'msg-errors', 'data-testid': 'message-errors' }, icon('warning'), h('span', { text: errs.join('; ') })));
    }
  }
  // Room on the last line for the time (and ticks), which sit in the corner.
  const last = bubble.lastElementChild;
  const spacer = h('span', { class: 'meta-spacer', 'aria-hidden': 'true' });
  if (last && last.matches('.msg-text, .detail, .placeholder, .msg-errors, .msg-cost, .msg-actions, .msg-note, .msg-retry-error')) last.append(spacer);
  else bubble.append(spacer);
  const meta = h('div', { class: 'msg-meta' }, time);
  if (direction === 'out' && m.status) {
    const s = STATUS[m.status] ?? { icon: 'info', label: humanize(m.status) ?? 'Unknown' };
    meta.append(h('span', { class: `ticks ticks--${String(m.status).replace(/[^a-z]/g, '')}`, 'data-testid': 'status', 'data-status': String(m.status), role: 'img', 'aria-label': s.label, title: s.label }, icon(s.icon)));
  }
  bubble.append(meta);
  const li = h('li', { ...attrs, class: `msg msg--${direction}${m.type === 'reaction' ? ' msg--reaction' : ''}${m.local ? ' msg--local' : ''}` }, bubble);
  if (direction === 'in' && m.type !== 'reaction' && m.id !== undefined && m.id !== null) {
    li.append(h('button', {
      type: 'button', class: 'msg-action', 'data-testid': 'reply-action', 'aria-label': 'Reply to this message', title: 'Reply',
      onclick: () => startReply(String(m.id)),
    }, icon('reply')));
  }
  return li;
}

/** "Message undeliverable · 131026" and Meta's details, for a failed send. */
function outboundErrors(errors) {
  if (!Array.isArray(errors)) return [];
  return errors.map((e) => {
    if (typeof e === 'string') return { title: e, code: null, details: null };
    if (!e || typeof e !== 'object') return null;
    const code = typeof e.code === 'number' || typeof e.code === 'string' ? String(e.code) : null;
    const title = str(e.title) ?? str(e.message) ?? (code ? 'Error' : null);
    const details = str(e.details) ?? str(e.error_data?.details);
    if (!title && !details) return null;
    return { title: title ? title.replace(/^./, (ch) => ch.toUpperCase()) : 'Error', code: code && code !== '0' ? code : null, details };
  }).filter(Boolean);
}

function retryButton(m) {
  const id = String(m.id);
  const busy = state.retrying.has(id);
  return h('button', {
    type: 'button', class: 'retry-button', 'data-testid': 'retry', disabled: busy,
    onclick: (event) => retryMessage(id, event.currentTarget),
  }, icon('retry'), busy ? 'Retrying…' : 'Retry');
}

/** What happened to an outbound message beyond its ticks: failure, unknown outcome, retries, cost. */
function deliveryNotes(m) {
  const notes = [];
  const id = String(m.id);
  const attempts = Number.isInteger(m.attempts) ? m.attempts : 0;
  const final = m.status === 'sent' || m.status === 'delivered' || m.status === 'read';
  if (m.status === 'failed') {
    const errs = outboundErrors(m.errors);
    const list = h('div', { class: 'msg-errors-list' });
    for (const e of errs.length ? errs : [{ title: 'Not delivered', code: null, details: null }]) {
      list.append(h('div', { class: 'msg-error', 'data-testid': 'message-error' },
        h('span', { class: 'msg-error-head' },
          h('strong', { class: 'msg-error-title', text: e.title }),
          e.code ? h('span', { class: 'msg-error-code', text: e.code }) : null),
        e.details ? h('span', { class: 'msg-error-details', text: e.details }) : null));
    }
    notes.push(h('div', { class: 'msg-errors msg-errors--out', 'data-testid': 'message-errors' }, icon('warning'), list));
    notes.push(h('div', { class: 'msg-actions' }, retryButton(m)));
  } else if (m.outcome_unknown === true && !final) {
    notes.push(h('div', { class: 'msg-errors msg-errors--unknown', 'data-testid': 'delivery-unknown' }, icon('warning'),
      h('span', { text: 'Delivery unknown — Meta did not answer' })));
    notes.push(h('div', { class: 'msg-actions' }, retryButton(m)));
  } else if (m.status === 'queued' && attempts > 0) {
    notes.push(h('div', { class: 'msg-note', 'data-testid': 'delivery-retrying' }, icon('clock'), h('span', { text: `retrying (attempt ${attempts + 1})` })));
  } else if (m.status === 'sending' && attempts > 1) {
    notes.push(h('div', { class: 'msg-note', 'data-testid': 'delivery-retrying' }, icon('clock'), h('span', { text: `sending (attempt ${attempts})` })));
  }
  const retryError = state.retryErrors.get(id);
  if (retryError) notes.push(h('div', { class: 'msg-retry-error', 'data-testid': 'retry-error', role: 'alert', text: retryError }));
  const cost = m.estimate && typeof m.estimate === 'object' && m.estimate.free === false ? estimateLabel(m.estimate) : null;
  if (cost) notes.push(h('div', { class: 'msg-cost', 'data-testid': 'message-estimate', title: 'Estimated price of this message, from the rate card' }, cost));
  return notes;
}

async function retryMessage(id, button) {
  if (state.retrying.has(id)) return;
  const generation = state.generation;
  const contactId = state.selectedId;
  state.retrying.add(id);
  state.retryErrors.delete(id);
  if (button) {
    button.disabled = true;
    button.lastChild.textContent = 'Retrying…';
  }
  try {
    await api(`/api/messages/${encodeURIComponent(id)}/retry`, { method: 'POST' });
    if (generation !== state.generation) return;
    // It is queued again: show that at once, the next poll brings the rest.
    const m = state.serverMessages.find((x) => String(x.id) === id);
    if (m && state.selectedId === contactId) {
      Object.assign(m, { status: 'queued', errors: null, outcome_unknown: false, attempts: 0 });
    }
  } catch (e) {
    if (e instanceof SignedOut || generation !== state.generation) return;
    state.retryErrors.set(id, e.code === 'not_retryable'
      ? 'This message cannot be retried any more: its status has changed.'
      : `Retry failed: ${e.message}`);
  } finally {
    state.retrying.delete(id);
  }
  if (generation !== state.generation || state.selectedId !== contactId) return;
  rerenderTimeline();
  refreshSoon();
}

// ---------------------------------------------------------------------------
// Composer: text replies inside the service window, approved templates always

const MAX_TEXT = 4096;
const SEND_ATTEMPTS = 3; // the same Idempotency-Key each time: Parley creates the message once
// Parley's default rate card (India), for the price shown before a template is sent.
const RATE_CARD = { currency: 'INR', marketing: 91, utility: 13, authentication: 13 };
const CATEGORIES = ['utility', 'authentication', 'marketing'];
const CATEGORY_LABEL = { marketing: 'Marketing', utility: 'Utility', authentication: 'Authentication', service: 'Service reply' };

function draftFor(id) {
  let d = state.drafts.get(id);
  if (!d) {
    d = { text: '', replyTo: null, mode: 'text', template: null, language: null, params: new Map(), key: null, keySig: null, error: '', result: null };
    state.drafts.set(id, d);
  }
  return d;
}

/** A v4 UUID; crypto.randomUUID needs a secure context, which 127.0.0.1 and https are. */
function newKey() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function money(minor, currency) {
  try {
    const fmt = new Intl.NumberFormat(undefined, { style: 'currency', currency });
    return fmt.format(minor / 10 ** fmt.resolvedOptions().maximumFractionDigits);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency}`;
  }
}

/** "₹0.91 · Marketing", "Free · Service reply": the words after "Estimate". */
function estimateWords(e) {
  const category = CATEGORY_LABEL[e.category] ?? humanize(e.category) ?? 'Message';
  if (e.free) return `Free · ${category}${e.category === 'utility' ? ' in the open window' : ''}`;
  const amount = Number(e.amount_minor);
  if (!Number.isFinite(amount) || !str(e.currency)) return category;
  return `${money(amount, e.currency)} · ${category}`;
}

/** An estimate as a labelled chip: the price is never presented as the bill. */
function estimateLabel(e) {
  if (!e || typeof e !== 'object') return null;
  return h('span', { class: `estimate-chip${e.free ? ' estimate-chip--free' : ''}` },
    h('span', { class: 'estimate-tag', text: 'estimate' }), h('span', { text: estimateWords(e) }));
}

/** What Parley's rate card will say for a send of `category`, computed before sending. */
function localEstimate(category, windowOpen) {
  const free = category === 'service' || (category === 'utility' && windowOpen);
  return { category, free, amount_minor: free ? 0 : (RATE_CARD[category] ?? 0), currency: RATE_CARD.currency };
}

function closedExplanation(c) {
  const closes = parseTime(c.window?.closes_at);
  return closes !== null
    ? `The 24-hour window closed at ${fullFmt.format(closes)}; only an approved template can be sent.`
    : 'The customer has not written yet, so only an approved template can be sent.';
}

function fillTemplate(body, params) {
  return String(body).replace(/\{\{(\d+)\}\}/g, (all, n) => {
    const v = params[Number(n) - 1];
    return typeof v === 'string' ? v : all;
  });
}

const languageNames = (() => {
  try {
    return new Intl.DisplayNames(undefined, { type: 'language' });
  } catch {
    return null;
  }
})();

function languageLabel(code) {
  let name = null;
  try {
    name = languageNames?.of(String(code).replace(/_/g, '-')) ?? null;
  } catch {
    name = null;
  }
  return name && name !== code ? `${name} (${code})` : String(code);
}

/** Approved templates, one entry per name, its translations inside. */
function templateGroups() {
  const byName = new Map();
  for (const t of state.templates ?? []) {
    if (!t || !str(t.name) || !str(t.language) || String(t.status).toUpperCase() !== 'APPROVED') continue;
    const category = CATEGORIES.includes(String(t.category).toLowerCase()) ? String(t.category).toLowerCase() : 'utility';
    let g = byName.get(t.name);
    if (!g) {
      g = { name: t.name, category, translations: [] };
      byName.set(t.name, g);
    }
    const params = Number.isInteger(t.body_params) && t.body_params >= 0 ? Math.min(t.body_params, 50) : 0;
    g.translations.push({ language: t.language, category, params, body: typeof t.body === 'string' ? t.body : '' });
  }
  const groups = [...byName.values()];
  for (const g of groups) g.translations.sort((a, b) => a.language.localeCompare(b.language));
  return groups.sort((a, b) => CATEGORIES.indexOf(a.category) - CATEGORIES.indexOf(b.category) || a.name.localeCompare(b.name));
}

async function loadTemplates() {
  if (state.templatesLoading) return state.templatesLoading;
  const generation = state.generation;
  const done = (async () => {
    try {
      const all = [];
      let cursor = null;
      let pages = 0;
      do {
        const page = await api(cursor ? `/api/templates?${new URLSearchParams({ cursor })}` : '/api/templates');
        if (Array.isArray(page?.items)) all.push(...page.items);
        cursor = typeof page?.next_cursor === 'string' && page.next_cursor ? page.next_cursor : null;
        pages++;
      } while (cursor && pages < 20);
      if (generation !== state.generation) return;
      state.templates = all;
      state.templatesError = '';
    } catch (e) {
      if (e instanceof SignedOut || generation !== state.generation) return;
      state.templatesError = `Could not load the templates: ${e.message}.`;
    } finally {
      if (state.templatesLoading === done) state.templatesLoading = null;
      if (generation === state.generation) renderComposer();
    }
  })();
  state.templatesLoading = done;
  return done;
}

async function syncTemplates() {
  if (state.syncing) return;
  const generation = state.generation;
  state.syncing = true;
  state.templatesError = '';
  setSendResult(null);
  renderComposer();
  try {
    const res = await api('/api/templates/sync', { method: 'POST' });
    if (generation !== state.generation) return;
    await loadTemplates();
    if (generation !== state.generation) return;
    const n = Number(res?.synced);
    const approved = templateGroups().length;
    setSendResult(Number.isFinite(n)
      ? `Synced ${plural(n, 'template')} from WhatsApp; ${approved} approved ${approved === 1 ? 'is' : 'are'} ready to send.`
      : 'Templates synced from WhatsApp.');
  } catch (e) {
    if (e instanceof SignedOut || generation !== state.generation) return;
    state.templatesError = `Could not sync the templates: ${e.message}.`;
  } finally {
    if (generation === state.generation) {
      state.syncing = false;
      renderComposer();
    }
  }
}

function setComposerError(message) {
  const draft = state.selectedId ? draftFor(state.selectedId) : null;
  if (draft) draft.error = message || '';
  els.composerError.textContent = message || '';
}

/** The line under the composer after a send: what was queued and its price. */
function setSendResult(result) {
  const draft = state.selectedId ? draftFor(state.selectedId) : null;
  if (draft) draft.result = result;
  renderSendResult(result);
}

function renderSendResult(result) {
  clearTimeout(state.resultTimer);
  if (result) {
    const shownFor = state.selectedId;
    state.resultTimer = setTimeout(() => {
      const draft = shownFor ? state.drafts.get(shownFor) : null;
      if (draft?.result === result) draft.result = null;
      if (state.selectedId === shownFor) els.sendResult.replaceChildren();
    }, 20_000);
  }
  if (!result) {
    els.sendResult.replaceChildren();
  } else if (typeof result === 'string') {
    els.sendResult.replaceChildren(h('span', { text: result }));
  } else {
    // A replayed request (same Idempotency-Key) is the same message: it was queued once.
    els.sendResult.dataset.replayed = String(result.replayed === true);
    els.sendResult.replaceChildren(icon('check'), h('span', { text: 'Queued for WhatsApp.' }),
      result.estimate ? estimateLabel(result.estimate) : null);
  }
}

function startReply(messageId) {
  const id = state.selectedId;
  if (!id) return;
  const draft = draftFor(id);
  draft.replyTo = messageId;
  renderComposer();
  const c = state.contacts.get(id);
  if (windowInfo(c?.window, Date.now()).open && draft.mode === 'text') els.input.focus();
  else els.templateParams.querySelector('input')?.focus();
}

function cancelReply() {
  const id = state.selectedId;
  if (!id) return;
  draftFor(id).replyTo = null;
  renderComposer();
  els.input.focus({ preventScroll: true });
}

function setMode(mode) {
  const id = state.selectedId;
  if (!id) return;
  draftFor(id).mode = mode;
  setComposerError('');
  renderComposer();
  if (mode === 'text') els.input.focus();
  else if (!els.templateForm.hidden) els.templateName.focus();
  else if (!els.syncTemplates.hidden) els.syncTemplates.focus();
}

function autoGrow() {
  const el = els.input;
  el.style.height = 'auto';
  el.style.height = `${Math.min(el.scrollHeight + 2, 168)}px`;
}

/**
 * Brings the composer in line with the selected contact, its draft and the
 * template catalog. Cheap and idempotent: it runs after every poll, and it
 * never rebuilds an element staff are typing in.
 */
function renderComposer({ restore = false } = {}) {
  const id = state.selectedId;
  const c = id ? state.contacts.get(id) : null;
  els.composer.hidden = !c;
  if (!c) return;
  const draft = draftFor(id);
  const now = Date.now();
  const info = windowInfo(c.window, now);
  const open = info.open;
  const mode = open ? draft.mode : 'template';
  const busy = state.inFlight.has(id);
  els.composer.dataset.window = open ? 'open' : 'closed';
  els.composer.dataset.mode = mode;
  els.composer.toggleAttribute('aria-busy', busy);

  const note = open ? info.note : closedExplanation(c);
  if (els.windowNote.dataset.note !== note) {
    els.windowNote.dataset.note = note;
    els.windowNote.dataset.open = String(open);
    els.windowNote.className = `window-note ${open ? 'is-open' : 'is-closed'}${info.soon ? ' is-soon' : ''}`;
    els.windowNote.replaceChildren(icon(open ? 'clock' : 'info'), h('span', { text: note }));
  }

  // Reply preview
  const target = draft.replyTo ? (state.messages.find((m) => String(m.id) === draft.replyTo) ?? null) : null;
  els.replyPreview.hidden = !draft.replyTo;
  if (draft.replyTo) {
    els.replyPreviewLabel.textContent = `Replying to ${target?.direction === 'out' ? 'your message' : displayName(c)}`;
    els.replyPreviewText.textContent = (target && snippet(target)) || 'an earlier message';
  }

  // Text
  els.textForm.hidden = mode !== 'text';
  els.textMeta.hidden = mode !== 'text';
  if (restore || els.input.value !== draft.text) {
    els.input.value = draft.text;
    autoGrow();
  }
  els.input.readOnly = busy;
  els.templateToggle.hidden = !open;
  els.textToggle.hidden = !open;

  // Templates
  els.templatePanel.hidden = mode !== 'template';
  if (mode === 'template') renderTemplatePicker(c, draft, open);

  if (restore) {
    els.composerError.textContent = draft.error;
    renderSendResult(draft.result);
  }
  updateSendState();
}

function updateSendState() {
  const id = state.selectedId;
  const c = id ? state.contacts.get(id) : null;
  if (!c) return;
  const draft = draftFor(id);
  const busy = state.inFlight.has(id);
  const chars = Array.from(draft.text).length;
  const tooLong = chars > MAX_TEXT;
  els.send.disabled = busy || !draft.text.trim() || tooLong;
  els.send.classList.toggle('is-busy', busy);
  els.send.setAttribute('aria-label', busy ? 'Sending…' : 'Send');
  els.textCounter.textContent = chars > MAX_TEXT - 500 ? `${chars} / ${MAX_TEXT}` : '';
  els.textCounter.classList.toggle('is-over', tooLong);
  els.textEstimate.replaceChildren(estimateLabel(localEstimate('service', true)));

  const t = selectedTranslation(draft);
  const values = t ? paramValues(draft, t) : [];
  const missing = values.filter((v) => !v.trim()).length;
  els.sendTemplate.disabled = busy || !t || missing > 0;
  els.sendTemplate.textContent = busy ? 'Sending…' : 'Send template';
  els.templateHint.textContent = t && missing > 0
    ? (values.length === 1 ? 'Fill in the parameter to send.' : `Fill in every parameter to send (${missing} empty).`)
    : '';
}

function selectedGroup(draft) {
  return templateGroups().find((g) => g.name === draft.template) ?? null;
}

function selectedTranslation(draft) {
  const g = selectedGroup(draft);
  return g?.translations.find((t) => t.language === draft.language) ?? null;
}

function paramValues(draft, t) {
  const stored = draft.params.get(draft.template) ?? [];
  return Array.from({ length: t.params }, (_, i) => (typeof stored[i] === 'string' ? stored[i] : ''));
}

function renderTemplatePicker(c, draft, open) {
  if (state.templates === null && !state.templatesLoading && !state.templatesError) loadTemplates();
  const optedOut = c.opted_out === true;
  const all = templateGroups();
  const usable = all.filter((g) => !(optedOut && g.category === 'marketing'));
  const hidden = all.length - usable.length;
  const loading = state.templates === null && !state.templatesError;

  // Syncing is for managers and administrators (the API answers 403 to agents).
  const maySync = ['admin', 'manager'].includes(String(state.user?.role ?? '').toLowerCase());
  els.resyncTemplates.hidden = all.length === 0 || !maySync;
  els.resyncTemplates.disabled = state.syncing;
  els.resyncTemplates.textContent = state.syncing ? 'Syncing…' : 'Sync';

  // Empty, loading or failed catalog
  let emptyText = '';
  if (loading) emptyText = 'Loading templates…';
  else if (state.templatesError) emptyText = state.templatesError;
  else if (all.length === 0) {
    emptyText = (state.templates ?? []).length
      ? 'None of your templates is approved by WhatsApp yet.'
      : 'No templates yet.';
    emptyText += maySync
      ? ((state.templates ?? []).length ? ' Sync again once Meta has reviewed them.' : ' Fetch the approved ones from your WhatsApp Business account.')
      : ' Ask a manager or an administrator to sync them from your WhatsApp Business account.';
  } else if (usable.length === 0) {
    emptyText = 'This customer opted out of marketing, and every approved template is a marketing one.';
  }
  els.templateEmpty.hidden = !emptyText;
  els.templateEmptyText.textContent = emptyText;
  els.templateEmpty.classList.toggle('is-error', Boolean(state.templatesError));
  els.syncTemplates.hidden = loading || !maySync || (all.length > 0 && !state.templatesError);
  els.syncTemplates.disabled = state.syncing;
  els.syncTemplates.textContent = state.syncing ? 'Syncing…' : 'Sync templates';

  els.optoutNote.hidden = !(optedOut && hidden > 0);
  els.optoutNote.replaceChildren(icon('shield'), h('span', {
    text: `${plural(hidden, 'marketing template')} ${hidden === 1 ? 'is' : 'are'} hidden: this customer opted out of marketing messages.`,
  }));

  els.templateForm.hidden = usable.length === 0;
  if (usable.length === 0) return;

  // Template: keep the choice while it is usable, else the first one
  if (!usable.some((g) => g.name === draft.template)) {
    draft.template = usable[0].name;
    draft.language = null;
  }
  const group = usable.find((g) => g.name === draft.template);
  const nameSig = JSON.stringify(usable.map((g) => [g.name, g.category]));
  if (els.templateName.dataset.sig !== nameSig) {
    els.templateName.dataset.sig = nameSig;
    const groups = CATEGORIES.map((cat) => {
      const members = usable.filter((g) => g.category === cat);
      return members.length
        ? h('optgroup', { label: CATEGORY_LABEL[cat] }, ...members.map((g) => h('option', { value: g.name, text: g.name })))
        : null;
    });
    els.templateName.replaceChildren(...groups.filter(Boolean));
  }
  if (els.templateName.value !== draft.template) els.templateName.value = draft.template;

  // Language
  if (!group.translations.some((t) => t.language === draft.language)) {
    const preferred = (navigator.language || 'en').replace(/-/g, '_').toLowerCase();
    draft.language = (group.translations.find((t) => t.language.toLowerCase() === preferred)
      ?? group.translations.find((t) => t.language.toLowerCase().startsWith(preferred.slice(0, 2)))
      ?? group.translations[0]).language;
  }
  const langSig = JSON.stringify([group.name, group.translations.map((t) => t.language)]);
  if (els.templateLanguage.dataset.sig !== langSig) {
    els.templateLanguage.dataset.sig = langSig;
    els.templateLanguage.replaceChildren(...group.translations.map((t) => h('option', { value: t.language, text: languageLabel(t.language) })));
  }
  if (els.templateLanguage.value !== draft.language) els.templateLanguage.value = draft.language;
  els.templateLanguage.disabled = group.translations.length < 2;

  // Parameters: rebuilt only when the template changes, so typing keeps its focus
  const t = group.translations.find((x) => x.language === draft.language);
  const paramSig = JSON.stringify([group.name, t.params]);
  if (els.templateParams.dataset.sig !== paramSig) {
    els.templateParams.dataset.sig = paramSig;
    const values = paramValues(draft, t);
    const inputs = values.map((v, i) => {
      const inputId = `template-param-${i + 1}`;
      return h('div', { class: 'field field--param' },
        h('label', { for: inputId }, h('span', { class: 'param-token', text: `{{${i + 1}}}` })),
        h('input', {
          id: inputId, type: 'text', autocomplete: 'off', spellcheck: 'true', 'data-testid': 'template-param',
          'data-index': String(i), placeholder: `Value for {{${i + 1}}}`, maxlength: '1024', required: true,
        }));
    });
    els.templateParams.replaceChildren(...inputs);
    els.templateParams.querySelectorAll('input').forEach((input, i) => { input.value = values[i]; });
    els.templateParams.hidden = inputs.length === 0;
  }
  renderTemplatePreview(draft, t, open);
}

function renderTemplatePreview(draft, t, open) {
  const values = paramValues(draft, t);
  const parts = [];
  let last = 0;
  const body = t.body || '';
  for (const match of body.matchAll(/\{\{(\d+)\}\}/g)) {
    if (match.index > last) parts.push(body.slice(last, match.index));
    const n = Number(match[1]);
    const v = values[n - 1];
    parts.push(v && v.trim()
      ? h('span', { class: 'param-value', text: v })
      : h('span', { class: 'param-empty', text: `{{${n}}}` }));
    last = match.index + match[0].length;
  }
  if (last < body.length) parts.push(body.slice(last));
  const filled = body ? parts : [h('span', { class: 'param-empty', text: 'This template has no body text to preview.' })];
  els.templatePreview.replaceChildren(h('p', { class: 'msg-text' }, ...filled));
  els.templateEstimate.replaceChildren(estimateLabel(localEstimate(t.category, open)));
}

function onTemplateInput(event) {
  const input = event.target.closest('input[data-index]');
  const id = state.selectedId;
  if (!input || !id) return;
  const draft = draftFor(id);
  const t = selectedTranslation(draft);
  if (!t) return;
  const values = paramValues(draft, t);
  values[Number(input.dataset.index)] = input.value;
  draft.params.set(draft.template, values);
  draft.error = '';
  els.composerError.textContent = '';
  renderTemplatePreview(draft, t, windowInfo(state.contacts.get(id)?.window, Date.now()).open);
  updateSendState();
}

function refreshSoon() {
  clearTimeout(state.soonTimer);
  state.soonTimer = setTimeout(() => {
    if (state.user) refreshConversation().catch(backgroundError);
  }, 600);
}

/** Why a send was refused, in words staff can act on. */
function sendErrorMessage(e, c) {
  if (!(e instanceof ApiError)) return 'Parley could not be reached, so nothing was sent. Check your connection and press Send again — it will not be sent twice.';
  switch (e.code) {
    case 'window_closed': {
      const closed = parseTime(e.detail?.window_closed_at);
      return closed !== null
        ? `Not sent: the 24-hour window closed at ${fullFmt.format(closed)}; only an approved template can be sent.`
        : `Not sent: ${e.message}.`;
    }
    case 'opted_out':
      return `Not sent: ${displayName(c)} opted out of marketing messages. Choose a utility or authentication template.`;
    case 'not_found':
      return 'Not sent: this conversation could not be found — it may have been deleted or reassigned.';
    default:
      return `Not sent: ${e.message}.`;
  }
}

/** Sends the draft as `kind` ('text' or 'template'); one Idempotency-Key per compose action. */
async function submit(kind) {
  const id = state.selectedId;
  const c = id ? state.contacts.get(id) : null;
  if (!c || state.inFlight.has(id)) return;
  const draft = draftFor(id);
  const open = windowInfo(c.window, Date.now()).open;
  let payload;
  let shown;
  let t = null;
  if (kind === 'text') {
    if (!open || !draft.text.trim() || Array.from(draft.text).length > MAX_TEXT) return;
    payload = { type: 'text', text: draft.text };
    shown = draft.text;
  } else {
    t = selectedTranslation(draft);
    if (!t) return;
    const params = paramValues(draft, t).map((v) => v.trim());
    if (params.some((v) => !v)) {
      updateSendState();
      els.templateParams.querySelector('input:placeholder-shown, input:invalid')?.focus();
      return;
    }
    payload = { type: 'template', template: { name: draft.template, language: draft.language, params } };
    shown = fillTemplate(t.body, params);
  }
  if (draft.replyTo) payload.context = { message_id: draft.replyTo };
  // The key belongs to this exact message: pressing Send again (or retrying after a
  // lost answer) reuses it, so Parley queues it once; a changed message gets a new one.
  const sig = JSON.stringify(payload);
  if (!draft.key || draft.keySig !== sig) {
    draft.key = newKey();
    draft.keySig = sig;
  }
  const key = draft.key;
  const generation = state.generation;
  state.inFlight.add(id);
  setComposerError('');
  setSendResult(null);
  renderComposer();
  try {
    let res;
    for (let attempt = 1; ; attempt++) {
      try {
        res = await api(`/api/contacts/${encodeURIComponent(id)}/messages`, {
          method: 'POST', json: payload, headers: { 'idempotency-key': key },
        });
        break;
      } catch (e) {
        const transient = !(e instanceof ApiError) || e.status === 502 || e.status === 503 || e.status === 504;
        if (e instanceof SignedOut || !transient || attempt >= SEND_ATTEMPTS || generation !== state.generation) throw e;
        await new Promise((resolve) => setTimeout(resolve, 400 * attempt));
      }
    }
    if (generation !== state.generation) return;
    // Sent: the draft is done (unless staff typed on meanwhile, which is kept).
    if (kind === 'text') {
      if (draft.text === payload.text) draft.text = '';
    } else {
      draft.params.delete(draft.template);
      if (els.templateParams.dataset.sig) delete els.templateParams.dataset.sig;
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
        attempts: 0, outcome_unknown: false, estimate: res.estimate ?? null, local: true, createdAt: Date.now(),
      });
    }
    state.inFlight.delete(id);
    if (state.selectedId === id) {
      // A replayed request answers without an estimate: show the rate card's.
      const estimate = res?.estimate ?? localEstimate(kind === 'text' ? 'service' : t.category, open);
      draft.result = { replayed: res?.replayed === true, estimate };
      renderComposer({ restore: true });
      state.stuck = true;
      rerenderTimeline();
      scrollToBottom();
      if (kind === 'text') els.input.focus({ preventScroll: true });
    }
    refreshSoon();
  } catch (e) {
    if (e instanceof SignedOut || generation !== state.generation) return;
    draft.error = sendErrorMessage(e, c);
    if (e.code === 'window_closed' || e.code === 'opted_out') fetchSelectedContact(id);
    if (e.code === 'unknown_template' || e.code === 'template_language' || e.code === 'template_not_approved') loadTemplates();
    if (state.selectedId === id) els.composerError.textContent = draft.error;
  } finally {
    if (generation === state.generation) {
      state.inFlight.delete(id);
      if (state.selectedId === id) renderComposer();
    }
  }
}

/** Leaves nothing of a signed-out session's drafts on the page. */
function clearComposer() {
  els.composer.hidden = true;
  els.input.value = '';
  els.replyPreviewText.textContent = '';
  els.replyPreviewLabel.textContent = '';
  els.composerError.textContent = '';
  els.sendResult.replaceChildren();
  for (const el of [els.templateName, els.templateLanguage, els.templateParams]) {
    el.replaceChildren();
    delete el.dataset.sig;
  }
  els.templatePreview.replaceChildren();
  delete els.windowNote.dataset.note;
  els.windowNote.replaceChildren();
}

function onComposerKeydown(event) {
  if (event.key !== 'Enter' || event.shiftKey || event.altKey || event.isComposing || event.keyCode === 229) return;
  event.preventDefault();
  submit('text');
}

function onComposerInput() {
  const id = state.selectedId;
  if (!id) return;
  const draft = draftFor(id);
  draft.text = els.input.value;
  if (draft.error) setComposerError('');
  if (draft.result) setSendResult(null);
  autoGrow();
  updateSendState();
}

// ---------------------------------------------------------------------------
// Team inbox: queues, ownership, status, and the contact panel

const QUEUES = [
  { id: 'mine', label: 'Mine' },
  { id: 'unassigned', label: 'Unassigned' },
  { id: 'waiting_on_us', label: 'Waiting on us' },
  { id: 'overdue', label: 'Overdue' },
  { id: 'all', label: 'All' },
];
const QUEUE_KEY = 'parley.queue';
const QUEUE_EMPTY = {
  all: 'No conversations yet. When a customer writes to your WhatsApp number, they appear here.',
  mine: 'Nothing assigned to you. Take a conversation from Unassigned.',
  unassigned: 'Every conversation has an owner.',
  waiting_on_us: 'Nobody is waiting on a reply from the team.',
  overdue: 'Nothing is overdue.',
};
const STATUS_LABEL = { open: 'Open', waiting_on_us: 'Waiting on us', waiting_on_customer: 'Waiting on customer', closed: 'Closed' };

function storedQueue() {
  try {
    const q = localStorage.getItem(QUEUE_KEY);
    return QUEUES.some((x) => x.id === q) ? q : 'all';
  } catch {
    return 'all';
  }
}

const isManager = () => state.user?.role === 'manager' || state.user?.role === 'admin';

function ownerLabel(email) {
  if (!email) return 'Unassigned';
  if (email === state.user?.email) return 'You';
  const u = state.users.find((x) => x.email === email);
  return str(u?.name) ?? email;
}

function statusChip(c, extra = '') {
  const status = str(c.status);
  if (!status) return null;
  return h('span', { class: `chip chip--${status} ${extra}`.trim(), 'data-testid': 'status-chip', 'data-status': status, text: STATUS_LABEL[status] ?? humanize(status) });
}

function overdueChip(c, extra = '') {
  return c.overdue === true
    ? h('span', { class: `chip chip--overdue ${extra}`.trim(), 'data-testid': 'overdue', title: 'The customer has waited longer than the reply target', text: 'Overdue' })
    : null;
}

function renderTabs() {
  const tabs = QUEUES.map((q) => {
    const selected = q.id === state.queue;
    const count = state.counts.get(q.id);
    return h('button', {
      type: 'button',
      role: 'tab',
      id: `queue-${q.id}`,
      class: 'queue-tab' + (selected ? ' is-selected' : ''),
      'aria-selected': String(selected),
      'aria-controls': 'contact-list',
      tabindex: selected ? '0' : '-1',
      'data-testid': 'queue-tab',
      'data-queue': q.id,
      onclick: () => chooseQueue(q.id),
    },
    h('span', { class: 'queue-label', text: q.label }),
    h('span', { class: 'queue-count' + (q.id === 'overdue' && count?.n ? ' is-alert' : ''), 'data-testid': 'queue-count', 'aria-label': count ? `${count.n}${count.more ? ' or more' : ''} conversations` : null, text: count ? `${count.n}${count.more ? '+' : ''}` : '' }));
  });
  const focused = els.queueTabs.contains(document.activeElement) ? document.activeElement.dataset.queue : null;
  els.queueTabs.replaceChildren(...tabs);
  if (focused) els.queueTabs.querySelector(`[data-queue="${focused}"]`)?.focus({ preventScroll: true });
  els.contactList.setAttribute('aria-labelledby', `queue-${state.queue}`);
}

function chooseQueue(queue) {
  if (queue === state.queue || !state.user) return;
  state.queue = queue;
  try {
    localStorage.setItem(QUEUE_KEY, queue);
  } catch {
    // private mode: the tab is just not remembered
  }
  state.list = [];
  state.pages = 1;
  state.nextCursor = null;
  state.listEpoch++;
  state.contactsLoaded = false;
  renderTabs();
  renderContacts();
  loadContacts().catch(backgroundError);
}

function onTabKeydown(event) {
  const i = QUEUES.findIndex((q) => q.id === event.target.dataset?.queue);
  if (i < 0) return;
  let j = null;
  if (event.key === 'ArrowRight') j = (i + 1) % QUEUES.length;
  else if (event.key === 'ArrowLeft') j = (i - 1 + QUEUES.length) % QUEUES.length;
  else if (event.key === 'Home') j = 0;
  else if (event.key === 'End') j = QUEUES.length - 1;
  if (j === null) return;
  event.preventDefault();
  chooseQueue(QUEUES[j].id);
  els.queueTabs.querySelector(`[data-queue="${QUEUES[j].id}"]`)?.focus();
}

/** The first page of every other queue, for the counts on the tabs. */
async function loadCounts() {
  const generation = state.generation;
  await Promise.all(QUEUES.filter((q) => q.id !== state.queue).map(async (q) => {
    try {
      const page = await api(queuePath(q.id, null));
      if (generation !== state.generation || q.id === state.queue) return;
      state.counts.set(q.id, { n: pageItems(page).length, more: Boolean(pageNext(page)) });
    } catch (e) {
      if (e instanceof SignedOut) throw e;
    }
  }));
  if (generation === state.generation) renderTabs();
}

async function loadTeam() {
  const generation = state.generation;
  if (!state.pipelines) {
    const p = await api('/api/pipelines').catch((e) => (e instanceof SignedOut ? null : null));
    if (generation !== state.generation) return;
    if (p) state.pipelines = pageItems(p);
  }
  if (isManager()) {
    const u = await api('/api/users');
    if (generation !== state.generation) return;
    state.users = pageItems(u).filter((x) => x && typeof x.email === 'string');
  }
  renderContacts();
  renderConversationHeader();
}

function lostConversation(id) {
  if (state.selectedId !== id) return;
  closeConversation();
  loadContacts().catch(backgroundError);
}

function setConvError(message) {
  els.convError.textContent = message || '';
}

function renderTools(c) {
  els.convTools.hidden = false;
  const me = state.user?.email;
  const status = str(c.status);
  els.convStatus.replaceChildren();
  els.convStatus.hidden = !status;
  if (status) {
    els.convStatus.className = `chip chip--${status}`;
    els.convStatus.dataset.status = status;
    els.convStatus.textContent = STATUS_LABEL[status] ?? humanize(status);
  }
  els.convOverdue.hidden = c.overdue !== true;
  els.convOwner.dataset.owner = c.owner ?? '';
  els.convOwner.replaceChildren(icon('contact', 'icon icon--tiny'),
    c.owner ? h('span', {}, 'Owner: ', h('strong', { text: ownerLabel(c.owner) })) : h('span', { text: 'Unassigned' }));
  els.convOwner.title = c.owner ?? 'Nobody owns this conversation yet';
  els.assignMe.hidden = Boolean(c.owner);
  const manager = isManager();
  els.ownerSelectWrap.hidden = !manager;
  if (manager) {
    const team = state.users.filter((u) => u.active !== false);
    if (c.owner && !team.some((u) => u.email === c.owner)) team.push({ email: c.owner });
    const sig = JSON.stringify([team.map((u) => [u.email, u.name, u.available]), c.owner ?? '']);
    if (els.ownerSelect.dataset.sig !== sig && document.activeElement !== els.ownerSelect) {
      els.ownerSelect.replaceChildren(
        h('option', { value: '', text: c.owner ? 'Transfer to… (or unassign)' : 'Assign to…' }),
        ...team.map((u) => h('option', { value: u.email, text: `${str(u.name) ?? u.email}${u.email === me ? ' (you)' : ''}${u.available === false ? ' · away' : ''}` })));
      els.ownerSelect.value = c.owner ?? '';
      els.ownerSelect.dataset.sig = sig;
    }
  }
  els.unassign.hidden = !c.owner || (!manager && c.owner !== me);
  els.closeConv.hidden = status === 'closed';
  els.reopenConv.hidden = status !== 'closed';
}

/** POSTs a change to the open conversation; the answer is the updated contact. */
async function contactAction(path, body, button) {
  const id = state.selectedId;
  if (!id || button?.disabled) return;
  const generation = state.generation;
  setConvError('');
  if (button) button.disabled = true;
  try {
    const c = await api(`/api/contacts/${encodeURIComponent(id)}/${path}`, { method: 'POST', json: body });
    if (generation !== state.generation) return;
    acceptContact(id, c);
    loadContacts().catch(() => {});
    loadCounts().catch(() => {});
  } catch (e) {
    if (e instanceof SignedOut || generation !== state.generation) return;
    if (e.status === 404) lostConversation(id);
    else if (state.selectedId === id) setConvError(e.message);
  } finally {
    if (button) button.disabled = false;
  }
}

function acceptContact(id, c) {
  if (c && c.id !== undefined) {
    state.contacts.set(id, c);
    state.patchedAt.set(id, Date.now());
  }
  renderContacts();
  if (state.selectedId === id) renderConversationHeader();
}

function onOwnerChange() {
  const owner = els.ownerSelect.value || null;
  const c = state.contacts.get(state.selectedId ?? '');
  if (!c || owner === (c.owner ?? null)) return;
  els.ownerSelect.dataset.sig = '';
  contactAction('assign', { owner }, null);
}

// --- the side panel

function panelIsOpen() {
  return state.panelOpen ?? !window.matchMedia('(max-width: 1100px)').matches;
}

function applyPanelOpen() {
  const open = panelIsOpen();
  els.convView.classList.toggle('is-panel-open', open);
  els.detailsToggle.setAttribute('aria-expanded', String(open));
  els.detailsToggle.textContent = open ? 'Hide details' : 'Details';
}

function togglePanel(open) {
  state.panelOpen = open ?? !panelIsOpen();
  applyPanelOpen();
  if (panelIsOpen()) els.sidePanel.querySelector('button, input')?.focus({ preventScroll: true });
  else els.detailsToggle.focus({ preventScroll: true });
}

function setPanelError(message) {
  els.panelError.textContent = message || '';
}

function openPanelFor(id) {
  state.panel = { id, notes: [], deals: [], notesSig: '', dealsSig: '', contactSig: '' };
  els.noteList.replaceChildren();
  els.dealList.replaceChildren();
  els.nameForm.hidden = true;
  els.nameView.hidden = false;
  els.followupResult.textContent = '';
  setPanelError('');
  setConvError('');
  for (const input of [els.tagInput, els.fieldKey, els.fieldValue, els.noteInput, els.dealTitle, els.dealValue, els.followupTitle, els.followupDue]) input.value = '';
  refreshPanel();
}

async function refreshPanel() {
  const id = state.selectedId;
  if (!id) return;
  const generation = state.generation;
  const base = `/api/contacts/${encodeURIComponent(id)}`;
  try {
    const [notes, deals] = await Promise.all([api(`${base}/notes`), api(`${base}/deals`), state.pipelines ? null : loadTeam().catch(() => {})]);
    if (generation !== state.generation || state.selectedId !== id || state.panel.id !== id) return;
    state.panel.notes = pageItems(notes);
    state.panel.deals = pageItems(deals);
    renderNotes();
    renderDeals();
  } catch (e) {
    if (e instanceof SignedOut || generation !== state.generation) return;
    if (e.status !== 404 && state.selectedId === id) setPanelError(`Could not load notes and deals: ${e.message}`);
  }
}

function renderPanel(c) {
  applyPanelOpen();
  const sig = JSON.stringify([c.name, c.profile_name, c.phone, c.tags, c.fields]);
  if (sig === state.panel.contactSig) return;
  state.panel.contactSig = sig;
  els.panelName.textContent = displayName(c);
  els.panelPhone.textContent = c.phone || c.user_id || '—';
  els.panelProfile.textContent = str(c.profile_name) ?? '—';
  const custom = str(c.name) && str(c.profile_name) && c.name !== c.profile_name;
  els.nameRevert.hidden = !custom;
  els.nameRevert.textContent = custom ? `Use the WhatsApp name “${c.profile_name}”` : '';
  const tags = Array.isArray(c.tags) ? c.tags.filter((t) => typeof t === 'string') : [];
  els.tagList.replaceChildren(...tags.map((t) => h('li', { class: 'tag', 'data-testid': 'tag', 'data-tag': t },
    h('span', { class: 'tag-text', 'data-testid': 'tag-text', text: t }),
    h('button', { type: 'button', class: 'tag-remove', 'aria-label': `Remove tag ${t}`, title: 'Remove', 'data-testid': 'tag-remove', onclick: () => changeTags((cur) => cur.filter((x) => x !== t)) }, icon('close', 'icon icon--tiny')))));
  if (!tags.length) els.tagList.append(h('li', { class: 'side-empty', text: 'No tags yet.' }));
  const fields = c.fields && typeof c.fields === 'object' ? Object.entries(c.fields) : [];
  els.fieldList.replaceChildren(...fields.flatMap(([k, v]) => [
    h('dt', { 'data-testid': 'field-name', text: k }),
    h('dd', { 'data-testid': 'field', 'data-key': k },
      h('span', { class: 'field-val', 'data-testid': 'field-value-text', text: String(v) }),
      h('button', { type: 'button', class: 'tag-remove', 'aria-label': `Remove field ${k}`, title: 'Remove', 'data-testid': 'field-remove', onclick: () => saveFields({ [k]: '' }) }, icon('close', 'icon icon--tiny'))),
  ]));
  if (!fields.length) els.fieldList.append(h('dd', { class: 'side-empty', text: 'No custom fields yet.' }));
}

async function patchContact(body, what) {
  const id = state.selectedId;
  if (!id) return false;
  const generation = state.generation;
  setPanelError('');
  try {
    const c = await api(`/api/contacts/${encodeURIComponent(id)}`, { method: 'PATCH', json: body });
    if (generation !== state.generation) return false;
    acceptContact(id, c);
    return true;
  } catch (e) {
    if (e instanceof SignedOut || generation !== state.generation) return false;
    if (e.status === 404) lostConversation(id);
    else if (state.selectedId === id) setPanelError(`Could not save the ${what}: ${e.message}`);
    return false;
  }
}

let tagChain = Promise.resolve();
/** Tag changes go one after another, each from the list the previous one left. */
function changeTags(change) {
  const run = tagChain.then(() => {
    const c = state.contacts.get(state.selectedId ?? '');
    if (!c) return false;
    const tags = Array.isArray(c.tags) ? c.tags : [];
    const next = change(tags);
    return next ? patchContact({ tags: next }, 'tags') : true;
  });
  tagChain = run.catch(() => {});
  return run;
}
const saveFields = (fields) => patchContact({ fields }, 'field');

async function onTagSubmit(event) {
  event.preventDefault();
  const tag = els.tagInput.value.trim().toLowerCase();
  if (!tag || !state.selectedId) return;
  els.tagInput.value = '';
  const ok = await changeTags((cur) => (cur.includes(tag) ? null : [...cur, tag]));
  if (!ok && !els.tagInput.value) els.tagInput.value = tag;
  els.tagInput.focus();
}

async function onFieldSubmit(event) {
  event.preventDefault();
  const key = els.fieldKey.value.trim();
  if (!key) {
    setPanelError('Give the field a name.');
    els.fieldKey.focus();
    return;
  }
  if (await saveFields({ [key]: els.fieldValue.value.trim() })) {
    els.fieldKey.value = '';
    els.fieldValue.value = '';
    els.fieldKey.focus();
  }
}

function startNameEdit() {
  const c = state.contacts.get(state.selectedId ?? '');
  els.nameInput.value = c?.name ?? '';
  els.nameView.hidden = true;
  els.nameForm.hidden = false;
  els.nameInput.focus();
  els.nameInput.select();
}

function endNameEdit() {
  els.nameForm.hidden = true;
  els.nameView.hidden = false;
  els.nameEdit.focus();
}

async function onNameSubmit(event) {
  event.preventDefault();
  const name = els.nameInput.value.trim();
  if (await patchContact({ name: name || null }, 'name')) endNameEdit();
}

// --- notes

function renderNotes() {
  const notes = state.panel.notes;
  const sig = JSON.stringify(notes);
  if (sig === state.panel.notesSig) return;
  state.panel.notesSig = sig;
  const now = Date.now();
  els.noteList.replaceChildren(...notes.map((n) => {
    const t = parseTime(n.at);
    return h('li', { class: 'note', 'data-testid': 'note', 'data-note-id': String(n.id ?? '') },
      h('p', { class: 'note-text', 'data-testid': 'note-text', text: String(n.text ?? '') }),
      h('p', { class: 'note-meta' },
        h('span', { text: ownerLabel(str(n.author)) === 'Unassigned' ? 'Someone' : ownerLabel(str(n.author)) }),
        t === null ? null : h('time', { datetime: new Date(t).toISOString(), title: fullFmt.format(t), text: ` · ${relativeTime(t, now)}` })));
  }));
  if (!notes.length) els.noteList.append(h('li', { class: 'side-empty', text: 'No notes yet.' }));
}

async function onNoteSubmit(event) {
  event.preventDefault();
  const id = state.selectedId;
  const text = els.noteInput.value.trim();
  if (!id || !text) return;
  const generation = state.generation;
  const button = event.submitter ?? els.noteForm.querySelector('button');
  button.disabled = true;
  setPanelError('');
  try {
    const note = await api(`/api/contacts/${encodeURIComponent(id)}/notes`, { method: 'POST', json: { text } });
    if (generation !== state.generation || state.selectedId !== id) return;
    els.noteInput.value = '';
    if (note && note.id !== undefined && !state.panel.notes.some((n) => n.id === note.id)) state.panel.notes = [note, ...state.panel.notes];
    renderNotes();
    refreshPanel();
  } catch (e) {
    if (e instanceof SignedOut || generation !== state.generation) return;
    setPanelError(`Could not add the note: ${e.message}`);
  } finally {
    button.disabled = false;
  }
}

// --- deals

function dealMoney(minor, currency) {
  if (typeof minor !== 'number') return '';
  try {
    const fmt = new Intl.NumberFormat('en-IN', { style: 'currency', currency: str(currency) ?? 'INR' });
    return fmt.format(minor / 10 ** fmt.resolvedOptions().maximumFractionDigits);
  } catch {
    return `${(minor / 100).toFixed(2)} ${currency ?? ''}`.trim();
  }
}

function pipelineOf(deal) {
  const ps = state.pipelines ?? [];
  return ps.find((p) => p.id === deal.pipeline) ?? ps.find((p) => (p.stages ?? []).some((s) => s.id === deal.stage)) ?? ps[0] ?? null;
}

function stageName(pipeline, id) {
  return str(pipeline?.stages?.find((s) => s.id === id)?.name) ?? humanize(String(id ?? ''));
}

function renderDeals() {
  const deals = state.panel.deals;
  const sig = JSON.stringify([deals, state.pipelines]);
  if (sig === state.panel.dealsSig) return;
  const focused = document.activeElement?.closest?.('[data-testid="deal"]')?.dataset.dealId ?? null;
  state.panel.dealsSig = sig;
  const now = Date.now();
  els.dealList.replaceChildren(...deals.map((d) => {
    const pipeline = pipelineOf(d);
    const stages = Array.isArray(pipeline?.stages) ? pipeline.stages : [];
    const kind = stages.find((s) => s.id === d.stage)?.kind ?? 'open';
    const selectId = `deal-stage-${d.id}`;
    const select = h('select', { id: selectId, 'data-testid': 'deal-stage', onchange: (event) => moveDeal(d.id, event.target) },
      ...stages.map((s) => h('option', { value: s.id, text: s.name })));
    if (!stages.some((s) => s.id === d.stage)) select.append(h('option', { value: String(d.stage), text: stageName(pipeline, d.stage) }));
    select.value = String(d.stage);
    const history = Array.isArray(d.history) ? d.history : [];
    const last = history[history.length - 1];
    const lastAt = parseTime(last?.at);
    return h('li', { class: `deal deal--${kind}`, 'data-testid': 'deal', 'data-deal-id': String(d.id), 'data-stage': String(d.stage) },
      h('div', { class: 'deal-top' },
        h('span', { class: 'deal-title', 'data-testid': 'deal-title', text: String(d.title ?? '') }),
        h('span', { class: 'deal-value', 'data-testid': 'deal-value', text: dealMoney(d.value_minor, d.currency) })),
      h('div', { class: 'deal-stage-row' },
        h('label', { class: 'visually-hidden', for: selectId, text: `Stage of ${d.title ?? 'deal'}` }),
        select,
        h('span', { class: `chip chip--stage chip--${kind}`, 'data-testid': 'deal-stage-name', text: stageName(pipeline, d.stage) })),
      last ? h('p', { class: 'deal-meta', 'data-testid': 'deal-history' },
        `${stageName(pipeline, last.from) || 'New'} → ${stageName(pipeline, last.to)}`,
        last.by ? ` by ${ownerLabel(last.by)}` : '',
        lastAt === null ? '' : ` · ${relativeTime(lastAt, now)}`) : null);
  }));
  if (!deals.length) els.dealList.append(h('li', { class: 'side-empty', text: 'No deals yet.' }));
  if (focused) els.dealList.querySelector(`[data-deal-id="${focused}"] select`)?.focus({ preventScroll: true });
}

async function moveDeal(dealId, select) {
  const generation = state.generation;
  select.disabled = true;
  setPanelError('');
  try {
    const deal = await api(`/api/deals/${encodeURIComponent(dealId)}/stage`, { method: 'POST', json: { stage: select.value } });
    if (generation !== state.generation) return;
    if (deal && deal.id !== undefined) state.panel.deals = state.panel.deals.map((d) => (d.id === deal.id ? { ...d, ...deal } : d));
    state.panel.dealsSig = '';
    renderDeals();
    refreshPanel();
  } catch (e) {
    if (e instanceof SignedOut || generation !== state.generation) return;
    setPanelError(`Could not move the deal: ${e.message}`);
    state.panel.dealsSig = '';
    renderDeals();
  } finally {
    select.disabled = false;
  }
}

async function onDealSubmit(event) {
  event.preventDefault();
  const id = state.selectedId;
  const title = els.dealTitle.value.trim();
  if (!id) return;
  if (!title) {
    setPanelError('Give the deal a title.');
    els.dealTitle.focus();
    return;
  }
  const rupees = els.dealValue.value.trim() === '' ? 0 : Number(els.dealValue.value);
  if (!Number.isFinite(rupees) || rupees < 0) {
    setPanelError('Enter the value in rupees, e.g. 12500.');
    els.dealValue.focus();
    return;
  }
  const generation = state.generation;
  const button = event.submitter ?? els.dealForm.querySelector('button');
  button.disabled = true;
  setPanelError('');
  try {
    const deal = await api('/api/deals', { method: 'POST', json: { contact_id: id, title, value_minor: Math.round(rupees * 100) } });
    if (generation !== state.generation || state.selectedId !== id) return;
    els.dealTitle.value = '';
    els.dealValue.value = '';
    if (deal && deal.id !== undefined && !state.panel.deals.some((d) => d.id === deal.id)) state.panel.deals = [...state.panel.deals, deal];
    renderDeals();
    refreshPanel();
  } catch (e) {
    if (e instanceof SignedOut || generation !== state.generation) return;
    setPanelError(`Could not create the deal: ${e.message}`);
  } finally {
    button.disabled = false;
  }
}

// --- follow-ups

async function onFollowupSubmit(event) {
  event.preventDefault();
  const id = state.selectedId;
  const title = els.followupTitle.value.trim();
  const due = els.followupDue.value ? new Date(els.followupDue.value) : null;
  if (!id) return;
  if (!title) {
    setPanelError('Say what the follow-up is.');
    els.followupTitle.focus();
    return;
  }
  if (!due || Number.isNaN(due.getTime())) {
    setPanelError('Pick when the follow-up is due.');
    els.followupDue.focus();
    return;
  }
  const generation = state.generation;
  const button = event.submitter ?? els.followupForm.querySelector('button');
  button.disabled = true;
  setPanelError('');
  els.followupResult.textContent = '';
  try {
    await api('/api/tasks', { method: 'POST', json: { title, due_at: due.toISOString(), contact_id: id } });
    if (generation !== state.generation) return;
    els.followupTitle.value = '';
    els.followupDue.value = '';
    els.followupResult.textContent = `Follow-up “${title}” added for ${fullFmt.format(due)}.`;
  } catch (e) {
    if (e instanceof SignedOut || generation !== state.generation) return;
    setPanelError(`Could not add the follow-up: ${e.message}`);
  } finally {
    button.disabled = false;
  }
}

// ---------------------------------------------------------------------------
// Polling

function stopPolling() {
  clearTimeout(state.pollTimer);
  state.pollTimer = 0;
}

function schedulePoll() {
  if (state.user && !state.pollTimer) state.pollTimer = setTimeout(pollTick, deliveryUnderway() ? FAST_POLL_MS : POLL_MS);
}

function deliveryUnderway() {
  return state.messages.some((m) => m.direction === 'out' && (m.status === 'queued' || m.status === 'sending') && m.outcome_unknown !== true);
}

async function pollTick() {
  state.pollTimer = 0;
  if (!state.user) return;
  const generation = state.generation;
  if (document.visibilityState === 'visible') await refreshNow();
  if (generation === state.generation) schedulePoll();
}

function refreshNow() {
  if (state.refreshing?.generation === state.generation) return state.refreshing.done;
  const generation = state.generation;
  const done = (async () => {
    try {
      await Promise.all([loadContacts(), refreshConversation(), loadCounts(), refreshPanel()]);
      if (generation === state.generation) clearAppError();
    } catch (e) {
      if (generation === state.generation) backgroundError(e);
    }
  })();
  const entry = { generation, done };
  state.refreshing = entry;
  done.finally(() => {
    if (state.refreshing === entry) state.refreshing = null;
  });
  return done;
}

function backgroundError(e) {
  if (e instanceof SignedOut || !state.user) return;
  if (e instanceof ApiError) showAppError(`Parley could not refresh: ${e.message}. Retrying…`);
  else showAppError('Can’t reach Parley right now. Retrying…');
}

function showAppError(message) {
  els.appError.textContent = message;
  els.appError.hidden = false;
}

function clearAppError() {
  if (els.appError.textContent) els.appError.textContent = '';
  els.appError.hidden = true;
}

// ---------------------------------------------------------------------------
// Sign-in and out

function setLoginError(message) {
  els.loginError.textContent = message || '';
}

function showSignIn(message = '') {
  state.generation++;
  stopPolling();
  state.user = null;
  resetData();
  els.contactList.replaceChildren();
  els.timeline.replaceChildren();
  clearComposer();
  els.userEmail.textContent = '';
  els.userRole.textContent = '';
  els.adminTools.replaceChildren();
  els.adminTools.hidden = true;
  els.search.value = '';
  state.filter = '';
  clearAppError();
  els.inbox.classList.remove('has-selection');
  els.inbox.hidden = true;
  els.boot.hidden = true;
  els.signin.hidden = false;
  document.title = 'Sign in · Parley';
  els.password.value = '';
  setLoginError(message);
  (els.email.value ? els.password : els.email).focus();
}

function sessionEnded() {
  if (state.user) showSignIn('Your session has ended. Please sign in again.');
  else if (els.signin.hidden) showSignIn();
}

function showInbox(user, { focus = false } = {}) {
  state.generation++;
  stopPolling();
  resetData();
  state.user = user;
  els.userEmail.textContent = str(user?.email) ?? '';
  els.userRole.textContent = str(user?.role) ?? '';
  els.signin.hidden = true;
  els.boot.hidden = true;
  els.inbox.hidden = false;
  clearAppError();
  setLoginError('');
  document.title = 'Parley';
  els.contactList.replaceChildren();
  state.queue = storedQueue();
  renderTabs();
  renderContacts();
  renderConversationHeader();
  loadContacts().catch(backgroundError);
  loadCounts().catch(() => {});
  loadTeam().catch(() => {});
  renderAdminTools().catch(() => {});
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('c');
  if (fromHash) selectContact(fromHash);
  if (focus) els.contactsHeading.focus({ preventScroll: true });
  schedulePoll();
}

// ---------------------------------------------------------------------------
// Supervisors' tools: start an export (it runs as a job, then offers a
// short-lived download link) and, for admins, the dead-letter count.

async function renderAdminTools() {
  const role = state.user?.role;
  const generation = state.generation;
  if (role !== 'admin' && role !== 'manager') return;
  const status = h('span', { 'data-testid': 'export-status', role: 'status' });
  const start = h('button', { class: 'button button--small button--ghost', type: 'button', 'data-testid': 'export-contacts', text: 'Export contacts (CSV)' });
  start.addEventListener('click', () => runExport(start, status, generation).catch((e) => {
    status.textContent = e instanceof SignedOut ? '' : 'Export failed; try again.';
    start.disabled = false;
  }));
  const tools = [start, status];
  if (role === 'admin') {
    const dlq = await api('/api/admin/dlq');
    const depth = (dlq.items ?? []).reduce((sum, q) => sum + Number(q.approximate_depth ?? 0), 0);
    tools.push(h('span', {
      'data-testid': 'dead-letters',
      title: (dlq.items ?? []).map((q) => `${str(q.queue)}: ${Number(q.approximate_depth ?? 0)}`).join(', '),
      text: `Dead letters: ${depth}`,
    }));
  }
  if (generation !== state.generation) return;
  els.adminTools.replaceChildren(...tools);
  els.adminTools.hidden = false;
}

async function runExport(button, status, generation) {
  button.disabled = true;
  status.replaceChildren('Exporting…');
  let job = await api('/api/exports', { method: 'POST', json: { what: 'contacts', format: 'csv' } });
  while (job.status === 'queued' || job.status === 'running') {
    await new Promise((resolve) => setTimeout(resolve, 1000));
    if (generation !== state.generation) return;
    job = await api(`/api/exports/${encodeURIComponent(job.id)}`);
  }
  button.disabled = false;
  if (job.status !== 'done' || !job.download_url) {
    status.replaceChildren('Export failed; try again.');
    return;
  }
  const link = h('a', { href: job.download_url, download: '', 'data-testid': 'export-link', text: `Download (${Number(job.rows ?? 0)} rows)` });
  status.replaceChildren(link);
}

async function onLogin(event) {
  event.preventDefault();
  const email = els.email.value.trim();
  const password = els.password.value;
  if (!email || !password) {
    setLoginError('Enter your e-mail and password.');
    (email ? els.password : els.email).focus();
    return;
  }
  setLoginError('');
  els.loginSubmit.disabled = true;
  els.loginSubmit.textContent = 'Signing in…';
  els.loginForm.setAttribute('aria-busy', 'true');
  try {
    const res = await fetch('/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ email, password }),
      credentials: 'same-origin',
      cache: 'no-store',
    });
    if (res.ok) {
      els.password.value = '';
      showInbox(await res.json(), { focus: true });
    } else {
      const err = await errorFrom(res);
      setLoginError(res.status === 401 || res.status === 400 ? err.message : `Sign-in failed: ${err.message}`);
      els.password.select();
      els.password.focus();
    }
  } catch {
    setLoginError('Can’t reach Parley. Check your connection and try again.');
  } finally {
    els.loginSubmit.disabled = false;
    els.loginSubmit.textContent = 'Sign in';
    els.loginForm.removeAttribute('aria-busy');
  }
}

async function onSignOut() {
  els.signOut.disabled = true;
  try {
    const res = await fetch('/api/logout', { method: 'POST', credentials: 'same-origin', cache: 'no-store' });
    if (res.ok || res.status === 401) {
      history.replaceState(null, '', location.pathname + location.search);
      showSignIn();
    } else {
      showAppError(`Could not sign out: ${(await errorFrom(res)).message}`);
    }
  } catch {
    showAppError('Could not sign out: Parley can’t be reached.');
  } finally {
    els.signOut.disabled = false;
  }
}

// ---------------------------------------------------------------------------
// Start

async function boot() {
  els = {
    boot: byId('boot'),
    signin: byId('signin'),
    loginForm: byId('login-form'),
    email: byId('login-email'),
    password: byId('login-password'),
    loginError: byId('login-error'),
    loginSubmit: byId('login-submit'),
    inbox: byId('inbox'),
    userEmail: byId('user-email'),
    userRole: byId('user-role'),
    adminTools: byId('admin-tools'),
    signOut: byId('sign-out'),
    appError: byId('app-error'),
    contactsHeading: byId('contacts-heading'),
    contactCount: byId('contact-count'),
    search: byId('contact-search'),
    contactList: byId('contact-list'),
    contactsEmpty: byId('contacts-empty'),
    loadMore: byId('load-more'),
    noSelection: byId('no-selection'),
    convView: byId('conv-view'),
    back: byId('back'),
    convAvatar: byId('conv-avatar'),
    convName: byId('conv-name'),
    convPhone: byId('conv-phone'),
    convBadge: byId('conv-badge'),
    timelineScroll: byId('timeline-scroll'),
    timeline: byId('timeline'),
    timelineStatus: byId('timeline-status'),
    jump: byId('jump'),
    windowNote: byId('window-note'),
    optOut: byId('opt-out'),
    optOutLabel: byId('opt-out-label'),
    composer: byId('composer'),
    replyPreview: byId('reply-preview'),
    replyPreviewLabel: byId('reply-preview-label'),
    replyPreviewText: byId('reply-preview-text'),
    replyCancel: byId('reply-cancel'),
    textForm: byId('text-form'),
    templateToggle: byId('template-toggle'),
    input: byId('composer-input'),
    send: byId('send'),
    textMeta: byId('text-meta'),
    textCounter: byId('text-counter'),
    textEstimate: byId('text-estimate'),
    templatePanel: byId('template-panel'),
    resyncTemplates: byId('resync-templates'),
    textToggle: byId('text-toggle'),
    templateEmpty: byId('template-empty'),
    templateEmptyText: byId('template-empty-text'),
    syncTemplates: byId('sync-templates'),
    templateForm: byId('template-form'),
    templateName: byId('template-name'),
    templateLanguage: byId('template-language'),
    optoutNote: byId('optout-note'),
    templateParams: byId('template-params'),
    templatePreview: byId('template-preview'),
    templateEstimate: byId('template-estimate'),
    templateHint: byId('template-hint'),
    sendTemplate: byId('send-template'),
    composerError: byId('composer-error'),
    sendResult: byId('send-result'),
    queueTabs: byId('queue-tabs'),
    convTools: byId('conv-tools'),
    convStatus: byId('conv-status'),
    convOverdue: byId('conv-overdue'),
    convOwner: byId('conv-owner'),
    assignMe: byId('assign-me'),
    ownerSelectWrap: byId('owner-select-wrap'),
    ownerSelect: byId('owner-select'),
    unassign: byId('unassign'),
    closeConv: byId('close-conv'),
    reopenConv: byId('reopen-conv'),
    detailsToggle: byId('details-toggle'),
    convError: byId('conv-error'),
    sidePanel: byId('side-panel'),
    panelClose: byId('panel-close'),
    panelError: byId('panel-error'),
    nameView: byId('name-view'),
    panelName: byId('panel-name'),
    nameEdit: byId('name-edit'),
    nameForm: byId('name-form'),
    nameInput: byId('name-input'),
    nameCancel: byId('name-cancel'),
    nameRevert: byId('name-revert'),
    panelPhone: byId('panel-phone'),
    panelProfile: byId('panel-profile'),
    tagList: byId('tag-list'),
    tagForm: byId('tag-form'),
    tagInput: byId('tag-input'),
    fieldList: byId('field-list'),
    fieldForm: byId('field-form'),
    fieldKey: byId('field-key'),
    fieldValue: byId('field-value'),
    noteForm: byId('note-form'),
    noteInput: byId('note-input'),
    noteList: byId('note-list'),
    dealList: byId('deal-list'),
    dealForm: byId('deal-form'),
    dealTitle: byId('deal-title'),
    dealValue: byId('deal-value'),
    followupForm: byId('followup-form'),
    followupTitle: byId('followup-title'),
    followupDue: byId('followup-due'),
    followupResult: byId('followup-result'),
  };
  els.panelClose.append(icon('close'));
  els.queueTabs.addEventListener('keydown', onTabKeydown);
  els.assignMe.addEventListener('click', () => contactAction('assign', { owner: state.user?.email ?? null }, els.assignMe));
  els.unassign.addEventListener('click', () => contactAction('assign', { owner: null }, els.unassign));
  els.ownerSelect.addEventListener('change', onOwnerChange);
  els.closeConv.addEventListener('click', () => contactAction('close', {}, els.closeConv));
  els.reopenConv.addEventListener('click', () => contactAction('reopen', {}, els.reopenConv));
  els.detailsToggle.addEventListener('click', () => togglePanel());
  els.panelClose.addEventListener('click', () => togglePanel(false));
  window.matchMedia('(max-width: 1100px)').addEventListener('change', () => {
    state.panelOpen = null;
    applyPanelOpen();
  });
  els.nameEdit.addEventListener('click', startNameEdit);
  els.nameCancel.addEventListener('click', endNameEdit);
  els.nameForm.addEventListener('submit', onNameSubmit);
  els.nameRevert.addEventListener('click', () => patchContact({ name: null }, 'name'));
  els.tagForm.addEventListener('submit', onTagSubmit);
  els.fieldForm.addEventListener('submit', onFieldSubmit);
  els.noteForm.addEventListener('submit', onNoteSubmit);
  els.dealForm.addEventListener('submit', onDealSubmit);
  els.followupForm.addEventListener('submit', onFollowupSubmit);
  els.back.append(icon('back'));
  els.jump.prepend(icon('down'));
  els.send.append(icon('send'));
  els.templateToggle.prepend(icon('template'));
  els.replyCancel.append(icon('close'));

  els.optOut.addEventListener('click', toggleOptOut);
  els.textForm.addEventListener('submit', (event) => {
    event.preventDefault();
    submit('text');
  });
  els.input.addEventListener('keydown', onComposerKeydown);
  els.input.addEventListener('input', onComposerInput);
  els.replyCancel.addEventListener('click', cancelReply);
  els.templateToggle.addEventListener('click', () => setMode('template'));
  els.textToggle.addEventListener('click', () => setMode('text'));
  els.syncTemplates.addEventListener('click', syncTemplates);
  els.resyncTemplates.addEventListener('click', syncTemplates);
  els.templateForm.addEventListener('submit', (event) => {
    event.preventDefault();
    submit('template');
  });
  els.templateParams.addEventListener('input', onTemplateInput);
  els.templateName.addEventListener('change', () => {
    if (!state.selectedId) return;
    const draft = draftFor(state.selectedId);
    draft.template = els.templateName.value;
    draft.language = null;
    setComposerError('');
    renderComposer();
  });
  els.templateLanguage.addEventListener('change', () => {
    if (!state.selectedId) return;
    draftFor(state.selectedId).language = els.templateLanguage.value;
    setComposerError('');
    renderComposer();
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && state.selectedId && !els.replyPreview.hidden && els.composer.contains(document.activeElement)) cancelReply();
  });
  els.appError.hidden = true;

  els.loginForm.addEventListener('submit', onLogin);
  els.signOut.addEventListener('click', onSignOut);
  els.loadMore.addEventListener('click', loadMoreContacts);
  els.back.addEventListener('click', closeConversation);
  els.jump.addEventListener('click', scrollToBottom);
  els.timelineScroll.addEventListener('scroll', () => {
    state.stuck = isAtBottom(els.timelineScroll);
    if (state.stuck) els.jump.hidden = true;
  }, { passive: true });
  // A resized window or pane reflows the bubbles: keep the latest message in view.
  new ResizeObserver(() => {
    if (state.stuck && state.selectedId) scrollToBottom();
  }).observe(els.timelineScroll);
  els.search.addEventListener('input', () => {
    state.filter = els.search.value.trim().toLowerCase();
    renderContacts();
  });
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible' && state.user) {
      stopPolling();
      pollTick();
    }
  });

  try {
    const res = await fetch('/api/me', { credentials: 'same-origin', headers: { accept: 'application/json' }, cache: 'no-store' });
    if (res.ok) showInbox(await res.json());
    else if (res.status === 401) showSignIn();
    else showSignIn(`Parley is not available right now (${(await errorFrom(res)).message}). Try again in a moment.`);
  } catch {
    showSignIn('Can’t reach Parley. Check your connection and try again.');
  }
}

boot();
