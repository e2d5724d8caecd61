// Which customers' WhatsApp calls ring for this browser. No DOM here.
import type { RingingCall } from '../api/calls';
import type { Contact } from '../api/contacts';
import { parseTime } from '../lib/format';

/** Meta stops ringing a call 90 seconds on; the API refuses to answer it after that. */
export const RING_MS = 90_000;

export interface Ring {
  contact: Contact;
  call: RingingCall;
}

const ringingOf = (c: Contact): RingingCall | null => (c.ringing && typeof c.ringing.call_id === 'string' ? c.ringing : null);

/** Calls nobody has answered yet that can still be answered, oldest first (the longest wait is answered first). */
export function unanswered(contacts: Iterable<Contact>, now: number, skip: ReadonlySet<string>): Ring[] {
  const rings: { ring: Ring; since: number }[] = [];
  for (const contact of contacts) {
    const call = ringingOf(contact);
    if (!call || call.answered_by || skip.has(call.call_id)) continue;
    const since = parseTime(call.since);
    if (since === null || now - since >= RING_MS) continue;
    rings.push({ ring: { contact, call }, since });
  }
  return rings.sort((a, b) => a.since - b.since).map((r) => r.ring);
}

/** Calls a teammate has answered (someone other than `me`). */
export function answeredByOthers(contacts: Iterable<Contact>, me: string | null): Ring[] {
  const out: Ring[] = [];
  for (const contact of contacts) {
    const call = ringingOf(contact);
    if (call?.answered_by && call.answered_by !== me) out.push({ contact, call });
  }
  return out;
}
