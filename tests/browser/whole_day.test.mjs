// The whole day, as one story through the real UI on a 360 x 740 phone: an
// admin invites an agent and a manager from Settings > Team; each accepts
// the one-time link in a browser of their own; a customer writes (through the
// Cloud API simulator, which plays Meta); the agent sees the conversation
// arrive, replies and watches the ticks, opens a deal and moves it on the
// board, adds a follow-up and finds it under Tasks; the manager finds the
// day's messages and deal on the Dashboard. A screenshot per step goes to
// tests/browser/screenshots/whole-day-*.png.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SCREENSHOTS, ENV, eventually, byTestId, contactRow, startStack, stopStack, WAIT, PHONE, newPage, customerWrites } from './harness.mjs';

let stack;
let base;
const pages = [];

async function newPhone() {
  const { page } = await newPage(stack, { viewport: PHONE, failOnDialog: true });
  pages.push(page);
  return page;
}

let step = 0;
async function shot(page, name) {
  step += 1;
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `whole-day-${String(step).padStart(2, '0')}-${name}.png`) });
}

const sideways = (page) => page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);

/** Through the bottom bar, as a thumb would. */
async function goTo(page, screen, ready) {
  await byTestId(page, `nav-${screen}`).click();
  await byTestId(page, ready).first().waitFor({ state: 'visible', timeout: WAIT });
  assert.equal(await sideways(page), false, `${screen} scrolls sideways at 360 px`);
}

/** Invites a teammate from Settings > Team and returns the one-time link the screen shows. */
async function invite(admin, email, name, role) {
  await goTo(admin, 'settings', 'settings-team');
  const shown = byTestId(admin, 'invite-link');
  const previous = (await shown.count()) ? await shown.textContent() : null;
  await byTestId(admin, 'invite-email').fill(email);
  await byTestId(admin, 'invite-name').fill(name);
  await byTestId(admin, 'invite-role').selectOption(role);
  await byTestId(admin, 'invite-submit').click();
  const link = await eventually(async () => {
    const text = await shown.textContent();
    assert.match(text, /#\/accept\//);
    assert.notEqual(text, previous, 'the link for this invitation, not the last one');
    return text;
  }, { timeout: WAIT });
  await eventually(async () => assert.ok((await byTestId(admin, 'member').allTextContents()).some((t) => t.includes(email))));
  return link;
}

/** Opens the link in a fresh browser, gives a name and a password, and lands signed in. */
async function accept(link, email, password, name) {
  const page = await newPhone();
  // The link is absolute and points at this runner.
  assert.ok(link.startsWith(base), `the link ${link} points at ${base}`);
  await page.goto(link);
  await byTestId(page, 'accept-form').waitFor({ state: 'visible', timeout: WAIT });
  await byTestId(page, 'accept-name').fill(name);
  await byTestId(page, 'accept-password').fill(password);
  await byTestId(page, 'accept-again').fill(password);
  await byTestId(page, 'accept-submit').click();
  await byTestId(page, 'inbox').waitFor({ state: 'visible', timeout: WAIT });
  assert.equal(await byTestId(page, 'user-email').textContent(), email);
  return page;
}

/** `yyyy-mm-ddThh:mm` in the browser's own zone, for a datetime-local input. */
const localInput = (page, ms) => page.evaluate((at) => {
  const d = new Date(at);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}, ms);

before(async () => {
  stack = await startStack('day');
  ({ base } = stack);
}, { timeout: 200_000 });

after(() => stopStack(stack));

test('the whole day of a shop, on a phone', { timeout: 300_000 }, async () => {
  const customer = { phone: '919822000777', name: 'Devika Shah' };
  const agentEmail = 'ravi@shop.example';
  const managerEmail = 'mira@shop.example';

  // Morning: the admin signs in and invites an agent and a manager.
  const admin = await newPhone();
  await admin.goto(base);
  await byTestId(admin, 'login-form').waitFor({ state: 'visible', timeout: WAIT });
  await byTestId(admin, 'login-email').fill(ENV.PARLEY_ADMIN_EMAIL);
  await byTestId(admin, 'login-password').fill(ENV.PARLEY_ADMIN_PASSWORD);
  await byTestId(admin, 'login-submit').click();
  await byTestId(admin, 'inbox').waitFor({ state: 'visible', timeout: WAIT });
  await shot(admin, 'admin-signed-in');
  const agentLink = await invite(admin, agentEmail, 'Ravi Agent', 'agent');
  await shot(admin, 'agent-invited');
  // Roles read as names, as the top bar's badge does.
  assert.deepEqual(await byTestId(admin, 'invite-role').locator('option').allTextContents(), ['Agent', 'Manager', 'Admin']);
  const managerLink = await invite(admin, managerEmail, 'Mira Manager', 'manager');

  // The agent takes the link to a phone of their own.
  const agent = await accept(agentLink, agentEmail, 'ravi password 1', 'Ravi Kumar');
  await shot(agent, 'agent-signed-in');
  await eventually(async () => assert.equal(await contactRow(agent, customer.name).count(), 0));

  // A customer writes; the conversation turns up in the agent's open inbox, unprompted.
  const question = 'Do you have the green silk saree for Saturday?';
  await customerWrites(stack, customer.phone, customer.name, question);
  const row = contactRow(agent, customer.name);
  await row.waitFor({ state: 'visible', timeout: WAIT });
  await shot(agent, 'conversation-arrived');
  await row.click();
  await eventually(async () => assert.equal(await byTestId(agent, 'conversation-name').textContent(), customer.name));
  await agent.locator('[data-testid="message"][data-direction="in"] [data-testid="message-text"]', { hasText: question }).waitFor({ state: 'visible', timeout: WAIT });
  assert.equal(await agent.locator('[data-testid="conversation"] [data-testid="window-badge"]').getAttribute('data-open'), 'true');

  // The agent takes it (their answer then counts as theirs), replies inside
  // the window and watches the ticks come in.
  await byTestId(agent, 'assign-me').click();
  await eventually(async () => assert.equal(await byTestId(agent, 'conv-owner').getAttribute('data-owner'), agentEmail), { timeout: WAIT });
  const reply = 'Yes! It is in stock. Shall I keep one for you?';
  await byTestId(agent, 'composer-input').fill(reply);
  await byTestId(agent, 'send').click();
  const sent = agent.locator('[data-testid="message"][data-direction="out"]').filter({ has: agent.locator('[data-testid="message-text"]', { hasText: reply }) });
  await sent.waitFor({ state: 'visible', timeout: WAIT });
  await eventually(async () => assert.equal(await sent.locator('[data-testid="status"]').getAttribute('data-status'), 'read'), { timeout: WAIT });
  assert.equal(await sideways(agent), false, 'the conversation scrolls sideways at 360 px');
  await shot(agent, 'reply-read');

  // A deal, from the conversation's panel.
  await byTestId(agent, 'details-toggle').click();
  await byTestId(agent, 'side-panel').waitFor({ state: 'visible', timeout: WAIT });
  const dealTitle = 'Green silk saree for Devika';
  await byTestId(agent, 'deal-title-input').fill(dealTitle);
  await byTestId(agent, 'deal-value-input').fill('4500');
  await byTestId(agent, 'deal-create').click();
  const deal = byTestId(agent, 'deal').filter({ has: agent.locator('[data-testid="deal-title"]', { hasText: dealTitle }) });
  await deal.waitFor({ state: 'visible', timeout: WAIT });
  const firstStage = await deal.getAttribute('data-stage');
  await deal.scrollIntoViewIfNeeded();
  await shot(agent, 'deal-created');

  // A follow-up for later today (or early tomorrow, near midnight), from the same panel.
  const followUp = 'Call Devika about the saree blouse fitting';
  const dueAt = Date.now() + 2 * 60 * 60 * 1000;
  await byTestId(agent, 'followup-title').fill(followUp);
  await byTestId(agent, 'followup-due').fill(await localInput(agent, dueAt));
  await byTestId(agent, 'followup-add').click();
  await eventually(async () => assert.match(await byTestId(agent, 'followup-result').textContent(), new RegExp(followUp)), { timeout: WAIT });
  await shot(agent, 'followup-added');

  // On the board, the deal moves on a stage from the keyboard.
  await goTo(agent, 'pipeline', 'board');
  const card = byTestId(agent, 'card').filter({ has: agent.locator('[data-testid="card-title"]', { hasText: dealTitle }) });
  await card.waitFor({ state: 'visible', timeout: WAIT });
  assert.equal(await byTestId(agent, 'pipeline-empty').count(), 0, 'a board with a deal says it has none');
  const column = (stage) => agent.locator(`[data-testid="column"][data-stage="${stage}"]`);
  assert.equal(await column(firstStage).locator('[data-testid="card-title"]', { hasText: dealTitle }).count(), 1);
  const move = card.locator('[data-testid="card-move"]');
  await move.focus();
  await move.press('ArrowDown');
  await move.press('Enter').catch(() => {});
  const stages = await move.locator('option').evaluateAll((os) => os.map((o) => o.value));
  const nextStage = stages[stages.indexOf(firstStage) + 1];
  await eventually(async () => assert.equal(await column(nextStage).locator('[data-testid="card-title"]', { hasText: dealTitle }).count(), 1), { timeout: WAIT });
  assert.equal(await column(firstStage).locator('[data-testid="card-title"]', { hasText: dealTitle }).count(), 0);
  assert.equal(await column(nextStage).locator('[data-testid="column-count"]').textContent(), '1');
  assert.match(await column(nextStage).locator('[data-testid="column-value"]').textContent(), /4,500/);
  await card.scrollIntoViewIfNeeded();
  await shot(agent, 'deal-moved');

  // The follow-up waits under Tasks.
  await goTo(agent, 'tasks', 'tasks');
  // "Today" is the business's day (the default profile's Asia/Kolkata), not the browser's.
  const businessDate = (at) => new Date(at).toLocaleDateString('en-CA', { timeZone: 'Asia/Kolkata' });
  const sameDay = businessDate(dueAt) === businessDate(Date.now());
  await agent.locator(`[data-testid="tasks-tab"][data-view="${sameDay ? 'today' : 'upcoming'}"]`).click();
  await byTestId(agent, 'task').filter({ has: agent.locator('[data-testid="task-title"]', { hasText: followUp }) }).waitFor({ state: 'visible', timeout: WAIT });
  await shot(agent, 'task-found');

  // Evening: the manager opens the Dashboard and finds the day in it.
  const manager = await accept(managerLink, managerEmail, 'mira password 1', 'Mira Shah');
  await goTo(manager, 'dashboard', 'dash-workload');
  await eventually(async () => {
    const totals = byTestId(manager, 'dash-messages-total');
    assert.equal(await totals.getAttribute('data-inbound'), '1');
    assert.equal(await totals.getAttribute('data-outbound'), '1');
  }, { timeout: WAIT });
  // The chart's time axis spans the chosen range, not years around one day.
  const span = async (edge) => manager.locator('[data-testid="chart-messages"] [role="img"]').getAttribute(`data-x-${edge}`);
  const day = async (id) => Date.parse(`${await manager.locator(id).inputValue()}T00:00:00Z`) / 1000;
  await eventually(async () => {
    assert.equal(Number(await span('min')), await day('#dash-from'));
    assert.equal(Number(await span('max')), await day('#dash-to'));
  }, { timeout: WAIT });
  const reached = async (stage) => Number(await manager.locator(`[data-testid="funnel-stage"][data-stage="${stage}"]`).getAttribute('data-reached'));
  assert.equal(await reached(firstStage), 1);
  assert.equal(await reached(nextStage), 1);
  // The agent who answered, with one answered conversation.
  const agentRow = byTestId(manager, 'dash-agent').filter({ hasText: agentEmail });
  assert.equal(await agentRow.getAttribute('data-answered'), '1');
  await shot(manager, 'dashboard');
  await byTestId(manager, 'dash-funnel').scrollIntoViewIfNeeded();
  await shot(manager, 'dashboard-funnel');

  for (const page of pages) assert.deepEqual(page.errors, [], 'errors in a page');
});
