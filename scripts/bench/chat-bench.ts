// npm run bench:chat: the chat's two numbers, on the production build.
//
// 1. Enter → bubble: two users in two Chromium pages with one conversation
//    open; Alice presses Enter, we time until Bob's page shows the bubble
//    (a MutationObserver in Bob's page). Both times are read in the pages as
//    performance.timeOrigin + performance.now() (one machine clock), so the
//    number includes the browser, the API, the store, Socket.IO and React.
//    Sequential: one message at a time, N messages (default 200), each sent
//    once both pages have been without a request in flight for 100 ms (what
//    the previous message set off is done; nobody types faster than that).
// 2. Typing and presence under load: S sockets (default 500) of S users in
//    pairs that share a conversation; every user types at the client's rate
//    (one event per 2 s, spread evenly), and a few sockets a second close and
//    reconnect (presence offline/online to the partner). The server's event-
//    loop lag p99 (prom-client's nodejs_eventloop_lag_p99_seconds, reset by
//    a scrape before and read after the timed part) against the same server
//    idle with the same sockets connected, in the same run.
//
// Options: --messages N (200) --sockets N (500) --seconds N (20) --only bubble,load
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { io, type Socket } from 'socket.io-client';
import { launchChromium } from '../../frontend/e2e/harness/browser.js';
import { signIn, threadRow } from '../../frontend/e2e/harness/inbox-page.js';
import { buildChitbox, startChitbox } from './bench-targets.js';
import { findFreePort } from './child-server.js';
import { lagP99FromMetrics } from './event-loop-lag.js';

const repoRoot = resolve(import.meta.dirname, '../..');
const PASSWORD = 'correct horse battery';

const { values: flags } = parseArgs({
  options: {
    messages: { type: 'string', default: '200' },
    sockets: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '20' },
    only: { type: 'string', default: 'bubble,load' },
  },
});
const MESSAGES = Number(flags.messages);
const SOCKETS = Number(flags.sockets) - (Number(flags.sockets) % 2);
const SECONDS = Number(flags.seconds);
const parts = new Set(flags.only!.split(','));
/** how long both pages must have had no request in flight before the next message */
const QUIET_MS = 100;

interface Api {
  baseUrl: string;
}

async function call<T>(api: Api, method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const res = await fetch(api.baseUrl + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

const register = (api: Api, email: string, name: string) =>
  call<{ token: string }>(api, 'POST', '/api/auth/register', null, { email, password: PASSWORD, name }).then((r) => r.token);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

// ---- 1. Enter → bubble ------------------------------------------------------

interface BubbleResult {
  count: number;
  p50: number;
  p99: number;
  max: number;
  ownP50: number;
  ownP99: number;
}

async function benchBubble(): Promise<BubbleResult> {
  const frontendPort = await findFreePort();
  const target = await startChitbox(repoRoot, { SERVE_INBOX: 'true', FRONTEND_PORT: String(frontendPort) });
  const chromium = await launchChromium();
  try {
    const api = { baseUrl: target.api!.baseUrl };
    const inboxUrl = `http://127.0.0.1:${frontendPort}`;
    const aliceToken = await register(api, 'alice@bench.test', 'Alice');
    await register(api, 'bob@bench.test', 'Bob');
    await call(api, 'POST', '/api/messages', aliceToken, { to: ['bob@bench.test'], subject: 'Bench chat', text: 'hello' });
    const open = async (email: string) => {
      const page = await (await chromium.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
      await signIn(page, inboxUrl, email);
      return page;
    };
    const [alice, bob] = await Promise.all([open('alice@bench.test'), open('bob@bench.test')]);
    await alice.locator('.folder', { hasText: 'Sent' }).click();
    await threadRow(alice, 'Bench chat').click();
    await threadRow(bob, 'Bench chat').click();
    await Promise.all([alice, bob].map((p) => p.getByTestId('chat-view').waitFor()));
    // Alice's page notes when Enter goes down; each page notes when a bubble with a given text appears.
    const install = () => {
      const w = window as unknown as { __enterAt: number; __seen: Map<string, number> };
      w.__seen = new Map();
      document.addEventListener('keydown', (e) => e.key === 'Enter' && (w.__enterAt = performance.timeOrigin + performance.now()), true);
      new MutationObserver(() => {
        for (const b of document.querySelectorAll('[data-testid="chat-bubble"]')) {
          const text = b.querySelector('.bubble-text')?.textContent?.trim() ?? '';
          if (/^bench \d+$/.test(text) && !w.__seen.has(text)) w.__seen.set(text, performance.timeOrigin + performance.now());
        }
      }).observe(document.body, { subtree: true, childList: true, characterData: true });
    };
    await alice.evaluate(install);
    await bob.evaluate(install);
    const composer = alice.getByLabel('Message text');
    // A person does not send the next message within milliseconds: before each
    // Enter, both pages have finished what the previous message set off
    // (refetches, marking read), as seen from their network activity.
    const inFlight = { count: 0, lastChange: Date.now() };
    for (const page of [alice, bob]) {
      page.on('request', () => ((inFlight.count += 1), (inFlight.lastChange = Date.now())));
      const done = () => ((inFlight.count = Math.max(0, inFlight.count - 1)), (inFlight.lastChange = Date.now()));
      page.on('requestfinished', done);
      page.on('requestfailed', done);
    }
    const quiet = async () => {
      while (inFlight.count > 0 || Date.now() - inFlight.lastChange < QUIET_MS) await new Promise((r) => setTimeout(r, 10));
    };
    const latencies: number[] = [];
    const own: number[] = [];
    for (let i = 1; i <= MESSAGES; i++) {
      const text = `bench ${i}`;
      await quiet();
      await composer.fill(text);
      await composer.press('Enter');
      await bob.waitForFunction((t) => (window as unknown as { __seen: Map<string, number> }).__seen.has(t), text, { timeout: 30_000 });
      const enterAt = await alice.evaluate(() => (window as unknown as { __enterAt: number }).__enterAt);
      const [ownAt, seenAt] = await Promise.all([
        alice.evaluate((t) => (window as unknown as { __seen: Map<string, number> }).__seen.get(t)!, text),
        bob.evaluate((t) => (window as unknown as { __seen: Map<string, number> }).__seen.get(t)!, text),
      ]);
      latencies.push(seenAt - enterAt);
      own.push(ownAt - enterAt);
    }
    if (process.env.CHAT_BENCH_TRACE) console.log('in order:', latencies.map((x) => Math.round(x)).join(' '));
    latencies.sort((a, b) => a - b);
    own.sort((a, b) => a - b);
    return {
      count: latencies.length, p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1]!,
      ownP50: percentile(own, 50), ownP99: percentile(own, 99),
    };
  } finally {
    await chromium.close();
    await target.stop();
  }
}

// ---- 2. typing and presence under many sockets -----------------------------

interface LoadResult {
  sockets: number;
  idleLagP99Ms: number;
  loadLagP99Ms: number;
  typingSent: number;
  typingReceived: number;
  reconnects: number;
  presenceReceived: number;
}

async function benchLoad(): Promise<LoadResult> {
  const target = await startChitbox(repoRoot);
  const sockets: Socket[] = [];
  try {
    const api = { baseUrl: target.api!.baseUrl };
    const metrics = async () => (await fetch(`${api.baseUrl}/metrics`)).text();
    // Users in pairs, each pair sharing one conversation.
    const users: Array<{ email: string; token: string; threadId: number }> = [];
    for (let i = 0; i < SOCKETS; i++) {
      const email = `u${i}@bench.test`;
      users.push({ email, token: await register(api, email, `User ${i}`), threadId: 0 });
    }
    for (let i = 0; i < SOCKETS; i += 2) {
      const sent = await call<{ message: { threadId: number } }>(api, 'POST', '/api/messages', users[i]!.token, { to: [users[i + 1]!.email], subject: `pair ${i}`, text: 'hi' });
      users[i]!.threadId = sent.message.threadId;
      const list = await call<{ threads: Array<{ id: number }> }>(api, 'GET', `/api/folders/${await inboxOf(api, users[i + 1]!.token)}/threads`, users[i + 1]!.token);
      users[i + 1]!.threadId = list.threads[0]!.id;
    }
    let typingReceived = 0;
    let presenceReceived = 0;
    const connect = (token: string) =>
      new Promise<Socket>((resolveSocket, reject) => {
        const s = io(api.baseUrl, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
        s.on('typing', () => typingReceived++);
        s.on('presence', () => presenceReceived++);
        s.once('connect', () => resolveSocket(s));
        s.once('connect_error', reject);
      });
    for (const u of users) sockets.push(await connect(u.token));

    // Idle with every socket connected: the floor on this machine now.
    await metrics();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const idleLagP99Ms = lagP99FromMetrics(await metrics());

    // Every user types once per 2 s, spread evenly; a few sockets a second go and come back.
    let typingSent = 0;
    let reconnects = 0;
    const stepMs = 2000 / SOCKETS;
    let next = 0;
    const typer = setInterval(() => {
      const n = Math.max(1, Math.round(10 / stepMs));
      for (let k = 0; k < n; k++) {
        const i = next++ % SOCKETS;
        const s = sockets[i]!;
        if (s.connected) {
          s.emit('typing', { threadId: users[i]!.threadId });
          typingSent++;
        }
      }
    }, 10);
    const churn = setInterval(() => {
      const i = Math.floor(Math.random() * SOCKETS);
      sockets[i]!.disconnect();
      void connect(users[i]!.token).then((s) => {
        sockets[i] = s;
        reconnects++;
      });
    }, 200);
    await metrics(); // resets the lag histogram
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const loadLagP99Ms = lagP99FromMetrics(await metrics());
    clearInterval(typer);
    clearInterval(churn);
    return { sockets: SOCKETS, idleLagP99Ms, loadLagP99Ms, typingSent, typingReceived, reconnects, presenceReceived };
  } finally {
    for (const s of sockets) s.disconnect();
    await target.stop();
  }
}

async function inboxOf(api: Api, token: string): Promise<number> {
  const { folders } = await call<{ folders: Array<{ id: number; kind: string }> }>(api, 'GET', '/api/folders', token);
  return folders.find((f) => f.kind === 'inbox')!.id;
}

// ---- report -------------------------------------------------------------------

async function main(): Promise<void> {
  buildChitbox(repoRoot);
  if (parts.has('bubble')) execFileSync('npm', ['run', '--silent', 'build:web'], { cwd: repoRoot, stdio: 'inherit' });
  const loadBefore = loadavg()[0]!;
  const lines = [
    '# Chat bench',
    '',
    `${new Date().toISOString()}, ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), load average ${loadBefore.toFixed(2)} at the start (other work shares this machine).`,
    '',
  ];
  if (parts.has('bubble')) {
    const r = await benchBubble();
    lines.push(
      `## Enter → bubble on the other user's page (${r.count} messages, one at a time, each after both pages were quiet for ${QUIET_MS} ms)`,
      '',
      '| | p50 | p99 | max |',
      '|---|---:|---:|---:|',
      `| on the other user's page | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.max.toFixed(1)} ms |`,
      `| the sender's own bubble (optimistic) | ${r.ownP50.toFixed(1)} ms | ${r.ownP99.toFixed(1)} ms | |`,
      '',
      `Target: p99 under 100 ms: ${r.p99 < 100 ? 'met' : 'NOT met'}.`,
      '',
    );
  }
  if (parts.has('load')) {
    const r = await benchLoad();
    lines.push(
      `## Typing and presence with ${r.sockets} sockets (${SECONDS} s idle, then ${SECONDS} s of load)`,
      '',
      '| server event-loop lag p99 | idle, sockets connected | typing + presence load |',
      '|---|---:|---:|',
      `| nodejs_eventloop_lag_p99_seconds less its 10 ms sampling interval | ${r.idleLagP99Ms.toFixed(1)} ms | ${r.loadLagP99Ms.toFixed(1)} ms |`,
      '',
      `Load: ${r.typingSent} typing events sent (${(r.typingSent / SECONDS).toFixed(0)}/s), ${r.typingReceived} delivered to partners; ` +
        `${r.reconnects} reconnects (presence changes), ${r.presenceReceived} presence events delivered.`,
      `Target: p99 under 20 ms: ${r.loadLagP99Ms < 20 ? 'met' : 'NOT met'}. (prom-client samples the loop every 10 ms and records the whole interval; the 10 ms are taken off: event-loop-lag.ts.)`,
      '',
    );
  }
  lines.push(`Load average at the end: ${loadavg()[0]!.toFixed(2)}.`);
  const report = lines.join('\n');
  mkdirSync(join(repoRoot, '.bench'), { recursive: true });
  writeFileSync(join(repoRoot, '.bench/chat.md'), `${report}\n`);
  console.log(report);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
