// Browser tests for the conversation's data actions (merge, erase with a
// typed confirmation), internal notes inline, a two-tap follow-up, task
// snooze and reassignment, and pipelines edited in Settings. Hostile text
// renders as text; axe finds no serious or critical violation in the dialogs.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { eventually, byTestId, contactRow, sleep, startStack, stopStack, WAIT, PHONE, newPage, signIn, customerWrites, axeViolations, api } from './harness.mjs';

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
    const invite = await api(stack, admin.page, 'POST', '/api/users', { email: AGENT.email, name: 'Ravi', role: 'agent' });
    assert.equal(invite.status, 201, JSON.stringify(invite.body));
    const res = await fetch(`${base}/api/invites/accept`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: invite.body.token, password: AGENT.password }),
    });
    assert.equal(res.status, 200, await res.text());
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
