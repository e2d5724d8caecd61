// Browser tests for the team inbox: queues, ownership, status, and the
// contact panel (name, tags, custom fields, notes, deals, follow-ups).
// Like composer.test.mjs, this file runs its own Cloud API simulator and its
// own parley-local on free ports, with a table of its own.
//
//   cargo build -p parley-local -p parley-simulator
//   eval "$(./infra/emulators.sh start)"   # DynamoDB Local and moto (SQS)
//   export AWS_ENDPOINT_URL_DYNAMODB AWS_ENDPOINT_URL_SQS AWS_ENDPOINT_URL_S3
//   node --test tests/browser/

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENV, eventually, byTestId, contactRow, WAIT, startStack, stopStack, newPage, signIn, customerWrites, openConversation, assertNoPageErrors, screenshot } from './harness.mjs';

const TEST = { timeout: 180_000 };
const PASSWORD = 'team password 1';

let stack;
let base;

// ---------------------------------------------------------------------------
// The customer's side and the API

/** A cookie-carrying API client for one user, outside the browser. */
async function apiAs(email, password) {
  const res = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password }),
  });
  assert.equal(res.status, 200, `login as ${email}: ${res.status}`);
  const cookie = res.headers.get('set-cookie').split(';')[0];
  return async (method, url, json) => {
    const r = await fetch(`${base}${url}`, {
      method,
      headers: { cookie, 'content-type': 'application/json', accept: 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await r.text();
    return { status: r.status, body: text ? JSON.parse(text) : null };
  };
}

let admin;
const team = {};

async function addUser(key, email, name, role) {
  const invite = await admin('POST', '/api/users', { email, name, role });
  assert.equal(invite.status, 201, JSON.stringify(invite.body));
  const accept = await fetch(`${base}/api/invites/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token: invite.body.token, password: PASSWORD }),
  });
  assert.ok(accept.ok, `accepting the invite for ${email}: ${accept.status} ${await accept.text()}`);
  team[key] = { email, name };
}

// ---------------------------------------------------------------------------
// The browser's side

/** Signs a teammate in (with the team's password unless told). */
const signInAs = (page, email, password = PASSWORD) => signIn(stack, page, email, password);

const tab = (page, queue) => page.locator(`[data-testid="queue-tab"][data-queue="${queue}"]`);

/** Opens `name`'s conversation and waits for its tools. */
async function openTools(page, name) {
  await openConversation(page, name);
  await byTestId(page, 'conv-tools').waitFor({ state: 'visible', timeout: WAIT });
}

const ownerShown = (page) => byTestId(page, 'conv-owner').getAttribute('data-owner');

// ---------------------------------------------------------------------------

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local (see infra/emulators.sh)');
  assert.ok(ENV.AWS_ENDPOINT_URL_SQS, 'AWS_ENDPOINT_URL_SQS must point at a running SQS emulator (see infra/emulators.sh)');
  stack = await startStack('team');
  ({ base } = stack);

  admin = await apiAs(ENV.PARLEY_ADMIN_EMAIL, ENV.PARLEY_ADMIN_PASSWORD);
  await addUser('asha', 'asha@team.example', 'Asha Agent', 'agent');
  await addUser('bilal', 'bilal@team.example', 'Bilal Agent', 'agent');
  await addUser('meera', 'meera@team.example', 'Meera Manager', 'manager');
}, { timeout: 200_000 });

after(() => stopStack(stack));

// ---------------------------------------------------------------------------

test('an agent takes an unassigned conversation, a manager transfers it and closes it', TEST, async () => {
  const name = 'Queue Customer';
  await customerWrites(stack, '919811000001', name, 'Is the blue kurta in stock?');

  const agent = await newPage(stack, { viewport: { width: 1280, height: 900 }, failOnDialog: true });
  const manager = await newPage(stack, { viewport: { width: 1280, height: 900 }, failOnDialog: true });
  try {
    const { page } = agent;
    await signInAs(page, team.asha.email);
    await tab(page, 'unassigned').click();
    await eventually(async () => assert.equal(await tab(page, 'unassigned').getAttribute('aria-selected'), 'true'));
    await openTools(page, name);
    await eventually(async () => assert.equal(await ownerShown(page), ''));
    await byTestId(page, 'assign-me').click();
    await eventually(async () => assert.equal(await ownerShown(page), team.asha.email));
    await byTestId(page, 'assign-me').waitFor({ state: 'hidden', timeout: WAIT });
    // It leaves Unassigned and shows up in Mine, owned by the agent.
    await contactRow(page, name).waitFor({ state: 'detached', timeout: WAIT });
    await tab(page, 'mine').click();
    const row = contactRow(page, name);
    await row.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await row.locator('[data-testid="contact-owner"]').getAttribute('data-owner'), team.asha.email);
    await eventually(async () => assert.match(await tab(page, 'mine').locator('[data-testid="queue-count"]').textContent(), /^[1-9]/));
    // The chosen tab is remembered.
    await page.reload();
    await eventually(async () => assert.equal(await tab(page, 'mine').getAttribute('aria-selected'), 'true'));
    await contactRow(page, name).waitFor({ state: 'visible', timeout: WAIT });
    await screenshot(page, 'team-mine.png');

    // A manager transfers it to another agent and closes it.
    const m = manager.page;
    await signInAs(m, team.meera.email);
    await tab(m, 'all').click();
    await openTools(m, name);
    await eventually(async () => assert.equal(await ownerShown(m), team.asha.email));
    const select = byTestId(m, 'owner-select');
    await eventually(async () => assert.ok((await select.locator('option').allTextContents()).some((t) => t.includes('Bilal Agent'))));
    await select.selectOption(team.bilal.email);
    await eventually(async () => assert.equal(await ownerShown(m), team.bilal.email));
    const viaApi = await (await apiAs(team.meera.email, PASSWORD))('GET', '/api/conversations?queue=mine');
    assert.equal(viaApi.status, 200);

    await byTestId(m, 'close-conversation').click();
    await eventually(async () => assert.equal(await byTestId(m, 'conv-status').getAttribute('data-status'), 'closed'));
    await byTestId(m, 'reopen-conversation').waitFor({ state: 'visible', timeout: WAIT });
    await eventually(async () => assert.equal(
      await contactRow(m, name).locator('[data-testid="status-chip"]').getAttribute('data-status'), 'closed'));
    await screenshot(m, 'team-manager.png');

    // The first agent lost it: it leaves their Mine queue.
    await contactRow(page, name).waitFor({ state: 'detached', timeout: WAIT });
    assertNoPageErrors(page);
    assertNoPageErrors(m);
  } finally {
    await agent.context.close();
    await manager.context.close();
  }
});

test('tags, custom fields, notes, deals and follow-ups are saved from the side panel', TEST, async () => {
  const name = 'Panel Customer';
  await customerWrites(stack, '919811000002', name, 'Please send a quote for 20 sarees');
  const { context, page } = await newPage(stack, { viewport: { width: 1280, height: 900 }, failOnDialog: true });
  try {
    await signInAs(page, team.bilal.email);
    await openTools(page, name);
    const panel = byTestId(page, 'side-panel');
    await panel.waitFor({ state: 'visible', timeout: WAIT });
    await eventually(async () => assert.equal(await byTestId(page, 'panel-name').textContent(), name));

    await byTestId(page, 'tag-input').fill('VIP');
    await byTestId(page, 'tag-add').click();
    await byTestId(page, 'tag-input').fill('wholesale');
    await byTestId(page, 'tag-input').press('Enter');
    await eventually(async () => assert.deepEqual(await byTestId(page, 'tag-text').allTextContents(), ['vip', 'wholesale']));
    await byTestId(page, 'field-key').fill('city');
    await byTestId(page, 'field-value').fill('Jaipur');
    await byTestId(page, 'field-save').click();
    await page.locator('[data-testid="field"][data-key="city"]').waitFor({ state: 'visible', timeout: WAIT });

    await byTestId(page, 'note-input').fill('Prefers a call after 6pm');
    await byTestId(page, 'note-add').click();
    await eventually(async () => assert.deepEqual(await byTestId(page, 'note-text').allTextContents(), ['Prefers a call after 6pm']));
    assert.match(await panel.textContent(), /Internal — never sent to the customer/);

    await byTestId(page, 'deal-title-input').fill('20 silk sarees');
    await byTestId(page, 'deal-value-input').fill('125000');
    await byTestId(page, 'deal-create').click();
    const deal = byTestId(page, 'deal').filter({ hasText: '20 silk sarees' });
    await deal.waitFor({ state: 'visible', timeout: WAIT });
    await eventually(async () => assert.equal((await deal.locator('[data-testid="deal-value"]').textContent()).replace(/\s/g, ''), '₹1,25,000.00'));
    await eventually(async () => assert.ok((await deal.locator('[data-testid="deal-stage"] option').count()) > 1));
    await deal.locator('[data-testid="deal-stage"]').selectOption({ label: 'Quote Sent' });
    await eventually(async () => assert.equal(await deal.getAttribute('data-stage'), 'quote_sent'));
    await eventually(async () => assert.equal(await deal.locator('[data-testid="deal-stage-name"]').textContent(), 'Quote Sent'));

    await byTestId(page, 'followup-title').fill('Call about the saree quote');
    await byTestId(page, 'followup-due').fill('2031-03-04T10:30');
    await byTestId(page, 'followup-add').click();
    await eventually(async () => assert.match(await byTestId(page, 'followup-result').textContent(), /Call about the saree quote/));
    const tasks = await (await apiAs(team.bilal.email, PASSWORD))('GET', '/api/tasks?due=open&scope=mine');
    assert.equal(tasks.status, 200, JSON.stringify(tasks.body));
    const task = tasks.body.items.find((t) => t.title === 'Call about the saree quote');
    assert.ok(task, `the follow-up is among ${JSON.stringify(tasks.body.items)}`);
    const expected = await page.evaluate(() => new Date('2031-03-04T10:30').getTime());
    assert.equal(Date.parse(task.due_at), expected);
    await screenshot(page, 'team-panel.png');

    // Everything is still there after a reload.
    await page.reload();
    await eventually(async () => assert.equal(await byTestId(page, 'conversation-name').textContent(), name));
    await eventually(async () => assert.deepEqual(await byTestId(page, 'tag-text').allTextContents(), ['vip', 'wholesale']));
    await eventually(async () => assert.equal(await page.locator('[data-testid="field"][data-key="city"] [data-testid="field-value-text"]').textContent(), 'Jaipur'));
    await eventually(async () => assert.deepEqual(await byTestId(page, 'note-text').allTextContents(), ['Prefers a call after 6pm']));
    await eventually(async () => assert.equal(await byTestId(page, 'deal').filter({ hasText: '20 silk sarees' }).getAttribute('data-stage'), 'quote_sent'));

    // Removing a tag sends the full list without it.
    await page.locator('[data-testid="tag"][data-tag="vip"] [data-testid="tag-remove"]').click();
    await eventually(async () => assert.deepEqual(await byTestId(page, 'tag-text').allTextContents(), ['wholesale']));
    assertNoPageErrors(page);
  } finally {
    await context.close();
  }
});

test('markup in a tag, a note and a deal title renders as literal text', TEST, async () => {
  const name = 'Markup Customer';
  const xss = '<img src=x onerror=alert(1)>';
  await customerWrites(stack, '919811000003', name, 'hello');
  const { context, page } = await newPage(stack, { viewport: { width: 1280, height: 900 }, failOnDialog: true });
  try {
    await signInAs(page, team.asha.email);
    await openTools(page, name);
    await byTestId(page, 'side-panel').waitFor({ state: 'visible', timeout: WAIT });
    // One step at a time, as a person would: each save re-renders the panel.
    await byTestId(page, 'tag-input').fill(xss);
    await byTestId(page, 'tag-add').click();
    await eventually(async () => assert.deepEqual(await byTestId(page, 'tag-text').allTextContents(), [xss]));
    await byTestId(page, 'note-input').fill(`<script>alert(2)</script>${xss}`);
    await byTestId(page, 'note-add').click();
    await eventually(async () => assert.deepEqual(await byTestId(page, 'note-text').allTextContents(), [`<script>alert(2)</script>${xss}`]));
    await byTestId(page, 'deal-title-input').fill(`<b>bold</b>${xss}`);
    await byTestId(page, 'deal-create').click();
    await eventually(async () => assert.deepEqual(await byTestId(page, 'deal-title').allTextContents(), [`<b>bold</b>${xss}`]));
    assert.equal(await byTestId(page, 'side-panel').locator('img, script, b').count(), 0);
    assertNoPageErrors(page);
  } finally {
    await context.close();
  }
});

test('an admin hands a teammate a reset link; the teammate sets a password with it, then changes it', TEST, async () => {
  await addUser('ravi', 'ravi@team.example', 'Ravi Agent', 'agent');
  const adminSide = await newPage(stack, { viewport: { width: 1280, height: 900 }, failOnDialog: true });
  const teammateSide = await newPage(stack, { viewport: { width: 1280, height: 900 }, failOnDialog: true });
  try {
    const { page } = adminSide;
    await signInAs(page, ENV.PARLEY_ADMIN_EMAIL, ENV.PARLEY_ADMIN_PASSWORD);
    await page.goto(`${base}/#/settings/team`);
    const row = page.locator('[data-testid="member"][data-email="ravi@team.example"]');
    await row.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(row, 'member-state').count(), 0, 'an active teammate is neither invited nor inactive');
    assert.equal(await byTestId(row, 'issue-link').textContent(), 'Password reset link');
    await byTestId(row, 'issue-link').click();
    const output = byTestId(page, 'invite-link');
    await output.waitFor({ state: 'visible', timeout: WAIT });
    const link = await output.textContent();
    assert.ok(link.startsWith(`${base}/#/accept/`), link);
    assert.match(await byTestId(page, 'link-message').textContent(), /^Password reset link for ravi@team\.example/);

    const t = teammateSide.page;
    await t.goto(link);
    await byTestId(t, 'accept-form').waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(t, 'login-form').count(), 0);
    await byTestId(t, 'accept-password').fill('short');
    await byTestId(t, 'accept-again').fill('short');
    await byTestId(t, 'accept-submit').click();
    await eventually(async () => assert.match(await byTestId(t, 'accept-error').textContent(), /at least 10/));
    await byTestId(t, 'accept-password').fill('a reset password 1');
    await byTestId(t, 'accept-again').fill('a reset password 1');
    await byTestId(t, 'accept-submit').click();
    await byTestId(t, 'inbox').waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(t, 'user-email').textContent(), 'ravi@team.example');
    assert.ok(!new URL(t.url()).hash.includes('accept'), 'the token leaves the address bar');
    const before = await apiAs('ravi@team.example', 'a reset password 1');

    await t.goto(`${base}/#/settings/account`);
    await byTestId(t, 'password-form').waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(t, 'settings-team').count(), 0, 'agents see no team links');
    await byTestId(t, 'current-password').fill('not my password');
    await byTestId(t, 'new-password').fill('my own password 2');
    await byTestId(t, 'password-submit').click();
    await eventually(async () => assert.match(await byTestId(t, 'password-error').textContent(), /current password is wrong/));
    await byTestId(t, 'current-password').fill('a reset password 1');
    await byTestId(t, 'password-submit').click();
    await eventually(async () => assert.match(await byTestId(t, 'password-message').textContent(), /^Password changed/));
    await screenshot(t, 'team-password-changed.png');
    await t.goto(`${base}/#/inbox`);
    await byTestId(t, 'inbox').waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(t, 'login-form').count(), 0, 'this session goes on');
    assert.equal((await before('GET', '/api/me')).status, 401, 'the session from before the change ended');

    // The admin issues a fresh link, then revokes it: it no longer works.
    await byTestId(row, 'issue-link').click();
    await eventually(async () => assert.notEqual(await output.textContent(), link));
    const revoked = await output.textContent();
    await byTestId(row, 'revoke-link').click();
    await eventually(async () => assert.match(await byTestId(page, 'link-message').textContent(), /^No link for ravi@team\.example/));
    assert.equal(await byTestId(page, 'invite-link').count(), 0);
    const accept = await fetch(`${base}/api/invites/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: decodeURIComponent(revoked.split('#/accept/')[1]), password: 'someone else 3' }),
    });
    assert.equal(accept.status, 410);
    await apiAs('ravi@team.example', 'my own password 2');
    assertNoPageErrors(page);
    assertNoPageErrors(t);
  } finally {
    await adminSide.context.close();
    await teammateSide.context.close();
  }
});

test('a pending invitee gets a new invitation link, and an agent cannot clear an opt-out', TEST, async () => {
  const invited = await admin('POST', '/api/users', { email: 'neha@team.example', name: 'Neha', role: 'agent' });
  assert.equal(invited.status, 201, JSON.stringify(invited.body));
  await addUser('kiran', 'kiran@team.example', 'Kiran Agent', 'agent');
  const name = 'Opted Out Customer';
  await customerWrites(stack, '919811000004', name, 'STOP sending offers please');
  const adminSide = await newPage(stack, { viewport: { width: 1280, height: 900 }, failOnDialog: true });
  const agentSide = await newPage(stack, { viewport: { width: 1280, height: 900 }, failOnDialog: true });
  try {
    const { page } = adminSide;
    await signInAs(page, ENV.PARLEY_ADMIN_EMAIL, ENV.PARLEY_ADMIN_PASSWORD);
    await page.goto(`${base}/#/settings/team`);
    const row = page.locator('[data-testid="member"][data-email="neha@team.example"]');
    await row.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(row, 'member-state').textContent(), 'invited');
    assert.equal(await byTestId(row, 'issue-link').textContent(), 'New invitation link');
    await byTestId(row, 'issue-link').click();
    await eventually(async () => assert.match(await byTestId(page, 'link-message').textContent(), /^Invitation link for neha@team\.example/));
    const stale = await fetch(`${base}/api/invites/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: invited.body.token, password: 'neha password 1' }),
    });
    assert.equal(stale.status, 410, 'the first invitation was replaced');

    const contacts = await admin('GET', `/api/contacts?q=${encodeURIComponent(name)}`);
    const id = contacts.body.items.find((c) => c.name === name)?.id;
    assert.ok(id, JSON.stringify(contacts.body));
    assert.equal((await admin('POST', `/api/contacts/${encodeURIComponent(id)}/opt_out`, { opted_out: true })).status, 200);
    const a = agentSide.page;
    await signInAs(a, 'kiran@team.example');
    await openTools(a, name);
    const toggle = byTestId(a, 'opt-out-toggle');
    await eventually(async () => assert.equal(await toggle.getAttribute('data-opted-out'), 'true'));
    assert.equal(await toggle.isDisabled(), true, 'agents do not clear an opt-out');
    assert.match(await toggle.getAttribute('title'), /Only a manager or an administrator/);
    const kiran = await apiAs('kiran@team.example', PASSWORD);
    assert.equal((await kiran('POST', `/api/contacts/${encodeURIComponent(id)}/opt_out`, { opted_out: false })).status, 403);
    assertNoPageErrors(page);
    assertNoPageErrors(a);
  } finally {
    await adminSide.context.close();
    await agentSide.context.close();
  }
});

test('supervisors export as a job and get a download link; admins see the dead letters; agents see neither', TEST, async () => {
  await customerWrites(stack, '919811000099', 'Export Customer', 'Please send the catalogue');
  const adminPage = await newPage(stack, { viewport: { width: 1280, height: 900 }, failOnDialog: true });
  const managerPage = await newPage(stack, { viewport: { width: 1280, height: 900 }, failOnDialog: true });
  const agentPage = await newPage(stack, { viewport: { width: 1280, height: 900 }, failOnDialog: true });
  try {
    const { page } = adminPage;
    await signInAs(page, ENV.PARLEY_ADMIN_EMAIL, ENV.PARLEY_ADMIN_PASSWORD);
    const deadLetters = byTestId(page, 'dead-letters');
    await deadLetters.waitFor({ state: 'visible', timeout: WAIT });
    assert.match(await deadLetters.textContent(), /^Dead letters: \d+$/);
    await page.goto(`${base}/#/settings/data`);
    await byTestId(page, 'export-contacts-csv').click();
    const link = page.locator('[data-testid="export-link"][data-export="contacts-csv"]');
    await link.waitFor({ state: 'visible', timeout: WAIT });
    assert.match(await link.textContent(), /^Download \([1-9]\d* rows?\)$/);
    const file = await fetch(await link.getAttribute('href'));
    assert.equal(file.status, 200);
    assert.match(await file.text(), /Export Customer/);
    assertNoPageErrors(page);

    const m = managerPage.page;
    await signInAs(m, team.meera.email);
    await m.goto(`${base}/#/settings/data`);
    await byTestId(m, 'export-deals-json').waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(m, 'dead-letters').count(), 0, 'only admins see the dead letters');
    assertNoPageErrors(m);

    const a = agentPage.page;
    await signInAs(a, team.asha.email);
    await a.goto(`${base}/#/settings/data`);
    await byTestId(a, 'settings').waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(a, 'export-contacts-csv').count(), 0, 'agents cannot export');
    assert.equal(await byTestId(a, 'dead-letters').count(), 0);
    assertNoPageErrors(a);
  } finally {
    await adminPage.context.close();
    await managerPage.context.close();
    await agentPage.context.close();
  }
});
