// Two people chatting in two browsers side by side (two browser contexts):
// typing shows and fades, Enter sends and the other sees the bubble, read
// ticks turn when the other opens the message, a reply that came over SMTP
// shows its new words with the quote behind "…", and a reload keeps the open
// conversation. Every wait is for a state on the page, never a sleep.
import path from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, type BrowserHandle } from './harness/browser';
import { openFolder, PASSWORD, pathOf, registerByApi, sendByApi, signIn, threadRow, waitUntilLive } from './harness/inbox-page';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import { screenshotsDir } from './harness/screenshots-dir';
import { startStack, type Stack } from './harness/stack';

const ALICE = 'alice@chat.test';
const BOB = 'bob@chat.test';
let stack: Stack;
let chromium: BrowserHandle;
const contexts: BrowserContext[] = [];
let alice: Page;
let bob: Page;
let aliceToken: string;
const problems: string[] = [];

async function openPage(email: string): Promise<Page> {
  const context = await chromium.newContext({ viewport: { width: 1280, height: 800 } });
  contexts.push(context);
  const page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`${email} pageerror: ${e.message}`));
  page.on('console', (m) => m.type() === 'error' && problems.push(`${email} console: ${m.text()}`));
  await signIn(page, stack.inboxUrl, email);
  return page;
}

const bubbles = (page: Page) => page.getByTestId('chat-bubble');
const bubbleWith = (page: Page, text: string) => bubbles(page).filter({ hasText: text });
const composer = (page: Page) => page.getByLabel('Message text');
const typing = (page: Page) => page.getByTestId('typing-indicator').locator('.typing-text');

async function api<T>(token: string, p: string): Promise<T> {
  return (await fetch(`${stack.apiUrl}${p}`, { headers: { Authorization: `Bearer ${token}` } })).json() as Promise<T>;
}

const shots = screenshotsDir();

beforeAll(async () => {
  [stack, chromium] = await Promise.all([startStack(), launchChromium()]);
  aliceToken = await registerByApi(stack.apiUrl, ALICE, 'Alice Liddell');
  await registerByApi(stack.apiUrl, BOB, 'Bob Builder');
  await sendByApi(stack.apiUrl, aliceToken, { to: [BOB], subject: 'Lunch on Friday?', text: 'Shall we try the new place on Friday?' });
  [alice, bob] = await Promise.all([openPage(ALICE), openPage(BOB)]);
  // Alice opens her copy from Sent, Bob his from the Inbox: two users, two thread ids, one conversation.
  await openFolder(alice, 'Sent');
  await threadRow(alice, 'Lunch on Friday?').click();
  await threadRow(bob, 'Lunch on Friday?').click();
  for (const page of [alice, bob]) await page.getByTestId('chat-view').waitFor();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await chromium?.close();
  await stack?.stop();
  shots.cleanUp();
});

describe('chat between two signed-in users', () => {
  it('opens a conversation as a chat: mine on one side, theirs on the other, with presence', async () => {
    await bubbleWith(alice, 'Shall we try the new place').waitFor();
    expect(await bubbleWith(alice, 'Shall we try the new place').locator('xpath=ancestor::div[contains(@class,"bubble-group")]').getAttribute('class')).toContain('mine');
    expect(await bubbleWith(bob, 'Shall we try the new place').locator('xpath=ancestor::div[contains(@class,"bubble-group")]').getAttribute('class')).toContain('theirs');
    // Both are signed in: each sees the other online.
    await alice.locator('[data-testid="presence-dot"][data-online="true"]').waitFor();
    await expect.poll(() => alice.getByTestId('presence-text').textContent()).toBe('online');
    expect(pathOf(alice)).toMatch(/^\/mail\/sent\/\d+$/);
  });

  it('shows "… is typing" while the other types, and fades after the last keystroke', async () => {
    await composer(bob).click();
    await bob.keyboard.type('Sushi');
    await expect.poll(() => typing(alice).textContent()).toBe('Bob Builder is typing…');
    // Bob stops typing: the indicator goes by itself (6 s after his last event).
    await typing(alice).waitFor({ state: 'detached', timeout: 15_000 });
  });

  it('Enter sends; the bubble shows for the sender at once and for the other live', async () => {
    await composer(bob).click();
    await bob.keyboard.type(', please.');
    await bob.keyboard.press('Shift+Enter');
    await bob.keyboard.type('Noon works for me.');
    await expect.poll(() => typing(alice).textContent()).toBe('Bob Builder is typing…');
    await bob.keyboard.press('Enter');
    expect(await composer(bob).inputValue()).toBe('');
    await bubbleWith(bob, 'Noon works for me.').waitFor();
    const seen = bubbleWith(alice, 'Sushi, please.');
    await seen.waitFor();
    expect(await seen.textContent()).toContain('Sushi, please.\nNoon works for me.');
    // The message itself ends the indicator, without waiting for the fade.
    await typing(alice).waitFor({ state: 'detached' });
    // Bob's bubble is the stored copy now, delivered (Alice has it).
    await expect.poll(() => bubbleWith(bob, 'Noon works for me.').getAttribute('data-message-id')).toMatch(/^\d+$/);
  });

  it('read ticks turn when the other opens the message', async () => {
    // Bob leaves the conversation (Escape from outside the composer); Alice writes.
    await bob.locator('.conversation-subject').click();
    await bob.keyboard.press('Escape');
    await bob.getByText('No conversation selected').waitFor();
    await composer(alice).click();
    await alice.keyboard.type('Great, see you at noon!');
    await alice.keyboard.press('Enter');
    const ticks = bubbleWith(alice, 'see you at noon').getByRole('img');
    await expect.poll(() => ticks.getAttribute('data-ticks')).toBe('delivered');
    await threadRow(bob, 'Lunch on Friday?').click();
    await bubbleWith(bob, 'see you at noon').waitFor();
    await expect.poll(() => ticks.getAttribute('data-ticks')).toBe('read');
  });

  it('a reply delivered over SMTP shows its new words; the quote is behind "…" until asked for', async () => {
    const sent = await api<{ messages: Array<{ id: number; subject: string }> }>(aliceToken, `/api/folders/${await sentFolderId()}/messages`);
    const { message: parent } = await api<{ message: { messageId: string } }>(
      aliceToken,
      `/api/messages/${sent.messages.find((m) => m.subject === 'Lunch on Friday?')!.id}`,
    );
    // Bob answers from his mail client: SMTP submission, with the quote his client writes.
    await submitAs(BOB, {
      from: `Bob Builder <${BOB}>`,
      to: ALICE,
      subject: 'Re: Lunch on Friday?',
      inReplyTo: `<${parent.messageId}>`,
      references: [`<${parent.messageId}>`],
      text: 'Booked a table for two.\n\nOn Fri, Nov 20, 2026 at 9:00 AM Alice Liddell <alice@chat.test> wrote:\n> Shall we try the new place on Friday?\n',
    });
    const bubble = bubbleWith(alice, 'Booked a table for two.');
    await bubble.waitFor();
    expect(await bubble.textContent()).not.toContain('Alice Liddell <alice@chat.test> wrote');
    expect(await bubble.locator('xpath=ancestor::div[contains(@class,"bubble-group")]').getAttribute('class')).toContain('theirs');
    await bubble.getByRole('button', { name: 'Show quoted text' }).click();
    await expect.poll(() => bubble.getByTestId('quoted-text').textContent()).toContain('> Shall we try the new place on Friday?');
    await bubble.getByRole('button', { name: 'Hide quoted text' }).click();
    await bubble.getByTestId('quoted-text').waitFor({ state: 'detached' });
  });

  it('reload keeps the open conversation, as a chat', async () => {
    const before = pathOf(alice);
    await alice.reload();
    await waitUntilLive(alice);
    expect(pathOf(alice)).toBe(before);
    await bubbleWith(alice, 'Booked a table for two.').waitFor();
    await alice.getByTestId('chat-view').waitFor();
    expect(await alice.locator('.conversation').getAttribute('data-view')).toBe('chat');
  });

  it('screenshots of the chat: desktop and phone width', async () => {
    await composer(alice).click();
    await alice.keyboard.type('Should I bring the slides?');
    await expect.poll(() => typing(bob).textContent()).toBe('Alice Liddell is typing…');
    await bob.getByTestId('toast').first().waitFor({ state: 'detached' });
    await bob.screenshot({ path: path.join(shots.path, 'chat-desktop.png') });
    await alice.keyboard.press('Enter');
    await bubbleWith(bob, 'Should I bring the slides?').waitFor();

    const phoneContext = await chromium.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    contexts.push(phoneContext);
    const phone = await phoneContext.newPage();
    await signIn(phone, stack.inboxUrl, BOB);
    await threadRow(phone, 'Lunch on Friday?').tap();
    await bubbleWith(phone, 'Should I bring the slides?').waitFor();
    await phone.getByTestId('toast').first().waitFor({ state: 'detached' });
    await phone.screenshot({ path: path.join(shots.path, 'chat-phone.png') });
  });

  it('saw no page error or console error in either browser', () => {
    expect(problems).toEqual([]);
  });
});

async function submitAs(user: string, message: Mail.Options): Promise<void> {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1', port: stack.smtpPort, secure: false, ignoreTLS: true, auth: { user, pass: PASSWORD },
  });
  try {
    await transport.sendMail(message);
  } finally {
    transport.close();
  }
}

async function sentFolderId(): Promise<number> {
  const { folders } = await api<{ folders: Array<{ id: number; kind: string }> }>(aliceToken, '/api/folders');
  return folders.find((f) => f.kind === 'sent')!.id;
}
