// Browser test for lead sources: a manager adds a website form as a lead
// source in Settings, copies its token, and the form's post lands on the
// pipeline board as a deal at the chosen stage, with the contact tagged,
// sourced and owned as the source says; a second post of it adds nothing.
// Facebook Lead Ads and IndiaMART feed the board the same way, and a
// customer who writes from a click-to-WhatsApp ad shows the ad on their
// contact and in the dashboard's lead sources.
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/leads.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENV, eventually, byTestId, startStack, stopStack, axeViolations, WAIT, newPage, signIn, api, openConversation, openSettings } from './harness.mjs';

let stack;

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_DYNAMODB, 'AWS_ENDPOINT_URL_DYNAMODB must point at a running DynamoDB Local');
  stack = await startStack('leads');
}, { timeout: 200_000 });

after(async () => {
  await stopStack(stack);
});

test('a lead source set up in Settings puts posted leads on the board', { timeout: 180_000 }, async () => {
  const { context, page } = await newPage(stack, { bypassCSP: true });
  await signIn(stack, page);
  const profile = { name: 'Asha Textiles', country: 'IN', currency: 'INR', time_zone: 'Asia/Kolkata', phone_number_id: '106540352242922' };
  assert.equal((await api(stack, page, 'PUT', '/api/business', profile)).status, 200);

  await openSettings(stack, page, 'leads');
  await byTestId(page, 'lead-source-add').click();
  await byTestId(page, 'lead-source-id').fill('website');
  await byTestId(page, 'lead-source-name').fill('Website enquiry form');
  await byTestId(page, 'lead-source-auth').selectOption('bearer');
  await byTestId(page, 'lead-source-stage').selectOption('qualified');
  await byTestId(page, 'lead-source-owner').selectOption('teammate:admin@parley.local');
  await byTestId(page, 'lead-source-tags').fill('web, diwali');
  await byTestId(page, 'lead-mapping-add').click();
  await byTestId(page, 'lead-mapping-field').fill('phone');
  await byTestId(page, 'lead-mapping-path').fill('contact.mobile');
  assert.deepEqual(await axeViolations(page), []);
  await byTestId(page, 'lead-source-save').click();
  const card = page.locator('[data-testid="lead-source"][data-source="website"]');
  await card.waitFor({ state: 'visible', timeout: WAIT });
  assert.equal(await byTestId(card, 'lead-source-url').innerText(), `${stack.base}/leads/website`);
  await byTestId(card, 'lead-source-show').click();
  const token = await byTestId(card, 'lead-source-secret').innerText();
  assert.match(token, /^lsk_[0-9a-f]{48}$/);

  const post = () => fetch(`${stack.base}/leads/website`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ lead_id: 'W-1', name: 'Kavya Nair', contact: { mobile: '098470 12345' }, fields: { product: 'Silk saree' }, value_minor: 450000 }),
  });
  assert.equal((await post()).status, 201);
  assert.equal((await post()).status, 200, 'the same lead again adds nothing');

  await page.goto(`${stack.base}/#/pipeline`);
  const deal = page.locator('[data-testid="card"]').filter({ hasText: 'Kavya Nair' });
  await deal.waitFor({ state: 'visible', timeout: WAIT });
  assert.equal(await deal.count(), 1);
  assert.match(await deal.innerText(), /Website enquiry form/);

  await page.goto(`${stack.base}/#/inbox`);
  await openConversation(page, 'Kavya Nair');
  const tags = await page.locator('[data-testid="tag-text"]').allTextContents();
  assert.deepEqual(tags.sort(), ['diwali', 'web']);
  await eventually(async () => assert.match(await byTestId(page, 'fields').innerText(), /website/), { timeout: WAIT });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('Facebook Lead Ads and IndiaMART set up in Settings put their leads on the board, assigned', { timeout: 180_000 }, async () => {
  const { context, page } = await newPage(stack, { bypassCSP: true });
  await signIn(stack, page);
  const profile = { name: 'Asha Textiles', country: 'IN', currency: 'INR', time_zone: 'Asia/Kolkata', phone_number_id: '106540352242922' };
  assert.equal((await api(stack, page, 'PUT', '/api/business', profile)).status, 200);
  const enquiry = { name: 'Ravi Kumar', mobile: '+91-9876501234', product: 'Cotton Sarees', message: 'Need 200 pieces', city: 'Surat' };
  const asked = await fetch(`${stack.sim.base}/sim/indiamart`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(enquiry) });
  assert.equal(asked.status, 200);

  await openSettings(stack, page, 'leads');
  for (const [auth, name] of [['indiamart', 'IndiaMART enquiries'], ['facebook_lead_ads', 'Diwali lead ads']]) {
    await byTestId(page, 'lead-source-add').click();
    await byTestId(page, 'lead-source-auth').selectOption(auth);
    assert.equal(await byTestId(page, 'lead-source-id').inputValue(), auth, 'a fed source has its fixed id');
    assert.equal(await byTestId(page, 'lead-source-id').isDisabled(), true);
    assert.equal(await byTestId(page, 'lead-source-mapping').count(), 0);
    await byTestId(page, 'lead-source-name').fill(name);
    await byTestId(page, 'lead-source-owner').selectOption('teammate:admin@parley.local');
    await byTestId(page, 'lead-source-save').click();
    await page.locator(`[data-testid="lead-source"][data-source="${auth}"]`).waitFor({ state: 'visible', timeout: WAIT });
  }
  const indiamart = page.locator('[data-testid="lead-source"][data-source="indiamart"]');
  assert.equal(await byTestId(indiamart, 'lead-source-secret').count(), 0, 'no secret for a pulled source');
  // Saving the IndiaMART source starts its pull; the card shows what it took.
  await eventually(async () => {
    await page.reload();
    assert.match(await byTestId(indiamart, 'lead-feed-taken').innerText(), /^1 /);
  }, { timeout: WAIT });
  assert.equal(await byTestId(indiamart, 'lead-feed').getAttribute('data-outcome'), 'ok');

  const form = { phone: '098201 55501', name: 'Kavya Iyer', answers: { 'Which city?': 'Chennai' } };
  const submitted = await fetch(`${stack.sim.base}/sim/lead_ad`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(form) });
  assert.equal(submitted.status, 200, 'Parley took Meta’s leadgen webhook');
  assert.deepEqual(await axeViolations(page), []);

  await page.goto(`${stack.base}/#/pipeline`);
  for (const [who, source] of [['Ravi Kumar', /IndiaMART enquiries/], ['Kavya Iyer', /Diwali lead ads/]]) {
    const deal = page.locator('[data-testid="card"]').filter({ hasText: who });
    await deal.waitFor({ state: 'visible', timeout: WAIT });
    assert.match(await deal.innerText(), source);
  }
  await page.goto(`${stack.base}/#/inbox`);
  await openConversation(page, 'Kavya Iyer');
  await eventually(async () => assert.match(await byTestId(page, 'fields').innerText(), /Chennai/), { timeout: WAIT });
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a customer from a click-to-WhatsApp ad shows the ad on their contact, and the dashboard counts them per source and per ad', { timeout: 180_000 }, async () => {
  const { context, page } = await newPage(stack, { bypassCSP: true });
  await signIn(stack, page);
  const res = await fetch(`${stack.sim.base}/sim/customer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: '919700000777', name: 'Meera Ad', text: 'Saw your Diwali ad', ad: { id: '120200777', headline: 'Diwali silk sale' } }),
  });
  assert.equal(res.status, 200, await res.text());

  await page.goto(`${stack.base}/#/inbox`);
  await openConversation(page, 'Meera Ad');
  const source = byTestId(page, 'panel-source');
  await source.waitFor({ state: 'visible', timeout: WAIT });
  assert.equal(await source.getAttribute('data-source'), 'ad');
  assert.equal(await source.textContent(), 'Click-to-WhatsApp ads');
  const ad = byTestId(page, 'panel-ad');
  assert.equal(await ad.getAttribute('data-ad-id'), '120200777');
  assert.match(await ad.textContent(), /Diwali silk sale/);
  assert.equal(await ad.locator('a').getAttribute('href'), 'https://fb.me/120200777');
  assert.match(await byTestId(page, 'panel-ad-click').textContent(), /click ARA/);

  // The events function counts her; the dashboard reads the counts.
  await page.goto(`${stack.base}/#/dashboard`);
  await eventually(async () => {
    await page.reload();
    const row = page.locator('[data-testid="dash-ad"][data-ad-id="120200777"]');
    await row.waitFor({ state: 'visible', timeout: 5_000 });
    assert.deepEqual([await row.getAttribute('data-leads'), await row.getAttribute('data-conversations')], ['1', '1']);
    assert.match(await row.textContent(), /Diwali silk sale/);
  }, { timeout: 60_000, interval: 1_000 });
  const adsSource = page.locator('[data-testid="dash-source"][data-source="ad"]');
  assert.equal(await adsSource.getAttribute('data-leads'), '1');
  assert.match(await adsSource.textContent(), /Click-to-WhatsApp ads/);
  assert.deepEqual(await axeViolations(page), [], 'axe-core on the dashboard with lead sources');
  assert.deepEqual(page.errors, []);
  await context.close();
});

test('a form set up on a WhatsApp Flow source is sent from the composer and the filled form is a lead', { timeout: 180_000 }, async () => {
  const { context, page } = await newPage(stack, { bypassCSP: true });
  await signIn(stack, page);
  await openSettings(stack, page, 'leads');
  await byTestId(page, 'lead-source-add').click();
  await byTestId(page, 'lead-source-auth').selectOption('whatsapp_flow');
  await byTestId(page, 'lead-source-id').fill('blouse_form');
  await byTestId(page, 'lead-source-name').fill('Blouse stitching form');
  await byTestId(page, 'lead-source-tags').fill('blouse-form');
  await byTestId(page, 'lead-source-flow_id').fill('88123456');
  await byTestId(page, 'lead-source-screen').fill('MEASUREMENTS');
  await byTestId(page, 'lead-source-cta').fill('Give measurements');
  assert.deepEqual(await axeViolations(page), [], 'axe-core on the flow source form');
  await byTestId(page, 'lead-source-save').click();
  await page.locator('[data-testid="lead-source"][data-source="blouse_form"]').waitFor({ state: 'visible', timeout: WAIT });

  const customer = '919812366001';
  const wrote = await fetch(`${stack.sim.base}/sim/customer`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: customer, name: 'Sunita Pillai', text: 'I want a blouse stitched' }) });
  assert.equal(wrote.status, 200);
  await page.goto(`${stack.base}/#/inbox`);
  await openConversation(page, 'Sunita Pillai');
  await byTestId(page, 'interactive-toggle').click();
  const form = byTestId(page, 'interactive-form');
  await byTestId(form, 'interactive-flow').check();
  await byTestId(form, 'interactive-form-choice').waitFor({ timeout: WAIT });
  assert.match(await byTestId(form, 'interactive-form-button').innerText(), /Give measurements/);
  await byTestId(form, 'interactive-body').fill('Please send your measurements');
  await byTestId(form, 'interactive-send').click();
  await form.waitFor({ state: 'detached', timeout: WAIT });
  let flow;
  await eventually(async () => {
    const sent = await (await fetch(`${stack.sim.base}/sim/accepted`)).json();
    flow = sent.find((a) => a.to === customer)?.body.interactive;
    assert.equal(flow?.type, 'flow');
  }, { timeout: WAIT });
  assert.deepEqual([flow.action.parameters.flow_id, flow.action.parameters.flow_token, flow.action.parameters.flow_action_payload.screen], ['88123456', 'blouse_form', 'MEASUREMENTS']);

  const filled = await fetch(`${stack.sim.base}/sim/customer/flow`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from: customer, name: 'Sunita Pillai', flow_token: 'blouse_form', answers: { bust: '36', length: '15' } }) });
  assert.equal(filled.status, 200);
  await eventually(async () => {
    await page.reload();
    await byTestId(page, 'side-panel').waitFor({ timeout: WAIT });
    assert.equal(await page.locator('[data-testid="tag"][data-tag="blouse-form"]').count(), 1, 'the lead took its source’s tag');
  }, { timeout: WAIT });
  assert.deepEqual(page.errors, []);
  await context.close();
});
