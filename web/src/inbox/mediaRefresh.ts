// While a customer's file is still being copied, the open timeline is read
// again now and then (the copy changes no list row, so the live feed does
// not bring it): a few seconds apart, at most a dozen times a conversation.
import { refreshConversation } from './store';

const MAX_TRIES = 12;
let timer: ReturnType<typeof setTimeout> | undefined;
let tries = 0;
let forContact: string | null = null;

/** The open conversation `contact` shows a file still pending. */
export function awaitMedia(contact: string): void {
  if (contact !== forContact) {
    forContact = contact;
    tries = 0;
  }
  if (timer !== undefined || tries >= MAX_TRIES) return;
  const wait = Math.min(1000 * 2 ** Math.min(tries, 3), 8000);
  timer = setTimeout(() => {
    timer = undefined;
    tries += 1;
    refreshConversation().catch(() => undefined);
  }, wait);
}
