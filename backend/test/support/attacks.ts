// The attacks of the hardening trial, as code both the tests (is legit mail
// still accepted during each?) and `npm run bench:attacks` (how fast?) run
// against a real server:
//   stuck-parse: unauthenticated mail mailparser never finishes parsing;
//   html-reads: one big HTML message read by eight clients at once, in a loop;
//   slot-exhaustion: idle sessions from many addresses, as many as each gets.
import { apiClient } from './test-server.js';
import { inlineRfc822AfterPreamble } from '../fuzz/hostile-cases.js';
import { sendMail, SmtpLineClient } from './smtp-line-client.js';

export interface AttackTarget {
  smtpPort: number;
  baseUrl: string;
  /** a local address the attacker mails (stuck-parse) */
  victim: string;
  /** a signed-in user's token and the id of a big HTML message in their mailbox (html-reads) */
  reader?: { token: string; messageId: number };
}

export interface RunningAttack {
  /** resolves once the attack is doing damage (a stuck parse in flight, reads running, slots taken) */
  engaged: Promise<void>;
  /** how many attack operations completed so far */
  count(): number;
  stop(): Promise<void>;
}

export type AttackName = 'stuck-parse' | 'html-reads' | 'slot-exhaustion';

export const ATTACKS: Record<AttackName, (t: AttackTarget) => RunningAttack> = {
  'stuck-parse': stuckParse,
  'html-reads': htmlReads,
  'slot-exhaustion': slotExhaustion,
};

/** A big HTML body (about `rows` × 70 bytes), with things the sanitiser must remove. */
export function bigHtmlMessage(rows: number): Buffer {
  const cells = '<tr><td onclick="x()" style="color:red">cell <b>bold</b> <a href="javascript:1">x</a></td></tr>\r\n'.repeat(rows);
  return Buffer.from(`From: <big@remote.test>\r\nSubject: big html\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<html><body><script>alert(1)</script><table>\r\n${cells}</table></body></html>\r\n`);
}

/** Loops `step` on `lanes` concurrent lanes until stopped. */
function loop(lanes: number, step: (lane: number) => Promise<void>): { done: Promise<unknown>; stopped: () => boolean; stop: () => void; count: () => number } {
  let stopped = false;
  let count = 0;
  const done = Promise.all(Array.from({ length: lanes }, async (_, lane) => {
    while (!stopped) {
      await step(lane).catch(() => undefined);
      count++;
    }
  }));
  return { done, stopped: () => stopped, stop: () => void (stopped = true), count: () => count };
}

function stuckParse(t: AttackTarget): RunningAttack {
  const raw = inlineRfc822AfterPreamble();
  const clients = new Set<SmtpLineClient>();
  let engage!: () => void;
  const engaged = new Promise<void>((r) => (engage = r));
  const lanes = loop(2, async () => {
    const c = await SmtpLineClient.connect(t.smtpPort, '127.0.0.1', '127.0.0.20');
    clients.add(c);
    try {
      await c.reply(120_000);
      await c.command('EHLO mallory.test', 120_000);
      const reply = sendMail(c, 'mallory@attacker.test', t.victim, raw, 600_000);
      void waitForParse(t.baseUrl).then(engage);
      await reply;
    } finally {
      c.destroy();
      clients.delete(c);
    }
  });
  return {
    engaged, count: lanes.count,
    async stop() {
      lanes.stop();
      for (const c of clients) c.destroy();
      await lanes.done;
    },
  };
}

/** Resolves once /health shows a delivery in progress (the stuck parse). */
async function waitForParse(baseUrl: string): Promise<void> {
  for (;;) {
    const health = await apiClient(baseUrl).get('/health').catch(() => null);
    if ((health?.body?.pipeline?.in_flight ?? 0) > 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

function htmlReads(t: AttackTarget): RunningAttack {
  if (!t.reader) throw new Error('html-reads needs a reader with a big HTML message');
  const url = `${t.baseUrl}/api/messages/${t.reader.messageId}`;
  const headers = { authorization: `Bearer ${t.reader.token}` };
  let engage!: () => void;
  const engaged = new Promise<void>((r) => (engage = r));
  // The bytes are fetched and dropped, not parsed: parsing 8 MB of JSON would
  // block the process that also times the legitimate client and /health.
  const lanes = loop(8, async () => {
    const res = await fetch(url, { headers });
    await res.arrayBuffer();
    if (res.status === 200) engage();
  });
  return {
    engaged, count: lanes.count,
    async stop() {
      lanes.stop();
      await lanes.done;
    },
  };
}

function slotExhaustion(t: AttackTarget): RunningAttack {
  const held: SmtpLineClient[] = [];
  let refused = 0;
  const addresses = Array.from({ length: 10 }, (_, i) => `127.0.0.${30 + i}`);
  // Each address opens sessions until one is refused, then idles on them (NOOP now and then).
  const engaged = Promise.all(addresses.map(async (address) => {
    for (let i = 0; i < 200; i++) {
      const c = await SmtpLineClient.connect(t.smtpPort, '127.0.0.1', address);
      const greeting = await c.reply(120_000).catch(() => '<closed>');
      if (!greeting.startsWith('220')) {
        refused++;
        c.destroy();
        return;
      }
      held.push(c);
    }
  })).then(() => undefined);
  const noop = setInterval(() => {
    for (const c of held) if (!c.closed) c.write('NOOP\r\n');
  }, 1_000);
  return {
    engaged, count: () => held.filter((c) => !c.closed).length + refused,
    async stop() {
      clearInterval(noop);
      await engaged.catch(() => undefined);
      for (const c of held) c.destroy();
    },
  };
}
