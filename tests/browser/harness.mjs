// Shared by the browser test files: the local stack's processes, ports,
// and clean-up. Each test file starts its own runner (and simulator) with a
// table of its own, so files can run in parallel.

import assert from 'node:assert/strict';
import { afterEach, beforeEach } from 'node:test';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built web app (npm run build), which the runner serves. */
export const WEB_DIR = path.join(ROOT, 'web', 'dist');
export const SCREENSHOTS = path.join(ROOT, 'tests', 'browser', 'screenshots');
export const CHROMIUM = process.env.PARLEY_CHROMIUM || '/usr/bin/chromium';
export const TARGET = process.env.CARGO_TARGET_DIR ? path.resolve(ROOT, process.env.CARGO_TARGET_DIR) : path.join(ROOT, 'target');
export const RUNNER = path.join(TARGET, 'debug', 'parley-local');
export const SIMULATOR = path.join(TARGET, 'debug', 'parley-simulator');
export const ENV = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  WHATSAPP_APP_SECRET: 'dev-app-secret',
  WHATSAPP_VERIFY_TOKEN: 'dev-verify-token',
  WHATSAPP_ACCESS_TOKEN: 'dev-access-token',
  WHATSAPP_WABA_ID: '102290129340398',
  PARLEY_ADMIN_EMAIL: 'admin@parley.local',
  PARLEY_ADMIN_PASSWORD: 'parley-admin-pass',
  PARLEY_CONTACT_ID_KEY: 'dev-contact-id-key-not-secret',
  INDIAMART_CRM_KEY: 'dev-indiamart-key',
  ...process.env,
};

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function start(binary, args, env) {
  const child = spawn(binary, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = { process: child, log: '' };
  const keep = (chunk) => {
    proc.log = (proc.log + chunk).slice(-20_000);
  };
  child.stdout.setEncoding('utf8').on('data', keep);
  child.stderr.setEncoding('utf8').on('data', keep);
  return proc;
}

export async function waitUntilUp(proc, name, url) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (proc.process.exitCode !== null || proc.process.signalCode !== null) {
      throw new Error(`${name} exited (${proc.process.exitCode ?? proc.process.signalCode}) before it answered:\n${proc.log}`);
    }
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(150);
  }
  throw new Error(`${name} did not answer ${url} within 90 s:\n${proc.log}`);
}

export async function stop(proc) {
  const child = proc?.process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/** Best-effort: drops this run's table so a disk-backed DynamoDB Local does not fill up. */
export async function dropTable(table) {
  const endpoint = ENV.AWS_ENDPOINT_URL_DYNAMODB;
  if (!endpoint || !table) return;
  try {
    await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'DynamoDB_20120810.DeleteTable',
        authorization: `AWS4-HMAC-SHA256 Credential=${ENV.AWS_ACCESS_KEY_ID}/20240101/${ENV.AWS_REGION}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: JSON.stringify({ TableName: table }),
      signal: AbortSignal.timeout(5000),
    });
  } catch {
    // the emulator may already be gone
  }
}

/** Retries `check` until it stops throwing (up to `timeout` ms), then returns its value. */
export async function eventually(check, { timeout = 30_000, interval = 150 } = {}) {
  const deadline = Date.now() + timeout;
  for (;;) {
    try {
      return await check();
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await sleep(interval);
    }
  }
}

/**
 * Holds the page's requests to `pathname` until the returned function is
 * called: the order a slow API gives, made certain.
 */
export async function holdRequests(page, pathname) {
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route((url) => url.pathname === pathname, async (route) => {
    await held;
    await route.continue().catch(() => {});
  });
  return release;
}

/** Answers the page's first `times` requests to `pathname` with `status`, as a failing API would; later ones pass. */
export async function failRequests(page, pathname, times, status = 503) {
  let failed = 0;
  await page.route((url) => url.pathname === pathname, async (route) => {
    if (failed >= times) return route.continue().catch(() => {});
    failed++;
    return route.fulfill({ status, contentType: 'application/json', body: JSON.stringify({ error: { code: 'unavailable', message: 'try again' } }) }).catch(() => {});
  });
}

/** Elements by their `data-testid`. */
export const byTestId = (root, id) => root.locator(`[data-testid="${id}"]`);

/** The contact-list row showing `name`. */
export function contactRow(page, name) {
  return byTestId(page, 'contact').filter({ has: page.locator('[data-testid="contact-name"]', { hasText: name }) });
}

/**
 * One test file's stack: the simulator, the runner on a table of its own
 * (named after `name`) serving the built web app, and headless chromium.
 * `env` adds to (or overrides) the runner's environment. `stopStack` ends it.
 */
export async function startStack(name, { env = {} } = {}) {
  for (const binary of [RUNNER, SIMULATOR]) assert.ok(fs.existsSync(binary), `${binary} is missing: run cargo build -p parley-local -p parley-simulator first`);
  assert.ok(fs.existsSync(path.join(WEB_DIR, 'index.html')), `${WEB_DIR} is missing: run npm run build first`);
  assert.ok(fs.existsSync(CHROMIUM), `${CHROMIUM} is missing: run ./infra/setup.sh --browser`);
  const [port, simPort] = [await freePort(), await freePort()];
  const table = `ui-${name}-${crypto.randomBytes(6).toString('hex')}`;
  const common = { ...ENV, PARLEY_PORT: String(port), PARLEY_SIMULATOR_PORT: String(simPort) };
  delete common.PARLEY_SIMULATOR_FAULTS;
  const sim = start(SIMULATOR, ['serve'], common);
  sim.base = `http://127.0.0.1:${simPort}`;
  await waitUntilUp(sim, 'parley-simulator', `${sim.base}/sim/accepted`);
  const base = `http://127.0.0.1:${port}`;
  const runner = start(RUNNER, [], { ...common, TABLE_NAME: table, PARLEY_WEB_DIR: WEB_DIR, WHATSAPP_API_BASE: sim.base, ...env });
  await waitUntilUp(runner, 'parley-local', `${base}/healthz`);
  const browser = await launchBrowser();
  return { base, sim, runner, table, browser };
}

/** Headless chromium, as every test file drives it. */
export function launchBrowser() {
  return chromium.launch({
    executablePath: CHROMIUM,
    // Without the background-networking flags chromium keeps dialling out,
    // and this machine's closed network refuses it. Containers often give
    // /dev/shm only 64 MB, which crashes chromium's renderers. WhatsApp calls
    // (calls.test.mjs) take a fake microphone without a prompt, and connect two
    // pages of this browser, over loopback when a container has nothing else.
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage',
      '--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', '--allow-loopback-in-peer-connection'],
  });
}

/** Ends what `startStack` started, and drops its table. */
export async function stopStack(stack) {
  // A browser that stopped answering must not hold the file open; playwright
  // kills the chromium it launched when this process exits.
  await Promise.race([stack?.browser.close().catch(() => {}), sleep(15_000)]);
  await stop(stack?.runner);
  await stop(stack?.sim);
  await dropTable(stack?.table);
}

/** A customer writes in through the simulator at `simBase`; returns the message's wamid. */
export async function customerWritesTo(simBase, from, name, text) {
  const res = await fetch(`${simBase}/sim/customer`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ from, name, text }),
  });
  const body = await res.text();
  assert.equal(res.status, 200, `the simulator answered ${res.status}: ${body}`);
  return JSON.parse(body).wamid;
}

/** A customer writes in through `stack`'s simulator; returns the message's wamid. */
export function customerWrites(stack, from, name, text) {
  return customerWritesTo(stack.sim.base, from, name, text);
}

/** How long a test waits for the UI to show something: sends go through SQS, the simulator and status webhooks. */
export const WAIT = 30_000;

/**
 * A fresh context and page in `stack`'s chromium (a desktop window unless
 * `viewport` says otherwise; other context options as given). `page.errors`
 * collects uncaught errors and whatever the Content-Security-Policy blocked:
 * the UI itself must cause neither. With `failOnDialog`, a browser dialog
 * (alert, confirm) is dismissed and counted as an error too: the UI asks in
 * the page.
 */
export async function newPage(stack, { viewport = { width: 1280, height: 860 }, failOnDialog = false, ...options } = {}) {
  const context = await stack.browser.newContext({ viewport, ...options });
  const page = await context.newPage();
  page.errors = [];
  page.on('pageerror', (e) => page.errors.push(String(e)));
  // The API's answers, newest last: what a failing test reports of what the page was told.
  page.apiLog = [];
  page.on('response', (r) => {
    const url = new URL(r.url());
    if (!url.pathname.startsWith('/api/')) return;
    page.apiLog.push(`${r.request().method()} ${url.pathname} ${r.status()}`);
    if (page.apiLog.length > 40) page.apiLog.shift();
  });
  page.on('requestfailed', (r) => {
    const url = new URL(r.url());
    if (url.pathname.startsWith('/api/')) page.apiLog.push(`${r.method()} ${url.pathname} failed: ${r.failure()?.errorText}`);
  });
  // Requests still unanswered: a hang shows as neither an answer nor a failure.
  page.pending = new Set();
  page.on('request', (r) => page.pending.add(r));
  page.on('requestfinished', (r) => page.pending.delete(r));
  page.on('requestfailed', (r) => page.pending.delete(r));
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy/i.test(m.text())) page.errors.push(m.text());
  });
  pagesOfThisTest.push(page);
  if (failOnDialog) {
    page.on('dialog', (d) => {
      page.errors.push(`dialog: ${d.message()}`);
      d.dismiss().catch(() => {});
    });
  }
  return { context, page };
}

// The pages the running test opened. When it fails, what each one was told
// by the API, what it still waited for, and what went wrong in it are
// printed beside the failure: a flake is read from these, and an assertion
// alone rarely says which request a screen was waiting on.
const pagesOfThisTest = [];
beforeEach(() => {
  pagesOfThisTest.length = 0;
});
afterEach((t) => {
  if (t.passed) return;
  pagesOfThisTest.forEach((page, i) => {
    const unanswered = [...page.pending].map((r) => `${r.method()} ${new URL(r.url()).pathname}`);
    console.log(`page ${i + 1} of "${t.name}" at ${page.url()}`);
    console.log(`  API answers, newest last:\n    ${page.apiLog.join('\n    ') || 'none'}`);
    console.log(`  unanswered: ${unanswered.join(', ') || 'none'}`);
    if (page.errors.length) console.log(`  errors in the page:\n    ${page.errors.join('\n    ')}`);
  });
});

/**
 * Asserts that `upper` is on screen and ends above where `lower` starts: a
 * control placed before a list that loads later (which then pushes nothing
 * under a pointer), or a button the phone's bottom bar must not cover.
 */
export async function assertAbove(upper, lower, what) {
  const [a, b] = [await upper.boundingBox(), await lower.boundingBox()];
  assert.ok(a && b && a.y + a.height <= b.y, `${what}: ${JSON.stringify(a)} must end above ${JSON.stringify(b)}`);
}

/** A phone-sized window (the mobile-first width). */
export const PHONE = { width: 360, height: 740 };

/** Signs in through the form on `stack` (the bootstrap admin unless told) and waits for the inbox. */
export async function signIn(stack, page, email = ENV.PARLEY_ADMIN_EMAIL, password = ENV.PARLEY_ADMIN_PASSWORD) {
  await page.goto(stack.base);
  await byTestId(page, 'login-form').waitFor({ state: 'visible', timeout: WAIT });
  await byTestId(page, 'login-email').fill(email);
  await byTestId(page, 'login-password').fill(password);
  await byTestId(page, 'login-submit').click();
  await byTestId(page, 'inbox').waitFor({ state: 'visible', timeout: WAIT });
}

/** Signs in on `stack` as the bootstrap admin without a keystroke or a click (input makes the live feed poll faster for a while). */
export async function signInQuietly(stack, page) {
  await page.goto(stack.base);
  const status = await page.evaluate(async ([email, password]) => {
    const res = await fetch('/api/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    return res.status;
  }, [ENV.PARLEY_ADMIN_EMAIL, ENV.PARLEY_ADMIN_PASSWORD]);
  assert.equal(status, 200);
}

/**
 * Opens Settings → `section` and waits until its first loads have answered
 * and rendered, as a person waits for a screen to settle: a list that lands
 * pushes down the controls below it, and a click sent while it lands can
 * miss its button (a diagnostic run caught an invite click that sent
 * nothing while the form kept its values).
 */
export async function openSettings(stack, page, section) {
  await page.goto(`${stack.base}/#/settings/${section}`);
  await byTestId(page, `settings-${section}`).waitFor({ state: 'visible', timeout: WAIT });
  const loading = () => [...page.pending].filter((r) => new URL(r.url()).pathname.startsWith('/api/'));
  await eventually(() => assert.deepEqual(loading().map((r) => r.url()), []), { timeout: WAIT });
  await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))));
}

/** Opens `name`'s conversation from the contact list; returns the contact's id. */
export async function openConversation(page, name) {
  const row = contactRow(page, name);
  await row.waitFor({ state: 'visible', timeout: WAIT });
  await row.click();
  await eventually(async () => assert.equal(await byTestId(page, 'conversation-name').textContent(), name));
  return row.getAttribute('data-contact-id');
}

/** Calls the API on `stack` with the page's session; the body parsed when it is JSON, else null. */
export async function api(stack, page, method, url, data) {
  const res = await page.request.fetch(`${stack.base}${url}`, { method, data });
  const text = await res.text();
  let body = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // not JSON: the status says what happened
  }
  return { status: res.status(), body };
}

/**
 * Invites a teammate (an agent unless `role` says otherwise) as the admin
 * signed in on `page`, and accepts the invitation with their `password`,
 * as they would from the link.
 */
export async function addTeammate(stack, page, { email, name, role = 'agent', password }) {
  const invite = await api(stack, page, 'POST', '/api/users', { email, name, role });
  assert.equal(invite.status, 201, JSON.stringify(invite.body));
  const accepted = await fetch(`${stack.base}/api/invites/accept`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: invite.body.token, password }),
  });
  assert.equal(accepted.status, 200, await accepted.text());
}

/** Signs a teammate in over the API, with no page: their session's cookie, for requests made as them. */
export async function sessionCookie(stack, { email, password }) {
  const login = await fetch(`${stack.base}/api/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }),
  });
  assert.equal(login.status, 200);
  return login.headers.get('set-cookie').split(';')[0];
}

const AXE = path.join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

/** axe-core's serious and critical violations (the context must bypass the CSP to inject it). */
export async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => (await window.axe.run(document, { resultTypes: ['violations'] })).violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`));
}

/** Fails the test if the page threw or the Content-Security-Policy blocked anything. */
export function assertNoPageErrors(page) {
  assert.deepEqual(page.errors, [], 'errors in the page');
}

/** Saves a screenshot under tests/browser/screenshots (for a human to look at). */
export async function screenshot(page, name) {
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, name) });
}

/** Switches the inbox to every conversation (not only the signed-in user's queue). */
export async function showAll(page) {
  await page.locator('[data-testid="queue-tab"][data-queue="all"]').click();
}

/**
 * Fails when the page is wider than the window (mobile-first: no sideways
 * scroll), or when a control runs past the window's edge where nothing
 * scrolls to it (a box that clips its overflow hides such a control without
 * widening the page).
 */
export async function noSidewaysScroll(page, where = 'the page') {
  const { scroll, client, cut, widest } = await page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    // A strip made to scroll sideways (tabs, the pipeline's board) may hold
    // controls past the edge; the screen itself may not.
    const scrolls = (el) => {
      for (let up = el.parentElement; up && !up.classList.contains('screen'); up = up.parentElement) {
        if (['auto', 'scroll'].includes(getComputedStyle(up).overflowX)) return true;
      }
      return false;
    };
    const past = [...document.querySelectorAll('input, select, textarea, button')]
      .filter((el) => el.getClientRects().length && el.getBoundingClientRect().right > width + 1 && !scrolls(el))
      .map((el) => `${el.tagName.toLowerCase()}${el.dataset.testid ? `[${el.dataset.testid}]` : ''} ends at ${Math.round(el.getBoundingClientRect().right)}`);
    const screen = document.querySelector('.screen');
    const wider = Math.max(document.documentElement.scrollWidth, screen ? screen.scrollWidth + screen.getBoundingClientRect().left : 0);
    // What sticks out furthest, for the failure's message: looked for only
    // when something does.
    let widest = null;
    if (wider > width + 1) {
      for (const el of document.body.querySelectorAll('*')) {
        const right = el.getBoundingClientRect().right;
        if (right > width + 1 && !scrolls(el) && (!widest || right >= widest.right)) widest = { right, el };
      }
    }
    const name = widest && `${widest.el.tagName.toLowerCase()}.${[...widest.el.classList].join('.')}`;
    return { scroll: Math.round(wider), client: width, cut: past, widest: name };
  });
  assert.ok(scroll <= client + 1, `${where} scrolls sideways: ${scroll} > ${client} (${widest})`);
  assert.deepEqual(cut, [], `controls past the window's ${client} px on ${where}`);
}
