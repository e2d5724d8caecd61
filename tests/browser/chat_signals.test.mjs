// Browser test for what the customer's phone is told while staff work:
// opening a conversation marks the customer's latest message read once
// (blue ticks), typing an answer shows "typing…", and a customer who hid
// their number behind a username is shown by it and answered through
// their business-scoped user id. In Settings → Business an admin switches
// read receipts off, which takes the typing indicator with it.
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/chat_signals.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENV, byTestId, customerWrites, eventually, startStack, stopStack, axeViolations, WAIT, newPage, signIn, api, openConversation } from './harness.mjs';

const TEST = { timeout: 180_000 };

let stack;

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_SQS, 'AWS_ENDPOINT_URL_SQS must point at a running moto');
  stack = await startStack('chat-signals');
}, { timeout: 200_000 });

after(() => stopStack(stack));

async function readMarks() {
  const res = await fetch(`${stack.sim.base}/sim/read_marks`);
  return res.json();
}

async function accepted() {
  const res = await fetch(`${stack.sim.base}/sim/accepted`);
  return res.json();
}

test('opening marks the message read, typing shows, and a username customer is answered by user id', TEST, async () => {
  const res = await fetch(`${stack.sim.base}/sim/customer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: 'IN.5550001349120865', name: 'Tara Kapoor', username: 'tara.crafts', text: 'Do you stitch blouses?' }),
  });
  assert.equal(res.status, 200);
  const { wamid } = await res.json();
  const { context, page } = await newPage(stack, { bypassCSP: true });
  await signIn(stack, page);
  await openConversation(page, 'Tara Kapoor');
  await eventually(async () => assert.deepEqual((await readMarks()).map((m) => [m.message_id, m.typing]), [[wamid, false]]), { timeout: WAIT });
  assert.equal(await byTestId(page, 'panel-username').innerText(), '@tara.crafts');
  assert.equal(await byTestId(page, 'panel-phone').innerText(), 'IN.5550001349120865');

  await byTestId(page, 'composer-input').pressSequentially('Yes, ');
  await eventually(async () => assert.equal((await readMarks()).filter((m) => m.typing).length, 1, 'one "typing…" for a burst of keys'), { timeout: WAIT });
  await byTestId(page, 'composer-input').pressSequentially('from ₹450.');
  await byTestId(page, 'send').click();
  await eventually(async () => assert.equal((await accepted()).length, 1), { timeout: WAIT });
  const [sent] = await accepted();
  assert.equal(sent.body.recipient, 'IN.5550001349120865');
  assert.equal(sent.body.to, undefined, 'no number to put in `to`');
  assert.equal((await readMarks()).filter((m) => m.typing).length, 1, 'typing within 20 seconds is not repeated');
  assert.deepEqual(await axeViolations(page), [], 'axe-core with the username shown');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('an admin switches read receipts off, and typing goes off with them', TEST, async () => {
  const { context, page } = await newPage(stack, { bypassCSP: true });
  await signIn(stack, page);
  await page.goto(`${stack.base}/#/settings/business`);
  const receipts = byTestId(page, 'business-read_receipts');
  const typing = byTestId(page, 'business-typing_indicator');
  await receipts.waitFor({ timeout: WAIT });
  assert.equal(await receipts.isChecked(), true, 'on by default');
  assert.equal(await typing.isChecked(), true);
  await receipts.uncheck();
  assert.equal(await typing.isChecked(), false);
  assert.equal(await typing.isDisabled(), true, 'typing needs read receipts');
  await byTestId(page, 'business-save').click();
  await eventually(async () => assert.match(await byTestId(page, 'business-message').innerText(), /./));
  const saved = await api(stack, page, 'GET', '/api/business');
  assert.deepEqual([saved.body.read_receipts, saved.body.typing_indicator], [false, false]);
  assert.deepEqual(await axeViolations(page), [], 'axe-core on the business form');

  const before = (await readMarks()).length;
  await customerWrites(stack, '919812377001', 'Nandini Rao', 'Is the shop open on Sunday?');
  await page.goto(`${stack.base}/#/inbox`);
  await openConversation(page, 'Nandini Rao');
  await byTestId(page, 'composer-input').pressSequentially('Yes');
  const id = await page.evaluate(() => location.hash.split('/').pop());
  const marker = await api(stack, page, 'POST', `/api/contacts/${id}/read`, {});
  assert.equal(marker.body.read_receipt, 'off');
  assert.equal((await readMarks()).length, before, 'the phone was told nothing');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('staff react to a customer message with an emoji and take it back', TEST, async () => {
  const wamid = await customerWrites(stack, '919812377002', 'Farah Ali', 'Payment sent, please check');
  const { context, page } = await newPage(stack, { bypassCSP: true });
  await signIn(stack, page);
  await openConversation(page, 'Farah Ali');
  const message = page.locator(`[data-testid="message"][data-message-id="${wamid}"]`);
  await message.hover();
  await byTestId(message, 'react-action').click();
  const menu = byTestId(message, 'reaction-menu');
  await menu.waitFor({ timeout: WAIT });
  assert.equal(await byTestId(menu, 'reaction-remove').count(), 0, 'nothing to remove yet');
  assert.deepEqual(await axeViolations(page), [], 'axe-core with the reaction menu open');
  await menu.locator('[data-emoji="🙏"]').click();
  const reactions = () => accepted().then((all) => all.filter((a) => a.body.type === 'reaction').map((a) => a.body.reaction));
  await eventually(async () => assert.deepEqual(await reactions(), [{ message_id: wamid, emoji: '🙏' }]), { timeout: WAIT });
  const ours = page.locator('[data-testid="message"][data-direction="out"][data-type="reaction"]');
  await eventually(async () => assert.match(await ours.first().innerText(), /Reacted 🙏/), { timeout: WAIT });

  await message.hover();
  await byTestId(message, 'react-action').click();
  assert.equal(await menu.locator('[data-emoji="🙏"]').getAttribute('aria-pressed'), 'true');
  await byTestId(menu, 'reaction-remove').click();
  await eventually(async () => assert.deepEqual((await reactions()).map((r) => r.emoji), ['🙏', '']), { timeout: WAIT });
  assert.deepEqual(page.errors, []);
  await context.close();
});
