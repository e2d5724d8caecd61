// Live updates at a price a shop can pay when the push socket is down (the
// poller the app falls back to): an idle tab with a conversation open makes
// at most 6 API requests a minute, a hidden one fewer, and a new message
// from the customer still shows up. The requests are counted as the
// browser makes them (page.on('request')); nothing here measures time.
//
//   cargo build -p parley-local -p parley-simulator
//   eval "$(./infra/emulators.sh start)"   # DynamoDB Local and moto (SQS)
//   npm run build && node --test tests/browser/live.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, eventually, byTestId, startStack, stopStack, WAIT, signInQuietly, customerWrites } from './harness.mjs';

// The interval each count is taken over: half a minute, so "at most 6 a
// minute" is "at most 3 here".
const INTERVAL_MS = 30_000;
const IDLE_BUDGET = 3;
const TEST = { timeout: 240_000 };

let stack;
let base;
let browser;

async function contactId(page, name) {
  return eventually(async () => {
    const list = await page.evaluate(async () => (await fetch('/api/contacts')).json());
    const found = list.items.find((c) => c.name === name);
    assert.ok(found, `${name} is listed`);
    return found.id;
  }, { timeout: WAIT });
}

/** Shows or hides the tab as the browser would report it. */
async function setHidden(page, hidden) {
  await page.evaluate((hide) => {
    window.__hidden = hide;
    if (!window.__visibilityPatched) {
      window.__visibilityPatched = true;
      Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (window.__hidden ? 'hidden' : 'visible') });
      Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => Boolean(window.__hidden) });
    }
    document.dispatchEvent(new Event('visibilitychange'));
  }, hidden);
}

/** The API requests the page makes during `INTERVAL_MS`. */
async function apiRequestsOver(page) {
  const seen = [];
  const onRequest = (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/')) seen.push(url.pathname);
  };
  page.on('request', onRequest);
  await sleep(INTERVAL_MS);
  page.off('request', onRequest);
  return seen;
}

before(async () => {
  stack = await startStack('live');
  ({ base, browser } = stack);
}, { timeout: 200_000 });

after(() => stopStack(stack));

test('an idle tab stays within 6 requests a minute, a hidden one makes fewer, and news still shows', TEST, async (t) => {
  const name = 'Idle Ishaan';
  const from = '919700000901';
  const first = await customerWrites(stack, from, name, 'Is the shop open on Sunday?');
  const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  // The push socket refused: this is the poller the app falls back to
  // (push.test.mjs covers the socket).
  await page.routeWebSocket(/\/ws$/, (ws) => ws.close());
  try {
    await signInQuietly(stack, page);
    const id = await contactId(page, name);
    await page.goto(`${base}/#/inbox/${id}`);
    // The team read comes after the pipelines' on the opening; on a loaded
    // machine it can start after a quiet half second, so it is awaited by
    // name rather than left to networkidle.
    const teamRead = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/users', { timeout: WAIT });
    await page.reload();
    await eventually(async () => assert.equal(await byTestId(page, 'conversation-name').textContent(), name), { timeout: WAIT });
    await page.locator(`[data-testid="message"][data-message-id="${first}"]`).waitFor({ state: 'visible', timeout: WAIT });
    // The opening reads (list, timeline, panel, team) are done before counting starts.
    await teamRead;
    await page.waitForLoadState('networkidle');

    const idle = await apiRequestsOver(page);
    t.diagnostic(`idle, visible: ${idle.length} API requests in ${INTERVAL_MS / 1000} s`);
    assert.ok(idle.length <= IDLE_BUDGET, `an idle tab made ${idle.length} API requests in 30 s: ${idle.join(', ')}`);
    assert.ok(idle.length >= 1, 'the tab still looks for changes');
    assert.deepEqual([...new Set(idle)], ['/api/changes'], 'only the change feed, no per-panel re-reads');

    await setHidden(page, true);
    const hidden = await apiRequestsOver(page);
    t.diagnostic(`hidden: ${hidden.length} API requests in ${INTERVAL_MS / 1000} s`);
    assert.ok(hidden.length < idle.length, `a hidden tab made ${hidden.length} requests, an idle visible one ${idle.length}`);

    await setHidden(page, false);
    const later = await customerWrites(stack, from, name, 'And what time do you close?');
    const bubble = page.locator(`[data-testid="message"][data-message-id="${later}"]`);
    await bubble.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await bubble.locator('[data-testid="message-text"]').textContent(), 'And what time do you close?');
  } finally {
    await context.close();
  }
});
