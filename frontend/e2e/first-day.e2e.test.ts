// Issue 17, what a newcomer sees: the phone layout (390×844) and the small
// things (recipients in Sent, the address in the top bar, one date style,
// the keyboard cursor on the newest row, avatars, mail without headers).
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type BrowserHandle } from './harness/browser';
import { openFolder, registerByApi, sendByApi, signIn, threadRow, waitUntilLive } from './harness/inbox-page';
import { sendBurst, sendMail, sendRaw } from './harness/mail';
import { chartPng } from './harness/png';
import { startStack, type Stack } from './harness/stack';

const ALICE = 'alice@firstday.test';
const BOB = 'bob@firstday.test';
let stack: Stack;
let chromium: BrowserHandle;
let phoneContext: BrowserContext;
let phone: Page;
let desktopContext: BrowserContext;
let desktop: Page;
let aliceToken: string;
const problems: string[] = [];

beforeAll(async () => {
  [stack, chromium] = await Promise.all([startStack(), launchChromium()]);
  aliceToken = await registerByApi(stack.apiUrl, ALICE, 'Alice Liddell');
  await registerByApi(stack.apiUrl, BOB, 'Bob Builder');
  await sendMail(stack.smtpPort, { to: ALICE, subject: 'Welcome', text: 'Hello there.' });
  phoneContext = await chromium.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
  phone = await phoneContext.newPage();
  for (const p of [phone]) p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  await signIn(phone, stack.inboxUrl, ALICE);
});

afterAll(async () => {
  await chromium?.close();
  await stack?.stop();
});

type Box = { x: number; y: number; width: number; height: number };
/** Within two CSS pixels (borders). */
const near = (a: number, b: number) => Math.abs(a - b) <= 2;
const box = async (locator: ReturnType<Page['locator']>): Promise<Box> => (await locator.boundingBox())!;

describe('on a phone (390×844)', () => {
  it('reaches Compose from the inbox in one tap, and the message body fills the sheet', async () => {
    await phone.locator('.pane-list').waitFor();
    await phone.getByRole('button', { name: 'Compose' }).tap();
    const dialog = phone.getByRole('dialog', { name: 'New message' });
    await dialog.waitFor();
    try {
      const sheet = await box(dialog);
      expect(sheet).toEqual({ x: 0, y: 0, width: 390, height: 844 });
      const body = await box(phone.getByLabel('Message', { exact: true }));
      const footer = await box(phone.locator('.compose-footer'));
      const fields = await box(phone.locator('.compose-field').last());
      expect(near(body.y, fields.y + fields.height)).toBe(true); // right under the fields...
      expect(near(body.y + body.height, footer.y)).toBe(true); // ...down to the Send bar
      expect(near(footer.y + footer.height, 844)).toBe(true); // which sits at the bottom of the screen
      expect(body.height).toBeGreaterThan(500);
    } finally {
      await phone.getByRole('button', { name: 'Discard draft' }).tap();
      await dialog.waitFor({ state: 'detached' });
    }
  });

  it('collapses a burst of five new mails into one toast: "5 new messages"', async () => {
    await sendBurst(
      stack.smtpPort,
      [1, 2, 3, 4, 5].map((i) => ({ to: ALICE, subject: `Burst ${i}`, text: `burst message ${i}` })),
    );
    await threadRow(phone, 'Burst 5').waitFor();
    await expect.poll(() => phone.getByTestId('toast').allTextContents()).toEqual(['5 new messages']);
    // The toast sits above the compose button, not over it.
    const toast = await box(phone.getByTestId('toast'));
    const fab = await box(phone.getByRole('button', { name: 'Compose' }));
    expect(toast.y + toast.height).toBeLessThanOrEqual(fab.y);
    await phone.getByTestId('toast').waitFor({ state: 'detached' });
  });

  it('sizes an HTML mail of two lines to its content', async () => {
    await sendMail(stack.smtpPort, { to: ALICE, subject: 'Two lines', text: 'x', html: '<p>First line</p><p>Second line</p>' });
    await threadRow(phone, 'Two lines').tap();
    const iframe = phone.locator('iframe[data-testid="html-body-frame"]');
    await phone.locator('iframe[data-measured="true"]').waitFor();
    const frame = phone.frameLocator('iframe[data-testid="html-body-frame"]');
    const content = await frame.locator('body').evaluate((b) => {
      const padding = parseFloat(getComputedStyle(b).paddingBottom);
      return (b.lastElementChild as HTMLElement).getBoundingClientRect().bottom + padding;
    });
    const height = (await box(iframe)).height;
    expect(content).toBeGreaterThan(20);
    expect(height).toBeGreaterThanOrEqual(content - 1); // nothing cut off
    expect(height).toBeLessThanOrEqual(content + 24); // and no empty space below it
    await phone.getByRole('button', { name: 'Back to list' }).tap();
  });

  it('shows a long HTML mail with an inline image in full, without scrolling inside the frame', async () => {
    const paragraphs = Array.from({ length: 30 }, (_, i) => `<p>Paragraph ${i + 1} of a long newsletter, with enough words to wrap on a phone.</p>`).join('');
    await sendMail(stack.smtpPort, {
      to: ALICE,
      subject: 'Long newsletter',
      text: 'x',
      html: `<h1>News</h1><img src="cid:chart@e2e" alt="chart">${paragraphs}`,
      attachments: [{ filename: 'chart.png', content: chartPng(), contentType: 'image/png', cid: 'chart@e2e' }],
    });
    await threadRow(phone, 'Long newsletter').tap();
    await phone.locator('iframe[data-measured="true"]').waitFor();
    const frame = phone.frameLocator('iframe[data-testid="html-body-frame"]');
    await expect.poll(() => frame.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    // The frame grows with the image once it has loaded: no inner scrollbar.
    await expect
      .poll(() => frame.locator('html').evaluate((html) => html.scrollHeight - html.clientHeight))
      .toBeLessThanOrEqual(0);
    expect((await box(phone.locator('iframe[data-testid="html-body-frame"]'))).height).toBeGreaterThan(1000);
    await phone.getByRole('button', { name: 'Back to list' }).tap();
  });

  it('has a favicon', async () => {
    const href = await phone.locator('link[rel="icon"]').getAttribute('href');
    const res = await fetch(new URL(href!, stack.inboxUrl));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('image/svg+xml');
    expect(await res.text()).toContain('<svg');
  });
});

describe('small things (desktop)', () => {
  beforeAll(async () => {
    desktopContext = await chromium.newContext();
    desktop = await desktopContext.newPage();
    desktop.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    await signIn(desktop, stack.inboxUrl, ALICE);
  });

  it('shows the address in the top bar', async () => {
    expect(await desktop.getByTestId('user-email').textContent()).toBe(ALICE);
  });

  it('names the recipients in Sent rows, not the sender', async () => {
    await sendByApi(stack.apiUrl, aliceToken, { to: [BOB], subject: 'For Bob', text: 'hi Bob' });
    await openFolder(desktop, 'Sent');
    const row = threadRow(desktop, 'For Bob');
    await expect.poll(() => row.locator('.thread-senders').textContent()).toBe(`To: ${BOB}`);
    expect(await row.getByTestId('avatar').textContent()).toBe('B');
    await openFolder(desktop, 'Inbox');
  });

  it('uses one date style in list and message: relative, the full date on hover', async () => {
    const rowTime = threadRow(desktop, 'Welcome').locator('time');
    expect(await rowTime.textContent()).toMatch(/^(now|\d+ min\. ago)$/);
    await threadRow(desktop, 'Welcome').click();
    const messageTime = desktop.locator('.message-card time').first();
    expect(await messageTime.textContent()).toMatch(/^(now|\d+ min\. ago)$/);
    for (const t of [rowTime, messageTime]) {
      expect(await t.getAttribute('title')).toMatch(/^\w+day, \w+ \d{1,2}, \d{4} at \d{1,2}:\d{2}\s?[AP]M$/);
    }
    await desktop.keyboard.press('Escape');
  });

  it('gives the same sender the same avatar colour and initials', async () => {
    const avatars = desktop.locator('.thread-row', { hasText: 'Burst' }).getByTestId('avatar');
    expect(await avatars.count()).toBe(5);
    const looks = await avatars.evaluateAll((els) => els.map((e) => `${e.textContent} ${getComputedStyle(e).backgroundColor}`));
    expect(new Set(looks).size).toBe(1);
    expect(looks[0]).toMatch(/^SP rgb/);
  });

  it('starts j/Enter from the newest row, also after live mail put a new one on top', async () => {
    await desktop.reload(); // a fresh page: the cursor has not been moved
    await waitUntilLive(desktop);
    await desktop.locator('body').click({ position: { x: 5, y: 5 } });
    await sendMail(stack.smtpPort, { to: ALICE, subject: 'Newest arrival', text: 'on top' });
    await expect.poll(() => desktop.locator('.thread-row .thread-subject').first().textContent()).toBe('Newest arrival');
    expect(await desktop.locator('.thread-row[aria-selected="true"] .thread-subject').textContent()).toBe('Newest arrival');
    await desktop.keyboard.press('Enter');
    await expect.poll(() => desktop.locator('.conversation-subject').textContent()).toBe('Newest arrival');
    await desktop.keyboard.press('Escape');
  });

  it('shows the envelope sender for mail without headers', async () => {
    await sendRaw(stack.smtpPort, { from: 'curl-user@outside.example', to: [ALICE] }, 'just a note from curl\r\n');
    await expect
      .poll(() => desktop.locator('.thread-row').first().locator('.thread-senders').textContent())
      .toBe('curl-user@outside.example');
    await waitUntilLive(desktop);
    expect(problems).toEqual([]);
  });
});
