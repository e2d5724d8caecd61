// Browser test for quotations: a GST quote built in the contact panel shows
// the server's totals and downloads as a PDF; sent on WhatsApp it moves the
// deal to Quote Sent, and the customer's Accept tap wins it; then it becomes
// an invoice and is marked paid.
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/quotes.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENV, eventually, byTestId, startStack, stopStack, axeViolations, WAIT, newPage, signIn, customerWrites, openConversation } from './harness.mjs';

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
