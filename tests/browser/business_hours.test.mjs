// Browser test for Settings → Business hours: an admin sets Mon–Fri
// 09:00–18:00 in Asia/Kolkata with a holiday, saves, and finds it kept after
// a reload; hours the API refuses (an opening that closes when it opens)
// show the API's reason and change nothing stored; 360 px wide, axe-clean;
// an agent reads the hours and cannot edit them; a customer writing while
// the number is closed finds the away message in the conversation, and an
// admin clears the hours back to "always open".
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/business_hours.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ENV, SCREENSHOTS, byTestId, customerWrites, eventually, startStack, stopStack, axeViolations, WAIT, PHONE, newPage, signIn, api, addTeammate } from './harness.mjs';

const TEST = { timeout: 180_000 };
const AGENT = { email: 'ravi@team.example', password: 'ravi password 1' };
const WEEKDAYS = [0, 1, 2, 3, 4];
/** The simulator's business number (Meta's phone_number_id). */
const NUMBER = '106540352242922';

let stack;
let base;
let browser;

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local');
  stack = await startStack('hours');
  ({ base, browser } = stack);
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await signIn(stack, page, ENV.PARLEY_ADMIN_EMAIL, ENV.PARLEY_ADMIN_PASSWORD);
    await addTeammate(stack, page, { ...AGENT, name: 'Ravi Kumar' });
    // Hours belong to a number: the profile names the one new conversations start from.
    const profile = await api(stack, page, 'PUT', '/api/business', { name: 'Chai Point', country: 'IN', currency: 'INR', time_zone: 'Asia/Kolkata', phone_number_id: NUMBER });
    assert.equal(profile.status, 200, JSON.stringify(profile.body));
  } finally {
    await context.close();
  }
}, { timeout: 200_000 });

after(() => stopStack(stack));

/** What the form shows for each day: its openings as "open-close". */
async function shownWeek(form) {
  const days = byTestId(form, 'hours-day');
  const week = [];
  for (let i = 0; i < 7; i += 1) {
    const day = days.nth(i);
    const opens = await byTestId(day, 'hours-open').evaluateAll((els) => els.map((e) => e.value));
    const closes = await byTestId(day, 'hours-close').evaluateAll((els) => els.map((e) => e.value));
    week.push(opens.map((o, j) => `${o}-${closes[j]}`));
  }
  return week;
}

const OFFICE_WEEK = [['09:00-18:00'], ['09:00-18:00'], ['09:00-18:00'], ['09:00-18:00'], ['09:00-18:00'], [], []];
const OFFICE_HOURS = {
  time_zone: 'Asia/Kolkata',
  weekly: OFFICE_WEEK.map((d) => d.map((o) => ({ open: o.slice(0, 5), close: o.slice(6) }))),
  holidays: [{ date: '2027-01-26', name: 'Republic Day' }],
};

test('an admin sets weekday hours with a holiday, they are kept, and refused hours say why', TEST, async () => {
  const { context, page } = await newPage(stack, { viewport: PHONE, bypassCSP: true });
  try {
    await signIn(stack, page, ENV.PARLEY_ADMIN_EMAIL, ENV.PARLEY_ADMIN_PASSWORD);
    const before = await api(stack, page, 'GET', '/api/business/hours');
    assert.equal(before.status, 200);
    assert.deepEqual(before.body.items, [{ number: NUMBER, hours: null }], 'the profile\'s number is listed without hours');
    const number = NUMBER;

    await page.goto(`${base}/#/settings/hours`);
    const form = byTestId(page, 'hours-form');
    await form.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(form, 'hours-always-open').count(), 1, 'no hours yet reads as always open');

    await byTestId(form, 'hours-zone').selectOption('Asia/Kolkata');
    const days = byTestId(form, 'hours-day');
    for (const i of WEEKDAYS) {
      const day = days.nth(i);
      await byTestId(day, 'hours-add').click();
      await byTestId(day, 'hours-open').fill('09:00');
      await byTestId(day, 'hours-close').fill('18:00');
    }
    // Saturday gets two openings, then loses one: removing works per opening.
    await byTestId(days.nth(5), 'hours-add').click();
    await byTestId(days.nth(5), 'hours-add').click();
    assert.equal(await byTestId(days.nth(5), 'hours-opening').count(), 2);
    await byTestId(days.nth(5), 'hours-remove').first().click();
    await byTestId(days.nth(5), 'hours-remove').first().click();
    assert.equal(await byTestId(days.nth(5), 'hours-closed').count(), 1);

    await byTestId(form, 'hours-holiday-add').click();
    await byTestId(form, 'hours-holiday-date').fill('2027-01-26');
    await byTestId(form, 'hours-holiday-name').fill('Republic Day');
    await byTestId(form, 'hours-save').click();
    await page.waitForFunction(() => document.querySelector('[data-testid="hours-message"]')?.textContent === 'Business hours saved.', null, { timeout: WAIT });
    assert.equal(await byTestId(form, 'hours-error').textContent(), '');

    const stored = await api(stack, page, 'GET', '/api/business/hours');
    assert.deepEqual(stored.body.items, [{ number, hours: OFFICE_HOURS }]);

    const scroll = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(scroll <= 0, `the page scrolls sideways by ${scroll}px`);
    assert.deepEqual(await axeViolations(page), []);
    fs.mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'hours-form-360.png'), fullPage: true });

    // Kept across a reload.
    await page.reload();
    await byTestId(page, 'hours-form').waitFor({ state: 'visible', timeout: WAIT });
    const kept = byTestId(page, 'hours-form');
    assert.equal(await byTestId(kept, 'hours-zone').inputValue(), 'Asia/Kolkata');
    assert.deepEqual(await shownWeek(kept), OFFICE_WEEK);
    assert.equal(await byTestId(kept, 'hours-holiday-date').inputValue(), '2027-01-26');
    assert.equal(await byTestId(kept, 'hours-holiday-name').inputValue(), 'Republic Day');
    assert.equal(await byTestId(kept, 'hours-always-open').count(), 0);

    // An opening that closes when it opens is refused (422): the reason is
    // shown, the edit stays on screen, and nothing stored changes.
    await byTestId(byTestId(kept, 'hours-day').nth(0), 'hours-close').fill('09:00');
    await byTestId(kept, 'hours-save').click();
    await page.waitForFunction(() => (document.querySelector('[data-testid="hours-error"]')?.textContent ?? '') !== '', null, { timeout: WAIT });
    assert.equal(await byTestId(kept, 'hours-error').textContent(), 'an opening must last longer than no time');
    assert.equal(await byTestId(kept, 'hours-message').textContent(), '');
    assert.equal(await byTestId(byTestId(kept, 'hours-day').nth(0), 'hours-close').inputValue(), '09:00');
    assert.deepEqual((await api(stack, page, 'GET', '/api/business/hours')).body.items, [{ number, hours: OFFICE_HOURS }]);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

// Runs after the admin's test (node --test runs a file's tests in order): it reads the hours saved there.
test('an agent reads the business hours and cannot change them', TEST, async () => {
  const { context, page } = await newPage(stack, { viewport: PHONE, bypassCSP: true });
  try {
    await signIn(stack, page, AGENT.email, AGENT.password);
    await page.goto(`${base}/#/settings/hours`);
    const read = byTestId(page, 'hours-read');
    await read.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(page, 'hours-form').count(), 0);
    assert.equal(await page.locator('[data-testid="settings-hours"] input, [data-testid="settings-hours"] button').count(), 0);
    assert.equal(await byTestId(read, 'hours-read-zone').textContent(), 'Asia/Kolkata');
    assert.deepEqual(await byTestId(read, 'hours-read-day').allTextContents(),
      ['09:00–18:00', '09:00–18:00', '09:00–18:00', '09:00–18:00', '09:00–18:00', 'Closed', 'Closed']);
    assert.equal(await byTestId(read, 'hours-read-holidays').textContent(), '2027-01-26 (Republic Day)');

    const refused = await api(stack, page, 'PUT', `/api/business/hours/${NUMBER}`, { ...OFFICE_HOURS, holidays: [] });
    assert.equal(refused.status, 403);

    const scroll = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(scroll <= 0, `the page scrolls sideways by ${scroll}px`);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});

test('a customer writing while closed gets the away message, and cleared hours count as always open', TEST, async () => {
  const { context, page } = await newPage(stack, { viewport: PHONE, bypassCSP: true });
  try {
    await signIn(stack, page, ENV.PARLEY_ADMIN_EMAIL, ENV.PARLEY_ADMIN_PASSWORD);
    const closed = { time_zone: 'Asia/Kolkata', weekly: [[], [], [], [], [], [], []], holidays: [] };
    const saved = await api(stack, page, 'PUT', `/api/business/hours/${NUMBER}`, closed);
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    await customerWrites(stack, '919833300001', 'Chitra Late', 'Are you still open?');
    const contactId = await eventually(async () => {
      const { body } = await api(stack, page, 'GET', '/api/contacts?q=chitra');
      assert.equal(body.items.length, 1);
      return body.items[0].id;
    }, { timeout: WAIT });
    await page.goto(`${base}/#/inbox/${encodeURIComponent(contactId)}`);
    const away = byTestId(page, 'message').filter({ hasText: 'closed right now' });
    await eventually(async () => assert.equal(await away.count(), 1), { timeout: WAIT });
    assert.equal(await away.getAttribute('data-direction'), 'out');

    await page.goto(`${base}/#/settings/hours`);
    const section = byTestId(page, 'hours-number').filter({ hasText: NUMBER });
    await byTestId(section, 'hours-clear').waitFor({ state: 'visible', timeout: WAIT });
    page.once('dialog', (dialog) => dialog.accept());
    await byTestId(section, 'hours-clear').click();
    await eventually(async () => assert.equal(await byTestId(section, 'hours-always-open').count(), 1), { timeout: WAIT });
    assert.equal(await byTestId(section, 'hours-clear').count(), 0, 'nothing left to clear');
    const { body } = await api(stack, page, 'GET', '/api/business/hours');
    assert.equal(body.items.find((i) => i.number === NUMBER).hours, null);
    assert.deepEqual(await axeViolations(page), []);
    assert.deepEqual(page.errors, []);
  } finally {
    await context.close();
  }
});
