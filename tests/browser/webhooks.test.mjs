// Browser test for Settings → Webhooks: an administrator registers a
// receiver, sees its signing secret once (never after a reload), sends a
// test event that a real receiver gets signed, redelivers a failed
// delivery from the log; 360 px wide and axe-clean.
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/webhooks.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';
import { ENV, eventually, byTestId, startStack, stopStack, axeViolations, WAIT, PHONE, newPage, signIn } from './harness.mjs';

const TEST = { timeout: 180_000 };

let stack;
let base;
let receiver;
const received = [];
let answer = 204;

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local');
  stack = await startStack('webhooks');
  ({ base } = stack);
  receiver = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ signature: req.headers['parley-signature'], type: req.headers['parley-event-type'], body: Buffer.concat(chunks) });
      res.writeHead(answer).end();
    });
  });
  await new Promise((resolve) => receiver.listen(0, '127.0.0.1', resolve));
}, { timeout: 200_000 });

after(async () => {
  receiver?.close();
  await stopStack(stack);
});

/** Verifies as the README says: HMAC-SHA256 over "<t>.<raw body>", within 5 minutes. */
function verifies(secret, { signature, body }) {
  const parts = Object.fromEntries(String(signature).split(',').map((p) => p.split('=')));
  const expected = crypto.createHmac('sha256', secret).update(`${parts.t}.`).update(body).digest('hex');
  const fresh = Math.abs(Date.now() / 1000 - Number(parts.t)) <= 300;
  return fresh && parts.v1 === expected;
}

async function signedInPage() {
  const opened = await newPage(stack, { viewport: PHONE, bypassCSP: true });
  await signIn(stack, opened.page);
  return opened;
}

async function deliveryStates(page, hook) {
  await byTestId(hook, 'webhook-log-refresh').click();
  return byTestId(hook, 'webhook-delivery-state').allTextContents();
}

test('an admin registers a webhook, sees the secret once, and the log shows deliveries and redelivers', TEST, async () => {
  const { context, page } = await signedInPage();
  await page.goto(`${base}/#/settings/webhooks`);
  const screen = byTestId(page, 'settings-webhooks');
  await screen.waitFor({ state: 'visible', timeout: WAIT });
  const url = `http://127.0.0.1:${receiver.address().port}/hook`;

  // A refused URL says why and stores nothing.
  await byTestId(page, 'webhook-name-input').fill('CRM');
  await byTestId(page, 'webhook-url-input').fill('http://crm.example.test/hook');
  await byTestId(page, 'webhook-submit').click();
  await screen.locator('[role="alert"]').waitFor({ state: 'visible', timeout: WAIT });
  assert.equal(await byTestId(page, 'webhook').count(), 0);

  await byTestId(page, 'webhook-url-input').fill(url);
  await page.locator('#new-webhook-deal\\.created').check();
  await byTestId(page, 'webhook-submit').click();
  const secret = (await byTestId(page, 'webhook-secret').textContent({ timeout: WAIT })).trim();
  assert.match(secret, /^whsec_[0-9a-f]{48}$/);
  const hook = byTestId(page, 'webhook');
  await hook.waitFor({ state: 'visible', timeout: WAIT });
  assert.equal(await byTestId(hook, 'webhook-name').textContent(), 'CRM');

  const scroll = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(scroll <= 0, `the page scrolls sideways by ${scroll}px`);
  assert.deepEqual(await axeViolations(page), []);

  // Shown once: after a reload it is nowhere on the page.
  await page.reload();
  await byTestId(page, 'webhook').waitFor({ state: 'visible', timeout: WAIT });
  assert.equal(await byTestId(page, 'webhook-secret').count(), 0);
  assert.ok(!(await page.content()).includes(secret));

  // A test event reaches the receiver, signed, and the log says delivered.
  await byTestId(page, 'webhook-test').click();
  await eventually(async () => assert.deepEqual(await deliveryStates(page, byTestId(page, 'webhook')), ['Delivered']));
  assert.equal(received.length, 1);
  assert.ok(verifies(secret, received[0]), 'the signature verifies with the secret shown once');
  assert.equal(JSON.parse(received[0].body).data.test, true);

  // A receiver that refuses (410) fails the delivery at once; Redeliver sends it again.
  answer = 410;
  await byTestId(page, 'webhook-test').click();
  await eventually(async () => assert.deepEqual(await deliveryStates(page, byTestId(page, 'webhook')), ['Failed', 'Delivered']));
  answer = 204;
  await byTestId(page, 'webhook-redeliver').click();
  await eventually(async () => assert.deepEqual(await deliveryStates(page, byTestId(page, 'webhook')), ['Delivered', 'Delivered']));
  assert.equal(received.length, 3);
  const attempts = await byTestId(byTestId(page, 'webhook-delivery').first(), 'webhook-attempt').allTextContents();
  assert.equal(attempts.length, 2);
  assert.match(attempts[0], /HTTP 410/);
  assert.match(attempts[1], /HTTP 204/);

  // Pause shows it paused.
  await byTestId(page, 'webhook-pause').click();
  await byTestId(page, 'webhook-paused').waitFor({ state: 'visible', timeout: WAIT });
  assert.deepEqual(page.errors, []);
  await context.close();
});
