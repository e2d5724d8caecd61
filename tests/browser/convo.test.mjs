// Browser tests for the conversation's data actions (merge, erase with a
// typed confirmation), internal notes inline, a two-tap follow-up, task
// snooze and reassignment, pipelines edited in Settings, a customer's
// WhatsApp calls and the calls staff log, and a WhatsApp Flow lead source.
// Hostile text renders as text; axe finds no serious or critical violation
// in the dialogs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { eventually, byTestId, contactRow, sleep, startStack, stopStack, WAIT, PHONE, newPage, signIn, customerWrites, axeViolations, api, addTeammate, openSettings } from './harness.mjs';

const TEST = { timeout: 240_000 };
// Pages here bypass the CSP, so an injected handler would run: the
// hostile-text checks then prove the rendering, not the policy (and axe can
// be injected).
const XSS = '<img src=x onerror=window.__pwned=1>';
const AGENT = { email: 'ravi@team.example', password: 'ravi password 1' };

let stack;
let sim;
let base;

async function openConversation(page, name) {
  const id = await eventually(async () => {
    const found = await contactId(page, name);
    assert.ok(found, `${name} is listed`);
    return found;
  }, { timeout: WAIT });
  await page.goto(`${base}/#/inbox/${encodeURIComponent(id)}`);
  await eventually(async () => assert.equal(await byTestId(page, 'conversation-name').textContent(), name), { timeout: WAIT });
}

/** The inbox's "All" queue, where every contact is listed. */
async function showAll(page) {
  await page.goto(`${base}/#/inbox`);
  await byTestId(page, 'queue-tab').and(page.locator('[data-queue="all"]')).click();
}

async function contactId(page, name) {
  const { body } = await api(stack, page, 'GET', `/api/contacts?q=${encodeURIComponent(name.toLowerCase())}`);
  return body.items.find((c) => c.name === name)?.id ?? null;
}

before(async () => {
  stack = await startStack('convo');
  ({ sim, base } = stack);
  // One agent for the reassignment and role checks.
  const admin = await newPage(stack, { bypassCSP: true });
  try {
    await signIn(stack, admin.page);
    await addTeammate(stack, admin.page, { ...AGENT, name: 'Ravi' });
  } finally {
    await admin.context.close();
  }
}, { timeout: 200_000 });

after(() => stopStack(stack));

test('a note written in the composer appears inline, marked as not sent, as plain text', TEST, async () => {
  await customerWrites(stack, '919811100001', 'Nadia Note', 'Is the blue one in stock?');
  const { context, page } = await newPage(stack, { viewport: PHONE, bypassCSP: true });
  try {
    await signIn(stack, page);
    await openConversation(page, 'Nadia Note');
    await byTestId(page, 'compose-note').click();
    await byTestId(page, 'note-composer-input').fill(`${XSS} check stock with the warehouse`);
    await byTestId(page, 'note-composer-add').click();
    const note = byTestId(page, 'timeline-note');
    await eventually(async () => assert.equal(await note.count(), 1), { timeout: WAIT });
    assert.equal(await byTestId(page, 'timeline-note-text').textContent(), `${XSS} check stock with the warehouse`);
    assert.match(await note.textContent(), /Internal note — not sent to the customer/);
    assert.equal(await note.locator('img').count(), 0, 'the note is text, not markup');
    assert.equal(await page.evaluate(() => window.__pwned), undefined);
    // After the customer's message, in time order.
    const order = await byTestId(page, 'timeline').locator(':scope > li').evaluateAll((els) => els.map((e) => e.dataset.testid ?? e.className));
    assert.ok(order.indexOf('timeline-note') > order.findIndex((x) => /msg/.test(x)), order.join(','));
    assert.equal(await byTestId(page, 'composer-input').count(), 0, 'the note mode hides the message composer');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1), false);
    assert.deepEqual(await axeViolations(page), []);
    // Nothing went to the customer.
    const accepted = await (await fetch(`${sim.base}/sim/accepted`)).json();
    assert.ok(!JSON.stringify(accepted).includes('warehouse'));
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test('a manager merges a contact picked by search after a confirmation naming both; agents see no actions', TEST, async () => {
  await customerWrites(stack, '919811100002', 'Meera Main', 'Hello from my main number');
  await customerWrites(stack, '919811100003', 'Meera Spare', 'Hello from my other phone');
  const admin = await newPage(stack, { bypassCSP: true });
  const agent = await newPage(stack, { bypassCSP: true });
  try {
    await signIn(stack, admin.page);
    const spare = await contactId(admin.page, 'Meera Spare');
    await openConversation(admin.page, 'Meera Main');
    await byTestId(admin.page, 'conv-actions').click();
    await byTestId(admin.page, 'action-merge').click();
    const dialog = byTestId(admin.page, 'merge-dialog');
    await dialog.waitFor({ state: 'visible', timeout: WAIT });
    await byTestId(admin.page, 'merge-search').fill('meera');
    await eventually(async () => assert.deepEqual(await byTestId(admin.page, 'merge-pick').locator('.pick-name').allTextContents(), ['Meera Spare']), { timeout: WAIT });
    assert.deepEqual(await axeViolations(admin.page), []);
    await byTestId(admin.page, 'merge-pick').click();
    const confirm = await byTestId(admin.page, 'merge-confirm-text').textContent();
    assert.match(confirm, /Merge Meera Spare into Meera Main\?/);
    await byTestId(admin.page, 'merge-confirm').click();
    await dialog.waitFor({ state: 'detached', timeout: WAIT });
    await eventually(async () => {
      const texts = await byTestId(admin.page, 'timeline').textContent();
      assert.ok(texts.includes('Hello from my other phone'), 'the histories are joined');
    }, { timeout: WAIT });
    assert.equal((await api(stack, admin.page, 'GET', `/api/contacts/${spare}`)).status, 404);
    await showAll(admin.page);
    await eventually(async () => assert.equal(await contactRow(admin.page, 'Meera Main').count(), 1), { timeout: WAIT });
    assert.equal(await contactRow(admin.page, 'Meera Spare').count(), 0);

    await signIn(stack, agent.page, AGENT.email, AGENT.password);
    await customerWrites(stack, '919811100004', 'Ajay Agentview', 'hi');
    await openConversation(agent.page, 'Ajay Agentview');
    assert.equal(await byTestId(agent.page, 'conv-actions').count(), 0, 'merge, export and erase are not for agents');
    assert.deepEqual(admin.page.errors, []);
    assert.deepEqual(agent.page.errors, []);
  } finally {
    await admin.context.close();
    await agent.context.close();
  }
});

test('an admin erases a contact only after typing its name; the inbox returns without it', TEST, async () => {
  await customerWrites(stack, '919811100005', 'Erin Erase', 'Please delete my data');
  await customerWrites(stack, '919811100007', 'Evan Stays', 'Keep my data');
  const { context, page } = await newPage(stack, { viewport: PHONE, bypassCSP: true });
  try {
    await signIn(stack, page);
    const id = await contactId(page, 'Erin Erase');
    await openConversation(page, 'Erin Erase');
    await byTestId(page, 'conv-actions').click();
    await byTestId(page, 'action-erase').click();
    await byTestId(page, 'erase-dialog').waitFor({ state: 'visible', timeout: WAIT });
    assert.deepEqual(await axeViolations(page), []);
    const button = byTestId(page, 'erase-confirm');
    assert.equal(await button.isDisabled(), true);
    await byTestId(page, 'erase-input').fill('Erin');
    assert.equal(await button.isDisabled(), true, 'a partial name does not do');
    await byTestId(page, 'erase-input').fill('Erin Erase');
    assert.equal(await button.isDisabled(), false);
    await button.click();
    await eventually(async () => assert.equal(new URL(page.url()).hash, '#/inbox'), { timeout: WAIT });
    const erased = await api(stack, page, 'GET', `/api/contacts/${id}`);
    assert.deepEqual([erased.body.name, erased.body.phone], [null, null], 'only a blank record is left');
    assert.deepEqual((await api(stack, page, 'GET', '/api/contacts?q=erin')).body.items, []);
    await showAll(page);
    await eventually(async () => assert.equal(await contactRow(page, 'Evan Stays').count(), 1), { timeout: WAIT });
    assert.equal(await contactRow(page, 'Erin Erase').count(), 0);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

/** The shop's day: the stack runs with the default business offset (India, UTC+5:30). */
const BUSINESS_OFFSET_MS = 330 * 60_000;

/**
 * A time later today in business time, so the task starts under Today. Close
 * to midnight there is no such time worth having: wait for the new day.
 */
async function laterToday() {
  const DAY = 86_400_000;
  const untilMidnight = () => DAY - ((Date.now() + BUSINESS_OFFSET_MS) % DAY);
  if (untilMidnight() < 150_000) await sleep(untilMidnight() + 1_000);
  return new Date(Date.now() + 90_000);
}

test('a follow-up takes two taps; snooze moves a task from Today to Upcoming; reassigning shows it under the agent', TEST, async () => {
  await customerWrites(stack, '919811100006', 'Tara Task', 'Call me later');
  const admin = await newPage(stack, { viewport: PHONE, bypassCSP: true });
  const agent = await newPage(stack, { bypassCSP: true });
  try {
    await signIn(stack, admin.page);
    await openConversation(admin.page, 'Tara Task');
    await byTestId(admin.page, 'quick-follow-up').click();
    await byTestId(admin.page, 'follow-up-tomorrow').click();
    await eventually(async () => assert.match(await byTestId(admin.page, 'quick-follow-up-result').textContent(), /Follow up with Tara Task/), { timeout: WAIT });

    const title = `${XSS} ring the tailor`;
    const due = (await laterToday()).toISOString();
    assert.equal((await api(stack, admin.page, 'POST', '/api/tasks', { title, due_at: due })).status, 201);
    await admin.page.goto(`${base}/#/tasks`);
    const titles = () => byTestId(admin.page, 'task-title').allTextContents();
    await eventually(async () => assert.deepEqual(await titles(), [title]), { timeout: WAIT });
    assert.equal(await page_pwned(admin.page), undefined);
    const task = byTestId(admin.page, 'task').filter({ hasText: 'ring the tailor' });
    await task.locator('[data-testid="task-snooze"]').click();
    assert.deepEqual(await axeViolations(admin.page), []);
    await task.locator('[data-testid="snooze-tomorrow"]').click();
    await eventually(async () => assert.equal(await byTestId(admin.page, 'tasks-empty').count(), 1), { timeout: WAIT });
    assert.match(await byTestId(admin.page, 'tasks-empty').textContent(), /Nothing due today\. A follow-up set on a conversation/);
    await byTestId(admin.page, 'tasks-tab').and(admin.page.locator('[data-view="upcoming"]')).click();
    await eventually(async () => assert.deepEqual((await titles()).sort(), ['Follow up with Tara Task', title].sort()), { timeout: WAIT });

    await byTestId(admin.page, 'task').filter({ hasText: 'ring the tailor' }).locator('[data-testid="task-owner"]').selectOption(AGENT.email);
    await eventually(async () => assert.deepEqual(await titles(), ['Follow up with Tara Task']), { timeout: WAIT });
    await byTestId(admin.page, 'tasks-scope-team').click();
    await eventually(async () => {
      const row = byTestId(admin.page, 'task').filter({ hasText: 'ring the tailor' });
      assert.equal(await row.getAttribute('data-owner'), AGENT.email);
    }, { timeout: WAIT });
    assert.equal(await admin.page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1), false);

    await signIn(stack, agent.page, AGENT.email, AGENT.password);
    await agent.page.goto(`${base}/#/tasks`);
    await byTestId(agent.page, 'tasks-tab').and(agent.page.locator('[data-view="upcoming"]')).click();
    await eventually(async () => assert.deepEqual(await byTestId(agent.page, 'task-title').allTextContents(), [title]), { timeout: WAIT });
    assert.equal(await byTestId(agent.page, 'task-owner').count(), 0, 'agents do not reassign');
    await byTestId(agent.page, 'task-done').click();
    await eventually(async () => assert.equal(await byTestId(agent.page, 'tasks-empty').count(), 1), { timeout: WAIT });
    assert.match(await byTestId(agent.page, 'tasks-empty').textContent(), /Nothing coming up\. Set a follow-up/);
    await byTestId(agent.page, 'tasks-tab').and(agent.page.locator('[data-view="done"]')).click();
    await eventually(async () => assert.deepEqual(await byTestId(agent.page, 'task-title').allTextContents(), [title]), { timeout: WAIT });
    assert.deepEqual(admin.page.errors, []);
    assert.deepEqual(agent.page.errors, []);
  } finally {
    await admin.context.close();
    await agent.context.close();
  }
});

const page_pwned = (page) => page.evaluate(() => window.__pwned);

test('a pipeline created in Settings, with stages renamed, added and reordered, appears on the Pipeline screen', TEST, async () => {
  const { context, page } = await newPage(stack, { viewport: PHONE, bypassCSP: true });
  try {
    await signIn(stack, page);
    await page.goto(`${base}/#/settings/pipelines`);
    await eventually(async () => assert.ok((await byTestId(page, 'pipeline-pick').locator('option').count()) > 0), { timeout: WAIT });
    await byTestId(page, 'pipeline-new').click();
    await byTestId(page, 'pipeline-name').fill(`Repairs ${XSS}`);
    const names = byTestId(page, 'stage-name');
    await names.nth(0).fill('Received');
    await byTestId(page, 'stage-add').click();
    await names.nth(1).fill(`Fixing ${XSS}`);
    // Keyboard-only reorder: the new stage goes above Received.
    await byTestId(page, 'stage-up').nth(1).focus();
    await page.keyboard.press('Enter');
    await names.nth(2).fill('Fixed');
    await names.nth(3).fill('Scrapped');
    assert.deepEqual(await byTestId(page, 'stage-kind').evaluateAll((els) => els.map((e) => e.value)), ['open', 'open', 'won', 'lost']);
    assert.deepEqual(await axeViolations(page), []);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1), false);
    await byTestId(page, 'pipeline-save').click();
    await eventually(async () => assert.match(await byTestId(page, 'pipeline-saved').textContent(), /Saved/), { timeout: WAIT });

    await page.goto(`${base}/#/pipeline`);
    const select = byTestId(page, 'pipeline-select');
    await eventually(async () => assert.ok((await select.locator('option').allTextContents()).includes(`Repairs ${XSS}`)), { timeout: WAIT });
    await select.selectOption({ label: `Repairs ${XSS}` });
    await eventually(async () => assert.deepEqual(await page.locator('.column-title').allTextContents(), [`Fixing ${XSS}`, 'Received', 'Fixed', 'Scrapped']), { timeout: WAIT });
    assert.equal(await page_pwned(page), undefined);

    // A stage that holds a deal cannot be removed: the editor says why.
    await customerWrites(stack, '919811100008', 'Pia Pipeline', 'My machine is broken');
    const contact = await eventually(async () => {
      const id = await contactId(page, 'Pia Pipeline');
      assert.ok(id);
      return id;
    }, { timeout: WAIT });
    const pipeline = (await api(stack, page, 'GET', '/api/pipelines')).body.items.find((p) => p.name === `Repairs ${XSS}`);
    const deal = await api(stack, page, 'POST', '/api/deals', { contact_id: contact, title: 'Machine', value_minor: 100, pipeline: pipeline.id });
    assert.equal(deal.status, 201, JSON.stringify(deal.body));
    await page.goto(`${base}/#/settings/pipelines`);
    await eventually(async () => assert.ok((await byTestId(page, 'pipeline-pick').locator('option').allTextContents()).includes(`Repairs ${XSS}`)), { timeout: WAIT });
    await byTestId(page, 'pipeline-pick').selectOption({ label: `Repairs ${XSS}` });
    await eventually(async () => assert.equal(await byTestId(page, 'stage-name').first().inputValue(), `Fixing ${XSS}`), { timeout: WAIT });
    await byTestId(page, 'stage-remove').first().click();
    await byTestId(page, 'pipeline-save').click();
    await eventually(async () => assert.match(await byTestId(page, 'pipeline-error').textContent(), /still holds deals/), { timeout: WAIT });

    // The stage a sent quote moves its deal to is chosen here, and a later
    // save (a rename) keeps it.
    await page.reload();
    await eventually(async () => assert.ok((await byTestId(page, 'pipeline-pick').locator('option').allTextContents()).includes(`Repairs ${XSS}`)), { timeout: WAIT });
    await byTestId(page, 'pipeline-pick').selectOption({ label: `Repairs ${XSS}` });
    await eventually(async () => assert.equal(await byTestId(page, 'stage-name').first().inputValue(), `Fixing ${XSS}`), { timeout: WAIT });
    await byTestId(page, 'pipeline-quote-stage').selectOption({ label: 'Received' });
    await byTestId(page, 'pipeline-save').click();
    await eventually(async () => assert.match(await byTestId(page, 'pipeline-saved').textContent(), /Saved/), { timeout: WAIT });
    await page.reload();
    await eventually(async () => assert.ok((await byTestId(page, 'pipeline-pick').locator('option').allTextContents()).includes(`Repairs ${XSS}`)), { timeout: WAIT });
    await byTestId(page, 'pipeline-pick').selectOption({ label: `Repairs ${XSS}` });
    await eventually(async () => assert.equal(await byTestId(page, 'pipeline-name').inputValue(), `Repairs ${XSS}`), { timeout: WAIT });
    await eventually(async () => assert.notEqual(await byTestId(page, 'pipeline-quote-stage').inputValue(), ''), { timeout: WAIT });
    await byTestId(page, 'pipeline-name').fill('Repairs desk');
    await byTestId(page, 'pipeline-save').click();
    await eventually(async () => assert.match(await byTestId(page, 'pipeline-saved').textContent(), /Repairs desk/), { timeout: WAIT });
    const saved = (await api(stack, page, 'GET', '/api/pipelines')).body.items.find((p) => p.id === pipeline.id);
    assert.equal(saved.name, 'Repairs desk');
    const received = saved.stages.find((st) => st.name === 'Received');
    assert.equal(saved.quote_stage, received.id, 'the rename kept the quote stage');
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test('a manager downloads everything held about a contact as JSON', TEST, async () => {
  await customerWrites(stack, '919811100009', 'Dev Download', 'What do you hold about me?');
  const { context, page } = await newPage(stack, { bypassCSP: true });
  try {
    await signIn(stack, page);
    const id = await eventually(async () => {
      const found = await contactId(page, 'Dev Download');
      assert.ok(found);
      return found;
    }, { timeout: WAIT });
    await openConversation(page, 'Dev Download');
    await byTestId(page, 'conv-actions').click();
    const [download] = await Promise.all([page.waitForEvent('download'), byTestId(page, 'action-export').click()]);
    assert.equal(download.suggestedFilename(), `contact-${id}.json`);
    const file = await download.path();
    const exported = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.equal(exported.contact.id, id);
    assert.deepEqual(exported.messages.map((m) => m.text), ['What do you hold about me?']);
    assert.ok(exported.audit.some((a) => a.action === 'contact_export'));
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

/** Posts `body` to the simulator's `path` (JSON); returns its answer. */
async function simPost(path, body) {
  const res = await fetch(`${sim.base}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  assert.equal(res.status, 200, `${path} answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

test('coexistence: a phone-app reply is marked, edits and deletions show on their message, the address-book name and chat history appear', TEST, async () => {
  const WA = '919811100010';
  const first = await customerWrites(stack, WA, 'Asha Coexist', 'Do you have the red kurta in M?');
  const { context, page } = await newPage(stack, { bypassCSP: true });
  try {
    await signIn(stack, page);
    await openConversation(page, 'Asha Coexist');
    const messages = byTestId(page, 'message');
    const row = (wamid) => page.locator(`[data-testid="message"][data-message-id="${wamid}"]`);
    await eventually(async () => assert.equal(await row(first).count(), 1), { timeout: WAIT });

    // The shopkeeper answers on the phone: the team's answer, marked, with no ticks.
    await simPost('/sim/phone-app', { to: WA, text: 'Yes, M is in stock at 1,299' });
    const reply = messages.filter({ hasText: 'Yes, M is in stock at 1,299' });
    await eventually(async () => assert.equal(await reply.count(), 1), { timeout: WAIT });
    assert.equal(await reply.getAttribute('data-direction'), 'out');
    assert.equal(await byTestId(reply, 'origin-mark').getAttribute('data-origin'), 'phone_app');
    assert.equal(await byTestId(reply, 'origin-mark').textContent(), 'From the phone app');
    assert.equal(await byTestId(reply, 'status').count(), 0, 'no delivery ticks');
    assert.equal(await byTestId(reply, 'retry').count(), 0);
    assert.equal(await byTestId(row(first), 'origin-mark').count(), 0, 'the customer’s live message is not marked');

    // The customer edits the first message: the original shows it, no row of its own.
    await simPost('/sim/customer/revision', { from: WA, name: 'Asha Coexist', original: first, text: 'Do you have the blue kurta in M?' });
    await eventually(async () => assert.equal(await byTestId(row(first), 'message-text').textContent(), 'Do you have the blue kurta in M?'), { timeout: WAIT });
    const edited = byTestId(row(first), 'edited-mark');
    assert.equal(await edited.textContent(), 'Edited');
    assert.match(await edited.getAttribute('title'), /red kurta/);
    assert.equal(await page.locator('[data-testid="message"][data-type="edit"]').count(), 0, 'no separate edit row');
    assert.equal(await messages.filter({ hasText: 'Edited a message' }).count(), 0);

    // A second message, deleted for everyone.
    const second = await customerWrites(stack, WA, 'Asha Coexist', 'Wrong chat, sorry');
    await eventually(async () => assert.equal(await row(second).count(), 1), { timeout: WAIT });
    await simPost('/sim/customer/revision', { from: WA, name: 'Asha Coexist', original: second });
    await eventually(async () => assert.equal(await byTestId(row(second), 'revoked-mark').textContent(), 'This message was deleted'), { timeout: WAIT });
    assert.equal(await byTestId(row(second), 'message-text').count(), 0);
    assert.ok(!(await byTestId(page, 'timeline').textContent()).includes('Wrong chat'), 'the deleted text is gone');
    assert.equal(await page.locator('[data-testid="message"][data-type="revoke"]').count(), 0, 'no separate deletion row');
    assert.equal(await messages.count(), 3);

    // The phone's address book names the customer.
    // The sync is stored with no live notice (the open page would learn it at the feed's next
    // safety-net poll, up to a minute later): once Parley has it, the page is loaded again.
    await simPost('/sim/address-book', { phone: WA, name: 'Asha Rao (Pune)' });
    await eventually(async () => {
      const { body } = await api(stack, page, 'GET', '/api/contacts?q=asha');
      assert.ok(body.items.some((c) => c.address_book_name === 'Asha Rao (Pune)'));
    }, { timeout: WAIT });
    await page.reload();
    await eventually(async () => assert.equal(await byTestId(page, 'address-book-name').textContent(), 'Saved on the phone as Asha Rao (Pune)'), { timeout: WAIT });
    await eventually(async () => assert.equal(await byTestId(page, 'conversation-name').textContent(), 'Asha Rao (Pune)'), { timeout: WAIT });
    assert.equal(await byTestId(page, 'name-revert').count(), 0, 'the phone’s name is not one staff gave');
    assert.deepEqual(await axeViolations(page), []);

    // A chat from before the number joined Parley: a closed conversation, every message marked.
    const OLD = '919811100011';
    const shared = await simPost('/sim/history', {
      chats: [{ customer: OLD, messages: [
        { from_business: false, text: 'Is the shop open on Sunday?', minutes_ago: 3000 },
        { from_business: true, text: 'Yes, from 10 to 2', minutes_ago: 2990 },
      ] }],
      chunk: 'convo-history',
    });
    assert.equal(shared.messages, 2);
    await eventually(async () => assert.equal((await api(stack, page, 'GET', '/api/contacts?q=919811100011')).body.items.length, 1), { timeout: WAIT });
    await page.goto(`${base}/#/inbox`);
    await byTestId(page, 'queue-tab').and(page.locator('[data-queue="closed"]')).click();
    await byTestId(page, 'contact-search').fill('9811100011');
    const contact = byTestId(page, 'contact');
    await eventually(async () => assert.equal(await contact.count(), 1), { timeout: WAIT });
    await contact.click();
    await eventually(async () => assert.equal(await messages.count(), 2), { timeout: WAIT });
    assert.deepEqual(await messages.evaluateAll((els) => els.map((e) => [e.dataset.direction, e.querySelector('[data-testid="origin-mark"]')?.dataset.origin])),
      [['in', 'history'], ['out', 'history']]);
    assert.deepEqual(await byTestId(page, 'origin-mark').allTextContents(), ['Chat history', 'Chat history']);
    assert.deepEqual(await byTestId(page, 'message-text').allTextContents(), ['Is the shop open on Sunday?', 'Yes, from 10 to 2']);
    assert.equal(await byTestId(page, 'conv-status').getAttribute('data-status'), 'closed');
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

/** Tomorrow at `hh:mm` in the page's time zone, as a datetime-local input takes it. */
const tomorrowAt = (page, hhmm) => page.evaluate((time) => {
  const d = new Date(Date.now() + 86_400_000);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${time}`;
}, hhmm);

test('calls: a customer\'s calls are on the timeline, a missed one becomes a call-back task; the number is a tel: link; a logged call and its follow-up appear at once', TEST, async () => {
  const WA = '919811100012';
  await customerWrites(stack, WA, 'Meera Caller', 'Please call me about the silk saree');
  const { context, page } = await newPage(stack, { bypassCSP: true });
  try {
    await signIn(stack, page);
    await openConversation(page, 'Meera Caller');
    assert.equal(await byTestId(page, 'call-link').getAttribute('href'), `tel:+${WA}`);
    assert.equal(await byTestId(page, 'call-link').textContent(), `+${WA}`);

    // An answered call, then a missed one, while the conversation is open.
    const calls = byTestId(page, 'call-entry');
    await simPost('/sim/customer/call', { from: WA, name: 'Meera Caller', answered_seconds: 140 });
    await eventually(async () => assert.equal(await calls.count(), 1), { timeout: WAIT });
    assert.equal(await calls.first().getAttribute('data-missed'), 'false');
    assert.equal(await calls.first().textContent(), 'WhatsApp call · 2 min 20 s');
    await simPost('/sim/customer/call', { from: WA, name: 'Meera Caller' });
    await eventually(async () => assert.equal(await calls.count(), 2), { timeout: WAIT });
    assert.equal(await calls.nth(1).getAttribute('data-missed'), 'true');
    assert.equal(await calls.nth(1).textContent(), 'Missed WhatsApp call');
    assert.equal(await byTestId(page, 'message').filter({ has: calls }).locator('[data-testid="reply-action"]').count(), 0, 'a call is not replied to');

    // The missed call's call-back task shows in the panel, with no reload.
    const titles = () => byTestId(byTestId(page, 'contact-tasks'), 'task-title').allTextContents();
    await eventually(async () => assert.deepEqual(await titles(), ['Call back Meera Caller (missed WhatsApp call)']), { timeout: WAIT });

    // Staff call back and log it: duration only for a connected call.
    await byTestId(page, 'call-log-open').click();
    const form = byTestId(page, 'call-log-form');
    await form.waitFor({ state: 'visible', timeout: WAIT });
    const outcome = (o) => form.locator(`[data-testid="call-outcome"][value="${o}"]`);
    const duration = byTestId(form, 'call-duration');
    assert.equal(await duration.isDisabled(), true, 'no duration before an outcome is picked');
    await outcome('connected').check();
    assert.equal(await duration.isDisabled(), false);
    await duration.fill('3');
    for (const o of ['busy', 'no_answer', 'wrong_number']) {
      await outcome(o).check();
      assert.equal(await duration.isDisabled(), true, `no duration for ${o}`);
    }
    await outcome('no_answer').check();
    await byTestId(form, 'call-notes').fill('left voicemail');
    await byTestId(form, 'call-again').fill(await tomorrowAt(page, '11:00'));
    assert.deepEqual(await axeViolations(page), []);

    // A refusal (422) is shown in the form, which keeps what was typed.
    await page.route('**/api/contacts/*/calls', (route) => route.fulfill({ status: 422, json: { error: { code: 'invalid', message: 'follow_up_at is not a date' } } }), { times: 1 });
    await byTestId(form, 'call-log-save').click();
    await eventually(async () => assert.match(await byTestId(form, 'call-log-error').textContent(), /follow_up_at is not a date/), { timeout: WAIT });
    assert.equal(await byTestId(form, 'call-log-error').getAttribute('role'), 'alert');
    assert.equal(await byTestId(form, 'call-notes').inputValue(), 'left voicemail');
    assert.equal(await byTestId(page, 'call-log').count(), 0);

    const [request] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/calls')),
      byTestId(form, 'call-log-save').click(),
    ]);
    const sent = request.postDataJSON();
    assert.deepEqual(Object.keys(sent).sort(), ['follow_up_at', 'notes', 'outcome']);
    assert.equal(sent.outcome, 'no_answer');
    assert.equal(sent.notes, 'left voicemail');
    assert.match(sent.follow_up_at, /T11:00:00[+-]\d\d:\d\d$/, 'RFC 3339 with the browser’s offset');

    const log = byTestId(page, 'call-log');
    await eventually(async () => assert.equal(await log.count(), 1), { timeout: WAIT });
    assert.equal(await log.getAttribute('data-outcome'), 'no_answer');
    assert.equal(await byTestId(log, 'call-log-line').textContent(), 'You called · No answer');
    assert.equal(await byTestId(log, 'call-log-notes').textContent(), 'left voicemail');
    await eventually(async () => assert.deepEqual((await titles()).sort(), ['Call Meera Caller again', 'Call back Meera Caller (missed WhatsApp call)']), { timeout: WAIT });
    assert.equal(await form.count(), 0, 'the form closes once the call is logged');
    assert.equal(await byTestId(page, 'call-log-result').textContent(), 'Call logged; follow-up “Call Meera Caller again” added.');

    // A connected call: its duration, no notes, no follow-up.
    await byTestId(page, 'call-log-open').click();
    await outcome('connected').check();
    await duration.fill('4');
    await byTestId(form, 'call-log-save').click();
    const connected = page.locator('[data-testid="call-log"][data-outcome="connected"]');
    await eventually(async () => assert.equal(await connected.count(), 1), { timeout: WAIT });
    assert.equal(await byTestId(connected, 'call-log-line').textContent(), 'You called · Connected · 4 min');
    assert.equal(await byTestId(connected, 'call-log-notes').count(), 0);
    assert.equal((await titles()).length, 2);
    // The panel's notes list the logs too.
    await eventually(async () => assert.deepEqual(await byTestId(page, 'note-call').allTextContents(), ['You called · Connected · 4 min', 'You called · No answer']), { timeout: WAIT });
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test('a WhatsApp Flow lead source made in Settings: a completed form shows its answers under "Submitted a form" and becomes a lead', TEST, async () => {
  const { context, page } = await newPage(stack, { bypassCSP: true });
  try {
    await signIn(stack, page);
    await openSettings(stack, page, 'leads');
    await byTestId(page, 'lead-source-add').click();
    await byTestId(page, 'lead-source-auth').selectOption('whatsapp_flow');
    const id = byTestId(page, 'lead-source-id');
    assert.equal(await id.isDisabled(), false, 'staff choose the id (the flow_token)');
    await id.fill('kurta_form');
    await byTestId(page, 'lead-source-name').fill('Kurta size form');
    assert.match(await byTestId(page, 'lead-source-flow-hint').textContent(), /flow_token.*each completed form becomes a lead/);
    assert.equal(await byTestId(page, 'lead-source-mapping').count(), 1, 'the answers are mapped like a post');
    assert.deepEqual(await axeViolations(page), []);
    await byTestId(page, 'lead-source-save').click();
    const card = page.locator('[data-testid="lead-source"][data-source="kurta_form"]');
    await card.waitFor({ state: 'visible', timeout: WAIT });
    assert.match(await byTestId(card, 'lead-source-flow').textContent(), /flow_token/);
    for (const posted of ['lead-source-url', 'lead-source-secret', 'lead-source-rotate']) {
      assert.equal(await byTestId(card, posted).count(), 0, `no ${posted} for a Flow source`);
    }
    const sources = (await api(stack, page, 'GET', '/api/lead_sources')).body.items;
    assert.equal(sources.find((s) => s.id === 'kurta_form')?.auth, 'whatsapp_flow');

    // The customer completes the Flow.
    const WA = '919811100013';
    await simPost('/sim/customer/flow', { from: WA, name: 'Meera Flow', flow_token: 'kurta_form', answers: { name: 'Meera Iyer', city: 'Pune', size: 'M' } });
    const contact = await eventually(async () => {
      const { body } = await api(stack, page, 'GET', `/api/contacts?q=${WA}`);
      assert.equal(body.items.length, 1);
      return body.items[0].id;
    }, { timeout: WAIT });
    await page.goto(`${base}/#/inbox/${encodeURIComponent(contact)}`);
    const submitted = page.locator('[data-testid="message"][data-type="interactive"]');
    await eventually(async () => assert.equal(await submitted.count(), 1), { timeout: WAIT });
    assert.equal(await byTestId(submitted, 'placeholder').textContent(), 'Submitted a form');
    const answers = byTestId(submitted, 'flow-answers');
    const pairs = async () => {
      const keys = await answers.locator('dt').allTextContents();
      const values = await answers.locator('dd').allTextContents();
      return Object.fromEntries(keys.map((k, i) => [k, values[i]]));
    };
    assert.deepEqual(await pairs(), { name: 'Meera Iyer', city: 'Pune', size: 'M' });
    assert.deepEqual(await axeViolations(page), []);

    // The lead intake (the events function, asynchronously) copies the unmapped answers into the contact's fields.
    await eventually(async () => assert.equal((await api(stack, page, 'GET', `/api/contacts/${contact}`)).body.fields?.city, 'Pune'), { timeout: WAIT });
    const city = page.locator('[data-testid="field"][data-key="city"] [data-testid="field-value-text"]');
    await eventually(async () => assert.equal(await city.textContent({ timeout: 1000 }), 'Pune'), { timeout: WAIT });
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});
