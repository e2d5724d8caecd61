// Marks the open conversation read for the signed-in person: when it is
// opened, and again when a message arrives while it is open (the list then
// says it is unread).
import { useEffect } from 'preact/hooks';
import * as businessApi from '../api/business';
import { changed, state } from './store';

let pending: string | null = null;

async function markRead(id: string): Promise<void> {
  if (pending === id) return;
  pending = id;
  try {
    const marker = await businessApi.markRead(id);
    const c = state.contacts.get(id);
    if (c && !marker.unread) {
      state.contacts.set(id, { ...c, unread: false });
      changed();
    }
  } catch {
    // Unread stays shown; the next refresh or opening tries again.
  } finally {
    if (pending === id) pending = null;
  }
}

export function useReadMarker(contact: string | null): void {
  useEffect(() => {
    if (contact) void markRead(contact);
  }, [contact]);
  const unreadWhileOpen = contact !== null && state.contacts.get(contact)?.unread === true;
  useEffect(() => {
    if (contact && unreadWhileOpen) void markRead(contact);
  }, [contact, unreadWhileOpen]);
}
