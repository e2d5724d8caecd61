// The inbox list's filters (owner, tag, business number), kept in the hash's
// query (#/inbox?owner=…&tag=…&number=…) so that reload and Back restore them.
import { signal } from '@preact/signals';
import type { Contact, ListFilters } from '../api/contacts';

export const NO_FILTERS: ListFilters = { owner: '', tag: '', number: '' };

/** A tag as the API stores it: `#VIP ` is `vip`. */
export function normalizeTag(text: string): string {
  return text.trim().replace(/^#+/, '').trim().toLowerCase();
}

export function filtersFrom(hash: string): ListFilters {
  const i = hash.indexOf('?');
  const q = new URLSearchParams(i < 0 ? '' : hash.slice(i + 1));
  return { owner: (q.get('owner') ?? '').trim(), tag: normalizeTag(q.get('tag') ?? ''), number: (q.get('number') ?? '').trim() };
}

/** `?owner=…` for the filters that are set, or '' for none. */
export function queryOf(f: ListFilters): string {
  const q = new URLSearchParams();
  for (const k of ['owner', 'tag', 'number'] as const) if (f[k]) q.set(k, f[k]);
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const sameFilters = (a: ListFilters, b: ListFilters) => a.owner === b.owner && a.tag === b.tag && a.number === b.number;
export const hasFilters = (f: ListFilters) => Boolean(f.owner || f.tag || f.number);

export const filters = signal<ListFilters>(filtersFrom(location.hash));

function sync(): void {
  const f = filtersFrom(location.hash);
  if (!sameFilters(f, filters.value)) filters.value = f;
}
window.addEventListener('popstate', sync);
window.addEventListener('hashchange', sync);

/** Narrows the list: a new history entry, so Back returns to the previous filters. */
export function setFilters(next: ListFilters): void {
  const clean = { owner: next.owner.trim(), tag: normalizeTag(next.tag), number: next.number.trim() };
  if (sameFilters(clean, filters.value)) return;
  const base = location.hash.split('?')[0] || '#/inbox';
  history.pushState(null, '', `${base}${queryOf(clean)}`);
  filters.value = clean;
}

/** Whether `c` passes `f` as the API's filter does (for rows the live feed brings unfiltered). */
export function keeps(c: Contact, f: ListFilters): boolean {
  const owner = f.owner === 'unassigned' ? !c.owner : !f.owner || c.owner === f.owner;
  return owner && (!f.tag || (c.tags ?? []).includes(f.tag)) && (!f.number || c.phone_number_id === f.number);
}
