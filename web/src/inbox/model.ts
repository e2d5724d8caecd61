// Pure rules of the inbox's display: names, the service window, what a
// message shows, estimates. No DOM here.

import type { Contact, ServiceWindow } from '../api/contacts';
import type { Estimate, Message } from '../api/messages';
import { t } from '../i18n';
import type { Key } from '../i18n/en';
import { cardFor, rates } from '../lib/business';
import { DAY_MS, businessCurrency, fmtFull, fmtTime, fmtUntil, fmtWeekday, money, parseTime } from '../lib/format';
import { callDuration } from './calls';

export type Category = 'utility' | 'authentication' | 'marketing';
export const CATEGORIES: Category[] = ['utility', 'authentication', 'marketing'];
// The default rate card (India), for the price shown before a send. No API
// route serves the rate card yet; the API's own estimate wins once it answers.
export const str = (v: unknown): string | null => (typeof v === 'string' && v.trim() ? v : null);

export function humanize(code: unknown): string | null {
  const s = str(code);
  return s ? s.replace(/_/g, ' ').replace(/^./, (ch) => ch.toUpperCase()) : null;
}

export function displayName(c: Contact): string {
  return c.name || c.phone || c.user_id || c.wa_id || t('contact.unknown');
}

/** The line under the name: E.164 phone, or the business-scoped user id when Meta withholds the number. */
export function secondaryLine(c: Contact): string {
  const line = c.phone || c.user_id || '';
  return line && line !== displayName(c) ? line : '';
}

export function initials(c: Contact): string {
  const name = (c.name || '').trim();
  if (!name) return '#';
  // A word's first letter or digit: "Asha Rao (Pune)" is AP, not A(.
  const lead = (w: string | undefined) => Array.from(w ?? '').find((ch) => /[\p{L}\p{N}]/u.test(ch)) ?? '';
  const words = name.split(/\s+/).filter((w) => lead(w));
  const first = lead(words[0]);
  const second = words.length > 1 ? lead(words[words.length - 1]) : '';
  return (first + second).toUpperCase() || '#';
}

export function avatarClass(id: string): string {
  let hash = 0;
  for (const ch of id) hash = (hash * 31 + (ch.codePointAt(0) ?? 0)) >>> 0;
  return `avatar avatar--${hash % 8}`;
}

export function activityTime(c: Contact): number | null {
  return parseTime(c.last_activity_at) ?? parseTime(c.created_at);
}

/** "now", "5 min", "14:05", "Yesterday", "Mon", "3 Nov 26". */
export function relativeTime(at: number | null, now: number): string {
  if (at === null) return '';
  const diff = now - at;
  if (diff < 60_000) return t('time.now');
  if (diff < 3_600_000) return t('time.minutes', { n: Math.floor(diff / 60_000) });
  const d = new Date(now);
  d.setHours(0, 0, 0, 0);
  const today = d.getTime();
  if (at >= today) return fmtTime(at);
  if (at >= today - DAY_MS) return t('time.yesterday');
  if (at >= today - 6 * DAY_MS) return fmtWeekday(at);
  return new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: '2-digit' }).format(at);
}

export interface WindowInfo {
  open: boolean;
  soon: boolean;
  text: string;
  note: string;
}

/** The 24-hour customer-service window as staff need to read it. */
export function windowInfo(w: ServiceWindow | null | undefined, now: number): WindowInfo {
  const closes = parseTime(w?.closes_at);
  const open = Boolean(w?.open) && (closes === null || closes > now);
  if (open) {
    const soon = closes !== null && closes - now < 2 * 3_600_000;
    let when = '';
    if (closes !== null) when = closes - now < DAY_MS ? fmtTime(closes) : `${fmtWeekday(closes)} ${fmtTime(closes)}`;
    return {
      open,
      soon,
      text: when ? t('window.openUntil', { when }) : t('window.open'),
      note: closes !== null ? t('window.noteOpenUntil', { when: fmtUntil(closes) }) : t('window.noteOpen'),
    };
  }
  return { open: false, soon: false, text: t('window.closed'), note: t('window.noteClosed') };
}

export function closedExplanation(c: Contact): string {
  const closes = parseTime(c.window?.closes_at);
  return closes !== null ? t('window.closedAt', { at: fmtFull(closes) }) : t('window.neverOpened');
}

/** What the API's rate card will say for a send of `category` to `waId`, computed before sending. */
export function localEstimate(category: Category | 'service', windowOpen: boolean, waId: string | null | undefined): Estimate {
  // The server's rule (RateCards::estimate): free in the window unless the admin says Meta bills it.
  const free = !rates.value?.overrides.service_billed && (category === 'service' || (category === 'utility' && windowOpen));
  const card = cardFor(waId);
  const price = card?.per_message[category] ?? (category === 'service' ? card?.per_message.utility : undefined);
  return { category, free, amount_minor: free ? 0 : price ?? Number.NaN, currency: card?.currency ?? businessCurrency() };
}

const CATEGORY_KEYS: Record<string, Key> = {
  marketing: 'category.marketing',
  utility: 'category.utility',
  authentication: 'category.authentication',
  service: 'category.service',
};
export const categoryLabel = (c: string): string => (CATEGORY_KEYS[c] ? t(CATEGORY_KEYS[c]) : humanize(c) ?? t('category.message'));

/** "<price> · Marketing", "Free · Service reply": the words after "estimate". */
export function estimateWords(e: Estimate): string {
  const category = categoryLabel(e.category);
  if (e.free) return e.category === 'utility' ? t('estimate.freeInWindow', { category }) : t('estimate.free', { category });
  const amount = Number(e.amount_minor);
  if (!Number.isFinite(amount) || !str(e.currency)) return category;
  return `${money(amount, e.currency)} · ${category}`;
}

// ---------------------------------------------------------------------------
// What one message shows

export type IconName =
  | 'image' | 'video' | 'document' | 'mic' | 'audio' | 'sticker' | 'location' | 'contact' | 'cart' | 'reaction' | 'tap'
  | 'info' | 'warning' | 'reply' | 'forward' | 'ad' | 'check' | 'checks' | 'clock' | 'back' | 'down' | 'send' | 'close'
  | 'retry' | 'template' | 'shield' | 'inbox' | 'tasks' | 'pipeline' | 'dashboard' | 'settings' | 'signout' | 'plus'
  | 'phone' | 'edit' | 'deleted' | 'bell' | 'attach';

export interface Described {
  kind?: 'system';
  icon?: IconName;
  label?: string;
  text?: string | null;
  emptyText?: string;
  lines?: (string | null)[];
  trailing?: (string | null)[];
  link?: string | null;
  compact?: boolean;
  /** A customer's WhatsApp call: whether nobody answered it. */
  call?: { missed: boolean };
  /** A completed form's answers, by the form's field names. */
  answers?: [string, string][];
}

export function snippet(m: Message | undefined): string | null {
  if (!m) return null;
  const text = str(m.text) ?? describe(m, new Map()).label;
  if (!text) return null;
  const chars = Array.from(text);
  return chars.length > 60 ? chars.slice(0, 59).join('') + '…' : text;
}

function orderTotal(list: Record<string, unknown>[]): string | null {
  const currencies = new Set(list.map((i) => i?.currency).filter(Boolean));
  if (currencies.size !== 1) return null;
  let total = 0;
  for (const i of list) {
    const q = Number(i?.quantity ?? 1);
    const p = Number(i?.item_price);
    if (!Number.isFinite(q) || !Number.isFinite(p)) return null;
    total += q * p;
  }
  const [currency] = currencies;
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: String(currency) }).format(total);
  } catch {
    return `${total.toFixed(2)} ${String(currency)}`;
  }
}

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (v && typeof v === 'object' ? (v as Obj) : {});

export function describe(m: Message, index: Map<string, Message>): Described {
  const c = obj(m.content);
  const text = str(m.text);
  const media = obj(c.media);
  switch (m.type) {
    case 'text':
      return { text: text ?? str(c.body) ?? '', emptyText: t('msg.empty') };
    case 'image':
      return { icon: 'image', label: t('msg.photo'), text: text ?? str(media.caption) };
    case 'video':
      return { icon: 'video', label: t('msg.video'), text: text ?? str(media.caption) };
    case 'document':
      return { icon: 'document', label: str(c.filename) ?? t('msg.document'), text: text ?? str(media.caption) };
    case 'audio':
      return c.voice ? { icon: 'mic', label: t('msg.voice') } : { icon: 'audio', label: t('msg.audio') };
    case 'sticker':
      return { icon: 'sticker', label: c.animated ? t('msg.animatedSticker') : t('msg.sticker') };
    case 'location': {
      const lat = Number(c.latitude);
      const lon = Number(c.longitude);
      const hasPoint = c.latitude !== null && c.latitude !== undefined && Number.isFinite(lat) && Number.isFinite(lon) && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
      const lines = [str(c.name) ?? (hasPoint ? null : text), str(c.address), hasPoint ? `${lat.toFixed(5)}, ${lon.toFixed(5)}` : null];
      const link = hasPoint ? `https://www.openstreetmap.org/?mlat=${lat.toFixed(6)}&mlon=${lon.toFixed(6)}#map=16/${lat.toFixed(6)}/${lon.toFixed(6)}` : null;
      return { icon: 'location', label: t('msg.location'), lines, link };
    }
    case 'contacts': {
      const cards = Array.isArray(c.cards) ? (c.cards as Obj[]) : [];
      const lines = cards.map((card) => {
        const phones = Array.isArray(card?.phones) ? (card.phones as unknown[]).filter((p): p is string => typeof p === 'string') : [];
        return [str(card?.formatted_name) ?? t('msg.unnamedContact'), phones.join(', ')].filter(Boolean).join(' · ');
      });
      return { icon: 'contact', label: t('msg.contactCards', { n: cards.length }), lines };
    }
    case 'interactive': {
      if (c.kind === 'offered') {
        // Staff's own: what the customer was given to tap.
        const options = Array.isArray(c.options) ? c.options.filter((o): o is string => typeof o === 'string') : [];
        const button = str(c.button) ?? '';
        const label = c.style === 'flow' ? t('msg.offeredForm', { button }) : c.style === 'list' ? t('msg.offeredList', { button }) : t('msg.offeredButtons');
        return { icon: 'tap', label, lines: [str(c.header), ...options.map((o) => `▸ ${o}`)], text, trailing: [str(c.footer)] };
      }
      const labels: Record<string, Key> = { button_reply: 'msg.tappedButton', list_reply: 'msg.choseFromList', nfm_reply: 'msg.submittedForm' };
      const key = labels[String(c.reply)];
      const answers = Object.entries(obj(c.answers)).filter((e): e is [string, string] => typeof e[1] === 'string');
      return { icon: 'tap', label: key ? t(key) : t('msg.interactive'), text: text ?? str(c.title), trailing: [str(c.description)], answers };
    }
    case 'call': {
      if (c.missed === true) return { icon: 'phone', label: t('msg.missedCall'), call: { missed: true } };
      const duration = callDuration(c.duration_seconds);
      return { icon: 'phone', label: duration ? `${t('msg.call')} · ${duration}` : t('msg.call'), call: { missed: false } };
    }
    case 'call_ringing':
      // Shown only until the call's end is on the timeline (see Conversation).
      return { icon: 'phone', label: t('msg.incomingCall'), call: { missed: false } };
    case 'button':
      return { icon: 'tap', label: t('msg.tappedTemplateButton'), text: str(c.text) ?? text };
    case 'reaction': {
      const emoji = str(c.emoji);
      const target = snippet(index.get(String(c.message_id)));
      return { icon: 'reaction', label: emoji ? t('msg.reacted', { emoji }) : t('msg.unreacted'), lines: [target ? t('msg.reactedTo', { target }) : null] };
    }
    case 'order': {
      const list = Array.isArray(c.items) ? (c.items as Obj[]) : [];
      const total = orderTotal(list);
      return { icon: 'cart', label: t('msg.order', { n: list.length }), lines: [total ? t('msg.orderTotal', { total }) : null], text: str(c.text) ?? text };
    }
    case 'edit': {
      // A customer's edit whose original is not on the timeline (the
      // timeline shows an edit on the message it changes).
      const now = obj(c.content);
      return { icon: 'edit', label: t('msg.editedMessage'), text: text ?? str(now.body) ?? str(obj(now.media).caption) };
    }
    case 'revoke':
      return { icon: 'deleted', label: t('msg.deletedMessage') };
    case 'template':
      return { icon: 'template', label: t('msg.template'), text: text ?? '', compact: true };
    case 'system':
      return { kind: 'system', icon: 'info', text: str(c.body) ?? text ?? humanize(c.system_type) ?? t('msg.systemNotice') };
    case 'unsupported': {
      const errors = Array.isArray(c.errors) ? (c.errors as unknown[]).filter((e): e is string => typeof e === 'string') : [];
      return { icon: 'warning', label: t('msg.unsupported'), lines: errors.length ? errors : [t('msg.unsupportedLine')] };
    }
    default:
      return { icon: 'info', label: t('msg.unknownType', { type: humanize(m.type) ?? '?' }), text };
  }
}

export const STATUS: Record<string, { icon: IconName; key: Key }> = {
  queued: { icon: 'clock', key: 'status.queued' },
  sending: { icon: 'clock', key: 'status.sending' },
  sent: { icon: 'check', key: 'status.sent' },
  delivered: { icon: 'checks', key: 'status.delivered' },
  read: { icon: 'checks', key: 'status.read' },
  failed: { icon: 'warning', key: 'status.failed' },
};

/** Inbound errors as one line each. */
export function errorLines(errors: unknown): string[] {
  if (!Array.isArray(errors)) return [];
  return errors.map((e) => {
    if (typeof e === 'string') return e;
    if (e && typeof e === 'object') {
      const o = e as Obj;
      return [o.code, str(o.title) ?? str(o.message), str(obj(o.error_data).details)].filter((x) => x !== null && x !== undefined && x !== '').join(' · ');
    }
    return null;
  }).filter((x): x is string => Boolean(x));
}

/** A failed send's errors: title, code and Meta's details. */
export function outboundErrors(errors: unknown): { title: string; code: string | null; details: string | null }[] {
  if (!Array.isArray(errors)) return [];
  return errors.map((e) => {
    if (typeof e === 'string') return { title: e, code: null, details: null };
    if (!e || typeof e !== 'object') return null;
    const o = e as Obj;
    const code = typeof o.code === 'number' || typeof o.code === 'string' ? String(o.code) : null;
    const title = str(o.title) ?? str(o.message) ?? (code ? t('msg.error') : null);
    const details = str(o.details) ?? str(obj(o.error_data).details);
    if (!title && !details) return null;
    return { title: title ? title.replace(/^./, (ch) => ch.toUpperCase()) : t('msg.error'), code: code && code !== '0' ? code : null, details };
  }).filter((x): x is { title: string; code: string | null; details: string | null } => x !== null);
}
