// Browser test for campaigns: an admin composes a Diwali offer to the
// contacts tagged diwali entirely from the Campaigns screen, sees the live
// count complete with who is left out and why (an opted-out customer, one
// without a marketing opt-in under strict consent, one without a name for
// the {{1}} ← first name parameter) and the estimated cost in rupees,
// confirms the cost and sends; the campaign's screen then follows it until
// every recipient's message is sent, delivered and read, counts a
// customer's reply and a STOP after it. A second campaign, scheduled an
// hour ahead, is paused, resumed (back to scheduled) and cancelled.
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/campaigns.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENV, eventually, byTestId, startStack, stopStack, axeViolations, WAIT, newPage, signIn, api, customerWrites, screenshot, noSidewaysScroll, PHONE } from './harness.mjs';

const PROFILE = { name: 'Asha Textiles', country: 'IN', currency: 'INR', time_zone: 'Asia/Kolkata', phone_number_id: '106540352242922' };
/** Sends go through the worker's queue, the simulator and its status webhooks. */
const CAMPAIGN_WAIT = 90_000;
const COUNT = 12;
const waIdOf = (i) => `9198765430${String(i).padStart(2, '0')}`;
/** Who is left out, by design: an opt-out, no opt-in (strict consent), no name for {{1}}. */
const OPTED_OUT = 3;
const NO_CONSENT = 7;
const NO_NAME = 11;
const SENDABLE = COUNT - 3;

let stack;

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local');
  stack = await startStack('campaigns');
}, { timeout: 200_000 });

after(async () => {
  await stopStack(stack);
});

/** The business, strict consent, the template catalog and the tagged contacts; returns the contacts' ids by index. */
async function seed(page) {
  assert.equal((await api(stack, page, 'PUT', '/api/business', PROFILE)).status, 200);
  const consent = await api(stack, page, 'GET', '/api/business/consent');
  assert.equal(consent.status, 200, JSON.stringify(consent.body));
  const strict = await api(stack, page, 'PUT', '/api/business/consent', { strict: true, languages: consent.body.languages });
  assert.equal(strict.status, 200, JSON.stringify(strict.body));
  const synced = await api(stack, page, 'POST', '/api/templates/sync');
  assert.equal(synced.status, 200, JSON.stringify(synced.body));
  const ids = [];
  for (let i = 0; i < COUNT; i++) {
    const body = { phone: `+${waIdOf(i)}`, tags: ['diwali'], consent: i === NO_CONSENT ? [] : ['marketing'] };
    if (i !== NO_NAME) body.name = `Diwali Customer ${i}`;
    const made = await api(stack, page, 'POST', '/api/contacts', body);
    assert.equal(made.status, 201, JSON.stringify(made.body));
    ids.push(made.body.id);
  }
  const out = await api(stack, page, 'POST', `/api/contacts/${ids[OPTED_OUT]}/opt_out`, { opted_out: true });
  assert.equal(out.status, 200, JSON.stringify(out.body));
  return ids;
}

/** The segment's count and price as the API gives it, every page added up. */
async function apiEstimate(page, draft) {
  let cursor = null;
  const sum = { sendable: 0, amount: 0, currency: null };
  do {
    const res = await api(stack, page, 'POST', '/api/campaigns/preview', { ...draft, cursor });
    assert.equal(res.status, 200, JSON.stringify(res.body));
    sum.sendable += res.body.sendable;
    sum.currency = res.body.currency;
    sum.amount += res.body.markets.filter((m) => m.currency === res.body.currency).reduce((a, m) => a + m.amount_minor, 0);
    cursor = res.body.next_cursor;
  } while (cursor);
  return sum;
}

/** Opens the composer from the Campaigns screen and fills in the template, {{1}} and the tag. */
async function compose(page, name, param) {
  await byTestId(page, 'nav-campaigns').click();
  await byTestId(page, 'campaigns').waitFor({ state: 'visible', timeout: WAIT });
  await byTestId(page, 'campaign-new').click();
  await byTestId(page, 'campaign-composer').waitFor({ state: 'visible', timeout: WAIT });
  await byTestId(page, 'campaign-name').fill(name);
  const template = byTestId(page, 'campaign-template');
  await eventually(async () => assert.ok(await template.locator('option[value="diwali_sale|en_US"]').count() === 1, 'diwali_sale is offered'), { timeout: WAIT });
  assert.equal(await template.locator('option[value="login_code|en_US"]').isDisabled(), true, 'an authentication template is greyed out');
  assert.equal(await template.locator('option[value="part_offer|en_US"]').isDisabled(), false, 'a template whose header takes a file can go too');
  await template.selectOption('diwali_sale|en_US');
  assert.equal(await byTestId(page, 'campaign-param').count(), 1, 'one row for {{1}}');
  assert.equal(await byTestId(page, 'campaign-count').getAttribute('data-state'), 'idle', 'nothing is counted before {{1}} has a source');
  if (param.field) {
    await byTestId(page, 'campaign-param-source').selectOption(param.field);
  } else {
    await byTestId(page, 'campaign-param-text').fill(param.text);
  }
  assert.match(await byTestId(page, 'campaign-preview-body').innerText(), /20% off everything this week\./);
  await byTestId(page, 'campaign-tag').fill('diwali');
}

/** Waits until the live count is whole; fails with the API's words if it stopped. */
async function countComplete(page) {
  const count = byTestId(page, 'campaign-count');
  await eventually(async () => {
    const state = await count.getAttribute('data-state');
    if (state === 'error') assert.fail(`the count stopped: ${await byTestId(page, 'campaign-count-error').innerText()}`);
    assert.equal(state, 'done');
  }, { timeout: CAMPAIGN_WAIT, interval: 200 });
}

/** A figure on the campaign's screen. */
const figure = async (page, name) => Number(await byTestId(page, `campaign-${name}`).getAttribute('data-value'));

test('a Diwali offer to the tagged contacts: live count with exclusions, missing names and the cost in rupees, sent and followed to read and replied', { timeout: 300_000 }, async () => {
  const { context, page } = await newPage(stack, { bypassCSP: true });
  await signIn(stack, page);
  const ids = await seed(page);
  const expected = await apiEstimate(page, {
    template: 'diwali_sale', language: 'en_US', params: [{ kind: 'field', field: 'first_name', fallback: null }],
    audience: { tag: 'diwali', stage: null, owner: null, source: null, field: null, inbound_within_days: null, opted_in_only: false },
  });
  assert.equal(expected.sendable, SENDABLE, 'the API counts the segment as designed');
  assert.equal(expected.currency, 'INR');

  await compose(page, 'Diwali offer', { field: 'first_name' });
  await countComplete(page);
  assert.equal(await figure(page, 'sendable'), SENDABLE);
  const exclusion = (reason) => page.locator(`[data-testid="campaign-exclusion"][data-reason="${reason}"]`);
  for (const reason of ['opted_out', 'no_consent', 'missing_field']) {
    assert.equal(await exclusion(reason).getAttribute('data-value'), '1', `one contact left out for ${reason}`);
  }
  assert.match(await exclusion('opted_out').innerText(), /Opted out/);
  const missing = byTestId(page, 'campaign-missing-item');
  assert.equal(await missing.count(), 1);
  assert.equal(await missing.getAttribute('data-contact-id'), ids[NO_NAME]);
  assert.equal(await missing.locator('a').getAttribute('href'), `#/inbox/${ids[NO_NAME]}`);
  assert.match(await missing.innerText(), /first name/);

  const total = byTestId(page, 'campaign-cost-total');
  assert.equal(await total.getAttribute('data-currency'), 'INR');
  assert.equal(Number(await total.getAttribute('data-amount-minor')), expected.amount, 'the total is the sum of the pages the API priced');
  assert.ok(expected.amount > 0, 'marketing to India costs something');
  assert.match(await total.innerText(), /₹/);
  assert.match(await byTestId(page, 'campaign-market').first().innerText(), /\+91/);

  const review = byTestId(page, 'campaign-review');
  assert.equal(await review.isDisabled(), true, 'nothing goes before the cost is confirmed');
  assert.match(await byTestId(page, 'campaign-review-hint').innerText(), /Confirm the estimated cost/);
  const confirm = byTestId(page, 'campaign-cost-confirm');
  assert.match(await page.locator('label.campaign-confirm').innerText(), /I confirm the estimated cost of ₹/);
  await confirm.check();
  assert.equal(await review.isDisabled(), false);
  assert.deepEqual(await axeViolations(page), [], 'axe-core on the composer with a whole count');
  await screenshot(page, 'campaign-composer-1280.png');

  await review.click();
  const dialog = byTestId(page, 'campaign-confirm');
  await dialog.waitFor({ state: 'visible', timeout: WAIT });
  assert.equal(await byTestId(dialog, 'campaign-confirm-recipients').innerText(), String(SENDABLE));
  assert.match(await byTestId(dialog, 'campaign-confirm-excluded').innerText(), /^3 /);
  assert.match(await byTestId(dialog, 'campaign-confirm-cost').innerText(), /₹/);
  await byTestId(dialog, 'campaign-send').click();

  const detail = byTestId(page, 'campaign-detail');
  await detail.waitFor({ state: 'visible', timeout: WAIT });
  assert.match(await page.evaluate(() => location.hash), /^#\/campaigns\/cp[0-9a-f]{20}$/);
  const status = byTestId(page, 'campaign-status');
  await status.waitFor({ state: 'visible', timeout: WAIT });
  assert.match(await byTestId(page, 'campaign-estimate').innerText(), /₹/);

  // The simulator answers every send with sent, delivered and read.
  await eventually(async () => {
    for (const f of ['sent', 'delivered', 'read']) assert.equal(await figure(page, f), SENDABLE, `${f} reaches ${SENDABLE}`);
  }, { timeout: CAMPAIGN_WAIT, interval: 500 });
  await eventually(async () => assert.equal(await status.getAttribute('data-status'), 'finished'), { timeout: CAMPAIGN_WAIT, interval: 500 });
  assert.equal(await status.innerText(), 'Finished');
  assert.equal(await figure(page, 'failed'), 0);
  // What Meta billed comes from the pricing on its statuses (a marketing
  // template: every message billed), at the rate card's price.
  const cost = byTestId(page, 'campaign-cost');
  await eventually(async () => assert.equal(await cost.getAttribute('data-billed'), String(SENDABLE)), { timeout: CAMPAIGN_WAIT, interval: 500 });
  assert.equal(await cost.getAttribute('data-free'), '0');
  assert.ok(Number(await cost.getAttribute('data-value')) > 0, 'the billed messages cost something');
  assert.match(await cost.innerText(), new RegExp(`^Meta has billed ${SENDABLE} messages so far: ₹`));
  for (const reason of ['opted_out', 'no_consent', 'missing_field']) {
    assert.equal(await page.locator(`[data-testid="campaign-excluded-reason"][data-reason="${reason}"]`).getAttribute('data-value'), '1', `the campaign recorded ${reason}`);
  }
  assert.equal(await byTestId(page, 'campaign-pause').count(), 0, 'a finished campaign is not paused');

  // A customer writes back: a reply to the campaign (the screen keeps polling after it finished).
  await customerWrites(stack, waIdOf(1), 'Diwali Customer 1', 'Is the silk saree in the offer too?');
  await eventually(async () => assert.equal(await figure(page, 'replied'), 1), { timeout: CAMPAIGN_WAIT, interval: 500 });
  // Another opts out after it reached them.
  await customerWrites(stack, waIdOf(2), 'Diwali Customer 2', 'STOP');
  await eventually(async () => assert.equal(await figure(page, 'opted_out_after'), 1), { timeout: CAMPAIGN_WAIT, interval: 500 });

  await byTestId(page, 'campaign-recipients-load').click();
  await eventually(async () => assert.equal(await byTestId(page, 'campaign-recipient').count(), COUNT), { timeout: WAIT });
  assert.equal(await page.locator(`[data-testid="campaign-recipient"][data-contact-id="${ids[OPTED_OUT]}"]`).getAttribute('data-state'), 'excluded');
  // The pointer off the button just clicked: a secondary button's hover colours are the app's own, not this screen's.
  await page.mouse.move(0, 0);
  assert.deepEqual(await axeViolations(page), [], 'axe-core on the campaign screen');
  await screenshot(page, 'campaign-detail-1280.png');

  await byTestId(page, 'campaign-detail-back').click();
  const row = byTestId(page, 'campaign-row').filter({ hasText: 'Diwali offer' });
  await row.waitFor({ state: 'visible', timeout: WAIT });
  assert.equal(await byTestId(row, 'campaign-row-status').getAttribute('data-status'), 'finished');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('on a phone: a campaign scheduled an hour ahead is paused, resumed (it waits for its time again) and cancelled', { timeout: 240_000 }, async () => {
  const { context, page } = await newPage(stack, { viewport: PHONE, failOnDialog: true });
  await signIn(stack, page);
  if ((await api(stack, page, 'GET', '/api/templates')).body?.items?.length === 0) {
    assert.equal((await api(stack, page, 'POST', '/api/templates/sync')).status, 200);
  }
  await compose(page, 'Diwali reminder', { text: 'Dear customer' });
  await byTestId(page, 'campaign-when-later').check();
  const at = await byTestId(page, 'campaign-at').inputValue();
  assert.ok(Date.parse(at) > Date.now() + 30 * 60_000, `the default time is about an hour ahead: ${at}`);
  await countComplete(page);
  await byTestId(page, 'campaign-cost-confirm').check();
  await noSidewaysScroll(page);
  await screenshot(page, 'campaign-composer-360.png');
  await byTestId(page, 'campaign-review').click();
  const dialog = byTestId(page, 'campaign-confirm');
  await dialog.waitFor({ state: 'visible', timeout: WAIT });
  assert.equal(await byTestId(dialog, 'campaign-send').innerText(), 'Schedule');
  await byTestId(dialog, 'campaign-send').click();

  const status = byTestId(page, 'campaign-status');
  await status.waitFor({ state: 'visible', timeout: WAIT });
  const is = (s, label) => eventually(async () => {
    assert.equal(await status.getAttribute('data-status'), s);
    assert.equal(await status.innerText(), label);
  }, { timeout: WAIT, interval: 200 });
  await is('scheduled', 'Scheduled');
  assert.equal(await byTestId(page, 'campaign-resume').count(), 0);
  await noSidewaysScroll(page);
  await screenshot(page, 'campaign-detail-360.png');

  await byTestId(page, 'campaign-pause').click();
  await is('paused', 'Paused');
  assert.equal(await byTestId(page, 'campaign-pause').count(), 0);

  await byTestId(page, 'campaign-resume').click();
  await is('scheduled', 'Scheduled');

  await byTestId(page, 'campaign-cancel').click();
  const ask = byTestId(page, 'campaign-cancel-dialog');
  await ask.waitFor({ state: 'visible', timeout: WAIT });
  await byTestId(ask, 'campaign-cancel-keep').click();
  await is('scheduled', 'Scheduled');
  await byTestId(page, 'campaign-cancel').click();
  await byTestId(page, 'campaign-cancel-confirm').click();
  await is('cancelled', 'Cancelled');
  assert.equal(await byTestId(page, 'campaign-actions').count(), 0, 'a cancelled campaign has no moves left');
  assert.equal(await figure(page, 'sent'), 0, 'nobody got a cancelled campaign that never started');

  // The API agrees.
  const id = await page.evaluate(() => location.hash.split('/').pop());
  const got = await api(stack, page, 'GET', `/api/campaigns/${id}`);
  assert.equal(got.body.status, 'cancelled');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('the live count adds every page up as it comes, starts over when the draft changes, and shows why a draft cannot be counted', { timeout: 120_000 }, async () => {
  const { context, page } = await newPage(stack);
  await signIn(stack, page);
  // A large segment, served by hand so its pages arrive when the test says:
  // the first answer of each draft at once, the second once released.
  let release;
  const gate = new Promise((resolve) => { release = resolve; });
  const answers = {
    diwali: [
      { in_segment: 600, sendable: 550, excluded: { opted_out: 30, no_consent: 20 }, missing: [],
        markets: [{ market: '91', recipients: 540, amount_minor: 540 * 78, currency: 'INR' }, { market: '1', recipients: 10, amount_minor: 250, currency: 'USD' }] },
      { in_segment: 400, sendable: 390, excluded: { opted_out: 10 }, missing: [], markets: [{ market: '91', recipients: 390, amount_minor: 390 * 78, currency: 'INR' }] },
    ],
    vip: [
      { in_segment: 70, sendable: 60, excluded: { opted_out: 4, missing_field: 6 },
        missing: [{ contact_id: '0123456789abcdef01234567', name: 'Asha', field: 'first_name' }],
        markets: [{ market: '91', recipients: 55, amount_minor: 55 * 78, currency: 'INR' }, { market: '1', recipients: 5, amount_minor: 125, currency: 'USD' }] },
      { in_segment: 30, sendable: 30, excluded: {}, missing: [], markets: [{ market: '91', recipients: 30, amount_minor: 30 * 78, currency: 'INR' }] },
    ],
  };
  await page.route('**/api/campaigns/preview', async (route) => {
    const body = route.request().postDataJSON();
    if (body.audience.tag === 'broken') {
      await route.fulfill({ status: 422, contentType: 'application/json', body: JSON.stringify({ error: { code: 'invalid', message: 'the template takes 1 parameters; 2 were given' } }) });
      return;
    }
    const pages = answers[body.audience.tag] ?? answers.diwali;
    const second = body.cursor === 'p2';
    if (second) await gate;
    const answer = { ...(second ? pages[1] : pages[0]), currency: 'INR', next_cursor: second ? null : 'p2' };
    await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(answer) }).catch(() => {});
  });

  await compose(page, 'Big festival', { field: 'first_name' });
  const status = byTestId(page, 'campaign-count-status');
  await eventually(async () => assert.equal(await status.innerText(), 'Counting… 600 so far'), { timeout: WAIT });
  assert.equal(await byTestId(page, 'campaign-count').getAttribute('data-state'), 'counting');
  assert.equal(await figure(page, 'sendable'), 550);
  assert.equal(await byTestId(page, 'campaign-cost-confirm').isDisabled(), true, 'a partial count cannot be confirmed');
  assert.equal(await byTestId(page, 'campaign-review').isDisabled(), true);
  assert.match(await byTestId(page, 'campaign-review-hint').innerText(), /Wait for the count to complete/);

  // Another tag while the first count is still waiting for its second page: the sums start over.
  await byTestId(page, 'campaign-tag').fill('VIP');
  await eventually(async () => assert.equal(await status.innerText(), 'Counting… 70 so far'), { timeout: WAIT });
  assert.equal(await figure(page, 'sendable'), 60);
  release();
  await countComplete(page);
  assert.equal(await status.innerText(), '100 contacts in the segment; 90 will get the message.');
  assert.equal(await figure(page, 'sendable'), 90, 'the old draft’s late page was not added');
  const exclusion = (reason) => page.locator(`[data-testid="campaign-exclusion"][data-reason="${reason}"]`);
  assert.equal(await exclusion('opted_out').getAttribute('data-value'), '4');
  assert.equal(await exclusion('missing_field').getAttribute('data-value'), '6');
  assert.equal(await byTestId(page, 'campaign-missing-item').count(), 1);
  const total = byTestId(page, 'campaign-cost-total');
  assert.equal(Number(await total.getAttribute('data-amount-minor')), 85 * 78, 'the total is the markets priced in the business’s currency');
  assert.equal(await byTestId(page, 'campaign-cost-foreign').count(), 1, 'a market priced in dollars is said to be left out of the total');
  assert.match(await page.locator('[data-testid="campaign-market"][data-market="1"]').innerText(), /\$/);
  await byTestId(page, 'campaign-cost-confirm').check();
  assert.equal(await byTestId(page, 'campaign-review').isDisabled(), false);

  // A changed draft undoes the confirmation; an unsuitable one says why.
  await byTestId(page, 'campaign-tag').fill('broken');
  await eventually(async () => assert.match(await byTestId(page, 'campaign-count-error').innerText(), /takes 1 parameters; 2 were given/), { timeout: WAIT });
  assert.equal(await byTestId(page, 'campaign-review').isDisabled(), true);
  await byTestId(page, 'campaign-tag').fill('vip');
  await countComplete(page);
  assert.equal(await byTestId(page, 'campaign-cost-confirm').isChecked(), false, 'the estimate must be confirmed again');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a festive coupon: the video header and the code are asked for once, and every recipient gets both', { timeout: 240_000 }, async () => {
  const { context, page } = await newPage(stack);
  await signIn(stack, page);
  if ((await api(stack, page, 'GET', '/api/templates')).body?.items?.length === 0) {
    assert.equal((await api(stack, page, 'POST', '/api/templates/sync')).status, 200);
  }
  await byTestId(page, 'nav-campaigns').click();
  await byTestId(page, 'campaign-new').click();
  await byTestId(page, 'campaign-name').fill('Festive coupon');
  const template = byTestId(page, 'campaign-template');
  await eventually(async () => assert.equal(await template.locator('option[value="festive_coupon|en_US"]').count(), 1), { timeout: WAIT });
  await template.selectOption('festive_coupon|en_US');
  const fields = byTestId(page, 'campaign-fixed-parts');
  const video = fields.locator('[data-key="header.media"]');
  const code = fields.locator('[data-key="button.0"]');
  await video.waitFor({ state: 'visible', timeout: WAIT });
  await byTestId(page, 'campaign-param-text').fill('Dear customer');
  await byTestId(page, 'campaign-tag').fill('diwali');
  assert.equal(await byTestId(page, 'campaign-count').getAttribute('data-state'), 'idle', 'nothing is counted before the video and the code are given');
  await video.fill('https://cdn.example.com/diwali.mp4');
  await code.fill('DIWALI10');
  await countComplete(page);
  const sendable = await figure(page, 'sendable');
  await byTestId(page, 'campaign-cost-confirm').check();
  await byTestId(page, 'campaign-review').click();
  await byTestId(page, 'campaign-send').click();
  await byTestId(page, 'campaign-status').waitFor({ state: 'visible', timeout: WAIT });

  // What Meta (the simulator) took: the video and the code in every message of the campaign.
  await eventually(async () => {
    const accepted = await (await fetch(`${stack.sim.base}/sim/accepted`)).json();
    const sent = accepted.filter((a) => a.body.type === 'template' && a.body.template.name === 'festive_coupon');
    assert.ok(sendable > 0 && sent.length === sendable, `sent ${sent.length} of ${sendable}`);
    for (const a of sent) {
      const parts = a.body.template.components;
      assert.equal(parts.find((c) => c.type === 'header').parameters[0].video.link, 'https://cdn.example.com/diwali.mp4');
      assert.equal(parts.find((c) => c.type === 'button').parameters[0].coupon_code, 'DIWALI10');
    }
  }, { timeout: CAMPAIGN_WAIT, interval: 500 });
  assert.deepEqual(page.errors, []);
  await context.close();
});
