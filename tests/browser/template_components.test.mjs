// Browser test for templates with every component: on a phone-sized screen,
// the picker asks for a header image, named body parameters (labelled by
// name) and a URL button's suffix, previews the whole message, and the send
// reaches `read` in the simulator with Meta's documented payload.
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   node --test tests/browser/template_components.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENV, eventually, byTestId, contactRow, startStack, stopStack, customerWritesTo, axeViolations, assertAbove } from './harness.mjs';

const WAIT = 30_000;
const TEST = { timeout: 180_000 };
const RAVI = '919700000077';

let stack;

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local');
  stack = await startStack('templates');
}, { timeout: 200_000 });

after(() => stopStack(stack));

async function accepted(to) {
  const res = await fetch(`${stack.sim.base}/sim/accepted`);
  return (await res.json()).filter((a) => a.to === to);
}

test('a header image, named parameters and a URL suffix are asked for, previewed, and reach read as Meta specifies', TEST, async () => {
  await customerWritesTo(stack.sim.base, RAVI, 'Ravi Kumar', 'Is the fuel pump in stock?');
  const context = await stack.browser.newContext({ viewport: { width: 360, height: 740 }, bypassCSP: true });
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  try {
    await page.goto(stack.base);
    await byTestId(page, 'login-form').waitFor({ state: 'visible', timeout: WAIT });
    await byTestId(page, 'login-email').fill(ENV.PARLEY_ADMIN_EMAIL);
    await byTestId(page, 'login-password').fill(ENV.PARLEY_ADMIN_PASSWORD);
    await byTestId(page, 'login-submit').click();
    await byTestId(page, 'inbox').waitFor({ state: 'visible', timeout: WAIT });
    const synced = await page.evaluate(async () => (await fetch('/api/templates/sync', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/json' }, body: '{}' })).status);
    assert.equal(synced, 200);

    const row = contactRow(page, 'Ravi Kumar');
    await row.waitFor({ state: 'visible', timeout: WAIT });
    await row.click();
    await byTestId(page, 'composer').waitFor({ state: 'visible', timeout: WAIT });
    await byTestId(page, 'template-toggle').click();
    const picker = byTestId(page, 'template-picker');
    const name = byTestId(picker, 'template-name');
    await eventually(async () => assert.ok((await name.locator('option').allTextContents()).includes('part_offer')), { timeout: WAIT });
    await name.selectOption('part_offer');

    // Named parameters are asked for by name, not by position.
    assert.equal(await byTestId(picker, 'template-param').count(), 0);
    const field = (key) => picker.locator(`[data-testid="template-field"][data-key="${key}"]`);
    assert.equal(await picker.getByLabel('{{customer_name}}').count(), 1);
    assert.equal(await picker.getByLabel('{{part}}').count(), 1);
    const send = byTestId(picker, 'send-template');
    assert.equal(await send.isDisabled(), true, 'nothing is sent while the header, parameters and suffix are empty');
    assert.match(await byTestId(picker, 'template-hint').textContent(), /\(4 empty\)/);

    await picker.getByLabel('Header image').fill('https://cdn.example.com/parts/pump.jpg');
    await field('named.customer_name').fill('Ravi');
    await field('named.part').fill('fuel pump');
    await picker.getByLabel('End of the link for “See the part”').fill('fuel-pump-42');
    await picker.getByLabel(/What “Interested” sends back/).fill('INTERESTED_PUMP');

    // The whole message: header, body with values, footer, buttons.
    const preview = byTestId(picker, 'template-preview');
    assert.match(await byTestId(preview, 'preview-header').textContent(), /Header image: https:\/\/cdn\.example\.com\/parts\/pump\.jpg/);
    assert.match(await preview.textContent(), /Hi Ravi, the fuel pump you asked about is in stock\./);
    assert.equal(await byTestId(preview, 'preview-footer').textContent(), 'Reply STOP to opt out');
    assert.deepEqual(await byTestId(preview, 'preview-buttons').locator('li').allTextContents(), ['See the part', 'Interested']);
    assert.equal(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'no sideways scroll at 360 px');
    assert.deepEqual(await axeViolations(page), []);

    assert.equal(await send.isEnabled(), true);
    // The phone's bottom bar never covers the composer's button.
    await send.scrollIntoViewIfNeeded();
    await assertAbove(send, page.locator('.nav'), 'the send button and the bottom bar');
    await send.click();
    const sent = page.locator('[data-testid="message"][data-direction="out"]')
      .filter({ hasText: 'Hi Ravi, the fuel pump you asked about is in stock.' });
    await sent.waitFor({ state: 'visible', timeout: WAIT });
    await eventually(async () => assert.equal(await sent.locator('[data-testid="status"]').getAttribute('data-status'), 'read'), { timeout: WAIT });

    const got = await accepted(RAVI);
    assert.equal(got.length, 1);
    assert.deepEqual(got[0].body.template, {
      name: 'part_offer',
      language: { code: 'en_US' },
      components: [
        { type: 'header', parameters: [{ type: 'image', image: { link: 'https://cdn.example.com/parts/pump.jpg' } }] },
        { type: 'body', parameters: [
          { type: 'text', parameter_name: 'customer_name', text: 'Ravi' },
          { type: 'text', parameter_name: 'part', text: 'fuel pump' },
        ] },
        { type: 'button', sub_type: 'url', index: '0', parameters: [{ type: 'text', text: 'fuel-pump-42' }] },
        { type: 'button', sub_type: 'quick_reply', index: '1', parameters: [{ type: 'payload', payload: 'INTERESTED_PUMP' }] },
      ],
    });
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});
