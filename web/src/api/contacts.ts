// Contacts, queues, and what staff change on a conversation.
import { del, errorFrom, get, patch, post, SignedOut, url, type Page, type PathFor } from './client';
import type { components, paths } from './schema';

type Schemas = components['schemas'];
export type ServiceWindow = Schemas['ServiceWindow'];
export type Contact = Schemas['Contact'];
export type ConversationStatus = NonNullable<Contact['status']>;
export type Note = Schemas['Note'];
/** The queues of `/api/conversations`, plus `all`: every contact. */
type QueueQuery = NonNullable<paths['/api/conversations']['get']['parameters']['query']>;
/** The queues the inbox offers (the API's, but `open`), plus `all`: every contact. */
export type Queue = Exclude<NonNullable<QueueQuery['queue']>, 'open'> | 'all';
export type ContactPatch = Schemas['ContactPatch'];
export type NewCallLog = Schemas['NewCallLog'];
export type CallLogged = Schemas['CallLogged'];
export type CallOutcome = Schemas['CallOutcome'];

export const PAGE = 50;

/** What narrows a list (empty values are left out): `owner` is an e-mail or `unassigned`. */
export interface ListFilters {
  owner: string;
  tag: string;
  number: string;
}

/** One page of a queue; `all` is every contact, newest activity first (by id when a tag narrows it). */
export function queuePage(queue: Queue, cursor: string | null, filters?: ListFilters): Promise<Page<Contact>> {
  const narrow = { owner: filters?.owner || null, tag: filters?.tag || null, number: filters?.number || null };
  return queue === 'all'
    ? get<Page<Contact>>('/api/contacts', { query: { limit: PAGE, cursor, ...narrow } })
    : get<Page<Contact>>('/api/conversations', { query: { queue, limit: PAGE, cursor, ...narrow } });
}
export const contact = (id: string) => get<Contact>('/api/contacts/{id}', { params: { id } });
export const patchContact = (id: string, body: ContactPatch) => patch<Contact>('/api/contacts/{id}', { params: { id }, json: body });
export const setOptOut = (id: string, opted_out: boolean) =>
  post<Schemas['OptOut']>('/api/contacts/{id}/opt_out', { params: { id }, json: { opted_out } });
export const assign = (id: string, owner: string | null) => post<Contact>('/api/contacts/{id}/assign', { params: { id }, json: { owner } });
export const close = (id: string) => post<Contact>('/api/contacts/{id}/close', { params: { id }, json: {} });
export const reopen = (id: string) => post<Contact>('/api/contacts/{id}/reopen', { params: { id }, json: {} });
export const notes = (id: string) => get<Page<Note>>('/api/contacts/{id}/notes', { params: { id } });
export const addNote = (id: string, text: string) => post<Note>('/api/contacts/{id}/notes', { params: { id }, json: { text } });
/** A call staff made, with its outcome, notes and when to call again (a follow-up for the caller). */
export const logCall = (id: string, body: NewCallLog) => post<CallLogged>('/api/contacts/{id}/calls', { params: { id }, json: body });
export const merge = (id: string, from: string) => post<Contact>('/api/contacts/{id}/merge', { params: { id }, json: { from } });
export const searchContacts = (q: string) => get<Page<Contact>>('/api/contacts', { query: { q, limit: 10 } });
export const erase = (id: string) => del<{ erased: boolean }>('/api/contacts/{id}', { params: { id } });
/** Everything held about a contact, as the JSON file the API names. */
export async function exportContact(id: string): Promise<{ blob: Blob; filename: string }> {
  const path: PathFor<'get'> = '/api/contacts/{id}/export';
  const res = await fetch(url(path, { id }), { credentials: 'same-origin', cache: 'no-store' });
  if (res.status === 401) throw new SignedOut('signed out');
  if (!res.ok) throw await errorFrom(res);
  const named = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '');
  return { blob: await res.blob(), filename: named?.[1] ?? 'contact.json' };
}
