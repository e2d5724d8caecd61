// Browser test for AI assist: off by default (the panel says so); the admin
// turns it on in Settings → AI assist against the simulator's stand-in of
// an OpenAI-compatible provider (the base URL suggested locally) with a key
// shown afterwards only as set; in a conversation a summary, the details
// (applied to the contact) and a draft appear with their tokens and cost,
// and the draft lands in the composer, unsent.
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/ai_assist.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENV, eventually, byTestId, startStack, stopStack, axeViolations, WAIT, newPage, signIn, customerWrites, openConversation, api, assertNoPageErrors } from './harness.mjs';

let stack;

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local');
  stack = await startStack('ai');
}, { timeout: 200_000 });

after(async () => {
  await stopStack(stack);
});

test('an admin turns AI assist on; a summary and a draft appear and the draft goes into the composer', { timeout: 180_000 }, async () => {
  const { page } = await newPage(stack, { bypassCSP: true });
  await signIn(stack, page);
  await customerWrites(stack, '919876500301', 'Meera Iyer', 'Hello, I am Meera from Chennai, budget 30000 for a dining table');
  await page.goto(`${stack.base}/#/inbox`);
  await openConversation(page, 'Meera Iyer');
  await byTestId(page, 'assist-ask-summary').click();
  await eventually(async () => assert.match(await byTestId(page, 'assist-error').innerText(), /AI assist is off/), { timeout: WAIT });

  await page.goto(`${stack.base}/#/settings/ai`);
  const form = byTestId(page, 'ai-form');
  await form.waitFor({ state: 'visible', timeout: WAIT });
  assert.equal(await byTestId(page, 'ai-enabled').isChecked(), false, 'off by default');
  assert.equal(await byTestId(page, 'ai-endpoint').inputValue(), `${stack.sim.base}/openai/v1`, 'the local stand-in is suggested');
  assert.equal(await byTestId(page, 'ai-key-state').getAttribute('data-set'), 'false');
  await byTestId(page, 'ai-enabled').check();
  await byTestId(page, 'ai-model').fill('gpt-4o-mini');
  await byTestId(page, 'ai-key').fill('sk-browser-test-77');
  await byTestId(page, 'ai-input-price').fill('0.15');
  await byTestId(page, 'ai-output-price').fill('0.6');
  await byTestId(page, 'ai-facts').fill('Dining tables from Rs 18,000. Delivery across Tamil Nadu in 5 days.');
  assert.deepEqual(await axeViolations(page), []);
  await byTestId(page, 'ai-save').click();
  await eventually(async () => assert.match(await byTestId(page, 'ai-message').innerText(), /saved/), { timeout: WAIT });
  assert.equal(await byTestId(page, 'ai-key-state').getAttribute('data-set'), 'true');
  assert.equal(await byTestId(page, 'ai-key').inputValue(), '', 'the key is not shown again');
  const saved = await api(stack, page, 'GET', '/api/ai_settings');
  assert.equal(saved.body.enabled, true);
  assert.ok(!JSON.stringify(saved.body).includes('sk-browser-test-77'));

  await page.goto(`${stack.base}/#/inbox`);
  await openConversation(page, 'Meera Iyer');
  await byTestId(page, 'assist-ask-summary').click();
  const summary = byTestId(page, 'assist-summary-text');
  await summary.waitFor({ state: 'visible', timeout: WAIT });
  assert.match(await summary.innerText(), /I am Meera from Chennai/);
  assert.match(await byTestId(page, 'assist-usage').first().innerText(), /\d+ in \+ \d+ out tokens · INR 0\.\d{4}/);

  await byTestId(page, 'assist-ask-fields').click();
  await byTestId(page, 'assist-field-city').waitFor({ state: 'visible', timeout: WAIT });
  assert.equal(await byTestId(page, 'assist-field-city').innerText(), 'Chennai');
  await byTestId(page, 'assist-apply').click();
  await eventually(async () => {
    const city = page.locator('[data-testid="field"][data-key="city"] [data-testid="field-value-text"]');
    assert.equal(await city.innerText(), 'Chennai');
  }, { timeout: WAIT });

  await byTestId(page, 'assist-ask-draft').click();
  const draft = byTestId(page, 'assist-draft-text');
  await draft.waitFor({ state: 'visible', timeout: WAIT });
  assert.match(await draft.innerText(), /Dining tables from Rs 18,000/);
  await byTestId(page, 'assist-use-draft').click();
  await eventually(async () => assert.match(await byTestId(page, 'composer-input').inputValue(), /Dining tables from Rs 18,000/), { timeout: WAIT });
  const timeline = await page.locator('[data-testid="message"][data-direction="out"]').count();
  assert.equal(timeline, 0, 'nothing is sent until staff press send');
  assert.deepEqual(await axeViolations(page), []);
  assertNoPageErrors(page);
});
