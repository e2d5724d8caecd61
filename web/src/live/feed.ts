// The app's one source of live updates: a push socket that says when to look
// (live/socket.ts), over the poller it falls back to (live/poller.ts).
import type { Changes } from '../api/changes';

export type ChangeListener = (changes: Changes, contact: string | null, askedAt: number) => void;

export interface ChangeFeed {
  /** Begins delivering changes (the first answer holds the current counts). */
  start(): void;
  /** Stops for good (sign-out, leaving the inbox). */
  stop(): void;
  /** Calls `listener` with each answer, the conversation it is about and when it was asked; returns a function that unsubscribes. */
  onChange(listener: ChangeListener): () => void;
  /** Something is expected soon (the user sent a message): look quickly for a while. */
  expect(): void;
}

let current: ChangeFeed | null = null;

/** Makes `feed` the one `expectChanges` reaches (null when it stops). */
export function setFeed(feed: ChangeFeed | null): void {
  current = feed;
}

/** Tells the running feed, if any, that a change is on its way. */
export function expectChanges(): void {
  current?.expect();
}
