// Parley's team inbox: a plain ES module, no dependencies, no build step.
//
// Security rule for this file: every string that comes from a customer, from
// Meta or from a staff member reaches the page through textContent, a text
// node or setAttribute on a non-URL attribute. Nothing here assigns
// innerHTML/outerHTML or calls insertAdjacentHTML, and no URL is ever built
// from such a string (the only link, a map, is built from two numbers).

const POLL_MS = 3000;
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
  return [...state.contacts.values()].sort((a, b) =>
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
    sub ? h('span', { class: 'contact-phone', 'data-testid': 'contact-phone', text: sub }) : null,
    h('span', { class: 'contact-bottom' }, windowBadge(c.window, now, 'badge--small'), optedOutTag(c))));
  return h('li', { class: 'contact-item' }, button);
}

function contactSig(c, now) {
  const t = activityTime(c);
  return JSON.stringify([c, relativeTime(t, now), windowInfo(c.window, now).text, String(c.id) === state.selectedId]);
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

  const total = state.contacts.size;
  els.contactCount.textContent = !state.contactsLoaded ? ''
    : state.filter ? `${visible.length} of ${total}`
    : `${total}${state.nextCursor ? '+' : ''}`;
  let empty = '';
  if (state.contactsLoaded && total === 0) {
    empty = 'No conversations yet. When a customer writes to your WhatsApp number, they appear here.';
  } else if (state.contactsLoaded && visible.length === 0) {
    empty = `No contacts match “${els.search.value.trim()}”.`;
  }
  els.contactsEmpty.textContent = empty;
  els.contactsEmpty.hidden = !empty;
  els.loadMore.hidden = !state.nextCursor;
}

async function loadContacts({ more = false } = {}) {
  const generation = state.generation;
  const params = new URLSearchParams({ limit: String(CONTACTS_PAGE) });
  if (more) {
    if (!state.nextCursor) return;
    params.set('cursor', state.nextCursor);
  }
  const asked = Date.now();
  const page = await api(`/api/contacts?${params}`);
  if (generation !== state.generation) return;
  for (const c of Array.isArray(page?.items) ? page.items : []) storeContact(c, asked);
  const next = typeof page?.next_cursor === 'string' && page.next_cursor ? page.next_cursor : null;
  if (more) {
    state.extraPages++;
    state.nextCursor = next;
  } else if (state.extraPages === 0) {
    state.nextCursor = next;
  }
  state.contactsLoaded = true;
  renderContacts();
  renderConversationHeader();
}

/** Keeps a contact from the API, unless staff changed it after the request left. */
function storeContact(c, askedAt) {
  if (!c || c.id === null || c.id === undefined) return;
  const id = String(c.id);
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
    state.scrollOnNextRender = true;
    els.timeline.replaceChildren();
    els.jump.hidden = true;
    setTimelineStatus('Loading messages…');
    els.timelineScroll.setAttribute('aria-busy', 'true');
    if (!state.contacts.has(id)) fetchSelectedContact(id);
    refreshConversation().catch(backgroundError);
  }
  if (window.matchMedia('(max-width: 760px)').matches) els.back.focus({ preventScroll: true });
}

function closeConversation() {
  state.selectedId = null;
  state.conversationSeq++;
  state.messages = [];
  state.messageSigs = [];
  state.serverMessages = [];
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
    if (e.status === 404 && state.selectedId === id) {
      closeConversation();
      showAppError('That conversation could not be found.');
    }
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
    renderComposer();
    return;
  }
  document.title = `${displayName(c)} · Parley`;
  els.convName.textContent = displayName(c);
  els.convPhone.textContent = secondaryLine(c);
  els.convAvatar.className = avatarClass(id);
  els.convAvatar.textContent = initials(c);
  els.convBadge.replaceChildren(windowBadge(c.window, now));
  const optedOut = c.opted_out === true;
  els.optOut.hidden = false;
  els.optOut.setAttribute('aria-checked', String(optedOut));
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
    renderTimeline(withPending(id, items));
  } catch (e) {
    if (e instanceof SignedOut || generation !== state.generation || id !== state.selectedId) return;
    if (e.status === 404) {
      setTimelineStatus('This conversation could not be found.');
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
  if (state.selectedId) renderTimeline(withPending(state.selectedId, state.serverMessages));
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
  if (ctx && (ctx.id || ctx.referred_product || !(ctx.forwarded || ctx.frequently_forwarded))) {
    const quoted = snippet(index.get(String(ctx.id)));
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
    bubble.append(h('div', { class: 'placeholder', 'data-testid': 'placeholder' }, icon(d.icon), h('span', { text: d.label })));
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
  const errs = errorLines(m.errors);
  if (errs.length) {
    bubble.append(h('div', { class: 'msg-errors', 'data-testid': 'message-errors' }, icon('warning'), h('span', { text: errs.join('; ') })));
  }
  // Room on the last line for the time (and ticks), which sit in the corner.
  const last = bubble.lastElementChild;
  const spacer = h('span', { class: 'meta-spacer', 'aria-hidden': 'true' });
  if (last && last.matches('.msg-text, .detail, .placeholder, .msg-errors')) last.append(spacer);
  else bubble.append(spacer);
  const meta = h('div', { class: 'msg-meta' }, time);
  if (direction === 'out' && m.status) {
    const s = STATUS[m.status] ?? { icon: 'info', label: humanize(m.status) ?? 'Unknown' };
    meta.append(h('span', { class: `ticks ticks--${String(m.status).replace(/[^a-z]/g, '')}`, 'data-testid': 'status', 'data-status': String(m.status), role: 'img', 'aria-label': s.label, title: s.label }, icon(s.icon)));
  }
  bubble.append(meta);
  return h('li', { ...attrs, class: `msg msg--${direction}${m.type === 'reaction' ? ' msg--reaction' : ''}` }, bubble);
}

// ---------------------------------------------------------------------------
// Polling

function stopPolling() {
  clearTimeout(state.pollTimer);
  state.pollTimer = 0;
}

function schedulePoll() {
  if (state.user && !state.pollTimer) state.pollTimer = setTimeout(pollTick, POLL_MS);
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
      await Promise.all([loadContacts(), refreshConversation()]);
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
  els.userEmail.textContent = '';
  els.userRole.textContent = '';
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
  renderContacts();
  renderConversationHeader();
  loadContacts().catch(backgroundError);
  const fromHash = new URLSearchParams(location.hash.slice(1)).get('c');
  if (fromHash) selectContact(fromHash);
  if (focus) els.contactsHeading.focus({ preventScroll: true });
  schedulePoll();
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
  };
  els.back.append(icon('back'));
  els.jump.prepend(icon('down'));
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
