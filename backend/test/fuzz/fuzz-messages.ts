// Seeded mutations of mail: the fixture corpus (third-party messages, read in
// place) bent in the ways parsers trip over. The same seed gives the same
// messages, so a failure names the seed and index that reproduce it.
import fs from 'node:fs';
import path from 'node:path';

/** mulberry32: small, fast, and the same on every machine. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The corpus's messages as they are on disk (where it is: support/eml-corpus.ts); none without its manifest. */
export function loadCorpus(dir: string): Buffer[] {
  if (!fs.existsSync(path.join(dir, 'manifest.json'))) return [];
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { files: Array<{ path: string }> };
  return manifest.files.map((f) => fs.readFileSync(path.join(dir, f.path)));
}

// Header lines and boundaries that parsers have choked on.
const SNIPPETS = [
  'Content-Type: message/rfc822', 'Content-Disposition: inline', 'Content-Disposition: attachment; filename="x"',
  'Content-Transfer-Encoding: base64', 'Content-Transfer-Encoding: quoted-printable', 'Content-Transfer-Encoding: x-uuencode',
  'Content-Type: multipart/mixed; boundary=Z', 'Content-Type: multipart/alternative; boundary=""', '--Z', '--Z--',
  'Content-Type: text/html; charset=x-unknown', 'Content-Type: text/plain; charset=utf-7', 'MIME-Version: 1.0',
  'Subject: =?utf-8?B?', 'From: <>', 'begin 644 x.bin', '=?iso-2022-jp?B?GyRC?=', '', ' folded', '\t', '.',
];

type Mutator = (m: Buffer, rnd: () => number, corpus: Buffer[]) => Buffer;
const at = (m: Buffer, rnd: () => number) => Math.floor(rnd() * (m.length + 1));
const lineStarts = (m: Buffer): number[] => {
  const out = [0];
  for (let i = m.indexOf(10); i !== -1 && out.length < 5000; i = m.indexOf(10, i + 1)) out.push(i + 1);
  return out;
};
const pick = <T>(items: T[], rnd: () => number): T => items[Math.floor(rnd() * items.length)]!;

const MUTATORS: Array<[string, Mutator]> = [
  ['flip bytes', (m, rnd) => {
    const out = Buffer.from(m);
    for (let n = 1 + Math.floor(rnd() * 20); n > 0 && out.length; n--) out[Math.floor(rnd() * out.length)] = Math.floor(rnd() * 256);
    return out;
  }],
  ['truncate', (m, rnd) => m.subarray(0, at(m, rnd))],
  ['cut a slice out', (m, rnd) => {
    const a = at(m, rnd);
    return Buffer.concat([m.subarray(0, a), m.subarray(Math.min(m.length, a + Math.floor(rnd() * 2000)))]);
  }],
  ['repeat a slice', (m, rnd) => {
    const a = at(m, rnd);
    const slice = m.subarray(a, a + Math.floor(rnd() * 500));
    return Buffer.concat([m.subarray(0, a), ...Array<Buffer>(1 + Math.floor(rnd() * 20)).fill(slice), m.subarray(a)]);
  }],
  ['insert header lines', (m, rnd) => {
    const a = pick(lineStarts(m), rnd);
    const lines = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => pick(SNIPPETS, rnd));
    return Buffer.concat([m.subarray(0, a), Buffer.from(`${lines.join('\r\n')}\r\n`, 'latin1'), m.subarray(a)]);
  }],
  ['splice two messages', (m, rnd, corpus) => {
    const other = pick(corpus, rnd);
    return Buffer.concat([m.subarray(0, at(m, rnd)), other.subarray(at(other, rnd))]);
  }],
  ['drop the body', (m) => {
    const end = m.indexOf('\r\n\r\n');
    return end < 0 ? m : m.subarray(0, end + 2);
  }],
];

/** The i-th mutant of a seed: one to three mutations of a corpus message (or of a hostile case). */
export function mutant(seed: number, i: number, sources: Buffer[]): { message: Buffer; recipe: string } {
  const rnd = prng(seed * 1_000_003 + i);
  const source = Math.floor(rnd() * sources.length);
  let message = sources[source]!;
  const steps: string[] = [];
  for (let n = 1 + Math.floor(rnd() * 3); n > 0; n--) {
    const [name, mutate] = pick(MUTATORS, rnd);
    message = mutate(message, rnd, sources);
    steps.push(name);
  }
  return { message, recipe: `seed ${seed} #${i}: source ${source}, ${steps.join(' + ')}` };
}

/**
 * What a well-behaved client puts on the wire: every line end CRLF, nothing
 * past the size limit. (Dot-stuffing is the sender's job, dataWithEndMark.)
 */
export function wireForm(message: Buffer, maxBytes: number): Buffer {
  const text = message.subarray(0, maxBytes).toString('latin1').replace(/\r\n|\r|\n/g, '\r\n');
  return Buffer.from(text === '' ? '\r\n' : text.endsWith('\r\n') ? text : `${text}\r\n`, 'latin1');
}
