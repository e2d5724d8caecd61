// Browser test for staff sending media (issue 10 §2): the agent attaches the
// sample PDF brochure with a caption from the composer (keyboard and all,
// 360 px wide); it is uploaded straight to the bucket, shows in the timeline
// as a document and its ticks reach read. A file WhatsApp refuses (too big,
// or the wrong type) shows the API's 422 message and nothing is sent.
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/send_media.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import {
  ENV, PHONE, ROOT, WAIT, axeViolations, byTestId, customerWrites, eventually, newPage, openConversation, signIn,
  startStack, stopStack,
} from './harness.mjs';

const TEST = { timeout: 180_000 };
const CUSTOMER = { from: '919811144455', name: 'Ravi Brochure' };
const BROCHURE = path.join(ROOT, 'infra', 'simulator', 'samples', 'brochure.pdf');

let stack;

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local');
  stack = await startStack('send-media');
});

after(async () => {
  await stopStack(stack);
});

test('the agent sends the PDF brochure with a caption; it shows as a document and reaches read', TEST, async () => {
  await customerWrites(stack, CUSTOMER.from, CUSTOMER.name, 'Please send your brochure');
  const { page, context } = await newPage(stack, { viewport: PHONE });
  await signIn(stack, page);
  await openConversation(page, CUSTOMER.name);

  await byTestId(page, 'attach-input').setInputFiles(BROCHURE);
  await byTestId(page, 'attach-panel').waitFor({ state: 'visible', timeout: WAIT });
  assert.equal(await byTestId(page, 'attach-name').textContent(), 'brochure.pdf');
  await byTestId(page, 'attach-caption').fill('Our 2026 range');
  await byTestId(page, 'attach-caption').press('Enter');
  await eventually(async () => {
    const error = await byTestId(page, 'attach-error').textContent();
    assert.equal(error, '', 'no error');
    assert.ok(await byTestId(page, 'attach-sent').isVisible(), 'queued');
  }, { timeout: WAIT });

  const sent = page.locator('[data-testid="message"][data-direction="out"][data-type="document"]');
  await sent.first().waitFor({ state: 'visible', timeout: WAIT });
  assert.equal(await byTestId(sent.first(), 'message-text').textContent(), 'Our 2026 range');
  await eventually(async () => {
    assert.equal(await byTestId(sent.first(), 'status').getAttribute('data-status'), 'read');
  }, { timeout: WAIT });
  const link = byTestId(sent.first(), 'media-document');
  await link.waitFor({ state: 'visible', timeout: WAIT });
  assert.match(await link.textContent(), /brochure\.pdf/);
  const bytes = Buffer.from(await (await fetch(await link.getAttribute('href'))).arrayBuffer());
  assert.ok(bytes.equals(fs.readFileSync(BROCHURE)), 'the timeline links the very bytes sent');

  const wide = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(wide, 'no sideways scroll at 360 px');
  await context.close();

  // axe needs the CSP bypassed to inject itself.
  const audit = await newPage(stack, { viewport: PHONE, bypassCSP: true });
  await signIn(stack, audit.page);
  await openConversation(audit.page, CUSTOMER.name);
  await byTestId(audit.page, 'media-document').first().waitFor({ state: 'visible', timeout: WAIT });
  assert.deepEqual(await axeViolations(audit.page), []);
  await audit.context.close();
});

test('a file WhatsApp refuses shows the 422 message and is not sent', TEST, async () => {
  await customerWrites(stack, CUSTOMER.from, CUSTOMER.name, 'And a photo?');
  const { page, context } = await newPage(stack, { viewport: PHONE });
  await signIn(stack, page);
  await openConversation(page, CUSTOMER.name);

  const big = { name: 'huge.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(6 * 1024 * 1024, 1) };
  await byTestId(page, 'attach-input').setInputFiles(big);
  await byTestId(page, 'attach-send').click();
  await eventually(async () => assert.match(await byTestId(page, 'attach-error').textContent(), /at most 5 MB/), { timeout: WAIT });

  const gif = { name: 'anim.gif', mimeType: 'image/gif', buffer: Buffer.from('GIF89a') };
  await byTestId(page, 'attach-input').setInputFiles(gif);
  await byTestId(page, 'attach-send').click();
  await eventually(async () => assert.match(await byTestId(page, 'attach-error').textContent(), /image\/gif/), { timeout: WAIT });
  assert.equal(await page.locator('[data-testid="message"][data-direction="out"][data-type="image"]').count(), 0, 'nothing was sent');
  await context.close();
});
