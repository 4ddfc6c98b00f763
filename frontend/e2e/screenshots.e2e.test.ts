// The screenshots in docs/screenshots/, made from a real run: a small but
// lived-in mailbox, at desktop (1280×800) and phone (390×844) sizes
// (harness/screenshots-dir.ts: where a run writes them).
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type BrowserHandle } from './harness/browser';
import { inboxMessageId, registerByApi, sendByApi, showAsMail, signIn, threadRow, waitUntilLive } from './harness/inbox-page';
import { sendMail } from './harness/mail';
import { chartPng } from './harness/png';
import { screenshotsDir } from './harness/screenshots-dir';
import { startStack, type Stack } from './harness/stack';

const ALICE = 'alice@chitbox.test';
const BOB = 'bob@chitbox.test';
let stack: Stack;
let chromium: BrowserHandle;
const shots = screenshotsDir();
const shotsDir = shots.path;

const NEWSLETTER =
  '<div style="font-family:Georgia,serif;max-width:560px">' +
  '<h1 style="color:#2f6feb;margin:0 0 8px">Quarterly numbers are up</h1>' +
  '<p>Revenue grew for the <b>fifth</b> quarter in a row. The chart shows the last five:</p>' +
  '<img alt="chart" src="cid:chart@shots">' +
  '<p>Full numbers are in the attached report. Questions? Just reply to this mail.</p></div>';

beforeAll(async () => {
  [stack, chromium] = await Promise.all([startStack(), launchChromium()]);
  const alice = await registerByApi(stack.apiUrl, ALICE, 'Alice Liddell');
  const bob = await registerByApi(stack.apiUrl, BOB, 'Bob Builder');
  await sendByApi(stack.apiUrl, bob, { to: [ALICE], subject: 'Lunch on Friday?', text: 'Pizza or sushi? Vote by Thursday.' });
  const lunch = await inboxMessageId(stack.apiUrl, alice, 'Lunch on Friday?');
  await sendByApi(stack.apiUrl, alice, { to: [BOB], subject: 'Re: Lunch on Friday?', text: 'Sushi, please. Noon works for me.', inReplyToId: lunch });
  await sendMail(stack.smtpPort, {
    from: 'Grace Hopper <grace@navy.example>',
    to: ALICE,
    subject: 'Design review notes',
    text: 'Attached are my notes from the review. The short version: ship it, then measure.',
    attachments: [{ filename: 'review-notes.txt', content: 'notes' }],
  });
  await sendMail(stack.smtpPort, { from: 'Ann Lee <ann@example.org>', to: ALICE, subject: 'Tickets for Saturday', text: 'I got two extra. Want them?' });
  await sendMail(stack.smtpPort, {
    from: 'Numbers Team <numbers@company.example>',
    to: ALICE,
    subject: 'Quarterly report',
    text: 'Revenue grew for the fifth quarter in a row.',
    html: NEWSLETTER,
    attachments: [
      { filename: 'chart.png', content: chartPng(), contentType: 'image/png', cid: 'chart@shots' },
      { filename: 'q3-report.pdf', content: Buffer.from('%PDF-1.4\n'), contentType: 'application/pdf' },
    ],
  });
});

afterAll(async () => {
  await chromium?.close();
  await stack?.stop();
  shots.cleanUp();
});

async function shoot(page: Page, name: string): Promise<void> {
  await page.getByTestId('toast').first().waitFor({ state: 'detached' });
  const file = path.join(shotsDir, name);
  await page.screenshot({ path: file });
  expect(fs.statSync(file).size).toBeGreaterThan(0);
}

/** Opens the report and waits until its frame is sized and its chart drawn. */
async function openReport(page: Page): Promise<void> {
  await threadRow(page, 'Quarterly report').click();
  await showAsMail(page);
  await page.locator('iframe[data-measured="true"]').waitFor();
  const chart = page.frameLocator('iframe[data-testid="html-body-frame"]').locator('img');
  await expect.poll(() => chart.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
}

describe('screenshots', () => {
  it('desktop: the inbox with an HTML mail open, and a conversation', async () => {
    const page = await (await chromium.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    await signIn(page, stack.inboxUrl, ALICE);
    await openReport(page);
    await shoot(page, 'inbox-desktop.png');

    await threadRow(page, 'Lunch on Friday?').click();
    await showAsMail(page);
    await expect.poll(() => page.locator('.message-card').count()).toBe(2);
    await page.getByRole('button', { name: '↩ Reply' }).click();
    await page.getByLabel('Reply text').fill('Sushi it is. See you at noon!');
    await shoot(page, 'conversation-desktop.png');
  });

  it('phone: the list, an HTML mail, and the compose sheet', async () => {
    const page = await (await chromium.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 })).newPage();
    await signIn(page, stack.inboxUrl, ALICE);
    await waitUntilLive(page);
    await shoot(page, 'inbox-phone.png');

    await openReport(page);
    await shoot(page, 'conversation-phone.png');

    await page.getByRole('button', { name: 'Back to list' }).tap();
    await page.getByRole('button', { name: 'Compose' }).tap();
    const compose = page.getByRole('dialog', { name: 'New message' });
    await compose.getByLabel('To').fill(BOB);
    await compose.getByLabel('Subject').fill('Slides for Monday');
    await compose.getByLabel('Message', { exact: true }).fill('Hi Bob,\n\nHere are the slides for Monday. Shout if anything is missing.\n\nAlice');
    await shoot(page, 'compose-phone.png');
  });
});
