// Browser test for quotations: a GST quote built in the contact panel shows
// the server's totals and downloads as a PDF; sent on WhatsApp it moves the
// deal to Quote Sent, and the customer's Accept tap wins it; then it becomes
// an invoice and is marked paid. From the board's deal drawer a quote starts
// from the business profile's GST state.
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/quotes.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENV, eventually, byTestId, startStack, stopStack, axeViolations, WAIT, newPage, signIn, customerWrites, openConversation, openSettings, assertAbove, api } from './harness.mjs';

let stack;

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local');
  stack = await startStack('quotes');
}, { timeout: 200_000 });

after(async () => {
  await stopStack(stack);
});

test('a GST quote shows its totals, and sending and accepting it wins the deal', { timeout: 180_000 }, async () => {
  const { context, page } = await newPage(stack, { bypassCSP: true });
  await signIn(stack, page);
  await customerWrites(stack, '919812340001', 'आशा वर्मा', 'Please quote 3 kurtas');
  await openConversation(page, 'आशा वर्मा');
  await byTestId(page, 'deal-title-input').fill('Kurtas');
  await byTestId(page, 'deal-value-input').fill('1');
  await byTestId(page, 'deal-create').click();
  await eventually(async () => assert.equal(await page.locator('[data-testid="deal"]').getAttribute('data-stage'), 'enquiry'), { timeout: WAIT });

  await byTestId(page, 'quote-new').click();
  await byTestId(page, 'quote-line-description').fill('Cotton kurta');
  await byTestId(page, 'quote-line-quantity').fill('3');
  await byTestId(page, 'quote-line-price').fill('499');
  await byTestId(page, 'quote-line-discount').fill('10');
  await byTestId(page, 'quote-line-tax').fill('18');
  await byTestId(page, 'quote-business-state').fill('MH');
  await byTestId(page, 'quote-customer-state').fill('MH');
  // 3 × 499 − 10% = 1347.30; CGST 9% + SGST 9% = 121.26 each; total 1589.82.
  await eventually(async () => assert.match(await byTestId(page, 'quote-preview-total').innerText(), /1,589\.82/), { timeout: WAIT });
  const taxes = await page.locator('[data-testid="quote-preview-tax"]').allInnerTexts();
  assert.equal(taxes.length, 2, 'CGST and SGST');
  assert.deepEqual(await axeViolations(page), []);

  await byTestId(page, 'quote-save').click();
  const quote = page.locator('[data-testid="quote"]');
  await eventually(async () => assert.equal(await quote.getAttribute('data-state'), 'draft'), { timeout: WAIT });
  assert.match(await byTestId(page, 'quote-number').innerText(), /^QT-\d{4}-0001$/);
  assert.match(await byTestId(page, 'quote-total').innerText(), /1,589\.82/);

  const number = await byTestId(page, 'quote-number').innerText();
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: WAIT }), byTestId(page, 'quote-pdf').click()]);
  assert.equal(download.suggestedFilename(), `${number}.pdf`);

  // Sent on WhatsApp: the PDF with Accept and Ask a question, shown in the timeline.
  await byTestId(page, 'quote-send').click();
  await eventually(async () => assert.equal(await quote.getAttribute('data-state'), 'sent'), { timeout: WAIT });
  await eventually(async () => assert.equal(await page.locator('[data-testid="deal"]').getAttribute('data-stage'), 'quote_sent'), { timeout: WAIT });
  await page.locator('[data-testid="message"][data-direction="out"]').filter({ hasText: `${number}.pdf` }).waitFor({ state: 'visible', timeout: WAIT });

  // The customer taps Accept on their phone: the quote is accepted and the deal Won, live.
  const tap = await fetch(`${stack.sim.base}/sim/customer`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: '919812340001', name: 'आशा वर्मा', taps: 'Accept' }),
  });
  assert.equal(tap.status, 200, await tap.text());
  await eventually(async () => assert.equal(await quote.getAttribute('data-state'), 'accepted'), { timeout: WAIT });
  await eventually(async () => assert.equal(await page.locator('[data-testid="deal"]').getAttribute('data-stage'), 'won'), { timeout: WAIT });
  await byTestId(page, 'quote-invoice').click();
  await eventually(async () => assert.match(await byTestId(page, 'quote-number').innerText(), /^INV-\d{4}-0001$/), { timeout: WAIT });
  await byTestId(page, 'quote-paid').click();
  await eventually(async () => assert.equal(await quote.getAttribute('data-state'), 'paid'), { timeout: WAIT });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('from the board\'s deal drawer a quote starts from the profile\'s GST state and, sent, moves the deal', { timeout: 180_000 }, async () => {
  const { context, page } = await newPage(stack, { bypassCSP: true });
  await signIn(stack, page);
  const { body: business } = await api(stack, page, 'GET', '/api/business');
  const { status, body: saved } = await api(stack, page, 'PUT', '/api/business', {
    name: 'Asha Textiles', country: business.country, currency: business.currency, time_zone: business.time_zone,
    state: 'MH', tax_id: '27AAAPL1234C1Z5', address: '12 Linking Road\nMumbai',
  });
  assert.equal(status, 200, JSON.stringify(saved));
  assert.equal(saved.state, 'MH');
  await customerWrites(stack, '919812340002', 'Ravi Kumar', 'Price for 10 shirts?');
  const { body: contacts } = await api(stack, page, 'GET', '/api/contacts');
  const ravi = contacts.items.find((c) => c.name === 'Ravi Kumar');
  const { body: deal } = await api(stack, page, 'POST', '/api/deals', { contact_id: ravi.id, title: 'Shirts', value_minor: 100 });

  await page.goto(`${stack.base}/#/pipeline`);
  await page.reload();
  await page.locator(`[data-testid="card"][data-deal-id="${deal.id}"] [data-testid="card-open"]`).click();
  const drawer = byTestId(page, 'deal-drawer');
  await byTestId(drawer, 'quote-new').click();
  assert.equal(await byTestId(drawer, 'quote-business-state').inputValue(), 'MH', 'the profile\'s state, not a blank');
  await byTestId(drawer, 'quote-line-description').fill('Formal shirt');
  await byTestId(drawer, 'quote-line-quantity').fill('10');
  await byTestId(drawer, 'quote-line-price').fill('800');
  await byTestId(drawer, 'quote-customer-state').fill('KA');
  // 10 × 800 = 8000.00, IGST 18% (another state) = 1440.00: 9440.00.
  await eventually(async () => assert.match(await byTestId(drawer, 'quote-preview-total').innerText(), /9,440\.00/), { timeout: WAIT });
  await byTestId(drawer, 'quote-save').click();
  const quote = drawer.locator('[data-testid="quote"]');
  await eventually(async () => assert.equal(await quote.getAttribute('data-state'), 'draft'), { timeout: WAIT });
  await byTestId(drawer, 'quote-send').click();
  await eventually(async () => assert.equal(await quote.getAttribute('data-state'), 'sent'), { timeout: WAIT });
  const card = page.locator(`[data-testid="column"][data-stage="quote_sent"] [data-deal-id="${deal.id}"]`);
  await card.waitFor({ state: 'visible', timeout: WAIT });
  assert.deepEqual(await axeViolations(page), []);
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a manager keeps the product catalog in Settings, a quote line picks from it, and a deleted product leaves it', { timeout: 180_000 }, async () => {
  const { context, page } = await newPage(stack, { bypassCSP: true });
  await signIn(stack, page);
  await openSettings(stack, page, 'products');
  // The add form sits above the list: a list that lands pushes nothing under a pointer.
  await assertAbove(byTestId(page, 'settings-products').locator('form'), byTestId(page, 'products'), 'the add form and the product list');

  await byTestId(page, 'product-name').fill('Silk dupatta');
  await byTestId(page, 'product-sku').fill('DUP-1');
  await byTestId(page, 'product-price').fill('799.50');
  await byTestId(page, 'product-tax').fill('5');
  await byTestId(page, 'product-add').click();
  const listed = byTestId(page, 'product').filter({ hasText: 'Silk dupatta' });
  await listed.waitFor({ state: 'visible', timeout: WAIT });
  assert.match(await listed.textContent(), /DUP-1.*\/ pc · 5%/);
  assert.equal(await byTestId(page, 'product-name').inputValue(), '', 'the form is ready for the next product');
  const { body: catalog } = await api(stack, page, 'GET', '/api/products');
  const saved = catalog.items.find((p) => p.name === 'Silk dupatta');
  assert.deepEqual([saved.sku, saved.unit_price_minor, saved.tax_rate_bp, saved.unit], ['DUP-1', 79950, 500, 'pc']);

  await customerWrites(stack, '919812340003', 'Meena Iyer', 'Dupatta price?');
  const { body: contacts } = await api(stack, page, 'GET', '/api/contacts');
  const meena = contacts.items.find((c) => c.name === 'Meena Iyer');
  await api(stack, page, 'POST', '/api/deals', { contact_id: meena.id, title: 'Dupattas', value_minor: 100 });
  await page.goto(`${stack.base}/#/`);
  await openConversation(page, 'Meena Iyer');
  await byTestId(page, 'quote-new').click();
  await byTestId(page, 'quote-line-product').selectOption({ label: 'Silk dupatta' });
  assert.equal(await byTestId(page, 'quote-line-description').inputValue(), 'Silk dupatta');
  assert.equal(await byTestId(page, 'quote-line-price').inputValue(), '799.5');
  assert.equal(await byTestId(page, 'quote-line-tax').inputValue(), '5');

  await openSettings(stack, page, 'products');
  await byTestId(page, 'product').filter({ hasText: 'Silk dupatta' }).getByRole('button', { name: 'Delete' }).click();
  await eventually(async () => assert.equal(await byTestId(page, 'product').filter({ hasText: 'Silk dupatta' }).count(), 0));
  const { body: after } = await api(stack, page, 'GET', '/api/products');
  assert.equal(after.items.some((p) => p.id === saved.id), false);
  assert.deepEqual(page.errors, []);
  await context.close();
});
