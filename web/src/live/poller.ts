// The change feed over plain polling of GET /api/changes, paced by what the
// person at the screen is doing:
// - someone typed or clicked in the last 20 s, or sent a message (and, for
//   at most 2 minutes after that send, while a delivery is on its way):
//   every 3 s, so new messages and ticks show within about 3 s;
// - an idle visible tab: every 12 s (5 requests a minute; the budget is 6);
// - a hidden tab: once a minute, and at once when it is shown again;
// - while a push socket is up (live/socket.ts): once a minute as a safety
//   net (every 3 s after a send, as above; typing does not speed it up),
//   plus one request per pushed notice (`refresh`).
// Each request is one Lambda invocation and, when nothing changed, two
// DynamoDB reads (see the API's live feed).
import { changes as fetchChanges, type Changes } from '../api/changes';
import { alertNew } from '../notifications/alert';
import { setUnread } from '../notifications/store';
import { ApiError, SignedOut } from '../api/client';
import type { ChangeFeed, ChangeListener } from './feed';

export const FAST_MS = 3_000;
export const IDLE_MS = 12_000;
export const HIDDEN_MS = 60_000;
export const PUSHED_MS = 60_000;
const ACTIVE_FOR_MS = 20_000;
const EXPECT_FOR_MS = 30_000;
const UNDERWAY_FOR_MS = 120_000;
const SOON_MS = 1_000;
const MAX_BACKOFF_MS = 60_000;

export interface PollerOptions {
  /** The conversation to follow (null: only the list and the counts). */
  contact(): string | null;
  /** A send of the open conversation is still on its way. */
  underway(): boolean;
  /** A poll failed (not a sign-out, which stops the poller). */
  failed(error: unknown, contact: string | null): void;
  /** A push socket is up: changes are announced, so poll only as a safety net. */
  pushed?(): boolean;
  /** The feed stopped by itself (the session ended). */
  stopped?(): void;
}

/** The polling feed, which a push channel can also tell to look now. */
export interface Poller extends ChangeFeed {
  /** Asks for changes now (once more after the request under way, if any). */
  refresh(): void;
}

export function poller(options: PollerOptions): Poller {
  const listeners = new Set<ChangeListener>();
  let cursor: string | null = null;
  let running = false;
  let inFlight = false;
  let timer = 0;
  let dueAt = 0;
  let lastInput = 0;
  let lastExpect = -Infinity;
  let failures = 0;
  let again = false;

  const pace = (): number => {
    if (document.visibilityState === 'hidden') return HIDDEN_MS;
    const now = Date.now();
    // A send's early states (queued, sending) are written by the sender, not
    // announced as events: after a send, look quickly even with push.
    const sending = now < lastExpect + EXPECT_FOR_MS || (now < lastExpect + UNDERWAY_FOR_MS && options.underway());
    const pushed = options.pushed?.() ?? false;
    const busy = sending || (!pushed && now < lastInput + ACTIVE_FOR_MS);
    const ms = busy ? FAST_MS : pushed ? PUSHED_MS : IDLE_MS;
    return failures ? Math.min(MAX_BACKOFF_MS, ms * 2 ** failures) : ms;
  };

  const schedule = (ms: number) => {
    clearTimeout(timer);
    timer = 0;
    if (!running) return;
    dueAt = Date.now() + ms;
    timer = window.setTimeout(tick, ms);
  };

  /** Brings the next poll forward to within `ms`. */
  const sooner = (ms: number) => {
    if (running && !inFlight && dueAt - Date.now() > ms) schedule(ms);
  };

  async function tick(): Promise<void> {
    timer = 0;
    if (!running || inFlight) return;
    inFlight = true;
    const contact = options.contact();
    const askedAt = Date.now();
    try {
      const answer: Changes = await fetchChanges(cursor, contact);
      // The bell rides on the same answer: no request of its own.
      setUnread(answer.unread_notifications, askedAt, alertNew);
      if (!running) return;
      cursor = typeof answer?.cursor === 'string' ? answer.cursor : null;
      failures = 0;
      for (const listener of listeners) listener(answer, contact, askedAt);
    } catch (e) {
      if (e instanceof SignedOut) {
        stop();
        options.stopped?.();
        return;
      }
      // A cursor from before a deploy, or a conversation gone from view: not the network's fault.
      if (e instanceof ApiError && e.status === 400) cursor = null;
      else if (!(e instanceof ApiError && e.status === 404)) failures = Math.min(failures + 1, 5);
      options.failed(e, contact);
    } finally {
      inFlight = false;
    }
    if (again) {
      again = false;
      schedule(0);
      return;
    }
    schedule(pace());
  }

  const onInput = () => {
    lastInput = Date.now();
    if (!options.pushed?.()) sooner(FAST_MS);
  };
  const onVisibility = () => {
    if (document.visibilityState === 'visible') sooner(0);
    else if (running && !inFlight) schedule(pace());
  };

  function stop(): void {
    running = false;
    clearTimeout(timer);
    timer = 0;
    document.removeEventListener('visibilitychange', onVisibility);
    document.removeEventListener('pointerdown', onInput, true);
    document.removeEventListener('keydown', onInput, true);
  }

  return {
    start() {
      if (running) return;
      running = true;
      document.addEventListener('visibilitychange', onVisibility);
      document.addEventListener('pointerdown', onInput, { capture: true, passive: true });
      document.addEventListener('keydown', onInput, { capture: true, passive: true });
      schedule(0);
    },
    stop,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    expect() {
      lastExpect = Date.now();
      sooner(SOON_MS);
    },
    refresh() {
      if (!running) return;
      if (inFlight) again = true;
      else schedule(0);
    },
  };
}
