// Browser test for the inbox filters: tag and owner from the filter bar and
// the search box, kept in the URL, not widened by the live feed, axe-clean.
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/filters.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENV, sleep, eventually, byTestId, contactRow, startStack, stopStack, axeViolations, WAIT, PHONE, newPage, signIn, showAll, noSidewaysScroll, screenshot, customerWrites, api } from './harness.mjs';

const TEST = { timeout: 180_000 };

let stack;

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local');
  stack = await startStack('filters');
}, { timeout: 200_000 });

after(() => stopStack(stack));


async function shownNames(page) {
  return (await byTestId(page, 'contact-name').allTextContents()).sort();
}

async function idOf(page, phone) {
  const found = await api(stack, page, 'GET', `/api/contacts?q=${phone}`);
  assert.equal(found.status, 200);
  return found.body.items[0].id;
}

test('the filter bar narrows the inbox by tag and owner, survives reload and Back, and live rows do not widen it', TEST, async () => {
  await customerWrites(stack, '919700000301', 'Asha Tagged', 'hello');
  await customerWrites(stack, '919700000302', 'Bala Plain', 'hello');
  await customerWrites(stack, '919700000303', 'Chitra Tagged', 'hello');
  const { context, page } = await newPage(stack, { viewport: PHONE, bypassCSP: true });
  try {
    await signIn(stack, page);
    await showAll(page);
    for (const phone of ['919700000301', '919700000303']) {
      const id = await idOf(page, phone);
      assert.equal((await api(stack, page, 'PATCH', `/api/contacts/${id}`, { tags: ['VIP'] })).status, 200);
    }
    const asha = await idOf(page, '919700000301');
    assert.equal((await api(stack, page, 'POST', `/api/contacts/${asha}/assign`, { owner: ENV.PARLEY_ADMIN_EMAIL })).status, 200);
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
    await customerWrites(stack, '919700000302', 'Bala Plain', 'another one');
    await customerWrites(stack, '919700000301', 'Asha Tagged', 'me again');
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
