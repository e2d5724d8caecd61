// Browser test for the CSV contact import: a manager chooses a 150-row
// spreadsheet in Settings → Import contacts, maps its columns (one to a
// custom field), picks the pipeline and starts it; the counts come in,
// the contacts are there, tagged, with their deals, and importing the same
// file again changes nothing. A messy export (BOM, semicolons, national
// numbers, a duplicate, a blank row, a formula, a bad number) is imported
// with each row accounted for and a report of the refused ones.
//
// 150 rows are one worker step, as 500 or 1,000 are: what the screens do
// does not change with the count, and the other 350 rows only kept DynamoDB
// Local busy under the other browser files (the 5,000-row figures are
// tests/benches/imports.rs's).
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/imports.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ENV, ROOT, eventually, byTestId, startStack, stopStack, axeViolations, WAIT, newPage, signIn, api } from './harness.mjs';

const PROFILE = { name: 'Asha Textiles', country: 'IN', currency: 'INR', time_zone: 'Asia/Kolkata', phone_number_id: '106540352242922' };
const MESSY = path.join(ROOT, 'tests', 'fixtures', 'csv', 'messy.csv');
const CITIES = ['Surat', 'Mumbai', 'Chennai', 'Kochi', 'Jaipur'];
const ROWS = 150;
/** How long an import may take: the local worker took ~110 s for 500 new rows on a busy machine (~30 s to find them all again). */
const IMPORT_WAIT = 180_000;
/** The i-th generated row's phone as the API stores it (E.164). */
const phoneOf = (i) => `+91982001${String(i).padStart(4, '0')}`;

let stack;
let dir;

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local');
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'parley-import-'));
  stack = await startStack('imports');
}, { timeout: 200_000 });

after(async () => {
  await stopStack(stack);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** A spreadsheet of `ROWS` customers as an Indian shop keeps them: spaced +91 numbers, one tag, a stage and a value. */
function customersCsv() {
  const lines = ['Name,Mobile,Tags,City,Stage,Value'];
  for (let i = 0; i < ROWS; i++) {
    lines.push(`Customer ${i},+91 98200 1${String(i).padStart(4, '0')},diwali,${CITIES[i % CITIES.length]},qualified,4500`);
  }
  const file = path.join(dir, 'diwali-customers.csv');
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
}

async function chooseFile(page, file) {
  await byTestId(page, 'import-file').setInputFiles(file);
  await byTestId(page, 'import-preview').waitFor({ state: 'visible', timeout: WAIT });
}

/** Sets each named column's target; `fields.<key>` goes through "Custom field…". */
async function mapColumns(page, mapping) {
  for (const [column, target] of Object.entries(mapping)) {
    const row = page.locator(`[data-testid="import-column"][data-column="${column}"]`);
    if (target.startsWith('fields.')) {
      await byTestId(row, 'import-column-target').selectOption({ value: 'fields.' });
      await byTestId(row, 'import-column-custom').fill(target.slice('fields.'.length));
    } else {
      await byTestId(row, 'import-column-target').selectOption({ value: target });
    }
  }
}

/** Starts the mapped import and waits for it to finish; fails with the server's words if it is refused or fails. */
async function startAndWait(page) {
  await byTestId(page, 'import-start').click();
  const status = byTestId(page, 'import-status');
  const final = await eventually(async () => {
    const refused = byTestId(page, 'import-error');
    if (!(await status.count()) && (await refused.count())) return `refused: ${await refused.innerText()}`;
    const s = await status.getAttribute('data-status', { timeout: 1000 });
    assert.ok(s === 'done' || s === 'failed', `the import is still ${s}`);
    return s;
  }, { timeout: IMPORT_WAIT, interval: 250 });
  if (final === 'failed') assert.fail(`the import failed: ${await byTestId(page, 'import-failure').innerText()}`);
  assert.equal(final, 'done', `the import was ${final}`);
}

/** The number a counter shows. */
async function counter(page, what) {
  return Number((await byTestId(page, `import-${what}`).innerText()).replace(/\D/g, ''));
}

async function counters(page) {
  const out = {};
  for (const what of ['created', 'updated', 'unchanged', 'rejected', 'skipped']) out[what] = await counter(page, what);
  return out;
}

/** The newest import as the API lists it. */
async function latestJob(page) {
  const listed = await api(stack, page, 'GET', '/api/imports');
  assert.equal(listed.status, 200, JSON.stringify(listed.body));
  return listed.body.items[0];
}

/** Every contact tagged `tag`, all pages. */
async function contactsTagged(page, tag) {
  const all = [];
  let cursor = '';
  do {
    const res = await api(stack, page, 'GET', `/api/contacts?tag=${encodeURIComponent(tag)}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    all.push(...res.body.items);
    cursor = res.body.next_cursor ?? '';
  } while (cursor);
  return all;
}

const CUSTOMERS = { Name: 'name', Mobile: 'phone', Tags: 'tags', City: 'fields.city', Stage: 'stage', Value: 'value' };

test('a 150-row CSV mapped in Settings becomes contacts with deals, and a second import changes nothing', { timeout: 2 * IMPORT_WAIT + 120_000 }, async () => {
  const { context, page } = await newPage(stack, { bypassCSP: true });
  await signIn(stack, page);
  assert.equal((await api(stack, page, 'PUT', '/api/business', PROFILE)).status, 200);
  const file = customersCsv();

  await page.goto(`${stack.base}/#/settings/import`);
  await byTestId(page, 'settings-import').waitFor({ state: 'visible', timeout: WAIT });
  await chooseFile(page, file);
  const headers = await byTestId(page, 'import-preview').locator('thead th').allInnerTexts();
  assert.deepEqual(headers.map((h) => h.trim()), ['Name', 'Mobile', 'Tags', 'City', 'Stage', 'Value']);
  assert.ok(await byTestId(page, 'import-preview-row').count() > 0, 'the first rows are shown');
  assert.equal(await byTestId(page, 'import-column-target').count(), 6, 'one target per column');

  // Without a phone column nothing can be matched: the screen says so and will not start.
  await mapColumns(page, { Mobile: '' });
  assert.match(await byTestId(page, 'import-mapping-problem').innerText(), /Phone/);
  assert.equal(await byTestId(page, 'import-start').isDisabled(), true);

  await mapColumns(page, CUSTOMERS);
  assert.equal(await byTestId(page, 'import-mapping-problem').innerText(), '');
  await byTestId(page, 'import-pipeline').selectOption('sales');
  await byTestId(page, 'import-tags').fill('csv-import, expo');
  assert.deepEqual(await axeViolations(page), []);
  await startAndWait(page);

  assert.deepEqual(await counters(page), { created: ROWS, updated: 0, unchanged: 0, rejected: 0, skipped: 0 });
  assert.equal(await counter(page, 'rows'), ROWS);
  const first = await latestJob(page);
  assert.equal(first.status, 'done');
  assert.equal(first.created, ROWS);
  assert.equal(await byTestId(page, 'import-report').count(), first.report_url ? 1 : 0, 'the report link is there exactly when the server has a report');
  const history = byTestId(page, 'import-history-row').first();
  assert.equal(await history.getAttribute('data-id'), first.id);
  assert.equal(await history.getAttribute('data-status'), 'done');
  assert.match(await history.innerText(), /diwali-customers\.csv/);

  const tagged = await contactsTagged(page, 'diwali');
  assert.equal(tagged.length, ROWS);
  assert.equal(new Set(tagged.map((c) => c.phone)).size, ROWS);
  const c42 = tagged.find((c) => c.phone === phoneOf(42));
  assert.ok(c42, `${phoneOf(42)} was imported`);
  assert.equal(c42.name, 'Customer 42');
  assert.equal(c42.fields?.city, CITIES[42 % CITIES.length]);
  assert.deepEqual([...c42.tags].sort(), ['csv-import', 'diwali', 'expo']);
  const deals = await api(stack, page, 'GET', `/api/contacts/${encodeURIComponent(c42.id)}/deals`);
  assert.equal(deals.status, 200);
  assert.equal(deals.body.items.length, 1);
  assert.equal(deals.body.items[0].pipeline, 'sales');
  assert.equal(deals.body.items[0].stage, 'qualified');
  assert.equal(deals.body.items[0].value_minor, 450000, '4500 rupees');

  // A second import of the same file changes nothing.
  await chooseFile(page, file);
  await mapColumns(page, CUSTOMERS);
  await byTestId(page, 'import-pipeline').selectOption('sales');
  await byTestId(page, 'import-tags').fill('csv-import, expo');
  await startAndWait(page);
  assert.deepEqual(await counters(page), { created: 0, updated: 0, unchanged: ROWS, rejected: 0, skipped: 0 });
  const second = await latestJob(page);
  assert.notEqual(second.id, first.id);
  assert.equal(second.unchanged, ROWS);
  assert.equal((await contactsTagged(page, 'diwali')).length, ROWS);
  const again = await api(stack, page, 'GET', `/api/contacts/${encodeURIComponent(c42.id)}/deals`);
  assert.equal(again.body.items.length, 1, 'no second deal');
  assert.equal(await byTestId(page, 'import-history-row').count(), 2);

  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a messy export: BOM, semicolons, national numbers; duplicates and blanks skipped, formulas and bad numbers rejected, with a report', { timeout: IMPORT_WAIT + 60_000 }, async () => {
  const { context, page } = await newPage(stack, { bypassCSP: true });
  await signIn(stack, page);
  assert.equal((await api(stack, page, 'PUT', '/api/business', PROFILE)).status, 200);

  await page.goto(`${stack.base}/#/settings/import`);
  await chooseFile(page, MESSY);
  const headers = await byTestId(page, 'import-preview').locator('thead th').allInnerTexts();
  assert.deepEqual(headers.map((h) => h.trim()), ['Name', 'Mobile', 'City'], 'the byte-order mark is not part of the first column');
  assert.match(await byTestId(page, 'import-preview').locator('caption').innerText(), /semicolons/);
  await mapColumns(page, { Name: 'name', Mobile: 'phone', City: 'fields.city' });
  await startAndWait(page);

  const counts = await counters(page);
  assert.deepEqual({ created: counts.created, skipped: counts.skipped, rejected: counts.rejected }, { created: 2, skipped: 2, rejected: 2 }, JSON.stringify(counts));
  const link = byTestId(page, 'import-report');
  assert.equal(await link.count(), 1, 'refused rows come with a report');
  assert.deepEqual(await axeViolations(page), [], 'the finished import, its report link and the history');
  const report = await fetch(await link.getAttribute('href'));
  assert.equal(report.status, 200);
  const text = await report.text();
  // row, outcome, reason, then the row's own cells: one line per refused row.
  const outcomes = text.split(/\r?\n/).map((l) => /^(\d+),(skipped|rejected),/.exec(l)).filter(Boolean).map((m) => `${m[1]} ${m[2]}`);
  assert.deepEqual(outcomes, ['4 skipped', '5 skipped', '6 rejected', '7 rejected'], text);
  assert.match(text, /formula/i, 'the formula row says why');
  assert.doesNotMatch(text, /(^|[,"])=HYPERLINK/m, 'the formula is not written back as a formula');

  const kavya = await api(stack, page, 'GET', `/api/contacts?q=${encodeURIComponent('Kavya')}`);
  assert.deepEqual(kavya.body.items.map((c) => [c.name, c.phone, c.fields?.city]), [['Kavya Nair', '+919847012345', 'Kochi']], 'the duplicate row changed nothing');
  const ravi = await api(stack, page, 'GET', `/api/contacts?q=${encodeURIComponent('Ravi Kumar')}`);
  assert.deepEqual(ravi.body.items.map((c) => c.phone), ['+919820155501'], 'the national number with its trunk 0 is read in the business’s country');
  assert.deepEqual(page.errors, []);
  await context.close();
});
