// Under each attack of the hardening trial, a legitimate client's mail is
// still accepted and stored, and /health still answers. What is asserted is
// the outcome, after waiting for the attack to be engaged; how fast is for
// `npm run bench:attacks` (docs/performance.md).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ATTACKS, bigHtmlMessage, type AttackName, type AttackTarget, type RunningAttack } from '../support/attacks.js';
import { sendMail, SmtpLineClient } from '../support/smtp-line-client.js';
import { startTestServer, type TestServer } from '../support/test-server.js';

// Real servers and real attacks: on a machine this busy a start alone can take half a minute. Nothing waits for a duration.
vi.setConfig({ testTimeout: 180_000, hookTimeout: 180_000 });

let server: TestServer | null = null;
let attack: RunningAttack | null = null;

afterEach(async () => {
  await attack?.stop();
  await server?.stop();
  attack = null;
  server = null;
}, 120_000);

async function legitMailAndHealth(s: TestServer, token: string, subject: string): Promise<void> {
  const c = await SmtpLineClient.connect(s.smtpPort, '127.0.0.1', '127.0.0.99');
  try {
    expect(await c.reply(60_000)).toMatch(/^220 /);
    await c.command('EHLO legit.test', 60_000);
    const reply = await sendMail(c, 'friend@remote.test', 'alice@example.test', Buffer.from(`Subject: ${subject}\r\n\r\nhello\r\n`), 120_000);
    expect(reply).toMatch(/^250 /);
  } finally {
    c.destroy();
  }
  expect((await s.api().get('/health')).status).toBe(200);
  const found = await s.api(token).get(`/api/search?q=${encodeURIComponent(subject)}`);
  expect(found.body.messages.map((m: { subject: string }) => m.subject)).toContain(subject);
}

async function underAttack(name: AttackName, env: Record<string, string> = {}) {
  server = await startTestServer(env);
  const alice = await server.register('alice@example.test');
  const target: AttackTarget = { smtpPort: server.smtpPort, baseUrl: server.baseUrl, victim: 'alice@example.test' };
  if (name === 'html-reads') {
    const mallory = await server.register('mallory@example.test');
    const c = await SmtpLineClient.connect(server.smtpPort);
    await c.reply(60_000);
    await c.command('EHLO big.test', 60_000);
    const reply = await sendMail(c, 'big@remote.test', 'mallory@example.test', bigHtmlMessage(10_000), 120_000);
    c.destroy();
    const id = Number(/stored as (\d+)/.exec(reply)![1]);
    target.reader = { token: mallory.token, messageId: id };
  }
  attack = ATTACKS[name](target);
  await attack.engaged;
  return alice;
}

// Each test runs a real attack against a real server: minutes on a machine this busy are not a hang.
describe('a legitimate client during an attack', { timeout: 240_000 }, () => {
  it('stuck parses: its mail is stored and /health answers', async () => {
    const alice = await underAttack('stuck-parse', { PARSE_TIMEOUT_MS: '60000' });
    await legitMailAndHealth(server!, alice.token, 'during stuck parses');
  });

  it('eight clients reading a big HTML mail in a loop: its mail is stored and /health answers', async () => {
    const alice = await underAttack('html-reads');
    await legitMailAndHealth(server!, alice.token, 'during html reads');
  });

  it('ten addresses holding every session they can: its mail is stored and /health answers', async () => {
    const alice = await underAttack('slot-exhaustion');
    expect(attack!.count()).toBeGreaterThanOrEqual(10 * 20);
    await legitMailAndHealth(server!, alice.token, 'during slot exhaustion');
  });
});
