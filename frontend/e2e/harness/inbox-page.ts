// What a person does in the inbox, as Playwright steps.
import type { Page } from 'playwright-core';

export const PASSWORD = 'correct horse battery';

export async function register(page: Page, inboxUrl: string, email: string, name: string): Promise<void> {
  await page.goto(inboxUrl);
  await page.getByRole('button', { name: 'No account yet? Create one' }).click();
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Create account' }).click();
  await waitUntilLive(page);
}

export async function signIn(page: Page, inboxUrl: string, email: string): Promise<void> {
  await page.goto(inboxUrl);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await waitUntilLive(page);
}

/** The inbox is loaded and the live socket is connected (so new mail will show). */
export async function waitUntilLive(page: Page): Promise<void> {
  await page.locator('.mailbox[data-socket-status="connected"]').waitFor({ timeout: 10_000 });
  await page.locator('.pane-list .view-state[aria-busy="true"]').waitFor({ state: 'detached', timeout: 10_000 });
}

export function threadRow(page: Page, subject: string) {
  return page.locator('.thread-row', { hasText: subject });
}

export async function openFolder(page: Page, name: string): Promise<void> {
  await page.locator('.folder', { hasText: name }).click();
  await page.locator('.pane-list .view-state[aria-busy="true"]').waitFor({ state: 'detached' });
}

/** The path part of the page's address (/mail/inbox/12). */
export function pathOf(page: Page): string {
  return new URL(page.url()).pathname;
}

/** Registers through the API (quicker than the form when the form is not what a test is about). */
export async function registerByApi(apiUrl: string, email: string, name: string): Promise<string> {
  const res = await fetch(`${apiUrl}/api/auth/register`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email, password: PASSWORD, name }),
  });
  if (res.status !== 201) throw new Error(`register ${email}: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

/** Sends as a signed-in user through POST /api/messages. */
export async function sendByApi(
  apiUrl: string,
  token: string,
  message: { to: string[]; subject: string; text: string; inReplyToId?: number },
): Promise<void> {
  const res = await fetch(`${apiUrl}/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify(message),
  });
  if (res.status !== 202) throw new Error(`send: ${res.status} ${await res.text()}`);
}

/** The id of the newest message with this subject in the user's Inbox (to answer it through the API). */
export async function inboxMessageId(apiUrl: string, token: string, subject: string): Promise<number> {
  const get = async (p: string) => (await fetch(`${apiUrl}${p}`, { headers: { Authorization: `Bearer ${token}` } })).json();
  const { folders } = await get('/api/folders');
  const inbox = folders.find((f: { kind: string }) => f.kind === 'inbox');
  const { messages } = await get(`/api/folders/${inbox.id}/messages`);
  const hit = messages.find((m: { subject: string }) => m.subject === subject);
  if (!hit) throw new Error(`no "${subject}" in the inbox`);
  return hit.id;
}
