// Browser test for Settings → Health: an admin sees the newest customer
// message, Meta's verdict on the token and the data's version; a job dead in
// the exports dead-letter queue shows in the top bar and on the page, and
// Redrive moves it back to its queue; when Meta (the simulator) revokes the
// token, the page says so with Meta's code and how to renew it. 360 px wide,
// axe-clean; a manager has no Health tab.
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/health.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENV, byTestId, customerWrites, eventually, startStack, stopStack, axeViolations, WAIT, PHONE, newPage, signIn, api, screenshot } from './harness.mjs';

const TEST = { timeout: 180_000 };
const MANAGER = { email: 'meera@team.example', password: 'meera password 1' };

let stack;

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_SQS, 'AWS_ENDPOINT_URL_SQS must point at a running moto');
  stack = await startStack('health');
}, { timeout: 200_000 });

after(() => stopStack(stack));

/**
 * Puts a job into the stack's exports dead-letter queue, through moto's SQS
 * query API (moto tells the service from the credential scope; it checks no
 * signature).
 */
async function deadExportJob(exportId) {
  const queue = `${ENV.AWS_ENDPOINT_URL_SQS}/123456789012/${stack.table}-ExportDeadLetterQueue`;
  const body = new URLSearchParams({ Action: 'SendMessage', MessageBody: JSON.stringify({ export_id: exportId }) });
  const headers = {
    'content-type': 'application/x-www-form-urlencoded',
    authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=0',
  };
  const res = await fetch(queue, { method: 'POST', headers, body });
  assert.equal(res.status, 200, await res.text());
}

test('an admin reads the health page and redrives a dead job', TEST, async () => {
  await customerWrites(stack, '919800000021', 'Kavya', 'Do you ship to Pune?');
  const { context, page } = await newPage(stack, { viewport: PHONE, bypassCSP: true });
  await signIn(stack, page);
  await deadExportJob('ex.lost');
  await page.goto(`${stack.base}/#/settings/health`);
  const section = byTestId(page, 'settings-health');
  await section.waitFor({ timeout: WAIT });
  await eventually(async () => assert.doesNotMatch(await byTestId(section, 'health-last-message').innerText(), /None yet/));
  assert.equal(await byTestId(section, 'health-token').innerText(), 'Meta accepts it');
  assert.match(await byTestId(section, 'health-data').innerText(), /Up to date \(version 2\)|Migrations still running/);
  assert.match(await byTestId(section, 'health-code-version').innerText(), /^\d+\.\d+\.\d+/);
  assert.equal(await byTestId(section, 'health-numbers-none').count(), 1, 'Meta has not rated the number yet');

  // Meta flags the number's quality: the page marks it with what to do.
  const flagged = await fetch(`${stack.sim.base}/sim/platform`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ field: 'phone_number_quality_update', value: { display_phone_number: '15550783881', event: 'FLAGGED', current_limit: 'TIER_1K' } }) });
  assert.equal(flagged.status, 200, await flagged.text());
  await byTestId(section, 'health-refresh').click();
  const number = section.locator('[data-testid="health-number"][data-number="15550783881"]');
  await number.waitFor({ timeout: WAIT });
  assert.equal(await number.getAttribute('data-attention'), 'true');
  assert.match(await byTestId(number, 'health-number-quality').innerText(), /^flagged/);
  assert.equal(await byTestId(number, 'health-number-limit').innerText(), 'tier 1k');
  assert.equal(await byTestId(number, 'health-number-advice').count(), 1);

  const exports = byTestId(section, 'health-queue-exports');
  assert.equal(await byTestId(exports, 'health-dead').innerText(), '1');
  assert.match(await exports.innerText(), /export_id=ex\.lost/);
  await page.reload();
  await eventually(async () => assert.match(await byTestId(page, 'dead-letters').innerText(), /1/));
  assert.deepEqual(await axeViolations(page), []);
  await screenshot(page, 'health-360.png');

  await byTestId(page.locator('[data-testid="health-queue-exports"]'), 'health-redrive').click();
  await eventually(async () => assert.match(await byTestId(page, 'health-moved').innerText(), /1 moved back to exports/));
  await eventually(async () => assert.equal(await byTestId(byTestId(page, 'health-queue-exports'), 'health-dead').innerText(), '0'));
  assert.ok(await byTestId(byTestId(page, 'health-queue-exports'), 'health-redrive').isDisabled(), 'nothing left to redrive');

  const revoked = await fetch(`${stack.sim.base}/sim/faults`, {
    method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token_revoked: true }),
  });
  assert.ok(revoked.ok, String(revoked.status));
  await byTestId(page, 'health-refresh').click();
  await eventually(async () => assert.match(await byTestId(page, 'health-token').innerText(), /Meta refuses it \(code 190\).*ROTATE=WhatsAppAccessToken/s));
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a manager has no health page', TEST, async () => {
  const { context: adminContext, page: admin } = await newPage(stack);
  await signIn(stack, admin);
  const invite = await api(stack, admin, 'POST', '/api/users', { email: MANAGER.email, name: 'Meera', role: 'manager' });
  assert.equal(invite.status, 201, JSON.stringify(invite.body));
  await adminContext.close();
  const res = await fetch(`${stack.base}/api/invites/accept`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: invite.body.token, password: MANAGER.password }),
  });
  assert.equal(res.status, 200, await res.text());
  const { context, page } = await newPage(stack);
  await signIn(stack, page, MANAGER.email, MANAGER.password);
  await page.goto(`${stack.base}/#/settings/team`);
  await byTestId(page, 'settings').waitFor({ timeout: WAIT });
  assert.equal(await page.locator('a[href="#/settings/health"]').count(), 0);
  assert.equal(await byTestId(page, 'dead-letters').count(), 0);
  await context.close();
});
