// Live push: with the socket up, an idle tab makes at most one API request a
// minute (the safety-net poll), and a customer's message still appears
// because the socket announced it — the request that fetches it follows a
// pushed notice. Requests and socket frames are counted as the browser sees
// them (page.on('request'), page.on('websocket')); nothing here measures time.
//
//   cargo build -p parley-local -p parley-simulator
//   eval "$(./infra/emulators.sh start)"
//   npm run build && node --test tests/browser/push.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { sleep, eventually, byTestId, startStack, stopStack, WAIT, signInQuietly, customerWrites } from './harness.mjs';

const MINUTE_MS = 60_000;
const TEST = { timeout: 300_000 };

let stack;
let base;

before(async () => {
  stack = await startStack('push');
  ({ base } = stack);
}, { timeout: 200_000 });

after(() => stopStack(stack));

test('with the socket up an idle tab asks once a minute at most, and a pushed notice brings the message', TEST, async (t) => {
  const name = 'Pushed Priya';
  const from = '919700000951';
  const first = await customerWrites(stack, from, name, 'Do you deliver to Pune?');
  const context = await stack.browser.newContext({ viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  // One timeline of what the page did: API requests and frames its socket received.
  const log = [];
  page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/')) log.push({ kind: 'request', path: url.pathname });
  });
  const sockets = [];
  page.on('websocket', (ws) => {
    sockets.push(ws);
    ws.on('framereceived', (frame) => log.push({ kind: 'notice', data: String(frame.payload) }));
  });
  try {
    await signInQuietly(stack, page);
    const id = await eventually(async () => {
      const list = await page.evaluate(async () => (await fetch('/api/contacts')).json());
      const found = list.items.find((c) => c.name === name);
      assert.ok(found, `${name} is listed`);
      return found.id;
    }, { timeout: WAIT });
    await page.goto(`${base}/#/inbox/${id}`);
    await page.reload();
    await eventually(async () => assert.equal(await byTestId(page, 'conversation-name').textContent(), name), { timeout: WAIT });
    await page.locator(`[data-testid="message"][data-message-id="${first}"]`).waitFor({ state: 'visible', timeout: WAIT });
    await eventually(async () => assert.ok(sockets.some((ws) => ws.url().endsWith('/ws') && !ws.isClosed()), 'the socket is open'), { timeout: WAIT });
    await page.waitForLoadState('networkidle');

    const from0 = log.length;
    await sleep(MINUTE_MS);
    const idle = log.slice(from0).filter((e) => e.kind === 'request');
    t.diagnostic(`socket up, idle: ${idle.length} API requests in 60 s`);
    assert.ok(idle.length <= 1, `an idle tab made ${idle.length} API requests in a minute: ${idle.map((e) => e.path).join(', ')}`);
    assert.ok(idle.every((e) => e.path === '/api/changes'), 'only the change feed');
    assert.ok(sockets.some((ws) => !ws.isClosed()), 'the socket stayed up');

    const from1 = log.length;
    const later = await customerWrites(stack, from, name, 'And on Sundays?');
    const bubble = page.locator(`[data-testid="message"][data-message-id="${later}"]`);
    await bubble.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await bubble.locator('[data-testid="message-text"]').textContent(), 'And on Sundays?');
    const after = log.slice(from1);
    const notice = after.findIndex((e) => e.kind === 'notice' && !e.data.includes('pong'));
    assert.ok(notice >= 0, `the socket announced the change: ${JSON.stringify(after)}`);
    assert.ok(!after[notice].data.includes('Sundays') && !after[notice].data.includes(from), 'no body, no phone in the notice');
    const fetched = after.findIndex((e, i) => i > notice && e.kind === 'request' && e.path === '/api/changes');
    assert.ok(fetched > notice, `a change request followed the notice: ${JSON.stringify(after)}`);
  } finally {
    await context.close();
  }
});
