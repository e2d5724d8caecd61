// The live feed: what changed since the last answer's cursor.
import { get } from './client';
import type { Contact, Queue } from './contacts';
import type { Message } from './messages';

export interface Changes {
  /** Pass back as `since` next time. */
  cursor: string;
  /** The open contact, when it changed. */
  contact: Contact | null;
  /** New or changed messages of the open conversation (ticks included), oldest first. */
  messages: Message[];
  /** A teammate added a note to the open conversation. */
  notes_changed: boolean;
  /** List rows whose activity moved. */
  contacts: Contact[];
  /** Every queue's count, only when one changed. */
  counts: Partial<Record<Queue, { n: number; more: boolean }>> | null;
}

export const changes = (since: string | null, contact: string | null) =>
  get<Changes>('/api/changes', { query: { since, contact } });
