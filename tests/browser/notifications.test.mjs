// Browser test for the notification bell: an @mention in a note reaches the
// mentioned teammate's bell with its count, the panel lists it, and its link
// opens the conversation; marking all read clears the count, and a live poll
// that read the count before does not bring it back. axe finds no
// serious or critical violation with the panel open, on a phone.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENV, eventually, byTestId, startStack, stopStack, axeViolations, WAIT, signIn, api, customerWrites, newPage, PHONE, addTeammate } from './harness.mjs';

const TEST = { timeout: 240_000 };
const AGENT = { email: 'meera@team.example', password: 'meera password 1' };

let stack;
let browser;

let contactId;

before(async () => {
  stack = await startStack('bell');
  ({ browser } = stack);
  await customerWrites(stack, '919822200001', 'Bina Bell', 'Do you deliver on Sunday?');
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await signIn(stack, page, ENV.PARLEY_ADMIN_EMAIL, ENV.PARLEY_ADMIN_PASSWORD);
    await addTeammate(stack, page, { ...AGENT, name: 'Meera Shah' });
    contactId = await eventually(async () => {
      const { body } = await api(stack, page, 'GET', '/api/contacts?q=bina');
      const found = body.items.find((c) => c.name === 'Bina Bell');
      assert.ok(found, 'the contact is listed');
      return found.id;
    }, { timeout: WAIT });
    const note = await api(stack, page, 'POST', `/api/contacts/${encodeURIComponent(contactId)}/notes`, { text: '@Meera can you answer this one?' });
    assert.equal(note.status, 201, JSON.stringify(note.body));
  } finally {
    await context.close();
  }
}, { timeout: 200_000 });

after(() => stopStack(stack));

test('the bell shows a mention and links to the conversation', TEST, async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 }, bypassCSP: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await signIn(stack, page, AGENT.email, AGENT.password);
    await eventually(async () => assert.equal(await byTestId(page, 'bell-count').textContent(), '1'), { timeout: WAIT });
    await byTestId(page, 'bell').click();
    const item = byTestId(page, 'bell-item');
    await eventually(async () => assert.equal(await item.count(), 1), { timeout: WAIT });
    assert.equal(await item.getAttribute('data-kind'), 'mention');
    assert.match(await item.textContent(), /Bina Bell/);
    assert.ok(!(await item.textContent()).includes('answer this one'), 'the note itself is not repeated');
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1), false);
    assert.deepEqual(await axeViolations(page), []);
    await byTestId(page, 'bell-link').click();
    await eventually(async () => assert.equal(new URL(page.url()).hash, `#/inbox/${encodeURIComponent(contactId)}`), { timeout: WAIT });
    await eventually(async () => assert.equal(await byTestId(page, 'conversation-name').textContent(), 'Bina Bell'), { timeout: WAIT });
    await eventually(async () => assert.equal(await byTestId(page, 'bell-count').count(), 0), { timeout: WAIT });
    const { body } = await api(stack, page, 'GET', '/api/notifications');
    assert.equal(body.unread, 0);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

test('a live poll answered after "Mark all read" does not bring the count back', TEST, async () => {
  const admin = await newPage(stack);
  const { context, page } = await newPage(stack, { viewport: PHONE, bypassCSP: true });
  try {
    await signIn(stack, admin.page, ENV.PARLEY_ADMIN_EMAIL, ENV.PARLEY_ADMIN_PASSWORD);
    const note = await api(stack, admin.page, 'POST', `/api/contacts/${encodeURIComponent(contactId)}/notes`, { text: '@Meera and this one?' });
    assert.equal(note.status, 201, JSON.stringify(note.body));
    await signIn(stack, page, AGENT.email, AGENT.password);
    await eventually(async () => assert.ok(Number(await byTestId(page, 'bell-count').textContent()) >= 1), { timeout: WAIT });
    // The next live poll reads the count at once, but its answer reaches the
    // page only after the bell has marked everything read.
    let serverAnswered, release, delivered;
    const answered = new Promise((resolve) => { serverAnswered = resolve; });
    const held = new Promise((resolve) => { release = resolve; });
    const fulfilled = new Promise((resolve) => { delivered = resolve; });
    await page.route('**/api/changes*', async (route) => {
      const response = await route.fetch();
      serverAnswered();
      await held;
      await route.fulfill({ response });
      delivered();
    }, { times: 1 });
    await page.evaluate(() => document.dispatchEvent(new Event('visibilitychange')));
    await answered;
    await byTestId(page, 'bell').click();
    await byTestId(page, 'bell-read-all').click();
    await eventually(async () => assert.equal(await byTestId(page, 'bell-count').count(), 0), { timeout: WAIT });
    release();
    await fulfilled;
    await page.waitForTimeout(500);
    assert.equal(await byTestId(page, 'bell-count').count(), 0, 'the count the poll read before the mark-read came back');
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
    await admin.context.close();
  }
});

test('a follow-up falling due rings the bell once, with the task', { timeout: 240_000 }, async () => {
  const { context, page } = await newPage(stack, { viewport: PHONE, bypassCSP: true });
  try {
    await signIn(stack, page, ENV.PARLEY_ADMIN_EMAIL, ENV.PARLEY_ADMIN_PASSWORD);
    // Due a few seconds from now: the local runner's scheduler fires it.
    const due = new Date(Date.now() + 4_000).toISOString();
    const task = await api(stack, page, 'POST', '/api/tasks', { title: 'Call Bina back', due_at: due, contact_id: contactId });
    assert.equal(task.status, 201, JSON.stringify(task.body));
    // A due task's notification is not pushed over the socket: the bell
    // learns of it at the next live poll, which is once a minute while the
    // socket is up.
    await eventually(async () => assert.equal(await byTestId(page, 'bell-count').textContent(), '1'), { timeout: 75_000 });
    await byTestId(page, 'bell').click();
    const item = byTestId(page, 'bell-item');
    await eventually(async () => assert.equal(await item.count(), 1), { timeout: WAIT });
    assert.equal(await item.getAttribute('data-kind'), 'task_due');
    assert.match(await item.textContent(), /Call Bina back/);
    const { body } = await api(stack, page, 'GET', '/api/notifications');
    assert.equal(body.items.filter((n) => n.kind === 'task_due').length, 1, 'one notification for the follow-up');
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});
