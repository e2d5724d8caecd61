// Browser test for customers' media (issue 10 §1): a customer sends a
// photo and a voice note through the simulator; the agent sees "Fetching…"
// give way to the photo inline (loaded from the presigned bucket link under
// the page's own content security policy), opens it in the viewer with the
// keyboard and closes it with Escape, and finds a voice note whose audio
// element loads its source. 360 px wide; axe stays at 0 serious.
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/media.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENV, byTestId, contactRow, eventually, startStack, stopStack, axeViolations } from './harness.mjs';

const WAIT = 30_000;
const TEST = { timeout: 180_000 };
const CUSTOMER = { from: '919811122233', name: 'Meera Photo' };

let stack;

async function customerSends(media, text = '') {
  const res = await fetch(`${stack.sim.base}/sim/customer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...CUSTOMER, text, media }),
  });
  assert.equal(res.status, 200, `the simulator answered ${res.status}`);
  return (await res.json()).wamid;
}

async function signIn(page) {
  await page.goto(stack.base);
  await byTestId(page, 'login-form').waitFor({ state: 'visible', timeout: WAIT });
  await byTestId(page, 'login-email').fill(ENV.PARLEY_ADMIN_EMAIL);
  await byTestId(page, 'login-password').fill(ENV.PARLEY_ADMIN_PASSWORD);
  await byTestId(page, 'login-submit').click();
  await byTestId(page, 'inbox').waitFor({ state: 'visible', timeout: WAIT });
}

async function openConversation(page) {
  const row = contactRow(page, CUSTOMER.name);
  await row.waitFor({ state: 'visible', timeout: WAIT });
  await row.click();
  await eventually(async () => assert.equal(await byTestId(page, 'conversation-name').textContent(), CUSTOMER.name), { timeout: WAIT });
}

const bubble = (page, id) => page.locator(`[data-testid="message"][data-message-id="${id}"]`);

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local');
  stack = await startStack('media');
});

after(async () => {
  await stopStack(stack);
});

test('a photo shows inline and opens in the viewer; a voice note plays in place', TEST, async () => {
  // The page's own CSP applies (no bypass): media must load from the bucket's origin.
  const context = await stack.browser.newContext({ viewport: { width: 360, height: 740 } });
  const page = await context.newPage();
  const violations = [];
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations = [...(window.__cspViolations ?? []), `${e.violatedDirective} ${e.blockedURI}`];
    });
  });
  page.on('pageerror', (e) => violations.push(String(e)));
  await signIn(page);
  const photo = await customerSends('photo', 'this part please');
  const voice = await customerSends('voice');
  await openConversation(page);

  // Fetching… gives way to the photo, loaded.
  const image = byTestId(bubble(page, photo), 'media-image');
  await image.waitFor({ state: 'visible', timeout: WAIT });
  await eventually(async () => {
    const width = await image.locator('img').evaluate((img) => img.complete && img.naturalWidth);
    assert.ok(width > 0, 'the photo loaded');
  }, { timeout: WAIT });
  assert.equal(await byTestId(bubble(page, photo), 'message-text').textContent(), 'this part please');

  // Keyboard: focus the photo, Enter opens the viewer, Escape closes it.
  await image.focus();
  await page.keyboard.press('Enter');
  const viewer = byTestId(page, 'media-viewer');
  await viewer.waitFor({ state: 'visible', timeout: WAIT });
  await eventually(async () => {
    const width = await byTestId(viewer, 'media-viewer-image').evaluate((img) => img.complete && img.naturalWidth);
    assert.equal(width, 320, 'the full photo');
  }, { timeout: WAIT });
  await page.keyboard.press('Escape');
  await viewer.waitFor({ state: 'hidden', timeout: WAIT });
  // And with a click.
  await image.click();
  await viewer.waitFor({ state: 'visible', timeout: WAIT });
  await byTestId(page, 'media-viewer-close').click();
  await viewer.waitFor({ state: 'hidden', timeout: WAIT });

  // The voice note: an audio element whose source loads (OGG/Opus plays in Chromium).
  const audio = byTestId(bubble(page, voice), 'media-audio');
  await audio.waitFor({ state: 'visible', timeout: WAIT });
  await eventually(async () => {
    const { readyState, duration } = await audio.evaluate((a) => ({ readyState: a.readyState, duration: a.duration }));
    assert.ok(readyState >= 1, `metadata loaded (readyState ${readyState})`);
    assert.ok(duration > 1.5 && duration < 2.5, `a two-second note (${duration})`);
  }, { timeout: WAIT });
  const src = await audio.getAttribute('src');
  const res = await fetch(src);
  assert.equal(res.status, 200);
  assert.equal(res.headers.get('content-type'), 'audio/ogg; codecs=opus');

  assert.deepEqual(await page.evaluate(() => window.__cspViolations ?? []), [], 'nothing blocked by the CSP');
  assert.deepEqual(violations, []);
  const wide = await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
  assert.ok(wide, 'no sideways scroll at 360 px');
  await context.close();

  // axe needs the CSP bypassed to inject itself.
  const audit = await stack.browser.newContext({ viewport: { width: 360, height: 740 }, bypassCSP: true });
  const auditPage = await audit.newPage();
  await signIn(auditPage);
  await openConversation(auditPage);
  await byTestId(bubble(auditPage, voice), 'media-audio').waitFor({ state: 'visible', timeout: WAIT });
  assert.deepEqual(await axeViolations(auditPage), []);
  await audit.close();
});
