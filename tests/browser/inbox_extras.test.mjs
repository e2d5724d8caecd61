// Browser tests for a new conversation by phone, unread markers per person
// and the business profile: the page against its own parley-local and
// Cloud API simulator (free ports, a table of its own).
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/inbox_extras.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENV, sleep, eventually, byTestId, contactRow, startStack, stopStack, axeViolations, WAIT, PHONE, newPage, signIn, showAll, noSidewaysScroll, screenshot, customerWrites, openConversation, holdRequests, failRequests, addTeammate, sessionCookie } from './harness.mjs';

const TEST = { timeout: 180_000 };

let stack;
let base;

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local');
  stack = await startStack('inboxp');
  ({ base } = stack);
}, { timeout: 200_000 });

after(() => stopStack(stack));

test('a new lead by phone, with its tags, source and owner, opens with templates only, and the customer\'s reply lands in it', TEST, async () => {
  // Someone wrote once, so the business number is known without configuring it.
  await customerWrites(stack, '919700000101', 'First Customer', 'hello');
  const { context, page } = await newPage(stack, { viewport: PHONE, bypassCSP: true });
  // The team answers only once the form is filled in: the owner list must
  // then fill itself, with nothing typed after (a slow machine's order).
  const teamArrives = await holdRequests(page, '/api/users');
  try {
    await signIn(stack, page);
    await byTestId(page, 'new-conversation').click();
    const form = byTestId(page, 'new-conversation-form');
    await byTestId(form, 'new-conversation-phone').fill('12');
    await byTestId(form, 'new-conversation-submit').click();
    await eventually(async () => assert.equal(await byTestId(form, 'new-conversation-error').textContent(), 'the phone number is too short'));

    await byTestId(form, 'new-conversation-phone').fill('098765 43210');
    await byTestId(form, 'new-conversation-name').fill('Asha New');
    await byTestId(form, 'new-conversation-tags').fill('Wholesale, diwali');
    await byTestId(form, 'new-conversation-source').fill('exhibition');
    assert.equal(await byTestId(form, 'new-conversation-owner').locator('option').count(), 1, 'only "unassigned" while the team is on its way');
    teamArrives();
    await eventually(async () => {
      if ((await byTestId(form, 'new-conversation-owner').locator('option').count()) > 1) return;
      const seen = {
        form: await form.count(),
        signInForm: await byTestId(page, 'login-form').count(),
        error: await byTestId(form, 'new-conversation-error').textContent({ timeout: 1000 }).catch(() => null),
      };
      assert.fail(`the team to choose from: ${JSON.stringify(seen)}`);
    }, { timeout: 2 * WAIT });
    await byTestId(form, 'new-conversation-owner').selectOption(ENV.PARLEY_ADMIN_EMAIL);
    await noSidewaysScroll(page);
    assert.deepEqual(await axeViolations(page), [], 'axe-core on the new-conversation form');
    await screenshot(page, 'new-conversation-360.png');
    await byTestId(form, 'new-conversation-submit').click();
    await eventually(async () => assert.equal(await byTestId(page, 'conversation-name').textContent(), 'Asha New'));
    assert.match(page.url(), /#\/inbox\/[0-9a-f]{24}$/);
    const id = page.url().split('/').pop();
    const composer = byTestId(page, 'composer');
    await composer.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await composer.getAttribute('data-window'), 'closed');
    assert.equal(await byTestId(page, 'composer-input').isVisible(), false, 'no free-form text before the customer writes');
    await byTestId(page, 'template-picker').waitFor({ state: 'visible', timeout: WAIT });

    const wamid = await customerWrites(stack, '919876543210', 'Asha WhatsApp', 'Got your number from the shop');
    await page.locator(`[data-testid="message"][data-message-id="${wamid}"]`).waitFor({ state: 'visible', timeout: WAIT });
    await eventually(async () => assert.equal(await composer.getAttribute('data-window'), 'open'));
    const contacts = await page.evaluate(async () => (await (await fetch('/api/contacts', { credentials: 'same-origin' })).json()).items);
    const asha = contacts.filter((c) => c.phone === '+919876543210');
    assert.equal(asha.length, 1, JSON.stringify(contacts));
    assert.equal(asha[0].id, id);
    assert.deepEqual(asha[0].tags, ['diwali', 'wholesale']);
    assert.equal(asha[0].fields.source, 'exhibition');
    assert.equal(asha[0].owner, ENV.PARLEY_ADMIN_EMAIL);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test('a teammate\'s note shows before the team has loaded, and names them once it has, after failed loads too', TEST, async () => {
  const RAVI = { email: 'ravi@notes.example', password: 'ravi password 1' };
  await customerWrites(stack, '919700000303', 'Notes Customer', 'hello');
  const { context, page } = await newPage(stack, { bypassCSP: true });
  try {
    await signIn(stack, page);
    await addTeammate(stack, page, { ...RAVI, name: 'Ravi Kumar' });
    const cookie = await sessionCookie(stack, RAVI);
    const json = { 'content-type': 'application/json', accept: 'application/json' };
    const id = await openConversation(page, 'Notes Customer');
    const note = await fetch(`${base}/api/contacts/${id}/notes`, { method: 'POST', headers: { ...json, cookie }, body: JSON.stringify({ text: 'Wants the blue one' }) });
    assert.ok(note.ok, `Ravi's note: ${note.status}`);

    // A fresh load whose team answers only once the note shows: the note
    // does not wait for it, and names its author when it lands.
    const teamArrives = await holdRequests(page, '/api/users');
    await page.reload();
    const meta = page.locator('[data-testid="timeline-note"] .timeline-note-meta');
    await eventually(async () => assert.match(await meta.textContent({ timeout: 1000 }), /^ravi@notes\.example/), { timeout: WAIT });
    teamArrives();
    await eventually(async () => assert.match(await meta.textContent({ timeout: 1000 }), /^Ravi Kumar/), { timeout: WAIT });

    // A team load that fails is tried again, with no reload or click.
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await failRequests(page, '/api/users', 2);
    await page.reload();
    await eventually(async () => assert.match(await meta.textContent({ timeout: 1000 }), /^Ravi Kumar/), { timeout: WAIT });
    assert.ok(page.apiLog.filter((line) => line === 'GET /api/users 503').length >= 2, page.apiLog.join('\n'));
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test('the unread dot shows for a new inbound message and clears on opening', TEST, async () => {
  await customerWrites(stack, '919700000201', 'Ravi Unread', 'first question');
  await customerWrites(stack, '919700000202', 'Other Person', 'hi');
  const { context, page } = await newPage(stack, { viewport: PHONE, bypassCSP: true });
  try {
    await signIn(stack, page);
    await showAll(page);
    const ravi = contactRow(page, 'Ravi Unread');
    await ravi.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await ravi.getAttribute('data-unread'), 'true');
    assert.equal(await byTestId(ravi, 'unread-dot').getAttribute('aria-label'), 'Unread');
    // Leaving before the read marker is stored would cancel it: under load
    // the reload below could otherwise come first.
    const stored = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/read'), { timeout: WAIT });
    await ravi.click();
    await stored;
    await eventually(async () => assert.equal(await byTestId(page, 'conversation-name').textContent(), 'Ravi Unread'));

    // Read on the server, not only on this page: a reload shows it read.
    await page.goto(`${base}/#/inbox`);
    await showAll(page);
    await contactRow(page, 'Ravi Unread').waitFor({ state: 'visible', timeout: WAIT });
    await eventually(async () => assert.equal(await contactRow(page, 'Ravi Unread').getAttribute('data-unread'), 'false'));
    assert.equal(await contactRow(page, 'Other Person').getAttribute('data-unread'), 'true', 'the other one is still unread');

    // Whole-second webhook timestamps: the next message is a second later.
    await sleep(1100);
    await customerWrites(stack, '919700000201', 'Ravi Unread', 'second question');
    await eventually(async () => assert.equal(await contactRow(page, 'Ravi Unread').getAttribute('data-unread'), 'true'), { timeout: WAIT });
    assert.deepEqual(await axeViolations(page), [], 'axe-core on the list with an unread dot');
    await screenshot(page, 'unread-360.png');
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test('an admin sets the business currency in Settings and deal values follow it', TEST, async () => {
  await customerWrites(stack, '919700000301', 'Deal Customer', 'I want 12 sarees');
  // A desktop: the contact panel sits beside the conversation.
  const { context, page } = await newPage(stack, { bypassCSP: true });
  try {
    await signIn(stack, page);
    await page.goto(`${base}/#/settings/business`);
    const form = byTestId(page, 'business-form');
    await form.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(form, 'business-currency').inputValue(), 'INR');
    // The rate card is a read of its own, beside the profile's.
    await byTestId(page, 'rate-card-row').first().waitFor({ state: 'visible', timeout: WAIT });
    assert.ok((await byTestId(page, 'rate-card-row').count()) >= 1, 'the rate card comes from the API');
    assert.match(await byTestId(page, 'rate-card').textContent(), /₹0\.78/);

    await byTestId(form, 'business-country').fill('XX');
    await byTestId(form, 'business-save').click();
    await eventually(async () => assert.match(await byTestId(form, 'business-error').textContent(), /country must be an ISO 3166-1 alpha-2 code/));
    await byTestId(form, 'business-country').fill('IN');
    await byTestId(form, 'business-currency').fill('usd');
    await byTestId(form, 'business-name').fill('Asha Textiles');
    await byTestId(form, 'business-save').click();
    await eventually(async () => assert.equal(await byTestId(form, 'business-message').textContent(), 'Business profile saved.'));
    assert.equal(await byTestId(form, 'business-error').textContent(), '');
    await noSidewaysScroll(page);
    await screenshot(page, 'business-profile-1280.png');

    await page.goto(`${base}/#/inbox`);
    await showAll(page);
    await contactRow(page, 'Deal Customer').click();
    await eventually(async () => assert.equal(await byTestId(page, 'conversation-name').textContent(), 'Deal Customer'));
    const value = byTestId(page, 'deal-value-input');
    await value.waitFor({ state: 'attached', timeout: WAIT });
    assert.equal(await page.locator('label[for="deal-value"]').textContent(), 'Value in $');
    await byTestId(page, 'deal-title-input').fill('Twelve sarees');
    await value.fill('120');
    await byTestId(page, 'deal-create').click();
    await eventually(async () => assert.equal(await byTestId(page, 'deal-value').first().textContent(), '$120.00'), { timeout: WAIT });
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});
