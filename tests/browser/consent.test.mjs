// Browser test for consent: a manager adds Swahili opt-out words and turns
// strict mode on in Settings → Consent; a Kenyan customer's SIMAMISHA opts
// them out live, with the Swahili reply in the timeline; the contact panel
// shows the opt-in on record and records one the customer gave on the
// phone; New lead records the form's opt-in.
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/consent.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENV, eventually, byTestId, startStack, stopStack, axeViolations, WAIT, newPage, signIn, customerWrites, openConversation, api } from './harness.mjs';

let stack;

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local');
  stack = await startStack('consent');
}, { timeout: 200_000 });

after(async () => {
  await stopStack(stack);
});

test('keywords set in Settings opt a customer out live, and staff record opt-ins', { timeout: 180_000 }, async () => {
  const { context, page } = await newPage(stack, { bypassCSP: true });
  await signIn(stack, page);
  await page.goto(`${stack.base}/#/settings/consent`);
  const form = byTestId(page, 'consent-settings-form');
  await form.waitFor({ state: 'visible', timeout: WAIT });
  assert.equal(await page.locator('[data-testid="consent-language"]').count(), 4, 'English, Hindi, Portuguese and Spanish to start with');
  await byTestId(page, 'consent-add-language').click();
  const swahili = page.locator('[data-testid="consent-language"]').nth(4);
  await byTestId(swahili, 'consent-language-code').fill('sw');
  await byTestId(swahili, 'consent-opt-out-words').fill('SIMAMISHA, ACHA');
  await byTestId(swahili, 'consent-opt-in-words').fill('ANZA');
  await byTestId(swahili, 'consent-opt-out-reply').fill('Hutapokea matangazo yetu tena. Tuma ANZA kuyapata tena.');
  await byTestId(swahili, 'consent-opt-in-reply').fill('Karibu tena!');
  await byTestId(page, 'consent-strict').check();
  assert.deepEqual(await axeViolations(page), []);
  await byTestId(page, 'consent-settings-save').click();
  await eventually(async () => assert.match(await byTestId(page, 'consent-settings-message').innerText(), /saved/), { timeout: WAIT });
  const saved = await api(stack, page, 'GET', '/api/business/consent');
  assert.equal(saved.status, 200);
  assert.equal(saved.body.strict, true);
  assert.deepEqual(saved.body.languages[4].opt_out, ['SIMAMISHA', 'ACHA']);

  await customerWrites(stack, '254712340001', 'Wanjiku', 'Habari, bei ya viatu?');
  await page.goto(`${stack.base}/#/inbox`);
  await openConversation(page, 'Wanjiku');
  const standing = byTestId(page, 'consent-standing');
  await eventually(async () => assert.equal(await standing.getAttribute('data-method'), 'inbound_message'), { timeout: WAIT });
  assert.equal(await standing.getAttribute('data-categories'), 'utility');

  await customerWrites(stack, '254712340001', 'Wanjiku', 'Simamisha');
  await eventually(async () => assert.equal(await standing.getAttribute('data-opted-out'), 'true'), { timeout: WAIT });
  await eventually(async () => assert.equal(await byTestId(page, 'opt-out-toggle').getAttribute('data-opted-out'), 'true'), { timeout: WAIT });
  await page.locator('[data-testid="message"][data-direction="out"]').filter({ hasText: 'Hutapokea matangazo yetu tena' }).waitFor({ state: 'visible', timeout: WAIT });

  // She says ANZA again on the phone call; the teammate records it.
  await customerWrites(stack, '254712340001', 'Wanjiku', 'Anza');
  await eventually(async () => assert.equal(await standing.getAttribute('data-opted-out'), 'false'), { timeout: WAIT });
  await eventually(async () => assert.equal(await standing.getAttribute('data-method'), 'keyword'), { timeout: WAIT });
  await byTestId(page, 'consent-record').click();
  await byTestId(page, 'consent-form-consent-utility').uncheck();
  await byTestId(page, 'consent-method').selectOption('staff');
  await byTestId(page, 'consent-save').click();
  await eventually(async () => assert.equal(await standing.getAttribute('data-method'), 'staff'), { timeout: WAIT });
  assert.equal(await standing.getAttribute('data-categories'), 'marketing');

  // New lead: the form's opt-in is recorded with the contact.
  await page.goto(`${stack.base}/#/inbox`);
  await byTestId(page, 'new-conversation').click();
  await byTestId(page, 'new-conversation-phone').fill('+254 712 340 002');
  await byTestId(page, 'new-conversation-name').fill('Otieno');
  await byTestId(page, 'new-conversation-consent-marketing').check();
  await byTestId(page, 'new-conversation-submit').click();
  await eventually(async () => assert.equal(await byTestId(page, 'conversation-name').innerText(), 'Otieno'), { timeout: WAIT });
  const lead = byTestId(page, 'consent-standing');
  await eventually(async () => assert.equal(await lead.getAttribute('data-method'), 'form'), { timeout: WAIT });
  assert.equal(await lead.getAttribute('data-categories'), 'marketing');
  assert.deepEqual(page.errors, []);
  await context.close();
});
