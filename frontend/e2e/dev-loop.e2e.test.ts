// The API restarts under an open inbox (issue 17: `npm run dev` after an
// edit, or restarted by hand while Vite stays up). The page must wait and
// recover by itself: no dead-end error, no click. The inbox is served apart
// from the API here, as Vite serves it in development.
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type BrowserHandle } from './harness/browser';
import { pathOf, registerByApi, signIn, threadRow, waitUntilLive } from './harness/inbox-page';
import { sendMail } from './harness/mail';
import { startStack, type Stack } from './harness/stack';

const ALICE = 'alice@devloop.test';
let stack: Stack;
let chromium: BrowserHandle;
let context: BrowserContext;
let page: Page;
const problems: string[] = [];

beforeAll(async () => {
  [stack, chromium] = await Promise.all([startStack({ separateInbox: true }), launchChromium()]);
  await registerByApi(stack.apiUrl, ALICE, 'Alice Liddell');
  await sendMail(stack.smtpPort, { to: ALICE, subject: 'Before the restart', text: 'first' });
  context = await chromium.newContext();
  page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await signIn(page, stack.inboxUrl, ALICE);
});

afterAll(async () => {
  await chromium?.close();
  await stack?.stop();
});

describe('the inbox while the API restarts', () => {
  it('reconnects by itself after a restart under the open page, refetches what it shows, and gets live mail again', async () => {
    await threadRow(page, 'Before the restart').click();
    await page.locator('.conversation-subject').waitFor();

    await stack.stopApi();
    await page.getByTestId('connection-indicator').waitFor();
    await stack.startApi();
    await page.getByTestId('connection-indicator').waitFor({ state: 'detached', timeout: 30_000 });

    // Still the same conversation, and live again: mail sent now shows up without a reload.
    expect(await page.locator('.conversation-subject').textContent()).toBe('Before the restart');
    await sendMail(stack.smtpPort, { to: ALICE, subject: 'After the restart', text: 'second' });
    await threadRow(page, 'After the restart').waitFor({ timeout: 30_000 });
  });

  it('a page (re)loaded while the API is down waits for it and shows the inbox, without a click', async () => {
    const at = pathOf(page);
    await stack.stopApi();
    await page.reload(); // what Vite does to the tab when it restarts too
    await page.getByText('Waiting for the server to start…').waitFor({ timeout: 15_000 });
    expect(await page.getByRole('button', { name: 'Try again' }).count()).toBe(0);

    await stack.startApi();
    await waitUntilLive(page);
    await threadRow(page, 'After the restart').waitFor();
    expect(pathOf(page)).toBe(at);
    expect(await page.getByText('The server had a problem').count()).toBe(0);
    expect(problems).toEqual([]);
  });
});
