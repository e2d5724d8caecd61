// Browser test for the dashboard's funnel pipeline picker: choosing a
// pipeline shows its funnel, the choice is in the URL, and a reload keeps it.
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/dashboard_funnel.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENV, eventually, byTestId, startStack, stopStack, axeViolations, WAIT, PHONE, newPage, signIn, api } from './harness.mjs';

let stack;
let base;

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local');
  stack = await startStack('dashboard_funnel');
  ({ base } = stack);
}, { timeout: 200_000 });

after(async () => {
  await stopStack(stack);
});

const stages = (page) => page.locator('[data-testid="funnel-stage"]').evaluateAll((els) => els.map((e) => e.dataset.stage));

test('the dashboard funnel follows the pipeline chosen, kept in the URL', { timeout: 180_000 }, async () => {
  const { context, page } = await newPage(stack, { viewport: PHONE, bypassCSP: true });
  await signIn(stack, page);
  const support = {
    name: 'Support',
    stages: [
      { id: 'reported', name: 'Reported', kind: 'open' },
      { id: 'fixing', name: 'Fixing', kind: 'open' },
      { id: 'solved', name: 'Solved', kind: 'won' },
      { id: 'dropped', name: 'Dropped', kind: 'lost' },
    ],
  };
  const saved = await api(stack, page, 'PUT', '/api/pipelines/support', support);
  assert.equal(saved.status, 200, JSON.stringify(saved.body));

  await page.goto(`${base}/#/dashboard`);
  await byTestId(page, 'dash-funnel').waitFor({ state: 'visible', timeout: WAIT });
  await eventually(async () => assert.ok((await stages(page)).includes('won'), 'sales by default'));
  // Nobody has answered anyone in this stack: the agents' table says so
  // instead of showing its headings over nothing.
  assert.equal(await byTestId(page, 'dash-agent').count(), 0);
  assert.equal(await byTestId(page, 'dash-agents-empty').textContent(), 'No data in this range.');
  await byTestId(page, 'funnel-pipeline').selectOption('support');
  await eventually(async () => assert.deepEqual(await stages(page), ['reported', 'fixing', 'solved', 'dropped']));
  assert.match(page.url(), /#\/dashboard\?pipeline=support$/);

  await page.reload();
  await byTestId(page, 'dash-funnel').waitFor({ state: 'visible', timeout: WAIT });
  await eventually(async () => assert.deepEqual(await stages(page), ['reported', 'fixing', 'solved', 'dropped']), { timeout: WAIT });
  assert.equal(await byTestId(page, 'funnel-pipeline').inputValue(), 'support', 'the picker shows the choice after a reload');
  assert.deepEqual(await axeViolations(page), []);
  await context.close();
});
