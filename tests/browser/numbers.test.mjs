// Browser test for Settings → Numbers: two numbers customers wrote to are
// listed by id; an admin names the support number and gives it a default
// owner; the inbox's number filter and the conversation header then name
// it, and a new conversation on it is the owner's; the screen is
// axe-clean at 360 px. A number of the simulator's second WhatsApp Business
// Account gets that account's token in settings, and its conversations'
// template picker offers that account's templates only. Choosing Hindi
// loads its catalog on demand.
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/numbers.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENV, PHONE, WAIT, api, axeViolations, byTestId, contactRow, customerWrites, eventually, newPage, noSidewaysScroll, openConversation, signIn, startStack, stopStack } from './harness.mjs';

const TEST = { timeout: 180_000 };
const SALES = '106540352242922';
const SUPPORT = '106540352249999';

let stack;

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local');
  stack = await startStack('numbers');
}, { timeout: 200_000 });

after(() => stopStack(stack));

async function writesToSupport(from, name, text) {
  const res = await fetch(`${stack.sim.base}/sim/customer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from, name, text, to_number: SUPPORT }),
  });
  assert.equal(res.status, 200, await res.text());
}

test('an admin names a number and gives it an owner; the inbox names it and routes to them', TEST, async () => {
  const { context, page } = await newPage(stack, { viewport: PHONE, bypassCSP: true });
  try {
    await signIn(stack, page);
    await customerWrites(stack, '919700000301', 'Sana Sales', 'Price of the blue kurta?');
    await writesToSupport('919700000302', 'Suresh Support', 'My order has not arrived');

    await page.goto(`${stack.base}/#/settings/numbers`);
    const entries = byTestId(page, 'number-entry');
    await eventually(async () => assert.equal(await entries.count(), 2));
    const support = page.locator(`[data-testid="number-entry"][data-number="${SUPPORT}"]`);
    await byTestId(support, 'number-name').fill('Support');
    await byTestId(support, 'number-display-phone').fill('+91 98100 00000');
    await byTestId(support, 'number-default-owner').selectOption(ENV.PARLEY_ADMIN_EMAIL);
    await byTestId(support, 'number-save').click();
    await eventually(async () => assert.match(await support.locator('h3').textContent(), /^Support · /));
    assert.equal(await byTestId(support, 'number-error').textContent(), '');
    await noSidewaysScroll(page);
    assert.deepEqual(await axeViolations(page), []);

    // A number's name that is refused says why and saves nothing.
    const sales = page.locator(`[data-testid="number-entry"][data-number="${SALES}"]`);
    await byTestId(sales, 'number-name').fill('Sales');
    await byTestId(sales, 'number-waba').fill('waba-one');
    await byTestId(sales, 'number-save').click();
    await eventually(async () => assert.match(await byTestId(sales, 'number-error').textContent(), /Business Account id is numeric/));
    const stored = await api(stack, page, 'GET', '/api/numbers');
    assert.equal(stored.body.items.find((n) => n.phone_number_id === SALES).profile, null);

    // A new conversation on the support number is the admin's, and the inbox names the number.
    await writesToSupport('919700000303', 'Sita Support', 'Where is my parcel?');
    await page.goto(`${stack.base}/#/inbox`);
    await contactRow(page, 'Sita Support').waitFor({ state: 'visible', timeout: WAIT });
    await eventually(async () => {
      const list = await api(stack, page, 'GET', '/api/contacts?number=' + SUPPORT);
      const sita = list.body.items.find((c) => c.name === 'Sita Support');
      assert.equal(sita?.owner, ENV.PARLEY_ADMIN_EMAIL);
    });
    const filter = byTestId(page, 'filter-number');
    await filter.waitFor({ state: 'visible', timeout: WAIT });
    const labels = await filter.locator('option').allTextContents();
    assert.ok(labels.includes('Support') && labels.includes(SALES), labels.join(', '));
    await filter.selectOption(SUPPORT);
    await eventually(async () => assert.equal(await contactRow(page, 'Sana Sales').count(), 0));
    await openConversation(page, 'Sita Support');
    await eventually(async () => assert.equal(await byTestId(page, 'conversation-number').textContent(), 'Support'));
  } finally {
    await context.close();
  }
});

const SECOND_WABA = '204060080100120';
const SECOND_NUMBER = '209876543210';

test('a number of another account gets that account\'s token and offers its templates', TEST, async () => {
  const { context, page } = await newPage(stack, { viewport: PHONE, bypassCSP: true });
  try {
    await signIn(stack, page);
    const res = await fetch(`${stack.sim.base}/sim/customer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '919700000401', name: 'Kiran Spares', text: 'Brake pads for a Splendor?', to_number: SECOND_NUMBER }),
    });
    assert.equal(res.status, 200, await res.text());
    await page.goto(`${stack.base}/#/settings/numbers`);
    const entry = page.locator(`[data-testid="number-entry"][data-number="${SECOND_NUMBER}"]`);
    await entry.waitFor({ state: 'visible', timeout: WAIT });
    await byTestId(entry, 'number-name').fill('Spares');
    await byTestId(entry, 'number-waba').fill(SECOND_WABA);
    await byTestId(entry, 'number-save').click();
    await eventually(async () => assert.match(await entry.locator('h3').textContent(), /^Spares · /));

    const account = page.locator(`[data-testid="account-entry"][data-waba="${SECOND_WABA}"]`);
    await account.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(account, 'account-numbers').textContent(), 'Spares');
    assert.match(await byTestId(account, 'account-token-state').textContent(), /stack’s access token/);
    await byTestId(account, 'account-token').fill('dev-second-account-token');
    await byTestId(account, 'account-token-save').click();
    await eventually(async () => assert.match(await byTestId(account, 'account-token-state').textContent(), /its own access token/));
    assert.equal(await byTestId(account, 'account-token').inputValue(), '', 'the token is not shown again');
    assert.deepEqual(await axeViolations(page), []);

    await page.goto(`${stack.base}/#/inbox`);
    await contactRow(page, 'Kiran Spares').waitFor({ state: 'visible', timeout: WAIT });
    await openConversation(page, 'Kiran Spares');
    await byTestId(page, 'template-toggle').click();
    const picker = byTestId(page, 'template-picker');
    await byTestId(picker, 'sync-templates').click();
    const name = byTestId(picker, 'template-name');
    await eventually(async () => {
      const offered = await name.locator('option').evaluateAll((options) => options.map((o) => o.value).filter(Boolean));
      assert.deepEqual(offered.sort(), ['order_update', 'spares_welcome']);
    }, { timeout: WAIT });
    await name.selectOption('order_update');
    await byTestId(picker, 'template-param').first().fill('#SP-9');
    assert.equal(await byTestId(picker, 'template-preview').textContent(), 'Kumar Spares: order #SP-9 is packed and leaves today.');
  } finally {
    await context.close();
  }
});

test('choosing Hindi loads its catalog and the settings read in Hindi', TEST, async () => {
  const { context, page } = await newPage(stack);
  try {
    await signIn(stack, page);
    await page.goto(`${stack.base}/#/settings/language`);
    const hindi = page.waitForResponse((r) => /\/assets\/hi-[^/]+\.js$/.test(r.url()), { timeout: WAIT });
    await byTestId(page, 'language-select').selectOption('hi');
    assert.equal((await hindi).status(), 200, 'the Hindi catalog is fetched when chosen');
    await eventually(async () => assert.equal(await page.locator('html').getAttribute('lang'), 'hi'));
    await page.goto(`${stack.base}/#/settings/numbers`);
    await eventually(async () => assert.equal(await page.locator('#numbers-heading').textContent(), 'नंबर'));
  } finally {
    await context.close();
  }
});
