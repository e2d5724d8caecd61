// Browser test for Settings → Health: an admin sees the newest customer
// message, Meta's verdict on the token and the data's version; a job dead in
// the exports dead-letter queue shows in the top bar and on the page, and
// Redrive moves it back to its queue; when Meta (the simulator) revokes the
// token, the page says so with Meta's code and how to renew it. Meta's word
// on the whole account and the volume tier it reached show too, and the
// rate-card editor offers the tier's line. 360 px wide, axe-clean; a
// manager has no Health tab.
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/health.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENV, byTestId, customerWrites, eventually, startStack, stopStack, axeViolations, WAIT, PHONE, newPage, signIn, screenshot, addTeammate } from './harness.mjs';

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
  assert.match(await byTestId(section, 'health-data').innerText(), /Up to date \(version 2\)|Updating stored data after the deploy/);
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

/** Meta (the simulator) sends an account_update as its webhook reference shows it. */
async function accountUpdate(value) {
  const res = await fetch(`${stack.sim.base}/sim/platform`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ field: 'account_update', value }) });
  assert.equal(res.status, 200, await res.text());
}

test('Meta\'s word on the account and its volume tier show, and the tier gets its price line', TEST, async () => {
  await accountUpdate({ event: 'ACCOUNT_VIOLATION', violation_info: { violation_type: 'ADULT' } });
  await accountUpdate({ event: 'VOLUME_BASED_PRICING_TIER_UPDATE', volume_tier_info: { tier_update_time: 1743451903,
    pricing_category: 'UTILITY', tier: '25000001:50000000', effective_month: '2025-11', region: 'India' } });
  const { context, page } = await newPage(stack, { viewport: PHONE, bypassCSP: true });
  await signIn(stack, page);
  await page.goto(`${stack.base}/#/settings/health`);
  const section = byTestId(page, 'settings-health');
  const account = section.locator('[data-testid="health-number"][data-number="102290129340398"]');
  await account.waitFor({ timeout: WAIT });
  assert.match(await account.innerText(), /Whole account 102290129340398/);
  assert.match(await byTestId(account, 'health-number-account').innerText(), /account violation \(adult\)/);
  const tier = byTestId(section, 'health-tier');
  assert.match(await tier.innerText(), /Utility · India \(\+91\) · 2025-11/);
  assert.match(await byTestId(tier, 'health-tier-range').innerText(), /From message 2,50,00,001 to 5,00,00,000/, 'in the Indian business\'s grouping');
  assert.deepEqual(await axeViolations(page), []);

  await page.goto(`${stack.base}/#/settings/business`);
  const editor = byTestId(page, 'rate-overrides');
  const offer = byTestId(editor, 'rate-meta-tier');
  await offer.waitFor({ timeout: WAIT });
  const rows = byTestId(editor, 'rate-override');
  const before = await rows.count();
  await byTestId(offer, 'rate-meta-tier-price').click();
  assert.equal(await rows.count(), before + 1);
  const row = rows.nth(before);
  assert.equal(await byTestId(row, 'rate-override-market').inputValue(), '91');
  assert.equal(await byTestId(row, 'rate-override-category').inputValue(), 'utility');
  assert.equal(await byTestId(row, 'rate-override-after').inputValue(), '25000000');
  assert.ok(await byTestId(offer, 'rate-meta-tier-price').isDisabled(), 'the tier has its line now');
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a manager has no health page', TEST, async () => {
  const { context: adminContext, page: admin } = await newPage(stack);
  await signIn(stack, admin);
  await addTeammate(stack, admin, { ...MANAGER, name: 'Meera', role: 'manager' });
  await adminContext.close();
  const { context, page } = await newPage(stack);
  await signIn(stack, page, MANAGER.email, MANAGER.password);
  await page.goto(`${stack.base}/#/settings/team`);
  await byTestId(page, 'settings').waitFor({ timeout: WAIT });
  assert.equal(await page.locator('a[href="#/settings/health"]').count(), 0);
  assert.equal(await byTestId(page, 'dead-letters').count(), 0);
  await context.close();
});
