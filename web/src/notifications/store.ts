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

/** A new count arrived; `onMore` runs when it went up (not on the first answer). */
export function setUnread(count: number, onMore: () => void): void {
  const before = unread.value;
  unread.value = count;
  if (before !== null && count > before) onMore();
}
