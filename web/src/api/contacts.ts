// Contacts, queues, and what staff change on a conversation.
import { get, patch, post, type Page } from './client';

export interface ServiceWindow {
  open: boolean;
  closes_at: string | null;
}
export type ConversationStatus = 'open' | 'waiting_on_us' | 'waiting_on_customer' | 'closed';
export interface Contact {
  id: string;
  phone: string | null;
  wa_id: string | null;
  user_id: string | null;
  name: string | null;
  phone_number_id: string;
  last_activity_at: string | null;
  last_inbound_at: string | null;
  window: ServiceWindow;
  created_at: string;
  opted_out: boolean;
  owner: string | null;
  status: ConversationStatus | null;
  awaiting_since: string | null;
  overdue: boolean;
  first_response_seconds: number | null;
  profile_name: string | null;
  tags: string[];
  fields: Record<string, string>;
  /** Other records of the same person (they wrote with ids two contacts held), for staff to merge. */
  merge_suggested: string[];
  /** The customer wrote after the signed-in person last read it (lists only). */
  unread?: boolean;
}
export interface Note {
  id: string;
  text: string;
  author: string | null;
  at: string;
}
export type Queue = 'unassigned' | 'mine' | 'waiting_on_us' | 'waiting_on_customer' | 'overdue' | 'closed' | 'all';
export interface ContactPatch {
  name?: string | null;
  tags?: string[];
  fields?: Record<string, string>;
}

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
  post<{ opted_out?: boolean }>('/api/contacts/{id}/opt_out', { params: { id }, json: { opted_out } });
export const assign = (id: string, owner: string | null) => post<Contact>('/api/contacts/{id}/assign', { params: { id }, json: { owner } });
export const close = (id: string) => post<Contact>('/api/contacts/{id}/close', { params: { id }, json: {} });
export const reopen = (id: string) => post<Contact>('/api/contacts/{id}/reopen', { params: { id }, json: {} });
export const notes = (id: string) => get<Page<Note>>('/api/contacts/{id}/notes', { params: { id } });
export const addNote = (id: string, text: string) => post<Note>('/api/contacts/{id}/notes', { params: { id }, json: { text } });
export const merge = (id: string, from: string) => post<Contact>('/api/contacts/{id}/merge', { params: { id }, json: { from } });
