// Browser test for Settings → Automation: the day-one rules with their
// switches, a rule built from form fields (a bad one refused with the API's
// reason), switched off and on, its log and a dry run, at phone width,
// keyboard-reachable and axe-clean.
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/automation.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SCREENSHOTS, ENV, eventually, byTestId, startStack, stopStack, axeViolations, WAIT, PHONE, newPage, signIn, assertAbove, api, noSidewaysScroll } from './harness.mjs';

const TEST = { timeout: 180_000 };

let stack;
let base;

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local');
  stack = await startStack('automation');
  ({ base } = stack);
}, { timeout: 200_000 });

after(() => stopStack(stack));

async function signedIn() {
  const opened = await newPage(stack, { viewport: PHONE, bypassCSP: true });
  await signIn(stack, opened.page);
  return opened;
}

const row = (page, name) => byTestId(page, 'rule-row').filter({ hasText: name });

test('rules are built from form fields, switched, logged and dry-run on a phone', TEST, async () => {
  const { context, page } = await signedIn();
  await page.goto(`${base}/#/settings/automation`);
  await byTestId(page, 'settings-automation').waitFor({ state: 'visible', timeout: WAIT });
  await eventually(async () => assert.equal(await byTestId(page, 'rule-row').count(), 3));
  // New rule sits above the list, which lands after the screen opens: the
  // list pushes nothing under a pointer on its way to the button.
  await assertAbove(byTestId(page, 'rule-new'), byTestId(page, 'rule-list'), 'New rule and the rule list');
  // The thank-you default waits for a template: off.
  const thanks = row(page, 'thank-you');
  assert.equal(await byTestId(thanks, 'rule-enabled').isChecked(), false);
  assert.equal(await byTestId(row(page, 'Away message'), 'rule-enabled').isChecked(), true);

  // A new rule: keyword → move to a stage that does not exist is impossible
  // in the form, so the refusal shown is the API's (a teammate nobody has).
  await byTestId(page, 'rule-new').click();
  const editor = byTestId(page, 'rule-editor');
  await byTestId(editor, 'rule-name').fill('Price askers');
  await byTestId(editor, 'rule-trigger-type').selectOption('keyword');
  await editor.getByLabel('Keywords (comma-separated)').fill('price, how much');
  await byTestId(editor, 'rule-action-type').selectOption('assign');
  await editor.getByLabel('Teammate e-mail (empty = round-robin)').fill('ghost@shop.test');
  await byTestId(editor, 'rule-save').click();
  await eventually(async () => assert.match(await byTestId(editor, 'rule-error').textContent(), /unknown teammate ghost@shop\.test/));
  await byTestId(editor, 'rule-action-type').selectOption('add_tag');
  await editor.getByLabel('Tag', { exact: true }).fill('pricing');
  await byTestId(editor, 'rule-add-condition').click();
  await byTestId(editor, 'rule-condition-type').selectOption('window');
  await byTestId(editor, 'rule-save').click();
  await eventually(async () => assert.equal(await row(page, 'Price askers').count(), 1));
  const { body: list } = await api(stack, page, 'GET', '/api/rules');
  const saved = list.items.find((r) => r.name === 'Price askers');
  assert.deepEqual(saved.trigger, { type: 'keyword', keywords: ['price', 'how much'] });
  assert.deepEqual(saved.conditions, [{ type: 'window', open: true }]);
  assert.deepEqual(saved.actions, [{ type: 'add_tag', tag: 'pricing' }]);

  // Off with the keyboard, and the API agrees.
  const toggle = byTestId(row(page, 'Price askers'), 'rule-enabled');
  await toggle.focus();
  await page.keyboard.press('Space');
  await eventually(async () => {
    const { body } = await api(stack, page, 'GET', `/api/rules/${saved.id}`);
    assert.equal(body.enabled, false);
  });
  await eventually(async () => assert.equal(await toggle.isChecked(), false));

  // Its log is empty and a dry run over an empty week finds nothing, acting on nothing.
  await byTestId(page, 'rule-log-empty').waitFor({ state: 'visible', timeout: WAIT });
  await byTestId(page, 'rule-dry-run').click();
  const result = byTestId(page, 'rule-dry-run-result');
  await result.waitFor({ state: 'visible', timeout: WAIT });
  assert.match(await result.textContent(), /Nothing was sent or changed/);

  // The one action that sends AI text unsent by a person is chosen like any other.
  await byTestId(page, 'rule-new').click();
  await byTestId(editor, 'rule-name').fill('AI answers prices');
  await byTestId(editor, 'rule-trigger-type').selectOption('keyword');
  await editor.getByLabel('Keywords (comma-separated)').fill('price');
  await byTestId(editor, 'rule-action-type').selectOption('send_ai_reply');
  await byTestId(editor, 'rule-save').click();
  await eventually(async () => assert.equal(await row(page, 'AI answers prices').count(), 1));
  const { body: withAi } = await api(stack, page, 'GET', '/api/rules');
  assert.deepEqual(withAi.items.find((r) => r.name === 'AI answers prices').actions, [{ type: 'send_ai_reply' }]);

  // Nor does a long action's name run past the screen inside its form.
  await noSidewaysScroll(page, 'the rule editor');
  await page.mouse.move(0, 0);
  assert.deepEqual(await axeViolations(page), [], 'axe-core on the Automation screen with the editor open');
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, 'automation-360.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('switching on a rule whose template is gone is refused with the reason', TEST, async () => {
  const { context, page } = await signedIn();
  // The API refuses to create an enabled rule naming a template that does
  // not exist, so this one is created off.
  const { status } = await api(stack, page, 'POST', '/api/rules', {
    name: 'Old promo', enabled: false, trigger: { type: 'message_received', first_only: false },
    actions: [{ type: 'send_template', name: 'gone_promo', language: 'en', params: [] }],
  });
  assert.equal(status, 201);
  await page.goto(`${base}/#/settings/automation`);
  await eventually(async () => assert.equal(await row(page, 'Old promo').count(), 1));
  // Switching it on is refused with the reason, and it stays off.
  await byTestId(row(page, 'Old promo'), 'rule-enabled').click();
  await eventually(async () => assert.match(await byTestId(page, 'automation-error').textContent(), /unknown template gone_promo/));
  assert.equal(await byTestId(row(page, 'Old promo'), 'rule-enabled').isChecked(), false);
  assert.deepEqual(page.errors, []);
  await context.close();
});
