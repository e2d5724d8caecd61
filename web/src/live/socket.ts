// The change feed over a push socket (/ws, the WebSocket API; the local
// runner serves the same). A notice says only that something changed; the
// feed then asks GET /api/changes once, so the payload stays small and what
// each person may read is still decided by the API. While the socket is up
// the poller runs once a minute as a safety net; while it is down (refused,
// dropped, not yet back) the poller paces itself as before, and the socket
// reconnects with backoff.
import type { ChangeFeed } from './feed';
import { poller, type PollerOptions } from './poller';

/** API Gateway closes a socket idle for 10 minutes: a ping every 5 keeps it. */
export const PING_MS = 5 * 60_000;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 60_000;

type Notice = { type?: unknown };

function socketUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

export function socketFeed(options: PollerOptions): ChangeFeed {
  let socket: WebSocket | null = null;
  let up = false;
  let running = false;
  let retries = 0;
  let retryTimer = 0;
  let pingTimer = 0;

  const polls = poller({ ...options, pushed: () => up, stopped: () => close() });

  function connect(): void {
    if (!running) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(socketUrl());
    } catch {
      reconnectLater();
      return;
    }
    socket = ws;
    ws.onopen = () => {
      up = true;
      retries = 0;
      // Anything that changed while the socket was down is read now.
      polls.refresh();
      pingTimer = window.setInterval(() => ws.send('ping'), PING_MS);
    };
    ws.onmessage = (event: MessageEvent) => {
      let notice: Notice;
      try {
        notice = JSON.parse(String(event.data)) as Notice;
      } catch {
        return;
      }
      if (typeof notice.type === 'string' && notice.type !== 'pong') polls.refresh();
    };
    ws.onclose = () => {
      const wasUp = up;
      up = false;
      socket = null;
      clearInterval(pingTimer);
      if (!running) return;
      // Back to polling at once (its next look may be a minute away).
      if (wasUp) polls.refresh();
      reconnectLater();
    };
  }

  function reconnectLater(): void {
    const ceiling = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** retries);
    retries = Math.min(retries + 1, 6);
    retryTimer = window.setTimeout(connect, ceiling / 2 + Math.random() * (ceiling / 2));
  }

  function close(): void {
    running = false;
    up = false;
    clearTimeout(retryTimer);
    clearInterval(pingTimer);
    socket?.close();
    socket = null;
  }

  return {
    start() {
      if (running) return;
      running = true;
      polls.start();
      if (typeof WebSocket === 'function') connect();
    },
    stop() {
      close();
      polls.stop();
    },
    onChange: (listener) => polls.onChange(listener),
    expect: () => polls.expect(),
  };
}
