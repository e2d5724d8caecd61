// Browser test for answering a customer's WhatsApp call in the browser. The
// customer's phone is a second page of the same chromium: its
// RTCPeerConnection makes the SDP offer, which the simulator (standing in
// for Meta) rings Parley with, and it takes the agent's SDP answer from the
// simulator once Parley accepted the call. Both pages then connect directly,
// as the agent's browser and Meta's media servers do. Also: a call the agent
// declines, and one the customer hangs up first; each answered call ends in
// its call log, filled in with the connected outcome and the measured length.
//
//   cargo build -p parley-local -p parley-simulator && npm run build
//   eval "$(./infra/emulators.sh start)"
//   node --test tests/browser/calls.test.mjs

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { ENV, PHONE, WAIT, api, assertNoPageErrors, axeViolations, byTestId, eventually, newPage, noSidewaysScroll, signIn, startStack, stopStack, addTeammate, sessionCookie } from './harness.mjs';

const TEST = { timeout: 180_000 };

let stack;

before(async () => {
  assert.ok(ENV.AWS_ENDPOINT_URL_SQS, 'AWS_ENDPOINT_URL_SQS must point at a running moto');
  stack = await startStack('calls');
}, { timeout: 200_000 });

after(() => stopStack(stack));

/** The simulator over HTTP from Node (a page would need CORS). */
async function sim(method, path, body) {
  const res = await fetch(`${stack.sim.base}${path}`, {
    method,
    headers: body ? { 'content-type': 'application/json' } : {},
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  assert.ok(res.ok, `${method} ${path}: the simulator answered ${res.status}: ${text}`);
  return text ? JSON.parse(text) : null;
}

/** What Meta's side of the call saw: its state, the business's SDP answer and actions. */
const metaSide = (callId) => sim('GET', `/sim/calls/${encodeURIComponent(callId)}`);

/**
 * The customer's phone: a page that captures the (fake) microphone and
 * makes an SDP offer with its ICE candidates gathered, as WhatsApp's does.
 */
async function customerPhone() {
  const context = await stack.browser.newContext({ permissions: ['microphone'] });
  const page = await context.newPage();
  // The microphone needs a secure context (about:blank is not one): the
  // simulator's own caller page, whose buttons this test leaves alone.
  await page.goto(`${stack.sim.base}/sim/phone`);
  const offer = await page.evaluate(async () => {
    const mic = await navigator.mediaDevices.getUserMedia({ audio: true });
    const pc = new RTCPeerConnection();
    for (const track of mic.getTracks()) pc.addTrack(track, mic);
    window.phone = pc;
    await pc.setLocalDescription(await pc.createOffer());
    if (pc.iceGatheringState !== 'complete') {
      await new Promise((resolve) => {
        pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
        setTimeout(resolve, 5000);
      });
    }
    return pc.localDescription.sdp;
  });
  return {
    offer,
    connection: () => page.evaluate(() => window.phone.connectionState),
    takeAnswer: (sdp) => page.evaluate((answer) => window.phone.setRemoteDescription({ type: 'answer', sdp: answer }), sdp),
    close: () => context.close(),
  };
}

/** The customer calls the business: Meta's `connect` webhook with the phone's offer; returns the call id. */
async function customerCalls(phone, from, name) {
  const { call_id: callId } = await sim('POST', '/sim/customer/call', { from, name, offer_sdp: phone.offer });
  assert.match(callId, /^wacid\./);
  return callId;
}

/** The agent's side, signed in on the inbox with a microphone allowed. */
async function agentPage(viewport) {
  const { context, page } = await newPage(stack, { bypassCSP: true, permissions: ['microphone'], ...(viewport ? { viewport } : {}) });
  await signIn(stack, page);
  return { context, page };
}

const ringBar = (page, callId) => page.locator(`[data-testid="incoming-call"][data-call-id="${callId}"]`);

/** Answers the ringing call, hands the agent's SDP answer to the phone, and waits until both ends are connected. */
async function answerAndConnect(page, phone, callId) {
  await byTestId(ringBar(page, callId), 'call-answer').click();
  const meta = await eventually(async () => {
    const call = await metaSide(callId);
    assert.ok(call.answer_sdp, `no answer yet: ${JSON.stringify(call)}`);
    return call;
  }, { timeout: WAIT });
  assert.match(meta.answer_sdp, /^v=0\r\n/);
  assert.match(meta.answer_sdp, /a=candidate:/, 'the answer carries its ICE candidates (Meta takes no trickled ones)');
  await phone.takeAnswer(meta.answer_sdp);
  await page.locator('[data-testid="in-call"][data-connection="connected"]').waitFor({ state: 'visible', timeout: WAIT });
  await eventually(async () => assert.equal(await phone.connection(), 'connected'), { timeout: WAIT });
}

/** The call log the agent is shown once the call ends: connected, with the measured length. */
async function assertLogPrefilled(page, name) {
  const after = byTestId(page, 'after-call');
  await after.waitFor({ state: 'visible', timeout: WAIT });
  assert.equal(await after.locator('h2').textContent(), `Log the call with ${name}`);
  assert.equal(await after.locator('[data-testid="call-outcome"][value="connected"]').isChecked(), true);
  const minutes = await byTestId(after, 'call-duration').inputValue();
  assert.ok(minutes !== '' && Number(minutes) >= 0, `a measured duration: "${minutes}"`);
  return after;
}

test('an agent answers a customer\'s WhatsApp call in the browser, talks, hangs up and logs it', TEST, async () => {
  const WA = '919811122001';
  const NAME = 'Kiran Caller';
  const { context, page } = await agentPage();
  const phone = await customerPhone();
  try {
    const callId = await customerCalls(phone, WA, NAME);
    const bar = ringBar(page, callId);
    await bar.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(bar, 'incoming-call-name').textContent(), NAME);
    assert.match(await bar.innerText(), /WhatsApp call/);
    assert.equal(await bar.getAttribute('role'), 'alert');
    assert.deepEqual(await axeViolations(page), [], 'axe-core with a call ringing');

    await answerAndConnect(page, phone, callId);
    assert.equal(await bar.count(), 0, 'the bar goes once answered');
    const panel = byTestId(page, 'in-call');
    assert.equal(await byTestId(panel, 'in-call-name').textContent(), `On a call with ${NAME}`);
    assert.match(await byTestId(panel, 'in-call-timer').textContent(), /^\d\d:\d\d$/);
    // The caller's conversation is open while they talk.
    await eventually(async () => assert.equal(await byTestId(page, 'conversation-name').textContent(), NAME), { timeout: WAIT });
    const id = await page.evaluate(() => location.hash.split('/').pop());
    const ringing = (await api(stack, page, 'GET', `/api/contacts/${id}`)).body.ringing;
    assert.equal(ringing.call_id, callId);
    assert.equal(ringing.answered_by, ENV.PARLEY_ADMIN_EMAIL);
    assert.equal((await metaSide(callId)).state, 'accepted');

    const mute = byTestId(panel, 'call-mute');
    await mute.click();
    assert.equal(await mute.getAttribute('data-muted'), 'true');
    assert.equal((await mute.innerText()).trim(), 'Unmute');
    await mute.click();
    assert.equal(await mute.getAttribute('data-muted'), 'false');
    await page.mouse.move(0, 0); // axe reads colours as they rest, not under the pointer
    assert.deepEqual(await axeViolations(page), [], 'axe-core during the call');

    await byTestId(panel, 'call-hang-up').click();
    await eventually(async () => assert.deepEqual((await metaSide(callId)).actions, ['pre_accept', 'accept', 'terminate']), { timeout: WAIT });
    await panel.waitFor({ state: 'detached', timeout: WAIT });
    const after = await assertLogPrefilled(page, NAME);
    assert.deepEqual(await axeViolations(page), [], 'axe-core with the call log');

    // The agent notes how it went; the log joins the caller's timeline.
    await byTestId(after, 'call-notes').fill('Wants 40 pcs, send the price list');
    await byTestId(after, 'call-log-save').click();
    await after.waitFor({ state: 'detached', timeout: WAIT });
    await eventually(async () => assert.equal(await byTestId(page, 'call-info').textContent(), 'Call logged.'), { timeout: WAIT });
    const log = page.locator('[data-testid="call-log"][data-outcome="connected"]');
    await log.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(log, 'call-log-notes').textContent(), 'Wants 40 pcs, send the price list');
    assert.match(await byTestId(log, 'call-log-line').textContent(), /Connected/);

    // Meta's terminate takes the call off the contact, and nothing rings again.
    await eventually(async () => assert.equal((await api(stack, page, 'GET', `/api/contacts/${id}`)).body.ringing, null), { timeout: WAIT });
    assert.equal(await byTestId(page, 'incoming-call').count(), 0);
    assertNoPageErrors(page);
  } finally {
    await phone.close();
    await context.close();
  }
});

test('an agent declines a call on a phone: Meta is told to reject it and the bar goes', TEST, async () => {
  const { context, page } = await agentPage(PHONE);
  const phone = await customerPhone();
  try {
    const callId = await customerCalls(phone, '919811122002', 'Dev Decliner');
    const bar = ringBar(page, callId);
    await bar.waitFor({ state: 'visible', timeout: WAIT });
    await noSidewaysScroll(page);
    assert.deepEqual(await axeViolations(page), [], 'axe-core with a call ringing on a phone');
    await byTestId(bar, 'call-decline').click();
    await bar.waitFor({ state: 'detached', timeout: WAIT });
    await eventually(async () => assert.deepEqual((await metaSide(callId)).actions, ['reject']), { timeout: WAIT });
    const contacts = async () => (await api(stack, page, 'GET', '/api/contacts?limit=50')).body.items;
    await eventually(async () => assert.equal((await contacts()).find((c) => c.wa_id === '919811122002')?.ringing, null), { timeout: WAIT });
    assert.equal(await byTestId(page, 'in-call').count(), 0);
    assert.equal(await byTestId(page, 'after-call').count(), 0, 'nothing to log for a declined call');
    assert.equal(await ringBar(page, callId).count(), 0, 'the bar does not come back');
    assertNoPageErrors(page);
  } finally {
    await phone.close();
    await context.close();
  }
});

test('the customer hangs up first: the agent\'s call ends and its log opens', TEST, async () => {
  const NAME = 'Hari Hangup';
  const { context, page } = await agentPage();
  const phone = await customerPhone();
  try {
    const callId = await customerCalls(phone, '919811122003', NAME);
    await ringBar(page, callId).waitFor({ state: 'visible', timeout: WAIT });
    await answerAndConnect(page, phone, callId);

    // Meta's terminate reaches Parley; the live feed takes the call off the contact.
    await sim('POST', `/sim/calls/${encodeURIComponent(callId)}/hang_up`);
    await byTestId(page, 'in-call').waitFor({ state: 'detached', timeout: WAIT });
    await assertLogPrefilled(page, NAME);
    assert.deepEqual((await metaSide(callId)).actions, ['pre_accept', 'accept'], 'the business had nothing more to tell Meta');
    await byTestId(byTestId(page, 'after-call'), 'call-log-cancel').click();
    await byTestId(page, 'after-call').waitFor({ state: 'detached', timeout: WAIT });
    assertNoPageErrors(page);
  } finally {
    await phone.close();
    await context.close();
  }
});

test('a teammate answers first: the bar says who took the call, then goes', TEST, async () => {
  const NAME = 'Tanvi Taken';
  const NEHA = { email: 'neha@calls.example', password: 'neha password 1' };
  const { context, page } = await agentPage();
  const phone = await customerPhone();
  try {
    await addTeammate(stack, page, { ...NEHA, name: 'Neha' });
    // A fresh load, so the inbox knows Neha by name.
    await page.reload();
    await byTestId(page, 'inbox').waitFor({ state: 'visible', timeout: WAIT });
    const cookie = await sessionCookie(stack, NEHA);
    const asNeha = (path, json) => fetch(`${stack.base}${path}`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json', accept: 'application/json' },
      body: json === undefined ? undefined : JSON.stringify(json),
    });

    const callId = await customerCalls(phone, '919811122004', NAME);
    const bar = ringBar(page, callId);
    await bar.waitFor({ state: 'visible', timeout: WAIT });
    const id = await bar.getAttribute('data-contact-id');
    // Neha's browser answers (its SDP is beside the point here).
    const sdp = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';
    const answered = await asNeha(`/api/contacts/${id}/calls/${encodeURIComponent(callId)}/answer`, { sdp });
    assert.equal(answered.status, 200, await answered.text());

    const taken = byTestId(page, 'call-taken');
    await taken.waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await taken.textContent(), `Call from ${NAME}: answered by Neha`);
    assert.equal(await bar.count(), 0, 'nothing left to answer');
    await taken.waitFor({ state: 'detached', timeout: WAIT });
    assert.equal(await byTestId(page, 'in-call').count(), 0);

    const hungUp = await asNeha(`/api/contacts/${id}/calls/${encodeURIComponent(callId)}/hang_up`);
    assert.equal(hungUp.status, 200, await hungUp.text());
    assert.equal(await byTestId(page, 'after-call').count(), 0, 'someone else\'s call is not ours to log');
    assertNoPageErrors(page);
  } finally {
    await phone.close();
    await context.close();
  }
});
