// Browser tests for the composer: replies, templates, send states, retries
// and opt-outs, end to end. This file runs its own Cloud API simulator and
// its own parley-local (on free ports, with a table of its own), so what the
// page sends really reaches the simulator and the simulator's signed status
// webhooks really come back.
//
//   cargo build -p parley-local -p parley-simulator
//   eval "$(./infra/emulators.sh start)"   # DynamoDB Local and moto (SQS)
//   export AWS_ENDPOINT_URL_DYNAMODB AWS_ENDPOINT_URL_SQS AWS_ENDPOINT_URL_S3
//   node --test tests/browser/

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { ENV, eventually, byTestId, contactRow, WAIT, startStack, stopStack, newPage, signIn, customerWrites, openConversation, assertNoPageErrors, screenshot } from './harness.mjs';

const TEST = { timeout: 180_000 };

let stack;
let sim;
let base;

// ---------------------------------------------------------------------------
// The customer's and Meta's side

/** A message posted straight to Parley's /webhook, signed, written `agoSeconds` ago (the simulator never saw it). */
async function customerWroteLongAgo(waId, name, textBody, agoSeconds) {
  const id = `wamid.${crypto.randomBytes(18).toString('hex').toUpperCase()}`;
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{
      id: '1',
      changes: [{
        field: 'messages',
        value: {
          messaging_product: 'whatsapp',
          metadata: { display_phone_number: '15550783881', phone_number_id: '106540352242922' },
          contacts: [{ profile: { name }, wa_id: waId }],
          messages: [{ id, from: waId, timestamp: String(Math.floor(Date.now() / 1000) - agoSeconds), type: 'text', text: { body: textBody } }],
        },
      }],
    }],
  });
  const signature = crypto.createHmac('sha256', ENV.WHATSAPP_APP_SECRET).update(body).digest('hex');
  const res = await fetch(`${base}/webhook`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hub-signature-256': `sha256=${signature}` },
    body,
  });
  assert.equal(res.status, 200, `webhook answered ${res.status}: ${await res.text()}`);
  return id;
}

/** What the simulated Cloud API accepted for `to`. */
async function accepted(to) {
  const res = await fetch(`${sim.base}/sim/accepted`);
  assert.equal(res.status, 200);
  return (await res.json()).filter((a) => a.to === to);
}

async function setFaults(faults) {
  const res = await fetch(`${sim.base}/sim/faults`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(faults),
  });
  assert.equal(res.status, 204);
}

// ---------------------------------------------------------------------------
// The browser's side

/** Opens `name`'s conversation and waits for its composer; returns the contact's id. */
async function openComposer(page, name) {
  const id = await openConversation(page, name);
  await byTestId(page, 'composer').waitFor({ state: 'visible', timeout: WAIT });
  return id;
}

const bubble = (page, id) => page.locator(`[data-testid="message"][data-message-id="${id}"]`);

/** Outbound bubbles whose text is exactly `text`. */
function outbound(page, text) {
  return page.locator('[data-testid="message"][data-direction="out"]')
    .filter({ has: page.locator('[data-testid="message-text"]', { hasText: new RegExp(`^${escapeRegExp(text)}$`) }) });
}

const escapeRegExp = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

async function statusOf(locator) {
  return locator.locator('[data-testid="status"]').getAttribute('data-status');
}

/** Records every status each outbound bubble shows, in order, from inside the page. */
async function recordStatuses(page) {
  await page.evaluate(() => {
    window.__statuses = {};
    const scan = () => {
      for (const li of document.querySelectorAll('[data-testid="message"][data-direction="out"]')) {
        const status = li.querySelector('[data-testid="status"]')?.dataset.status;
        const seen = (window.__statuses[li.dataset.messageId] ??= []);
        if (status && seen[seen.length - 1] !== status) seen.push(status);
      }
    };
    new MutationObserver(scan).observe(document.getElementById('timeline'), { childList: true, subtree: true, attributes: true });
    scan();
  });
}

const statusesSeen = (page, id) => page.evaluate((i) => window.__statuses?.[i] ?? [], id);

/** The text of every option in a select, in order. */
const optionValues = (select) => select.locator('option').evaluateAll((os) => os.map((o) => o.value));

/** Staff's view through the API, with the page's own session. */
const apiGet = (page, url) => page.evaluate(async (u) => (await fetch(u, { credentials: 'same-origin' })).json(), url);

// ---------------------------------------------------------------------------

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local (see infra/emulators.sh)');
  assert.ok(ENV.AWS_ENDPOINT_URL_SQS, 'AWS_ENDPOINT_URL_SQS must point at a running SQS emulator (see infra/emulators.sh)');
  // A send that keeps failing gives up after two attempts, a second apart.
  stack = await startStack('composer', { env: { SEND_MAX_ATTEMPTS: '2', SEND_RETRY_BASE_SECONDS: '1' } });
  ({ sim, base } = stack);
}, { timeout: 200_000 });

after(() => stopStack(stack));

// ---------------------------------------------------------------------------

test('a reply inside the window goes out once, queued and then read, quoting the customer', TEST, async () => {
  const kiran = '919700000001';
  const question = await customerWrites(stack, kiran, 'Kiran Rao', 'Do you have the blue kurta in size M?');
  const { context, page } = await newPage(stack);
  try {
    await signIn(stack, page);
    await openComposer(page, 'Kiran Rao');
    await bubble(page, question).waitFor({ state: 'visible', timeout: WAIT });
    assert.match(await byTestId(page, 'window-note').textContent(), /^Service window open until .+ — free-form replies are allowed\.$/);

    const input = byTestId(page, 'composer-input');
    const send = byTestId(page, 'send');
    assert.equal(await input.isVisible(), true);
    assert.equal(await send.isDisabled(), true, 'Send is disabled while the message is empty');
    await input.fill('   ');
    assert.equal(await send.isDisabled(), true, 'blank text cannot be sent');

    // Reply to the customer's question, change our mind, then reply again.
    await bubble(page, question).hover();
    await bubble(page, question).locator('[data-testid="reply-action"]').click();
    assert.equal(await byTestId(page, 'reply-preview-text').textContent(), 'Do you have the blue kurta in size M?');
    await byTestId(page, 'reply-cancel').click();
    await byTestId(page, 'reply-preview').waitFor({ state: 'hidden' });
    await bubble(page, question).hover();
    await bubble(page, question).locator('[data-testid="reply-action"]').click();
    await byTestId(page, 'reply-preview').waitFor({ state: 'visible' });

    // Shift+Enter is a new line, not a send.
    await input.fill('Yes, size M is in stock.');
    await input.press('Shift+Enter');
    await input.pressSequentially('Shall I keep one for you?');
    const typed = 'Yes, size M is in stock.\nShall I keep one for you?';
    assert.equal(await input.inputValue(), typed);
    assert.equal(await send.isEnabled(), true);
    assert.match(await byTestId(page, 'text-estimate').textContent(), /estimate.*Free/i);
    await screenshot(page, 'composer-open.png');

    await recordStatuses(page);
    await input.press('Enter');
    const sent = outbound(page, typed);
    await sent.waitFor({ state: 'visible', timeout: WAIT });
    const id = await sent.getAttribute('data-message-id');
    assert.match(id, /^pm\./);
    // The draft is done: cleared, and the reply target with it.
    assert.equal(await input.inputValue(), '');
    assert.equal(await byTestId(page, 'reply-preview').isVisible(), false);
    assert.match(await byTestId(page, 'send-result').textContent(), /Queued.*estimate.*Free/i);

    await eventually(async () => assert.equal(await statusOf(bubble(page, id)), 'read'));
    const seen = await statusesSeen(page, id);
    assert.equal(seen[0], 'queued', `the bubble showed ${JSON.stringify(seen)}`);
    assert.equal(seen[seen.length - 1], 'read');
    assert.equal(await bubble(page, id).locator('[data-testid="status"]').getAttribute('aria-label'), 'Read');
    assert.match(await bubble(page, id).locator('[data-testid="reply"]').textContent(), /Do you have the blue kurta in size M\?/);
    assert.equal(await outbound(page, typed).count(), 1);

    const got = await accepted(kiran);
    assert.equal(got.length, 1, 'the Cloud API received the reply exactly once');
    assert.equal(got[0].body.type, 'text');
    assert.equal(got[0].body.text.body, typed);
    assert.equal(got[0].body.context?.message_id, question);
    assertNoPageErrors(page);
  } finally {
    await context.close();
  }
});

test('a double click on Send, or an answer lost on the way back, still sends once', TEST, async () => {
  const kiran = '919700000001';
  const { context, page } = await newPage(stack);
  try {
    await signIn(stack, page);
    await openComposer(page, 'Kiran Rao');
    const input = byTestId(page, 'composer-input');
    const before = (await accepted(kiran)).length;

    await input.fill('Your order is packed.');
    await byTestId(page, 'send').dblclick();
    const packed = outbound(page, 'Your order is packed.');
    await packed.waitFor({ state: 'visible', timeout: WAIT });
    await eventually(async () => assert.equal(await statusOf(packed), 'read'));
    assert.equal(await packed.count(), 1);
    assert.equal((await accepted(kiran)).length, before + 1);

    // Parley stores the message, but its answer never reaches the page: the
    // page tries again with the same Idempotency-Key and Parley recognises it.
    const keys = [];
    await page.route('**/api/contacts/*/messages', async (route) => {
      if (route.request().method() !== 'POST') return route.fallback();
      keys.push(route.request().headers()['idempotency-key']);
      if (keys.length === 1) {
        await route.fetch();
        return route.abort('failed');
      }
      return route.continue();
    });
    await input.fill('It ships tomorrow morning.');
    await input.press('Enter');
    const ships = outbound(page, 'It ships tomorrow morning.');
    await ships.waitFor({ state: 'visible', timeout: WAIT });
    await eventually(async () => assert.equal(await statusOf(ships), 'read'));
    // The push that marks it read can arrive before the page's retry (it waits
    // a moment after the failed request): wait for the retry and its answer.
    await eventually(async () => assert.equal(await byTestId(page, 'send-result').getAttribute('data-replayed'), 'true'), { timeout: WAIT });
    assert.equal(keys.length, 2, 'the page retried once');
    assert.match(keys[0], /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(keys[1], keys[0], 'the retry carried the same Idempotency-Key');
    assert.equal(await ships.count(), 1);
    assert.equal((await accepted(kiran)).length, before + 2, 'one Cloud API call per message');
    assertNoPageErrors(page);
  } finally {
    await context.close();
  }
});

test('outside the window only a template can be sent: synced, filled in, priced, refused when incomplete', TEST, async () => {
  const meena = '919700000002';
  await customerWroteLongAgo(meena, 'Meena Iyer', 'Where is my order?', 2 * 86_400);
  const { context, page } = await newPage(stack);
  const sends = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && /\/api\/contacts\/[^/]+\/messages$/.test(new URL(r.url()).pathname)) sends.push(r);
  });
  try {
    await signIn(stack, page);
    await openComposer(page, 'Meena Iyer');
    assert.match(await byTestId(page, 'window-note').textContent(),
      /^The 24-hour window closed at .+; only an approved template can be sent\.$/);
    // No way to type a free-form message.
    assert.equal(await byTestId(page, 'composer-input').isVisible(), false);
    assert.equal(await byTestId(page, 'send').isVisible(), false);
    assert.equal(await byTestId(page, 'template-toggle').isVisible(), false);
    assert.equal(await byTestId(page, 'text-toggle').isVisible(), false);

    // A fresh deployment has no templates until they are synced from Meta.
    const picker = byTestId(page, 'template-picker');
    await byTestId(picker, 'templates-empty').waitFor({ state: 'visible', timeout: WAIT });
    await byTestId(picker, 'sync-templates').click();
    const name = byTestId(picker, 'template-name');
    await eventually(async () => assert.deepEqual(await optionValues(name), ['order_shipped', 'order_update', 'quote_ready', 'store_visit', 'login_code', 'diwali_sale', 'festive_coupon', 'part_offer']),
      { timeout: WAIT });
    assert.match(await byTestId(page, 'send-result').textContent(), /Synced 10 templates/);
    assert.equal(await byTestId(picker, 'templates-empty').isVisible(), false);
    // Grouped by category; the pending one is not offered.
    assert.deepEqual(await name.locator('optgroup').evaluateAll((gs) => gs.map((g) => g.label)), ['Utility', 'Authentication', 'Marketing']);

    await name.selectOption('order_update');
    const language = byTestId(picker, 'template-language');
    assert.deepEqual(await optionValues(language), ['en_US', 'hi']);
    await language.selectOption('en_US');
    assert.match(await byTestId(picker, 'template-estimate').textContent(), /estimate.*₹0\.12.*Utility/i);

    // Every parameter must be filled in: the page does not send an incomplete template.
    const params = byTestId(picker, 'template-param');
    assert.equal(await params.count(), 2);
    const sendTemplate = byTestId(picker, 'send-template');
    await params.nth(0).fill('Meena');
    assert.equal(await sendTemplate.isDisabled(), true);
    assert.match(await byTestId(picker, 'template-hint').textContent(), /Fill in the parameter to send/);
    await params.nth(1).fill('   ');
    await params.nth(1).press('Enter');
    assert.equal(await sendTemplate.isDisabled(), true);
    assert.equal(await byTestId(picker, 'template-preview').textContent(), 'Hi Meena, your order {{2}} has shipped.');

    await params.nth(1).fill('#A-1182');
    assert.equal(await sendTemplate.isEnabled(), true);
    assert.equal(await byTestId(picker, 'template-preview').textContent(), 'Hi Meena, your order #A-1182 has shipped.');
    await language.selectOption('hi');
    assert.equal(await byTestId(picker, 'template-preview').textContent(), 'नमस्ते Meena, आपका ऑर्डर #A-1182 भेज दिया गया है।');
    await language.selectOption('en_US');
    await screenshot(page, 'composer-closed.png');
    assert.equal(sends.length, 0, 'nothing was sent while a parameter was empty');

    // Parley's own check: a request with a parameter missing is refused with
    // 422, shown next to the composer, and what was typed stays.
    await page.route('**/api/contacts/*/messages', async (route) => {
      const body = route.request().postDataJSON();
      body.template.params = body.template.params.slice(0, 1);
      await route.continue({ postData: JSON.stringify(body) });
    }, { times: 1 });
    await sendTemplate.click();
    await eventually(async () => assert.match(await byTestId(page, 'composer-error').textContent(),
      /^Not sent: template "order_update" takes 2 parameter\(s\), 1 given\.$/));
    assert.equal(await params.nth(0).inputValue(), 'Meena');
    assert.equal(await params.nth(1).inputValue(), '#A-1182');
    assert.equal((await accepted(meena)).length, 0);

    await sendTemplate.click();
    const sent = outbound(page, 'Hi Meena, your order #A-1182 has shipped.');
    await sent.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(page, 'composer-error').textContent(), '');
    assert.match(await byTestId(page, 'send-result').textContent(), /Queued.*estimate.*₹0\.12.*Utility/i);
    assert.match(await sent.locator('[data-testid="placeholder"]').textContent(), /Template/);
    await eventually(async () => assert.equal(await statusOf(sent), 'read'));
    // Priced on the bubble too: a utility template outside the window is billed.
    assert.match(await sent.locator('[data-testid="message-estimate"]').textContent(), /₹0\.12/);
    // Still only templates here, with a fresh form.
    assert.equal(await byTestId(page, 'composer-input').isVisible(), false);
    assert.equal(await params.nth(0).inputValue(), '');

    const got = await accepted(meena);
    assert.equal(got.length, 1);
    assert.equal(got[0].body.type, 'template');
    assert.equal(got[0].body.template.name, 'order_update');
    assert.equal(got[0].body.template.language.code, 'en_US');
    assert.deepEqual(got[0].body.template.components[0].parameters.map((p) => p.text), ['Meena', '#A-1182']);
    assertNoPageErrors(page);
  } finally {
    await context.close();
  }
});

test('a window that closed while staff were typing: the text is refused with the reason, kept, and templates offered', TEST, async () => {
  const meena = '919700000002';
  const before = (await accepted(meena)).length;
  const { context, page } = await newPage(stack);
  // The page last heard the window was open; Parley knows it has closed.
  let stale = true;
  // Every read that carries the contact: lists, the contact, and the live feed.
  const contactsApi = (url) => /^\/api\/(contacts(\/[^/]+)?|changes)$/.test(url.pathname);
  await page.route(contactsApi, async (route) => {
    const response = await route.fetch();
    const json = await response.json();
    if (!stale || route.request().method() !== 'GET') return route.fulfill({ response, json });
    const reopen = (c) => (c?.name === 'Meena Iyer' ? { ...c, window: { open: true, closes_at: new Date(Date.now() + 3_600_000).toISOString() } } : c);
    const feed = new URL(route.request().url()).pathname === '/api/changes';
    const stalled = feed ? { ...json, contact: reopen(json.contact), contacts: json.contacts.map(reopen) }
      : Array.isArray(json.items) ? { ...json, items: json.items.map(reopen) } : reopen(json);
    await route.fulfill({ response, json: stalled });
  });
  try {
    await signIn(stack, page);
    await openComposer(page, 'Meena Iyer');
    const input = byTestId(page, 'composer-input');
    await input.waitFor({ state: 'visible', timeout: WAIT });
    await input.fill('Are you still there?');
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().endsWith('/messages')) stale = false;
    });
    await input.press('Enter');
    await eventually(async () => assert.match(await byTestId(page, 'composer-error').textContent(),
      /^Not sent: the 24-hour window closed at .+; only an approved template can be sent\.$/));
    // The page learns the truth and offers templates; the typed text is kept for later.
    await byTestId(page, 'template-picker').waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await input.isVisible(), false);
    assert.equal(await input.inputValue(), 'Are you still there?');
    assert.match(await byTestId(page, 'window-note').textContent(), /^The 24-hour window closed at/);
    assert.equal(await outbound(page, 'Are you still there?').count(), 0);
    assert.equal((await accepted(meena)).length, before);
    assertNoPageErrors(page);
  } finally {
    // A handler still reading an answer when the page closes must not fail the file later.
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await context.close();
  }
});

test('a failed send shows Meta\'s error, and Retry sends it again', TEST, async () => {
  const farah = '919700005678';
  await customerWrites(stack, farah, 'Farah Khan', 'Please send the invoice');
  const { context, page } = await newPage(stack);
  try {
    await signIn(stack, page);
    await openComposer(page, 'Farah Khan');
    const input = byTestId(page, 'composer-input');

    // Meta accepts the message, then reports it undeliverable.
    await setFaults({ failing_recipient_suffix: '5678' });
    await input.fill('Here is your invoice: INV-2231');
    await input.press('Enter');
    const invoice = outbound(page, 'Here is your invoice: INV-2231');
    await invoice.waitFor({ state: 'visible', timeout: WAIT });
    await eventually(async () => assert.equal(await statusOf(invoice), 'failed'));
    const error = invoice.locator('[data-testid="message-error"]');
    assert.equal(await error.locator('.msg-error-title').textContent(), 'Message undeliverable');
    assert.equal(await error.locator('.msg-error-code').textContent(), '131026');
    assert.equal(await error.locator('.msg-error-details').textContent(), 'Receiver is incapable of receiving this message');
    assert.equal((await accepted(farah)).length, 1);
    await invoice.scrollIntoViewIfNeeded();
    await screenshot(page, 'composer-failed.png');

    await setFaults({});
    await invoice.locator('[data-testid="retry"]').click();
    await eventually(async () => assert.equal((await accepted(farah)).length, 2), { timeout: WAIT });
    await eventually(async () => assert.equal(await statusOf(invoice), 'read'));
    assert.equal(await invoice.locator('[data-testid="message-errors"]').count(), 0);
    assert.equal(await invoice.locator('[data-testid="retry"]').count(), 0);

    // The Cloud API is down: Parley retries, then gives up and says so.
    await setFaults({ server_error_rate: 1 });
    await input.fill('Sorry for the trouble!');
    await input.press('Enter');
    const sorry = outbound(page, 'Sorry for the trouble!');
    await sorry.waitFor({ state: 'visible', timeout: WAIT });
    await eventually(async () => assert.equal(await statusOf(sorry), 'failed'), { timeout: 60_000 });
    const titles = await sorry.locator('.msg-error-title').allTextContents();
    assert.deepEqual(titles, ['An unknown error occurred', 'Gave up after 2 attempts']);
    assert.equal((await accepted(farah)).length, 2, 'nothing reached Meta during the outage');

    await setFaults({});
    await sorry.locator('[data-testid="retry"]').click();
    await eventually(async () => assert.equal(await statusOf(sorry), 'read'));
    assert.equal((await accepted(farah)).length, 3);
    assertNoPageErrors(page);
  } finally {
    await setFaults({});
    await context.close();
  }
});

test('an unknown outcome and a send being retried are explained on the bubble', TEST, async () => {
  // Whether Meta got a message it did not answer is settled by its status
  // webhook, which the simulator always sends: the page is given the states
  // the API documents for those moments.
  const { context, page } = await newPage(stack);
  const retried = [];
  try {
    await page.route('**/api/contacts/*/messages*', async (route) => {
      if (route.request().method() !== 'GET') return route.fallback();
      const response = await route.fetch();
      const json = await response.json();
      if (json.items.some((m) => m.direction === 'in' && m.text === 'Do you have the blue kurta in size M?')) {
        const at = (i) => new Date(Date.now() + i * 1000).toISOString();
        json.items.push(
          { id: 'pm.unknown', direction: 'out', type: 'text', text: 'Did this one arrive?', status: 'sending', at: at(1), content: null, context: null, referral: null, errors: null, pricing: null, attempts: 1, outcome_unknown: true, estimate: { category: 'service', free: true, amount_minor: 0, currency: 'INR' } },
          { id: 'pm.retrying', direction: 'out', type: 'text', text: 'Trying again', status: 'queued', at: at(2), content: null, context: null, referral: null, errors: null, pricing: null, attempts: 1, outcome_unknown: false, estimate: null },
          { id: 'pm.promo', direction: 'out', type: 'template', text: 'Kiran, 20% off everything this week.', status: 'delivered', at: at(3), content: null, context: null, referral: null, errors: null, pricing: null, attempts: 1, outcome_unknown: false, estimate: { category: 'marketing', free: false, amount_minor: 91, currency: 'INR' } },
        );
      }
      await route.fulfill({ response, json });
    });
    await page.route('**/api/messages/*/retry', async (route) => {
      retried.push(new URL(route.request().url()).pathname);
      await route.fulfill({ status: 409, json: { error: { code: 'not_retryable', message: 'only a failed message, or one whose outcome is unknown, can be retried' } } });
    });
    await signIn(stack, page);
    await openComposer(page, 'Kiran Rao');

    const unknown = bubble(page, 'pm.unknown');
    await unknown.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await unknown.locator('[data-testid="delivery-unknown"]').textContent(), 'Delivery unknown — Meta did not answer');
    assert.equal(await bubble(page, 'pm.retrying').locator('[data-testid="delivery-retrying"]').textContent(), 'retrying (attempt 2)');
    assert.equal(await bubble(page, 'pm.retrying').locator('[data-testid="retry"]').count(), 0);
    assert.match(await bubble(page, 'pm.promo').locator('[data-testid="message-estimate"]').textContent(), /estimate.*₹0\.91.*Marketing/i);

    await unknown.locator('[data-testid="retry"]').click();
    await eventually(async () => assert.equal(await unknown.locator('[data-testid="retry-error"]').textContent(),
      'This message cannot be retried any more: its status has changed.'));
    assert.deepEqual(retried, ['/api/messages/pm.unknown/retry']);
    assertNoPageErrors(page);
  } finally {
    // A handler still reading an answer when the page closes must not fail the file later.
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await context.close();
  }
});

test('opting a customer out hides marketing templates, and so does their STOP', TEST, async () => {
  const vikram = '919700000003';
  await customerWrites(stack, vikram, 'Vikram Shah', 'Hi, any offers this week?');
  const { context, page } = await newPage(stack);
  try {
    await signIn(stack, page);
    const id = await openComposer(page, 'Vikram Shah');
    const toggle = byTestId(page, 'opt-out-toggle');
    assert.equal(await toggle.getAttribute('aria-checked'), 'true');
    assert.equal(await byTestId(page, 'opt-out-state').textContent(), 'Marketing allowed');

    await byTestId(page, 'template-toggle').click();
    const picker = byTestId(page, 'template-picker');
    const name = byTestId(picker, 'template-name');
    await eventually(async () => assert.ok((await optionValues(name)).includes('diwali_sale')));
    await name.selectOption('diwali_sale');
    assert.match(await byTestId(picker, 'template-estimate').textContent(), /₹0\.78.*Marketing/);
    // Inside the window a utility template is free.
    await name.selectOption('order_update');
    assert.match(await byTestId(picker, 'template-estimate').textContent(), /Free.*Utility/);
    await name.selectOption('diwali_sale');

    await toggle.click();
    await eventually(async () => assert.equal(await toggle.getAttribute('aria-checked'), 'false'));
    assert.equal(await byTestId(page, 'opt-out-state').textContent(), 'Opted out of marketing');
    assert.deepEqual(await optionValues(name), ['order_shipped', 'order_update', 'quote_ready', 'store_visit', 'login_code']);
    assert.equal(await byTestId(picker, 'optout-note').textContent(), '3 marketing templates are hidden: this customer opted out of marketing messages.');
    assert.equal((await apiGet(page, `/api/contacts/${id}`)).opted_out, true);
    await byTestId(contactRow(page, 'Vikram Shah'), 'opted-out').waitFor({ state: 'visible', timeout: WAIT });
    // Replies are not marketing: the text composer is still there.
    await byTestId(picker, 'text-toggle').click();
    assert.equal(await byTestId(page, 'composer-input').isVisible(), true);
    await byTestId(page, 'template-toggle').click();

    await toggle.click();
    await eventually(async () => assert.equal(await toggle.getAttribute('aria-checked'), 'true'));
    assert.deepEqual(await optionValues(name), ['order_shipped', 'order_update', 'quote_ready', 'store_visit', 'login_code', 'diwali_sale', 'festive_coupon', 'part_offer']);
    assert.equal(await byTestId(picker, 'optout-note').isVisible(), false);
    assert.equal((await apiGet(page, `/api/contacts/${id}`)).opted_out, false);

    // The customer writes STOP: the next refresh shows them opted out.
    await customerWrites(stack, vikram, 'Vikram Shah', 'STOP');
    await eventually(async () => assert.equal(await toggle.getAttribute('aria-checked'), 'false'));
    await eventually(async () => assert.deepEqual(await optionValues(name), ['order_shipped', 'order_update', 'quote_ready', 'store_visit', 'login_code']));
    assertNoPageErrors(page);
  } finally {
    await context.close();
  }
});

test('markup typed into a reply or a template parameter is sent and shown as text', TEST, async () => {
  const mallory = '919700000004';
  const evilQuestion = '<img src=x onerror=window.__pwned=3>';
  const question = await customerWrites(stack, mallory, 'Mallory', evilQuestion);
  const typed = '<img src=x onerror="window.__pwned=1">';
  const param = '<script>window.__pwned=2</script>';
  const order = '<b>1182</b>';
  // Without the page's Content-Security-Policy: what is tested is the rendering itself.
  const { context, page } = await newPage(stack, { bypassCSP: true });
  try {
    await signIn(stack, page);
    await openComposer(page, 'Mallory');
    await bubble(page, question).hover();
    await bubble(page, question).locator('[data-testid="reply-action"]').click();
    assert.equal(await byTestId(page, 'reply-preview-text').textContent(), evilQuestion);

    await byTestId(page, 'composer-input').fill(typed);
    await byTestId(page, 'composer-input').press('Enter');
    const sent = outbound(page, typed);
    await sent.waitFor({ state: 'visible', timeout: WAIT });
    await eventually(async () => assert.equal(await statusOf(sent), 'read'));
    assert.equal((await accepted(mallory))[0].body.text.body, typed);

    await byTestId(page, 'template-toggle').click();
    const picker = byTestId(page, 'template-picker');
    await byTestId(picker, 'template-name').selectOption('order_update');
    await byTestId(picker, 'template-param').nth(0).fill(param);
    await byTestId(picker, 'template-param').nth(1).fill(order);
    const filled = `Hi ${param}, your order ${order} has shipped.`;
    assert.equal(await byTestId(picker, 'template-preview').textContent(), filled);
    await byTestId(picker, 'send-template').click();
    const templated = outbound(page, filled);
    await templated.waitFor({ state: 'visible', timeout: WAIT });
    await eventually(async () => assert.equal(await statusOf(templated), 'read'));

    const injected = await page.evaluate(() => ({
      elements: document.querySelectorAll('#conv-view img, #conv-view script, #conv-view b, #conv-view [onerror]').length,
      pwned: typeof window.__pwned,
    }));
    assert.deepEqual(injected, { elements: 0, pwned: 'undefined' });
    assertNoPageErrors(page);
  } finally {
    await context.close();
  }
});

test('reply buttons and a list go out from the composer, and the customer\'s tap lands in the conversation', TEST, async () => {
  const farida = '919700000021';
  await customerWrites(stack, farida, 'Farida Sheikh', 'When can you deliver?');
  const { context, page } = await newPage(stack);
  try {
    await signIn(stack, page);
    await openComposer(page, 'Farida Sheikh');
    await byTestId(page, 'interactive-toggle').click();
    const form = byTestId(page, 'interactive-form');
    await byTestId(form, 'interactive-header').fill('Delivery day');
    await byTestId(form, 'interactive-body').fill('Which day suits you?');
    await byTestId(form, 'interactive-footer').fill('Free delivery in Pune');
    await byTestId(form, 'interactive-option').nth(0).fill('Tomorrow');
    await byTestId(form, 'interactive-option').nth(1).fill('Saturday');
    await screenshot(page, 'interactive-form.png');
    // One field under another, and the kinds are radio buttons (the form
    // once ran labels and boxes together in wrapping rows).
    const lefts = await form.locator('#interactive-header, #interactive-body, #interactive-footer').evaluateAll((fields) => fields.map((f) => Math.round(f.getBoundingClientRect().left)));
    assert.equal(new Set(lefts).size, 1, `the header, message and footer start at ${lefts.join(', ')} px`);
    const radios = await form.locator('input[type="radio"]').evaluateAll((inputs) => inputs.map((r) => Math.round(r.getBoundingClientRect().width)));
    assert.ok(radios.length === 3 && radios.every((w) => w <= 24), `the kinds' radio buttons are ${radios.join(', ')} px wide`);
    await byTestId(form, 'interactive-send').click();
    await outbound(page, 'Which day suits you?').waitFor({ state: 'visible', timeout: WAIT });
    await form.waitFor({ state: 'detached' });

    // A list of slots, opened by its button.
    await byTestId(page, 'interactive-toggle').click();
    await byTestId(form, 'interactive-list').check();
    await byTestId(form, 'interactive-body').fill('Pick a slot');
    await byTestId(form, 'interactive-list-button').fill('Slots');
    await byTestId(form, 'interactive-option').nth(0).fill('Morning 9-12');
    await byTestId(form, 'interactive-option').nth(1).fill('Evening 5-8');
    await byTestId(form, 'interactive-send').click();
    await outbound(page, 'Pick a slot').waitFor({ state: 'visible', timeout: WAIT });
    // The bubbles show what the customer was given to tap.
    assert.match(await outbound(page, 'Which day suits you?').innerText(), /Reply buttons[\s\S]*Delivery day[\s\S]*▸ Tomorrow[\s\S]*▸ Saturday[\s\S]*Free delivery in Pune/);
    assert.match(await outbound(page, 'Pick a slot').innerText(), /A list, opened with “Slots”[\s\S]*▸ Morning 9-12[\s\S]*▸ Evening 5-8/);

    // The bubble shows once the send is queued; Meta has it when the sender has run.
    let mine = [];
    await eventually(async () => {
      const sent = await (await fetch(`${stack.sim.base}/sim/accepted`)).json();
      mine = sent.filter((a) => a.to === farida).map((a) => a.body.interactive);
      assert.deepEqual(mine.map((i) => i.type), ['button', 'list']);
    }, { timeout: WAIT });
    assert.deepEqual(mine[0].action.buttons.map((b) => b.reply.title), ['Tomorrow', 'Saturday']);
    assert.deepEqual([mine[0].header, mine[0].footer], [{ type: 'text', text: 'Delivery day' }, { text: 'Free delivery in Pune' }]);
    assert.equal(mine[1].header, undefined, 'a blank header is left out');
    assert.deepEqual(mine[1].action.sections[0].rows.map((r) => r.title), ['Morning 9-12', 'Evening 5-8']);

    const tap = await fetch(`${stack.sim.base}/sim/customer`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from: farida, name: 'Farida Sheikh', taps: 'Saturday' }),
    });
    assert.equal(tap.status, 200, await tap.text());
    await page.locator('[data-testid="message"][data-direction="in"]', { hasText: 'Saturday' }).waitFor({ state: 'visible', timeout: WAIT });
    assertNoPageErrors(page);
  } finally {
    await context.close();
  }
});
