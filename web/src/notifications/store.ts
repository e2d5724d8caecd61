// The bell's state: the unread count (kept fresh by the live poll's
// answers) and whether this browser should alert on new ones.
import { signal } from '@preact/signals';

/** Unread notifications of the signed-in person; null before the first answer. */
export const unread = signal<number | null>(null);

const OPT_IN_KEY = 'parley.notify';

/** The person asked for browser notifications and a sound on this device. */
export const alertsOn = signal<boolean>(typeof localStorage !== 'undefined' && localStorage.getItem(OPT_IN_KEY) === '1');

export function setAlerts(on: boolean): void {
  alertsOn.value = on;
  try {
    localStorage.setItem(OPT_IN_KEY, on ? '1' : '0');
  } catch {
    /* private mode: the choice lasts this tab */
  }
}

/** When this tab last heard back from marking notifications read. */
let readAt = -Infinity;

/** The count a mark-read answered with: newer than any answer to a request sent before it. */
export function setUnreadAfterRead(count: number): void {
  readAt = Date.now();
  unread.value = count;
}

/** A count read by a request sent at `askedAt`; `onMore` runs when it went
 * up (not on the first answer). A request sent before this tab's last
 * mark-read was answered may have read the count before it, so its answer
 * is dropped: a poll in flight would otherwise ring a read notification
 * back up until the next poll, a minute later while push is up. */
export function setUnread(count: number, askedAt: number, onMore: () => void): void {
  if (askedAt <= readAt) return;
  const before = unread.value;
  unread.value = count;
  if (before !== null && count > before) onMore();
}
