// "typing…" on the customer's phone while staff write an answer. Meta shows
// it for up to 25 seconds (or until the reply), so it is sent again at most
// every 20 seconds per conversation while typing goes on; a business that
// switched it off is not asked again until the page reloads.
import { typing } from '../api/business';

const EVERY_MS = 20_000;
const lastSent = new Map<string, number>();
let switchedOff = false;

export function staffTyping(contact: string, now = Date.now()): void {
  if (switchedOff) return;
  const last = lastSent.get(contact);
  if (last !== undefined && now - last < EVERY_MS) return;
  lastSent.set(contact, now);
  typing(contact)
    .then((shown) => {
      if (shown.indicator === 'off') switchedOff = true;
    })
    .catch(() => {
      // A missed "typing…" costs nothing: the next keystrokes try again.
      lastSent.delete(contact);
    });
}
