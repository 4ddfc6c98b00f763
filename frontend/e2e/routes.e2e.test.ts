// The address bar names what is open (issue 14): a folder, a conversation.
// Reload and Back work, links survive signing in, and the server answers
// every such address with the app (SPA fallback).
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type BrowserHandle } from './harness/browser';
import { openFolder, pathOf, registerByApi, signIn, threadRow, waitUntilLive } from './harness/inbox-page';
import { sendMail } from './harness/mail';
import { startStack, type Stack } from './harness/stack';

const ALICE = 'alice@routes.test';
let stack: Stack;
let chromium: BrowserHandle;
let context: BrowserContext;
let page: Page;

beforeAll(async () => {
  [stack, chromium] = await Promise.all([startStack(), launchChromium()]);
  await registerByApi(stack.apiUrl, ALICE, 'Alice Liddell');
  await sendMail(stack.smtpPort, { to: ALICE, subject: 'Route me', text: 'A conversation with an address.' });
  await sendMail(stack.smtpPort, { to: ALICE, subject: 'Another one', text: 'Second.' });
  context = await chromium.newContext();
  page = await context.newPage();
  await signIn(page, stack.inboxUrl, ALICE);
});

afterAll(async () => {
  await chromium?.close();
  await stack?.stop();
});

const subject = () => page.locator('.conversation-subject');

describe('addresses of the inbox', () => {
  it('starts at /mail/inbox', () => {
    expect(pathOf(page)).toBe('/mail/inbox');
  });

  it('names the open conversation; reload keeps it open; Back returns to the list', async () => {
    const row = threadRow(page, 'Route me');
    const id = await row.getAttribute('data-thread-id');
    await row.click();
    await expect.poll(() => subject().textContent()).toBe('Route me');
    expect(pathOf(page)).toBe(`/mail/inbox/${id}`);

    await page.reload();
    await waitUntilLive(page);
    await expect.poll(() => subject().textContent()).toBe('Route me');
    expect(await threadRow(page, 'Route me').getAttribute('class')).toContain('is-open');

    await page.goBack();
    await page.getByText('No conversation selected').waitFor();
    expect(pathOf(page)).toBe('/mail/inbox');
    expect(await subject().count()).toBe(0);

    await page.goForward();
    await expect.poll(() => subject().textContent()).toBe('Route me');
  });

  it('keeps one conversation above the list: k to the one above, then Back still returns to the list', async () => {
    await page.keyboard.press('k'); // the open conversation moves to its neighbour (newer, above it)
    await expect.poll(() => subject().textContent()).not.toBe('Route me');
    expect(pathOf(page)).toMatch(/^\/mail\/inbox\/\d+$/);
    await page.goBack();
    await page.getByText('No conversation selected').waitFor();
    expect(pathOf(page)).toBe('/mail/inbox');
  });

  it('names the folder; reload stays in it; Back returns to the previous folder', async () => {
    await openFolder(page, 'Sent');
    expect(pathOf(page)).toBe('/mail/sent');
    await page.reload();
    await waitUntilLive(page);
    await expect.poll(() => page.locator('.pane-title').textContent()).toBe('Sent');
    await page.goBack();
    await expect.poll(() => page.locator('.pane-title').textContent()).toBe('Inbox');
    expect(pathOf(page)).toBe('/mail/inbox');
  });

  it('closes with the toolbar or Escape back to the list entry', async () => {
    await threadRow(page, 'Another one').click();
    await subject().waitFor();
    await page.keyboard.press('Escape');
    await page.getByText('No conversation selected').waitFor();
    expect(pathOf(page)).toBe('/mail/inbox');
  });

  it('opens a linked conversation after signing in, at the same address', async () => {
    const id = await threadRow(page, 'Route me').getAttribute('data-thread-id');
    const fresh = await chromium.newContext();
    try {
      const other = await fresh.newPage();
      await other.goto(`${stack.inboxUrl}/mail/inbox/${id}`);
      await other.getByLabel('Email').fill(ALICE);
      await other.getByLabel('Password').fill('correct horse battery');
      await other.getByRole('button', { name: 'Sign in' }).click();
      await expect.poll(() => other.locator('.conversation-subject').textContent()).toBe('Route me');
      expect(pathOf(other)).toBe(`/mail/inbox/${id}`);
    } finally {
      await fresh.close();
    }
  });

  it('sends an address that names no folder to the Inbox, and rewrites a system folder named by id', async () => {
    await page.goto(`${stack.inboxUrl}/mail/no-such-folder`);
    await expect.poll(() => pathOf(page)).toBe('/mail/inbox');
    await expect.poll(() => page.getByTestId('toast').allTextContents()).toContain('That folder does not exist.');
    await page.goto(`${stack.inboxUrl}/somewhere/else`);
    await expect.poll(() => pathOf(page)).toBe('/mail/inbox');

    const sentId = await page.evaluate(async () => {
      const token = localStorage.getItem('chitbox.token');
      const { folders } = await (await fetch('/api/folders', { headers: { Authorization: `Bearer ${token}` } })).json();
      return folders.find((f: { kind: string }) => f.kind === 'sent').id as number;
    });
    await page.goto(`${stack.inboxUrl}/mail/${sentId}`);
    await expect.poll(() => pathOf(page)).toBe('/mail/sent');
  });

  it('says so when the linked conversation is not there (deleted, or another account\'s)', async () => {
    // The missing conversation can answer before the folders do: hold them
    // back, so Escape is pressed while the folder is known only from the address.
    let releaseFolders = () => {};
    const foldersHeld = new Promise<void>((resolve) => (releaseFolders = resolve));
    const held: Promise<void>[] = [];
    await page.route('**/api/folders', (route) => {
      const passed = foldersHeld.then(() => route.continue());
      held.push(passed);
      return passed;
    });
    try {
      await page.goto(`${stack.inboxUrl}/mail/inbox/999999`);
      await page.getByText('This conversation is not here.').waitFor();
      expect(pathOf(page)).toBe('/mail/inbox/999999');
      await page.keyboard.press('Escape');
      await expect.poll(() => pathOf(page)).toBe('/mail/inbox');
    } finally {
      // Every held request goes on before the route is removed (removing it first answers them twice).
      releaseFolders();
      await Promise.all(held);
      await page.unroute('**/api/folders');
    }
    await expect.poll(() => page.locator('.pane-title').textContent()).toBe('Inbox');
    expect(pathOf(page)).toBe('/mail/inbox');
  });

  it('is answered with the app for every such address (SPA fallback), never cached', async () => {
    for (const p of ['/mail/inbox', '/mail/inbox/123', '/mail/sent', '/mail/40/7']) {
      const res = await fetch(`${stack.inboxUrl}${p}`);
      expect(res.status, p).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(await res.text()).toContain('<div id="root"></div>');
    }
    // A missing asset is a 404, not the app (a stale tab must not parse HTML as script).
    expect((await fetch(`${stack.inboxUrl}/assets/nope.js`)).status).toBe(404);
  });
});
