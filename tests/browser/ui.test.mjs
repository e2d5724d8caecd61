// Browser tests for Parley's static UI: a real parley-local over DynamoDB
// Local, signed webhooks posted the way Meta posts them, and Debian's
// chromium driven through playwright-core.
//
//   cargo build -p parley-local -p parley-simulator
//   eval "$(./infra/emulators.sh start)"   # DynamoDB Local and moto (SQS)
//   export AWS_ENDPOINT_URL_DYNAMODB AWS_ENDPOINT_URL_SQS AWS_ENDPOINT_URL_S3
//   node --test tests/browser/
//
// Everything else (secrets, admin account, region) defaults to the values in
// infra/defaults.sh; exported variables win.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { WEB_DIR, SCREENSHOTS, CHROMIUM, RUNNER, ENV, freePort, dropTable, byTestId, contactRow, eventually, newPage, signIn, openConversation, assertNoPageErrors, start, waitUntilUp, stop, launchBrowser } from './harness.mjs';

const WAIT = 20_000; // generous: CI machines are slow, polling runs every 3 s
const TEST = { timeout: 120_000 };
const DESKTOP = { width: 1280, height: 800 };
const XSS_NAME = '<img src=x onerror=window.__pwned=1>';
const XSS_TEXT = '<script>window.__pwned=1</script>';
const XSS_FILE = '<svg onload=window.__pwned=3>.pdf';

let runner;
let base;
let table;
let stack; // { base, browser }: what the harness's page helpers need

// ---------------------------------------------------------------------------
// Meta's side: signed webhooks

const PHONE = { display_phone_number: '15550783881', phone_number_id: '106540352242922' };
let clock = Math.floor(Date.now() / 1000) - 3600; // strictly increasing message times
const contactsPosted = new Set();

const wamid = () => `wamid.${crypto.randomBytes(18).toString('hex').toUpperCase()}`;

/** One inbound message object of `type` with its type-specific `body`. */
function message(type, body, extra = {}) {
  const m = { id: wamid(), type, ...extra };
  if (body !== null) m[type] = body;
  return m;
}

/** Posts `messages` from one customer as Meta would, signed with the app secret. */
async function customerSays({ name, waId, userId, at }, ...messages) {
  const contact = { profile: { name } };
  if (waId) contact.wa_id = waId;
  if (userId) contact.user_id = userId;
  const stamped = messages.map((m) => {
    const out = { ...m, timestamp: String(at ?? ++clock) };
    if (waId) out.from = waId;
    if (userId) out.from_user_id = userId;
    return out;
  });
  const body = JSON.stringify({
    object: 'whatsapp_business_account',
    entry: [{
      id: '1',
      changes: [{
        field: 'messages',
        value: { messaging_product: 'whatsapp', metadata: PHONE, contacts: [contact], messages: stamped },
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
  contactsPosted.add(waId ?? userId);
  return stamped;
}

const text = (body, extra) => message('text', { body }, extra);

// ---------------------------------------------------------------------------
// The browser's side

/** The timeline bubble for the message with wamid `id`. */
const bubble = (page, id) => page.locator(`[data-testid="message"][data-message-id="${id}"]`);

async function bubbleText(page, id) {
  const el = bubble(page, id);
  await el.waitFor({ state: 'visible', timeout: WAIT });
  return (await el.innerText()).replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------

// No simulator here: Meta's side is the signed webhooks above.
before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local (see infra/emulators.sh)');
  assert.ok(ENV.AWS_ENDPOINT_URL_SQS, 'AWS_ENDPOINT_URL_SQS must point at a running SQS emulator: the runner creates its queues at start');
  assert.ok(fs.existsSync(RUNNER), `${RUNNER} is missing: run cargo build -p parley-local -p parley-simulator first`);
  assert.ok(fs.existsSync(path.join(WEB_DIR, 'index.html')), `${WEB_DIR} is missing: run npm run build first`);
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: run ./infra/setup.sh --browser`);

  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  table = `ui-${crypto.randomBytes(6).toString('hex')}`;
  runner = start(RUNNER, [], { ...ENV, PARLEY_PORT: String(port), TABLE_NAME: table, PARLEY_WEB_DIR: WEB_DIR });
  await waitUntilUp(runner, 'parley-local', `${base}/healthz`);
  stack = { base, browser: await launchBrowser() };
}, { timeout: 150_000 });

after(async () => {
  await stack?.browser.close().catch(() => {});
  await stop(runner);
  await dropTable(table);
});

// ---------------------------------------------------------------------------

test('a wrong password is refused with the API\'s message; the right one opens the inbox', TEST, async () => {
  const { context, page } = await newPage(stack, { viewport: DESKTOP });
  try {
    await page.goto(base);
    await byTestId(page, 'login-form').waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(page, 'inbox').isVisible(), false);

    await byTestId(page, 'login-email').fill(ENV.PARLEY_ADMIN_EMAIL);
    await byTestId(page, 'login-password').fill('not-the-password');
    await byTestId(page, 'login-submit').click();
    await eventually(async () => assert.equal(await byTestId(page, 'error').textContent(), 'wrong e-mail or password'));
    assert.equal(await byTestId(page, 'inbox').isVisible(), false);

    await byTestId(page, 'login-password').fill(ENV.PARLEY_ADMIN_PASSWORD);
    await byTestId(page, 'login-submit').click();
    await byTestId(page, 'inbox').waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(page, 'login-form').isVisible(), false);
    assert.equal(await byTestId(page, 'user-email').textContent(), ENV.PARLEY_ADMIN_EMAIL);

    // The session is an HttpOnly cookie: the page's script cannot read it.
    assert.equal(await page.evaluate(() => document.cookie), '');
    const [cookie] = (await context.cookies()).filter((c) => c.name === 'parley_session');
    assert.ok(cookie, 'the session cookie was stored over http://127.0.0.1');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.secure, true);
    assert.equal(cookie.sameSite, 'Strict');
    assertNoPageErrors(page);
  } finally {
    await context.close();
  }
});

test('customer messages reach the contact list and the timeline, and new ones arrive without a reload', TEST, async () => {
  const ravi = { name: 'Ravi Kumar', waId: '919812345678' };
  const [first] = await customerSays(ravi, text('Hi! Do you deliver to Pune today?'));
  // Meta withheld this customer's number: only the business-scoped user id is known.
  await customerSays({ name: 'Meera', userId: 'IN.1349120865530274' }, text('hello from a hidden number'));
  // Wrote three days ago: the service window has closed.
  await customerSays({ name: 'Old Customer', waId: '14155550123', at: Math.floor(Date.now() / 1000) - 3 * 86_400 }, text('Thanks!'));

  const { context, page } = await newPage(stack, { viewport: DESKTOP });
  try {
    await signIn(stack, page);

    const row = contactRow(page, 'Ravi Kumar');
    await row.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(row, 'contact-phone').textContent(), '+919812345678');
    assert.match(await byTestId(row, 'window-badge').textContent(), /^window open · closes \d\d:\d\d$/);
    assert.ok(await row.getAttribute('data-contact-id'));

    const meera = contactRow(page, 'Meera');
    await meera.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(meera, 'contact-phone').textContent(), 'IN.1349120865530274');

    const old = contactRow(page, 'Old Customer');
    await old.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(old, 'window-badge').textContent(), 'window closed — template only');

    await openConversation(page, 'Ravi Kumar');
    assert.equal(await byTestId(page, 'conversation-phone').textContent(), '+919812345678');
    assert.equal(await bubble(page, first.id).getAttribute('data-direction'), 'in');
    assert.equal(await bubble(page, first.id).locator('[data-testid="message-text"]').textContent(), 'Hi! Do you deliver to Pune today?');

    // Same document throughout: the marker survives only if nothing reloads.
    await page.evaluate(() => { window.__sameDocument = true; });
    const [second] = await customerSays(ravi, text('Also, is size M in stock?'));
    const latest = bubble(page, second.id);
    await latest.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await latest.locator('[data-testid="message-text"]').textContent(), 'Also, is size M in stock?');
    assert.equal(await page.evaluate(() => window.__sameDocument), true);
    // Oldest first: the new message is the last bubble, and the list still shows Ravi selected.
    assert.equal(await byTestId(page, 'message').last().getAttribute('data-message-id'), second.id);
    assert.equal(await contactRow(page, 'Ravi Kumar').getAttribute('aria-current'), 'true');
    assertNoPageErrors(page);
  } finally {
    await context.close();
  }
});

test('customer-supplied markup renders as literal text and never runs', TEST, async () => {
  const attacker = { name: XSS_NAME, waId: '15005550006' };
  const [script, doc] = await customerSays(attacker,
    text(XSS_TEXT),
    message('document', { filename: XSS_FILE, caption: '<b>not bold</b>', mime_type: 'application/pdf', id: '9001' }));

  // Without the page's Content-Security-Policy: what is tested here is the
  // rendering itself, not the policy that would also block inline handlers.
  const { context, page } = await newPage(stack, { viewport: DESKTOP, bypassCSP: true });
  try {
    await signIn(stack, page);
    const row = contactRow(page, XSS_NAME);
    await row.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(row, 'contact-name').textContent(), XSS_NAME);

    await openConversation(page, XSS_NAME);
    await bubble(page, doc.id).waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await bubble(page, script.id).locator('[data-testid="message-text"]').textContent(), XSS_TEXT);
    assert.equal(await bubble(page, doc.id).locator('[data-testid="placeholder"]').textContent(), XSS_FILE);
    assert.equal(await bubble(page, doc.id).locator('[data-testid="message-text"]').textContent(), '<b>not bold</b>');

    // No element was made from the payloads, so nothing could have run.
    const injected = await page.evaluate(() => ({
      inList: document.querySelectorAll('#contact-list img, #contact-list script, #contact-list [onerror], #contact-list [onload]').length,
      inConversation: document.querySelectorAll('#conv-view img, #conv-view script, #conv-view b, #conv-view [onerror], #conv-view [onload]').length,
      pwned: typeof window.__pwned,
    }));
    assert.deepEqual(injected, { inList: 0, inConversation: 0, pwned: 'undefined' });
    // And after another polling round has re-rendered everything, still nothing ran.
    const [later] = await customerSays(attacker, text(`${XSS_TEXT} again`));
    await bubble(page, later.id).waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await page.evaluate(() => typeof window.__pwned), 'undefined');
    assertNoPageErrors(page);
  } finally {
    await context.close();
  }
});

test('every kind of message renders as something a person can read', TEST, async () => {
  const priya = { name: 'Priya Shah', waId: '447700900123' };
  const ad = text('Hi, I saw your ad. Is the Diwali offer still on?', {
    referral: { source_url: 'https://fb.me/ad', source_id: '120200', source_type: 'ad', headline: 'Diwali sale', body: '20% off', media_type: 'image', ctwa_clid: 'ARAk' },
  });
  const image = message('image', { caption: 'Is this one available in blue?', mime_type: 'image/jpeg', sha256: 'b1c6', id: '1003383421387256' });
  const [adSent, imageSent] = await customerSays(priya, ad, image);
  const reply = text('The one in the photo', { context: { from: PHONE.display_phone_number, id: imageSent.id } });
  const voice = message('audio', { mime_type: 'audio/ogg; codecs=opus', sha256: 'a1b2', id: '1003383421387257', voice: true });
  const doc = message('document', { caption: 'Purchase order', filename: 'po-1182.pdf', mime_type: 'application/pdf', sha256: 'e5f6', id: '1003383421387259' });
  const location = message('location', { latitude: 18.5204, longitude: 73.8567, name: 'Shop', address: 'FC Road, Pune' });
  const card = message('contacts', null, { contacts: [{ name: { formatted_name: 'Anil Mehta', first_name: 'Anil' }, phones: [{ phone: '+91 98200 00000', wa_id: '919820000000', type: 'CELL' }] }] });
  const order = message('order', { catalog_id: 'cat-1', text: 'Please deliver Friday', product_items: [{ product_retailer_id: 'sku-1', quantity: 2, item_price: 499, currency: 'INR' }] });
  const sticker = message('sticker', { mime_type: 'image/webp', sha256: '0a0b', id: '1003383421387260', animated: false });
  const button = message('interactive', { type: 'button_reply', button_reply: { id: 'confirm', title: 'Confirm order' } });
  const unsupported = message('unsupported', null, { errors: [{ code: 131051, title: 'Message type unknown', message: 'Message type unknown', error_data: { details: 'Message type is currently not supported' } }] });
  const system = message('system', { body: 'Priya changed their phone number to a new number', new_wa_id: '447700900124', type: 'user_changed_number' });
  const unreact = message('reaction', { message_id: imageSent.id });
  const react = message('reaction', { message_id: imageSent.id, emoji: '👍' });
  await customerSays(priya, reply, voice, doc, location, card, order, sticker, button, unsupported, system, unreact, react);

  const { context, page } = await newPage(stack, { viewport: DESKTOP });
  try {
    await signIn(stack, page);
    await openConversation(page, 'Priya Shah');
    await bubble(page, react.id).waitFor({ state: 'visible', timeout: WAIT });

    const expectations = [
      [adSent.id, ['Diwali sale', 'Hi, I saw your ad.']],
      [imageSent.id, ['Photo', 'Is this one available in blue?']],
      [reply.id, ['↪ reply', 'Is this one available in blue?', 'The one in the photo']],
      [voice.id, ['Voice note']],
      [doc.id, ['po-1182.pdf', 'Purchase order']],
      [location.id, ['Location', 'Shop', 'FC Road, Pune', '18.52040, 73.85670']],
      [card.id, ['Contact card', 'Anil Mehta', '+91 98200 00000']],
      [order.id, ['Order · 1 item', 'Please deliver Friday']],
      [sticker.id, ['Sticker']],
      [button.id, ['Tapped a button', 'Confirm order']],
      [unsupported.id, ['Unsupported message', '131051 Message type unknown']],
      [system.id, ['Priya changed their phone number to a new number']],
      [unreact.id, ['Removed a reaction']],
      [react.id, ['Reacted 👍', 'to “Is this one available in blue?”']],
    ];
    for (const [id, parts] of expectations) {
      const shown = await bubbleText(page, id);
      for (const part of parts) assert.ok(shown.includes(part), `message ${id} shows ${JSON.stringify(shown)}, expected it to include ${JSON.stringify(part)}`);
    }
    const adTag = bubble(page, adSent.id).locator('[data-testid="ad-tag"]');
    assert.equal(await adTag.locator('.tag').textContent(), 'Ad');
    assert.equal(await adTag.locator('.referral-headline').textContent(), 'Diwali sale');
    assert.equal(await bubble(page, reply.id).locator('[data-testid="reply"]').count(), 1);
    // Inbound only so far: no delivery ticks on customer messages.
    assert.equal(await byTestId(page, 'status').count(), 0);

    await byTestId(page, 'message').last().scrollIntoViewIfNeeded();
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inbox.png') });
    await page.setViewportSize({ width: 390, height: 780 });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'inbox-narrow.png') });

    // Reading older messages: a new one does not yank the view down, it offers a jump instead.
    const scroller = byTestId(page, 'timeline-scroll');
    const atBottom = () => scroller.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight <= 48);
    assert.ok(await scroller.evaluate((el) => el.scrollHeight > el.clientHeight), 'the timeline overflows at this size');
    await eventually(async () => assert.equal(await atBottom(), true));
    await scroller.evaluate((el) => { el.scrollTop = 0; });
    const [later] = await customerSays(priya, text('One more question about the blue one'));
    await bubble(page, later.id).waitFor({ state: 'attached', timeout: WAIT });
    await byTestId(page, 'jump-to-latest').waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await scroller.evaluate((el) => el.scrollTop), 0);
    await byTestId(page, 'jump-to-latest').click();
    await eventually(async () => assert.equal(await atBottom(), true));
    // At the bottom already: the view follows new messages.
    const [latest] = await customerSays(priya, text('Thanks!'));
    await bubble(page, latest.id).waitFor({ state: 'attached', timeout: WAIT });
    await eventually(async () => assert.equal(await atBottom(), true));
    assert.equal(await byTestId(page, 'jump-to-latest').isVisible(), false);
    assertNoPageErrors(page);
  } finally {
    await context.close();
  }
});

test('outbound messages show their delivery status', TEST, async () => {
  // Parley cannot send yet, so the browser extends the real API answer with
  // the outbound shapes the API documents, one per status.
  const [hello] = await customerSays({ name: 'Status Check', waId: '12025550199' }, text('Did my order ship?'));
  const statuses = ['queued', 'sending', 'sent', 'delivered', 'read', 'failed'];
  const { context, page } = await newPage(stack, { viewport: DESKTOP });
  try {
    await page.route('**/api/contacts/*/messages*', async (route) => {
      const response = await route.fetch();
      const json = await response.json();
      if (json.items.some((m) => m.id === hello.id)) {
        statuses.forEach((status, i) => json.items.push({
          id: `wamid.OUT${i}`, direction: 'out', type: 'text', text: `Update ${i}: it is on its way`, status,
          at: new Date(Date.now() + i * 1000).toISOString(), content: null,
          context: i === 0 ? { from: PHONE.display_phone_number, id: hello.id } : null, referral: null,
          errors: status === 'failed' ? [{ code: 131047, title: 'Re-engagement message' }] : null, pricing: null,
        }));
      }
      await route.fulfill({ response, json });
    });
    await signIn(stack, page);
    await openConversation(page, 'Status Check');
    for (const [i, status] of statuses.entries()) {
      const out = bubble(page, `wamid.OUT${i}`);
      await out.waitFor({ state: 'visible', timeout: WAIT });
      assert.equal(await out.getAttribute('data-direction'), 'out');
      const tick = out.locator('[data-testid="status"]');
      assert.equal(await tick.getAttribute('data-status'), status);
      assert.equal(await tick.getAttribute('aria-label'), status[0].toUpperCase() + status.slice(1));
    }
    assert.match(await bubbleText(page, 'wamid.OUT0'), /↪ reply Did my order ship\?/);
    const failure = bubble(page, 'wamid.OUT5').locator('[data-testid="message-error"]');
    assert.equal(await failure.locator('.msg-error-title').textContent(), 'Re-engagement message');
    assert.equal(await failure.locator('.msg-error-code').textContent(), '131047');
    assert.equal(await bubble(page, 'wamid.OUT5').locator('[data-testid="retry"]').count(), 1);
    assert.equal(await bubble(page, hello.id).locator('[data-testid="status"]').count(), 0);
    assertNoPageErrors(page);
  } finally {
    // A handler still reading an answer when the page closes must not fail the file later.
    await page.unrouteAll({ behavior: 'ignoreErrors' });
    await context.close();
  }
});

test('signing out returns to the sign-in form and stays there after a reload; an ended session does too', TEST, async () => {
  const { context, page } = await newPage(stack, { viewport: DESKTOP });
  try {
    await signIn(stack, page);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await byTestId(page, 'sign-out').click();
    await byTestId(page, 'login-form').waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(page, 'inbox').isVisible(), false);
    assert.equal(await byTestId(page, 'contact').count(), 0, 'no customer data left on the page');

    await page.reload();
    await byTestId(page, 'login-form').waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(page, 'inbox').isVisible(), false);
    assert.equal(await page.evaluate(async () => (await fetch('/api/me', { credentials: 'same-origin' })).status), 401);
    await page.screenshot({ path: path.join(SCREENSHOTS, 'signin.png') });

    // A session that ends while the inbox is open (expired, revoked): the
    // next request gets 401 and the page goes back to the sign-in form.
    // With the push socket up the next poll may be a minute away, so the
    // request is opening Tasks.
    await signIn(stack, page);
    await context.clearCookies();
    await page.evaluate(() => { window.location.hash = '#/tasks'; });
    await byTestId(page, 'login-form').waitFor({ state: 'visible', timeout: WAIT });
    assert.match(await byTestId(page, 'error').textContent(), /session has ended/);
    assertNoPageErrors(page);
  } finally {
    await context.close();
  }
});

test('a customer with two records is flagged in the panel and merged in one click', TEST, async () => {
  // Reached us by BSUID alone, then by phone alone, then with both ids.
  await customerSays({ name: 'Hidden Profile 2002', userId: 'IN.2002' }, text('hello from my private profile'));
  await customerSays({ name: 'Anjali Shah', waId: '919800002002' }, text('hello from my phone'));
  await customerSays({ name: 'Anjali Shah', waId: '919800002002', userId: 'IN.2002' }, text('both ids at last'));
  const { context, page } = await newPage(stack, { viewport: DESKTOP });
  try {
    await signIn(stack, page);
    await openConversation(page, 'Anjali Shah');
    const suggestion = byTestId(page, 'merge-suggestion');
    await suggestion.waitFor({ state: 'visible', timeout: WAIT });
    assert.match(await suggestion.innerText(), /same person/);
    await byTestId(suggestion, 'merge-suggested').click();
    await eventually(async () => assert.equal(await byTestId(page, 'merge-suggestion').count(), 0));
    await eventually(async () => assert.equal(await contactRow(page, 'Hidden Profile 2002').count(), 0));
    contactsPosted.delete('IN.2002');
    await eventually(async () => assert.equal(await byTestId(page, 'message').count(), 3), { timeout: WAIT });
    assertNoPageErrors(page);
  } finally {
    await context.close();
  }
});

test('"Load more" pages through the contact list', TEST, async () => {
  const { context, page } = await newPage(stack, { viewport: DESKTOP });
  try {
    for (let i = 0; i < 52; i++) {
      await customerSays({ name: `Bulk customer ${String(i).padStart(2, '0')}`, waId: `4477009${String(i).padStart(5, '0')}` }, text(`order #${i}`));
    }
    await signIn(stack, page);
    const more = byTestId(page, 'load-more');
    await more.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(page, 'contact').count(), 50);
    await more.click();
    await eventually(async () => assert.equal(await byTestId(page, 'contact').count(), contactsPosted.size));
    await more.waitFor({ state: 'hidden', timeout: WAIT });
    const ids = await byTestId(page, 'contact').evaluateAll((rows) => rows.map((r) => r.dataset.contactId));
    assert.equal(new Set(ids).size, ids.length, 'no contact is listed twice');
    assertNoPageErrors(page);
  } finally {
    await context.close();
  }
});
