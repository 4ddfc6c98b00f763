// Seeded, bounded fuzzing over a real SMTP socket: the hostile cases as they
// are, then mutations of the fixture corpus (and of the hostile cases). For
// every well-formed transaction: a 250 (never a hang, a crash or a 4xx/5xx),
// the exact bytes back from /raw, and a 200 from the message API.
//
// npm test runs FUZZ_COUNT mutants (300) of seed FUZZ_SEED (1); `npm run fuzz`
// keeps going with fresh seeds for FUZZ_DURATION_MS (30 minutes), one fresh
// server per batch so the data directory stays small. A failure prints the
// seed and index that reproduce it.
import { describe, expect, it } from 'vitest';
import { SmtpLineClient, sendMail } from '../support/smtp-line-client.js';
import { startTestServer, type ApiClient } from '../support/test-server.js';
import { corpusDir as findCorpusDir } from '../support/eml-corpus.js';
import { loadCorpus, mutant, wireForm } from './fuzz-messages.js';
import { HOSTILE_CASES } from './hostile-cases.js';

const durationMs = Number(process.env.FUZZ_DURATION_MS ?? 0);
const count = Number(process.env.FUZZ_COUNT ?? 300);
const firstSeed = Number(process.env.FUZZ_SEED ?? 1);
const SESSIONS = 4;
const MAX_BYTES = 4 * 1024 * 1024;
// A short deadline so the hostile cases finish quickly; 2 s is still ample for
// any corpus message's parse on a busy machine, and a parse cut short would
// only cost fields, not the 250 this test checks.
const PARSE_TIMEOUT_MS = 2000;
// Generous on purpose: a reply waits at most a parse deadline per attempt plus
// the commit; a minute means the server hangs, not that the machine is slow.
const REPLY_TIMEOUT_MS = 60_000;

const corpusDir = findCorpusDir();
if (!corpusDir) console.log('smtp-fuzz: fixture corpus not found (../shared/fixtures/eml or CHITBOX_CORPUS_DIR): mutating the hostile cases only');
const corpus = corpusDir ? loadCorpus(corpusDir) : [];
const hostile = HOSTILE_CASES.map((c) => c.build());
const sources = [...corpus, ...hostile];

interface Sent {
  label: string;
  wire: Buffer;
  reply: string;
}

/** One batch on a fresh server: every message over SESSIONS reused sessions, then checked through the API. */
async function fuzzBatch(messages: Array<{ label: string; wire: Buffer }>): Promise<void> {
  const server = await startTestServer({ PARSE_TIMEOUT_MS: String(PARSE_TIMEOUT_MS), DEFAULT_QUOTA_MB: '0' });
  try {
    const bob = server.api((await server.register('bob@example.test')).token);
    const sent: Sent[] = [];
    await Promise.all(
      Array.from({ length: SESSIONS }, async (_, s) => {
        const client = await SmtpLineClient.connect(server.smtpPort);
        try {
          expect(await client.reply()).toMatch(/^220 /);
          expect(await client.command('EHLO fuzz.test')).toMatch(/^250/);
          for (let i = s; i < messages.length; i += SESSIONS) {
            const { label, wire } = messages[i]!;
            const reply = await sendMail(client, 'fuzz@remote.test', 'bob@example.test', wire, REPLY_TIMEOUT_MS).catch((e: Error) => `no reply: ${e.message}`);
            sent.push({ label, wire, reply });
            if (!reply.startsWith('250 ')) throw new Error(`${label}: ${reply}`);
          }
        } finally {
          client.destroy();
        }
      }),
    );
    for (const m of sent) await checkStored(bob, m);
    expect((await server.api().get('/health')).status).toBe(200);
  } finally {
    await server.stop();
  }
}

async function checkStored(bob: ApiClient, { label, wire, reply }: Sent): Promise<void> {
  const id = Number(/stored as (\d+)/.exec(reply)?.[1]);
  const message = await bob.get(`/api/messages/${id}`);
  expect(message.status, `${label}: GET /api/messages/${id}`).toBe(200);
  const raw = await bob.raw('GET', `/api/messages/${id}/raw`);
  expect(raw.status, `${label}: GET raw`).toBe(200);
  // The stored bytes are our Received: line and then exactly what was sent.
  expect(raw.bytes.subarray(0, 9).toString('latin1'), label).toBe('Received:');
  expect(raw.bytes.subarray(raw.bytes.length - wire.length).equals(wire), `${label}: /raw differs`).toBe(true);
}

function batchOf(seed: number, n: number): Array<{ label: string; wire: Buffer }> {
  return Array.from({ length: n }, (_, i) => {
    const { message, recipe } = mutant(seed, i, sources);
    return { label: recipe, wire: wireForm(message, MAX_BYTES) };
  });
}

describe('SMTP fuzzing', () => {
  it('takes every hostile case and mutant with a 250 and keeps it byte for byte', async () => {
    const hostileBatch = HOSTILE_CASES.map((c, i) => ({ label: `hostile ${c.name}`, wire: wireForm(hostile[i]!, MAX_BYTES) }));
    await fuzzBatch([...hostileBatch, ...batchOf(firstSeed, count)]);
    if (durationMs <= 0) return;
    const until = Date.now() + durationMs;
    for (let seed = firstSeed + 1; Date.now() < until; seed++) {
      await fuzzBatch(batchOf(seed, count));
      console.log(`smtp-fuzz: seed ${seed} passed (${count} mutants), ${Math.max(0, Math.round((until - Date.now()) / 1000))} s left`);
    }
  }, Math.max(durationMs, 0) + 10 * 60_000);
});
