// What the campaign screens compute, pure: which templates a campaign can
// send, the running sum of a segment's count, the estimate the admin
// confirms, and how often a campaign is looked at again.
import type { Audience, Campaign, CampaignEstimate, CampaignPreview, MarketCost, MissingField, ParamSource } from '../api/campaigns';
import type { Template } from '../api/templates';
import type { Key } from '../i18n/en';
import { parseTime } from '../lib/format';

/** The reasons a contact in the segment is left out, in the order shown. */
export const EXCLUSIONS = ['opted_out', 'no_consent', 'no_identity', 'missing_field'] as const;
/** The contacts lacking a field that are named, at most (the rest are counted). */
export const MISSING_SHOWN = 50;

/** Why `tpl` cannot go to a campaign (the API checks the same), or null. */
export function templateProblem(tpl: Template): Key | null {
  if (String(tpl.status).toUpperCase() !== 'APPROVED') return 'campaigns.tpl.notApproved';
  const category = String(tpl.category).toLowerCase();
  if (category !== 'marketing' && category !== 'utility') return 'campaigns.tpl.category';
  return null;
}

export const templateKey = (tpl: Pick<Template, 'name' | 'language'>) => `${tpl.name}|${tpl.language}`;

/** The placeholder of each body parameter, in order: `{{1}}`… or `{{name}}`. */
export function placeholders(tpl: Template): string[] {
  if (tpl.parameter_format === 'named') return tpl.body_param_names.map((n) => `{{${n}}}`);
  return Array.from({ length: tpl.body_params }, (_, i) => `{{${i + 1}}}`);
}

/** A parameter source staff have filled in enough to count with. */
export function paramReady(p: ParamSource): boolean {
  return p.kind === 'text' ? p.text.trim() !== '' : p.field.trim() !== '';
}

export const emptyAudience = (): Audience => ({
  tag: null, stage: null, owner: null, source: null, field: null, inbound_within_days: null, opted_in_only: false,
});

/** The audience as sent: blanks dropped, the tag as tags are stored (trimmed, lower case). */
export function cleanAudience(a: Audience): Audience {
  const tag = a.tag?.trim().toLowerCase() || null;
  const field = a.field && a.field.name.trim() && a.field.value.trim() ? { name: a.field.name.trim(), value: a.field.value.trim() } : null;
  const days = a.inbound_within_days;
  return { ...a, tag, field, inbound_within_days: typeof days === 'number' && Number.isFinite(days) && days > 0 ? Math.floor(days) : null };
}

/** The params as sent: a blank fallback is none. */
export const cleanParams = (params: ParamSource[]): ParamSource[] =>
  params.map((p) => (p.kind === 'text' ? p : { kind: 'field', field: p.field.trim(), fallback: p.fallback?.trim() || null }));

/** A segment's count so far: the sum of the preview answers. */
export interface Count {
  /** Every page counted (the last answer's `next_cursor` was null). */
  done: boolean;
  inSegment: number;
  sendable: number;
  excluded: Record<string, number>;
  /** Some of those lacking a field (up to MISSING_SHOWN). */
  missing: MissingField[];
  /** By market and currency. */
  markets: MarketCost[];
  /** The business's currency, as the answers name it. */
  currency: string | null;
}

export const emptyCount = (): Count => ({ done: false, inSegment: 0, sendable: 0, excluded: {}, missing: [], markets: [], currency: null });

/** `count` with one more answer added in. */
export function addPreview(count: Count, p: CampaignPreview): Count {
  const excluded = { ...count.excluded };
  for (const [reason, n] of Object.entries(p.excluded ?? {})) excluded[reason] = (excluded[reason] ?? 0) + n;
  const markets = count.markets.map((m) => ({ ...m }));
  for (const m of p.markets ?? []) {
    const same = markets.find((x) => x.market === m.market && x.currency === m.currency);
    if (same) {
      same.recipients += m.recipients;
      same.amount_minor += m.amount_minor;
    } else {
      markets.push({ ...m });
    }
  }
  markets.sort((a, b) => b.recipients - a.recipients || a.market.localeCompare(b.market));
  const known = new Set(count.missing.map((m) => m.contact_id));
  const missing = [...count.missing, ...(p.missing ?? []).filter((m) => !known.has(m.contact_id))].slice(0, MISSING_SHOWN);
  return {
    done: p.next_cursor === null || p.next_cursor === undefined,
    inSegment: count.inSegment + p.in_segment,
    sendable: count.sendable + p.sendable,
    excluded,
    missing,
    markets,
    currency: p.currency || count.currency,
  };
}

export const excludedTotal = (excluded: Record<string, number>) => Object.values(excluded).reduce((a, b) => a + b, 0);

/** What the admin confirms: every sendable recipient, and the markets priced in the business's currency. */
export function estimateOf(count: Count): CampaignEstimate | null {
  if (!count.done || !count.currency) return null;
  const amount = count.markets.filter((m) => m.currency === count.currency).reduce((a, m) => a + m.amount_minor, 0);
  return { recipients: count.sendable, amount_minor: amount, currency: count.currency };
}

/** Markets priced in another currency than the business's (left out of the total). */
export const foreignMarkets = (count: Count) => count.markets.filter((m) => count.currency && m.currency !== count.currency);

const STILL_HEARD_MS = 10 * 60_000;
/** How long until `c` is looked at again; null: it will not change any more. */
export function pollDelay(c: Pick<Campaign, 'status' | 'finished_at'>, now = Date.now()): number | null {
  if (c.status === 'scheduled' || c.status === 'sending' || c.status === 'paused') return 3_000;
  const finished = parseTime(c.finished_at);
  // Statuses and replies keep coming for a while after the last send.
  if (finished === null || now - finished < STILL_HEARD_MS) return 5_000;
  return null;
}

/** `datetime-local`'s value (the browser's time) as RFC 3339, or null when it is not a time. */
export function localToRfc3339(value: string): string | null {
  if (!value) return null;
  const t = new Date(value).getTime();
  return Number.isFinite(t) ? new Date(t).toISOString() : null;
}

/** A `datetime-local` value `ms` from now, to the minute. */
export function localInput(ms: number): string {
  const d = new Date(Date.now() + ms);
  d.setSeconds(0, 0);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
