// Browser tests for the screens beyond the inbox: an invited teammate gets
// in through the link, every screen opens at phone and desktop widths with
// no sideways scroll, axe-core finds no serious or critical violation, and
// screenshots of each are written to tests/browser/screenshots.

import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { SCREENSHOTS, eventually, byTestId, contactRow, startStack, stopStack, WAIT, PHONE, newPage, signIn, customerWrites, axeViolations, openSettings, noSidewaysScroll } from './harness.mjs';

const TEST = { timeout: 240_000 };
const XSS = '<img src=x onerror=window.__pwned=1>';

let stack;
let base;

before(async () => {
  stack = await startStack('screens');
  ({ base } = stack);
}, { timeout: 200_000 });

after(() => stopStack(stack));

test('an admin invites an agent; the agent accepts the link, signs in, and a used link says so', TEST, async () => {
  const admin = await newPage(stack);
  const agent = await newPage(stack, { viewport: PHONE });
  try {
    await signIn(stack, admin.page);
    await openSettings(stack, admin.page, 'team');
    await byTestId(admin.page, 'invite-email').fill('nisha@team.example');
    await byTestId(admin.page, 'invite-name').fill('Nisha Agent');
    await byTestId(admin.page, 'invite-submit').click();
    const link = await eventually(async () => {
      const text = await byTestId(admin.page, 'invite-link').textContent();
      assert.match(text, /#\/accept\//);
      return text;
    }, { timeout: WAIT });
    await eventually(async () => assert.ok((await byTestId(admin.page, 'member').allTextContents()).some((t) => t.includes('nisha@team.example'))));

    // The API's own link form (/#accept=<token>) opens the same page.
    const token = decodeURIComponent(link.split('#/accept/')[1]);
    await agent.page.goto(`${base}/#accept=${encodeURIComponent(token)}`);
    await byTestId(agent.page, 'accept-form').waitFor({ state: 'visible', timeout: WAIT });
    await byTestId(agent.page, 'accept-password').fill('nisha password 1');
    await byTestId(agent.page, 'accept-again').fill('nisha password 1');
    await byTestId(agent.page, 'accept-submit').click();
    await byTestId(agent.page, 'inbox').waitFor({ state: 'visible', timeout: WAIT });
    assert.equal(await byTestId(agent.page, 'user-email').textContent(), 'nisha@team.example');
    // The session survives a reload.
    await agent.page.reload();
    await byTestId(agent.page, 'inbox').waitFor({ state: 'visible', timeout: WAIT });

    // The link works once.
    const again = await newPage(stack);
    try {
      await again.page.goto(`${base}/#/accept/${encodeURIComponent(token)}`);
      await byTestId(again.page, 'accept-password').fill('someone else 12');
      await byTestId(again.page, 'accept-again').fill('someone else 12');
      await byTestId(again.page, 'accept-submit').click();
      await eventually(async () => assert.match(await byTestId(again.page, 'accept-error').textContent(), /expired or was already used/));
    } finally {
      await again.context.close();
    }
    assert.deepEqual(admin.page.errors, []);
    assert.deepEqual(agent.page.errors, []);
  } finally {
    await admin.context.close();
    await agent.context.close();
  }
});

test('every avatar colour keeps its initials readable', TEST, async () => {
  // A contact's colour comes from its id, which is keyed per deployment: any
  // of them may appear on any screen, so each is checked, not only today's.
  const { context, page } = await newPage(stack, { bypassCSP: true });
  try {
    await signIn(stack, page);
    const classes = await page.evaluate(() => {
      const row = document.createElement('div');
      row.dataset.testid = 'avatar-palette';
      for (let i = 0; i < 8; i++) {
        const avatar = document.createElement('span');
        avatar.className = `avatar avatar--${i}`;
        avatar.textContent = 'AK';
        row.append(avatar);
      }
      document.body.append(row);
      return [...row.children].map((a) => getComputedStyle(a).backgroundColor);
    });
    assert.equal(new Set(classes).size, 8, `eight distinct colours: ${classes}`);
    assert.deepEqual(await axeViolations(page), []);
  } finally {
    await context.close();
  }
});

test('every screen fits a phone and a desktop, passes axe-core, and is photographed', TEST, async () => {
  await customerWrites(stack, '919811000101', XSS, 'Hello, I want 20 sarees');
  await customerWrites(stack, '919811000102', 'अनिल कुमार', 'नमस्ते, क्या आज डिलीवरी होगी?');
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  for (const [width, height] of [[360, 740], [1280, 860]]) {
    // axe-core is injected as a script of the test's own: the page's CSP would refuse it.
    const { context, page } = await newPage(stack, { viewport: { width, height }, bypassCSP: true });
    try {
      await signIn(stack, page);
      const row = contactRow(page, 'अनिल कुमार');
      await row.waitFor({ state: 'visible', timeout: WAIT });
      const id = await row.getAttribute('data-contact-id');
      const screens = [
        ['inbox', '#/inbox', 'inbox'],
        ['conversation', `#/inbox/${encodeURIComponent(id)}`, 'composer'],
        ['tasks', '#/tasks', 'tasks'],
        ['pipeline', '#/pipeline', 'board'],
        ['dashboard', '#/dashboard', 'dash-workload'],
        ['settings', '#/settings/team', 'settings-team'],
        ['business', '#/settings/business', 'business-form'],
        ['webhooks', '#/settings/webhooks', 'settings-webhooks'],
        ['products', '#/settings/products', 'settings-products'],
        // Every other Settings section, held to the same (no sideways scroll, axe).
        ...['templates', 'pipelines', 'automation', 'audit', 'data', 'leads', 'import', 'health', 'ai', 'numbers', 'consent', 'account', 'language']
          .map((section) => [`settings-${section}`, `#/settings/${section}`, `settings-${section}`]),
        ['hours', '#/settings/hours', 'settings-hours'],
        ['campaigns', '#/campaigns', 'campaigns'],
        ['campaign-new', '#/campaigns/new', 'campaign-composer'],
      ];
      for (const [name, hash, ready] of screens) {
        await page.goto(`${base}/${hash}`);
        await byTestId(page, ready).first().waitFor({ state: 'visible', timeout: WAIT });
        await page.waitForTimeout(300);
        await noSidewaysScroll(page, `${name} at ${width} px`);
        if (name === 'settings' && width > 760) {
          // Beside a mouse every section shows: none hides past the edge.
          const tabs = await page.locator('.settings-tabs a').evaluateAll((links) => links.map((a) => a.getBoundingClientRect().right));
          assert.ok(tabs.length > 10, `${tabs.length} settings sections`);
          assert.ok(tabs.every((right) => right <= width), `settings sections end at ${Math.max(...tabs)} px of ${width}`);
        }
        if (name === 'webhooks') {
          // The event types are checkboxes in a list, and Add webhook is a
          // button of a button's height (the form once laid them out as one
          // row of text inputs, with boxes of 36 px and a button 600 px high).
          const boxes = await page.locator('[data-testid="webhook-form"] input[type="checkbox"]').evaluateAll((inputs) => inputs.map((b) => Math.round(b.getBoundingClientRect().width)));
          assert.ok(boxes.length > 5 && boxes.every((w) => w <= 24), `the event types' boxes at ${width} px: ${boxes.join(', ')} px wide`);
          const spilled = await page.locator('[data-testid="webhook-form"] .webhook-kind').evaluateAll((labels) =>
            labels.filter((l) => l.querySelector('code').getBoundingClientRect().right > l.getBoundingClientRect().right + 1).map((l) => l.textContent));
          assert.deepEqual(spilled, [], `event types that spill into the next column at ${width} px`);
          const submit = await byTestId(page, 'webhook-submit').boundingBox();
          assert.ok(submit.height < 60, `Add webhook is ${submit.height} px high at ${width} px`);
        }
        if (name === 'settings-audit') {
          // Each line in words: the invitation above reads as what was done
          // and its fields, not as a code and JSON; the code stays in reach.
          const invite = byTestId(page, 'audit-entry').and(page.locator('[data-action="invite"]')).first();
          assert.match(await invite.textContent(), /Invited a teammate admin@parley\.local/);
          assert.equal(await invite.locator('strong').getAttribute('title'), 'invite');
          assert.match(await invite.locator('[data-testid="audit-detail"]').textContent(), /^email: \S+@team\.example · role: agent$/);
          const details = await byTestId(page, 'audit-detail').allTextContents();
          assert.ok(details.length > 0 && details.every((d) => !d.includes('{"')), `audit details: ${details.join(' | ')}`);
        }
        if (name === 'products') {
          // Each field's name sits over its box (they once ran together on a line).
          const beside = await page.locator('[data-testid="settings-products"] form label').evaluateAll((labels) =>
            labels.filter((l) => l.querySelector('input').getBoundingClientRect().top < l.getBoundingClientRect().top + 10).map((l) => l.textContent));
          assert.deepEqual(beside, [], `product fields whose name is beside the box at ${width} px`);
        }
        if (name === 'pipeline') {
          // No deal yet: the board says where one starts, and links there.
          const empty = byTestId(page, 'pipeline-empty');
          assert.match(await empty.textContent(), /No deals in this pipeline yet/);
          await empty.locator('a').click();
          await byTestId(page, 'inbox').first().waitFor({ state: 'visible', timeout: WAIT });
          await page.goBack();
          await empty.waitFor({ state: 'visible', timeout: WAIT });
        }
        if (name === 'conversation') {
          // The header, the actions and the composer leave the thread two
          // fifths of a phone's screen at least (they once left it one
          // message, then a third), and a fifth of a laptop's.
          const thread = await byTestId(page, 'timeline-scroll').boundingBox();
          const share = width < 761 ? 0.4 : 0.2;
          assert.ok(thread.height >= height * share, `the thread is ${thread.height} px high at ${width}×${height}`);
          // Its tools share one height (Follow up and More were once taller
          // than Assign, Close and Details beside them).
          const tools = await page.locator('.conv-tools-row :is(.button, select)').evaluateAll((controls) =>
            controls.filter((c) => c.getClientRects().length > 0).map((c) => ({ name: c.textContent?.trim().slice(0, 12), height: Math.round(c.getBoundingClientRect().height) })));
          const shown = tools.map((tool) => `${tool.name} ${tool.height}`).join(', ');
          assert.ok(tools.length >= 5, `the conversation's tools: ${shown}`);
          assert.equal(new Set(tools.map((tool) => tool.height)).size, 1, `the conversation's tools at ${width} px: ${shown}`);
          if (width < 761) {
            // On a phone the window's chip and the marketing switch get a line
            // of their own under the name: one line, not two.
            const chip = await page.locator('.conv-header [data-testid="window-badge"]').boundingBox();
            const marketing = await byTestId(page, 'opt-out-toggle').boundingBox();
            assert.ok(Math.abs(chip.y + chip.height / 2 - (marketing.y + marketing.height / 2)) < 4,
              `the window's chip (y ${chip.y}) and the marketing switch (y ${marketing.y}) sit on two lines at ${width} px`);
            // The status, the owner and every tool: one line that scrolls
            // sideways, not three wrapped ones.
            const tops = await page.locator('.conv-tools-row :is(.button, select, .chip, .conv-owner)').evaluateAll((parts) =>
              parts.filter((p) => p.getClientRects().length > 0).map((p) => Math.round(p.getBoundingClientRect().top + p.getBoundingClientRect().height / 2)));
            assert.ok(Math.max(...tops) - Math.min(...tops) < 4, `the conversation's tools sit on lines at ${tops.join(', ')} px`);
            // Its scroll bar is hidden: a fade shows at the end there is more
            // to see, and moves to the start once the line is scrolled through.
            const frame = byTestId(page, 'tools-frame');
            const fades = () => frame.evaluate((el) => [getComputedStyle(el, '::before').opacity, getComputedStyle(el, '::after').opacity].join(' '));
            assert.equal(await frame.getAttribute('data-more-end'), 'true', `the tools fit at ${width} px: no fade needed`);
            await eventually(async () => assert.equal(await fades(), '0 1'));
            await page.locator('.conv-tools-row').evaluate((row) => row.scrollTo({ left: row.scrollWidth }));
            await eventually(async () => assert.equal(await fades(), '1 0'));
            await page.locator('.conv-tools-row').evaluate((row) => row.scrollTo({ left: 0 }));
            await eventually(async () => assert.equal(await fades(), '0 1'));
            // Attach and the interactive composer's opener share the estimate's line.
            const estimate = await byTestId(page, 'text-estimate').boundingBox();
            const opener = await byTestId(page, 'interactive-toggle').boundingBox();
            assert.ok(Math.abs(estimate.y + estimate.height / 2 - (opener.y + opener.height / 2)) < 12,
              `the estimate (y ${estimate.y}) and the interactive opener (y ${opener.y}) sit on two lines at ${width} px`);
          }
        }
        assert.deepEqual(await axeViolations(page), [], `axe-core on ${name} at ${width} px`);
        await page.screenshot({ path: path.join(SCREENSHOTS, `${name}-${width}.png`) });
      }
      // A slow network shows "Loading messages…" on the timeline: it must be readable too.
      let release;
      const held = new Promise((resolve) => { release = resolve; });
      await page.route('**/api/contacts/*/messages*', async (route) => { await held; await route.fallback(); });
      await page.goto(`${base}/#/inbox/${encodeURIComponent(id)}`);
      await page.reload();
      await eventually(async () => assert.notEqual(await byTestId(page, 'timeline-status').textContent(), ''));
      assert.deepEqual(await axeViolations(page), [], `axe-core on a loading conversation at ${width} px`);
      release();
      await page.unroute('**/api/contacts/*/messages*');
      // Hindi, with a Devanagari font for the screenshot.
      await page.evaluate(() => localStorage.setItem('parley.locale', 'hi'));
      await page.goto(`${base}/#/inbox/${encodeURIComponent(id)}`);
      await page.reload();
      await byTestId(page, 'composer').waitFor({ state: 'visible', timeout: WAIT });
      assert.equal(await page.evaluate(() => document.documentElement.lang), 'hi');
      await page.screenshot({ path: path.join(SCREENSHOTS, `conversation-hi-${width}.png`) });
      assert.equal(await page.evaluate(() => typeof window.__pwned), 'undefined');
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  }
});

test('every settings section fits a phone and a desktop and passes axe-core', TEST, async () => {
  for (const [width, height] of [[360, 740], [1280, 860]]) {
    const { context, page } = await newPage(stack, { viewport: { width, height }, bypassCSP: true });
    try {
      await signIn(stack, page);
      await page.goto(`${base}/#/settings/team`);
      await byTestId(page, 'settings').waitFor({ state: 'visible', timeout: WAIT });
      const sections = await page.locator('.settings-tabs a').evaluateAll((links) => links.map((a) => a.getAttribute('href')));
      assert.ok(sections.length > 10, `an admin sees ${sections.length} sections`);
      for (const section of sections) {
        await page.goto(`${base}/${section}`);
        await byTestId(page, 'settings').waitFor({ state: 'visible', timeout: WAIT });
        // Each section fills in from its own request.
        await page.waitForTimeout(400);
        await noSidewaysScroll(page, `${section} at ${width} px`);
        assert.deepEqual(await axeViolations(page), [], `axe-core on ${section} at ${width} px`);
      }
      assert.deepEqual(page.errors, []);
    } finally {
      await context.close();
    }
  }
});
