// Browser test for the spend section of the dashboard: a service reply that
// Meta priced (free) appears in its category, and the month's end forecast
// says how it was made.
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/spend.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENV, eventually, byTestId, startStack, stopStack, axeViolations, WAIT, newPage, signIn, api, customerWrites, openConversation } from './harness.mjs';

let stack;

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local');
  stack = await startStack('spend');
}, { timeout: 200_000 });

after(async () => {
  await stopStack(stack);
});

test('the spend section shows priced messages by category and the forecast', { timeout: 180_000 }, async () => {
  const { context, page } = await newPage(stack, { bypassCSP: true });
  await signIn(stack, page);
  await customerWrites(stack, '919812300001', 'Sunita Rao', 'Is the shop open on Sunday?');
  let contact;
  await eventually(async () => {
    const { body } = await api(stack, page, 'GET', '/api/contacts?q=sunita');
    assert.equal(body.items.length, 1);
    contact = body.items[0].id;
  }, { timeout: WAIT });
  const sent = await api(stack, page, 'POST', `/api/contacts/${encodeURIComponent(contact)}/messages`, { type: 'text', text: 'Yes, 10 to 6.' });
  assert.equal(sent.status, 202, JSON.stringify(sent.body));
  assert.equal((await api(stack, page, 'POST', '/api/templates/sync', {})).status, 200);
  const promo = await api(stack, page, 'POST', `/api/contacts/${encodeURIComponent(contact)}/messages`,
    { type: 'template', template: { name: 'diwali_sale', language: 'en_US', params: ['Sunita'] } });
  assert.equal(promo.status, 202, JSON.stringify(promo.body));
  // The simulator's status webhooks carry Meta's pricing: a service reply in
  // the window is free, a marketing template billed.
  await eventually(async () => {
    const { body } = await api(stack, page, 'GET', '/api/reports/spend');
    assert.equal(body.items.find((l) => l.category === 'service')?.free, 1, JSON.stringify(body));
    assert.equal(body.items.find((l) => l.category === 'marketing')?.billable, 1, JSON.stringify(body));
    // Charged to the teammate who sent them, once the events function has read who did.
    const admin = body.by_agent.find((a) => a.agent === ENV.PARLEY_ADMIN_EMAIL);
    assert.deepEqual([admin?.billable, admin?.free], [1, 1], JSON.stringify(body));
  }, { timeout: WAIT });

  // The timeline marks how Meta billed each message, priced from the rate card.
  await page.goto(`${stack.base}/`);
  await openConversation(page, 'Sunita Rao');
  const billed = byTestId(page, 'message-billed');
  await eventually(async () => assert.deepEqual(await billed.allTextContents(), ['not billed: Service reply', 'billed: Marketing ₹0.78']), { timeout: WAIT });
  assert.deepEqual(await byTestId(page, 'sent-by').allTextContents(), ['Sent by You', 'Sent by You'], 'who pressed send, on each message');
  // Inside the window the composer says the reply is free (the server's
  // estimate); for a contact who never wrote, that a template is needed and its price.
  await eventually(async () => assert.equal(await byTestId(page, 'text-estimate').textContent(), 'estimateFree · Service reply'));
  assert.equal(await byTestId(page, 'reply-billing').count(), 0);
  const quiet = await api(stack, page, 'POST', '/api/contacts', { phone: '+919812300002', name: 'Quiet Customer' });
  assert.equal(quiet.status, 201, JSON.stringify(quiet.body));
  await page.goto(`${stack.base}/`);
  await openConversation(page, 'Quiet Customer');
  await eventually(async () => assert.equal(
    await byTestId(page, 'reply-billing').textContent(),
    'Outside the window a reply must be a template: ₹0.12 · Utility',
  ), { timeout: WAIT });

  await page.goto(`${stack.base}/#/dashboard`);
  const spend = byTestId(page, 'dash-spend');
  await spend.waitFor({ state: 'visible', timeout: WAIT });
  const row = spend.locator('tbody tr');
  const { body: now } = await api(stack, page, 'GET', '/api/reports/spend');
  // Linear by days elapsed, to the nearest message.
  const expectedForecast = Math.floor((now.days_in_month + Math.floor(now.days_elapsed / 2)) / now.days_elapsed);
  await eventually(async () => assert.deepEqual(await row.first().locator('td').allTextContents(), ['Marketing', '1', '0', '₹0.78', String(expectedForecast)]));
  // What was billed so far, in money at the rate card, and where the month ends at this pace.
  const forecastPaise = Math.floor((78 * now.days_in_month + Math.floor(now.days_elapsed / 2)) / now.days_elapsed);
  const rupees = (paise) => `₹${(paise / 100).toFixed(2)}`;
  assert.equal(await byTestId(page, 'dash-spend-total').textContent(), `₹0.78 billed so far; ${rupees(forecastPaise)} by month end at this pace.`);
  assert.equal(now.by_number.length, 1, 'one business number');
  // By teammate: everything this month was the admin's, so there is no line for rules and campaigns.
  assert.deepEqual(await byTestId(page, 'dash-spend-agent').locator('td').allTextContents(),
    [ENV.PARLEY_ADMIN_EMAIL, '1', '1', '₹0.78', String(expectedForecast)]);
  const { body: report } = await api(stack, page, 'GET', '/api/reports/spend');
  assert.equal(
    await byTestId(page, 'dash-spend-forecast').textContent(),
    `Forecast: the billable count so far scaled linearly from ${report.days_elapsed} of ${report.days_in_month} days to the whole month.`,
  );
  // An earlier month has nothing billed.
  await byTestId(page, 'dash-spend-month').fill('2001-02');
  await eventually(async () => assert.equal(await row.count(), 0));
  assert.equal(await byTestId(page, 'dash-spend-agents').count(), 0, 'no teammate sent anything then');
  assert.equal(await byTestId(page, 'dash-spend-total').textContent(), '₹0.00 billed so far; ₹0.00 by month end at this pace.');
  assert.deepEqual(await axeViolations(page), []);
  await context.close();
});

test('an admin sets the business’s own price for a market and the rate card shows it', { timeout: 180_000 }, async () => {
  const { context, page } = await newPage(stack, { bypassCSP: true });
  await signIn(stack, page);
  await page.goto(`${stack.base}/#/settings/business`);
  const editor = byTestId(page, 'rate-overrides');
  await editor.waitFor({ timeout: WAIT });
  assert.match(await byTestId(page, 'rate-card-source').innerText(), /Meta’s published figures/);
  await byTestId(editor, 'rate-override-add').click();
  await byTestId(editor, 'rate-override-market').fill('+91');
  await byTestId(editor, 'rate-override-category').selectOption('marketing');
  await byTestId(editor, 'rate-override-price').fill('0.64');
  assert.deepEqual(await axeViolations(page), [], 'axe-core on the price editor');
  await byTestId(editor, 'rate-overrides-save').click();
  await eventually(async () => assert.equal(await byTestId(editor, 'rate-overrides-message').innerText(), 'Prices saved.'));
  const card = await api(stack, page, 'GET', '/api/rate_card');
  assert.equal(card.body.by_prefix['91'].per_message.marketing, 64, 'the +91 market is priced at ₹0.64');
  assert.deepEqual(card.body.overrides.lines, [{ market: '91', category: 'marketing', amount_minor: 64 }]);
  assert.equal(await byTestId(editor, 'rate-override-after').count(), 0, 'Meta tiers no marketing price');

  // A volume tier: utility from the 1,001st message of a month.
  await byTestId(editor, 'rate-override-add').click();
  await byTestId(editor, 'rate-override-market').nth(1).fill('91');
  await byTestId(editor, 'rate-override-category').nth(1).selectOption('utility');
  await byTestId(editor, 'rate-override-after').fill('1000');
  await byTestId(editor, 'rate-override-price').nth(1).fill('0.09');
  await byTestId(editor, 'rate-overrides-save').click();
  await eventually(async () => {
    const tiered = await api(stack, page, 'GET', '/api/rate_card');
    assert.deepEqual(tiered.body.by_prefix['91'].volume_tiers, [{ category: 'utility', after: 1000, amount_minor: 9 }]);
  });
  await page.reload();
  await byTestId(page, 'rate-override-after').waitFor({ timeout: WAIT });
  assert.equal(await byTestId(page, 'rate-override-after').inputValue(), '1000', 'the tier reads back');
  await byTestId(page, 'rate-override-after').fill('lots');
  await byTestId(page, 'rate-overrides-save').click();
  await eventually(async () => assert.match(await byTestId(page, 'rate-overrides-error').innerText(), /whole number of messages/));
  await byTestId(page, 'rate-override-remove').nth(1).click();

  // Meta bills service replies: the admin's switch, and the composer prices a reply in the window.
  await byTestId(page, 'rate-service-billed').check();
  await byTestId(page, 'rate-overrides-save').click();
  await eventually(async () => assert.equal((await api(stack, page, 'GET', '/api/rate_card')).body.overrides.service_billed, true));
  await page.reload();
  await byTestId(page, 'rate-service-billed').waitFor({ timeout: WAIT });
  assert.equal(await byTestId(page, 'rate-service-billed').isChecked(), true, 'the switch reads back');
  await page.goto(`${stack.base}/`);
  await openConversation(page, 'Sunita Rao');
  await eventually(async () => assert.equal(await byTestId(page, 'text-estimate').textContent(), 'estimate₹0.12 · Service reply'), { timeout: WAIT });
  assert.equal(await byTestId(page, 'free-replies-left').count(), 0, 'no allowance, no count');

  // A monthly allowance of free replies: a reply is free again, and the composer says how many are left.
  await page.goto(`${stack.base}/#/settings/business`);
  await byTestId(page, 'rate-free-replies').fill('lots');
  await byTestId(page, 'rate-overrides-save').click();
  await eventually(async () => assert.match(await byTestId(page, 'rate-overrides-error').innerText(), /whole number/));
  await byTestId(page, 'rate-free-replies').fill('1000');
  await byTestId(page, 'rate-overrides-save').click();
  await eventually(async () => assert.equal((await api(stack, page, 'GET', '/api/rate_card')).body.overrides.free_service_replies, 1000));
  await page.goto(`${stack.base}/`);
  await openConversation(page, 'Sunita Rao');
  await eventually(async () => assert.equal(await byTestId(page, 'text-estimate').textContent(), 'estimateFree · Service reply'), { timeout: WAIT });
  assert.match(await byTestId(page, 'free-replies-left').textContent(), /^\d+ free replies left this month$/);
  await page.goto(`${stack.base}/#/settings/business`);
  await byTestId(page, 'rate-service-billed').uncheck();
  await byTestId(page, 'rate-overrides-save').click();
  await eventually(async () => assert.equal((await api(stack, page, 'GET', '/api/rate_card')).body.overrides.service_billed, undefined));

  // A partial price for markets Meta prices in dollars is refused with the reason.
  await byTestId(editor, 'rate-override-add').click();
  await byTestId(editor, 'rate-override-market').nth(1).fill('*');
  await byTestId(editor, 'rate-override-price').nth(1).fill('5');
  await byTestId(editor, 'rate-overrides-save').click();
  await eventually(async () => assert.match(await byTestId(editor, 'rate-overrides-error').innerText(), /give all three categories/));
  assert.deepEqual(page.errors, []);
  await context.close();
});
