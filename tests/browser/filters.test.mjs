// Browser test for the inbox filters: tag and owner from the filter bar and
// the search box, kept in the URL, not widened by the live feed, axe-clean.
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/filters.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SCREENSHOTS, ENV, sleep, eventually, byTestId, contactRow, startStack, stopStack, customerWritesTo, axeViolations } from './harness.mjs';

const WAIT = 30_000;
const TEST = { timeout: 180_000 };

let stack;
let sim;
let base;
let browser;

const customerWrites = (from, name, text) => customerWritesTo(sim.base, from, name, text);

async function newPage(viewport = { width: 360, height: 740 }) {
  const context = await browser.newContext({ viewport, bypassCSP: true });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  return { context, page };
}

async function signIn(page) {
  await page.goto(base);
  await byTestId(page, 'login-form').waitFor({ state: 'visible', timeout: WAIT });
  await byTestId(page, 'login-email').fill(ENV.PARLEY_ADMIN_EMAIL);
  await byTestId(page, 'login-password').fill(ENV.PARLEY_ADMIN_PASSWORD);
  await byTestId(page, 'login-submit').click();
  await byTestId(page, 'inbox').waitFor({ state: 'visible', timeout: WAIT });
}

async function showAll(page) {
  await page.locator('[data-testid="queue-tab"][data-queue="all"]').click();
}

async function noSidewaysScroll(page) {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  assert.ok(scroll <= client, `the page scrolls sideways: ${scroll} > ${client}`);
}

async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, name) });
}

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local');
  stack = await startStack('filters');
  ({ sim, base, browser } = stack);
}, { timeout: 200_000 });

after(() => stopStack(stack));


/** Calls the API as the signed-in page. */
async function api(page, method, url, json) {
  return page.evaluate(async ({ method, url, json }) => {
    const res = await fetch(url, {
      method, credentials: 'same-origin',
      headers: json === undefined ? {} : { 'content-type': 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    return { status: res.status, body: await res.json().catch(() => null) };
  }, { method, url, json });
}

async function shownNames(page) {
  return (await byTestId(page, 'contact-name').allTextContents()).sort();
}

async function idOf(page, phone) {
  const found = await api(page, 'GET', `/api/contacts?q=${phone}`);
  assert.equal(found.status, 200);
  return found.body.items[0].id;
}

test('the filter bar narrows the inbox by tag and owner, survives reload and Back, and live rows do not widen it', TEST, async () => {
  await customerWrites('919700000301', 'Asha Tagged', 'hello');
  await customerWrites('919700000302', 'Bala Plain', 'hello');
  await customerWrites('919700000303', 'Chitra Tagged', 'hello');
  const { context, page } = await newPage();
  try {
    await signIn(page);
    await showAll(page);
    for (const phone of ['919700000301', '919700000303']) {
      const id = await idOf(page, phone);
      assert.equal((await api(page, 'PATCH', `/api/contacts/${id}`, { tags: ['VIP'] })).status, 200);
    }
    const asha = await idOf(page, '919700000301');
    assert.equal((await api(page, 'POST', `/api/contacts/${asha}/assign`, { owner: ENV.PARLEY_ADMIN_EMAIL })).status, 200);
    await eventually(async () => assert.equal((await shownNames(page)).length, 3));

    await byTestId(page, 'filter-tag').fill('#VIP');
    await byTestId(page, 'filter-tag').press('Enter');
    await eventually(async () => assert.deepEqual(await shownNames(page), ['Asha Tagged', 'Chitra Tagged']));
    assert.match(page.url(), /#\/inbox\?tag=vip$/);

    await byTestId(page, 'filter-owner').selectOption(ENV.PARLEY_ADMIN_EMAIL);
    await eventually(async () => assert.deepEqual(await shownNames(page), ['Asha Tagged']));
    await byTestId(page, 'filter-owner').selectOption('unassigned');
    await eventually(async () => assert.deepEqual(await shownNames(page), ['Chitra Tagged']));
    await noSidewaysScroll(page);
    assert.deepEqual(await axeViolations(page), [], 'axe-core with the filter bar in use');
    await screenshot(page, 'inbox-filters-360.png');

    await page.reload();
    await byTestId(page, 'inbox').waitFor({ state: 'visible', timeout: WAIT });
    await eventually(async () => assert.deepEqual(await shownNames(page), ['Chitra Tagged']));
    assert.equal(await byTestId(page, 'filter-owner').inputValue(), 'unassigned');
    assert.equal(await byTestId(page, 'filter-tag').inputValue(), 'vip');

    await page.goBack();
    await eventually(async () => assert.deepEqual(await shownNames(page), ['Asha Tagged']));
    assert.equal(await byTestId(page, 'filter-owner').inputValue(), ENV.PARLEY_ADMIN_EMAIL);

    // Opening a conversation keeps the filters in the URL.
    await contactRow(page, 'Asha Tagged').click();
    await eventually(async () => assert.match(page.url(), new RegExp(`#/inbox/${asha}\\?`)));
    await eventually(async () => assert.deepEqual(await shownNames(page), ['Asha Tagged']));

    // The live feed brings every changed row; the filtered list only re-reads itself.
    await customerWrites('919700000302', 'Bala Plain', 'another one');
    await customerWrites('919700000301', 'Asha Tagged', 'me again');
    await page.locator('[data-testid="message"]', { hasText: 'me again' }).waitFor({ state: 'visible', timeout: WAIT });
    await sleep(3000);
    assert.deepEqual(await shownNames(page), ['Asha Tagged'], 'a live row outside the filters stays out');

    await page.goBack(); // to the list (on a phone the open conversation covers it)
    await eventually(async () => assert.match(page.url(), /#\/inbox\?owner=/));
    await byTestId(page, 'filter-clear').click();
    await eventually(async () => assert.deepEqual(await shownNames(page), ['Asha Tagged', 'Bala Plain', 'Chitra Tagged']));
    await byTestId(page, 'contact-search').fill('#vip');
    await byTestId(page, 'contact-search').press('Enter');
    await eventually(async () => assert.deepEqual(await shownNames(page), ['Asha Tagged', 'Chitra Tagged']));
    assert.equal(await byTestId(page, 'filter-tag').inputValue(), 'vip', 'the search box set the tag filter');
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});
