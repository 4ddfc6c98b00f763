// Maildir export and import: cur/ files with :2, flags, byte-exact round
// trips over the corpus, Python's mailbox.Maildir reading our export and
// writing one we import, mutt opening it, and damaged entries reported.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readMaildir } from '../../../src/mail/mailbox-formats/maildir-reader.js';
import { MaildirWriter, createMaildir, writeMaildir } from '../../../src/mail/mailbox-formats/maildir-writer.js';
import type { ExportMessage, MailboxEntry } from '../../../src/mail/mailbox-formats/mailbox-message.js';
import { toCrlf } from '../../../src/mail/line-endings.js';
import { loadCorpus } from '../../support/eml-corpus.js';
import { muttCounts, python, toolMissing } from './mailbox-tools.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chitbox-maildir-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function readAll(maildir: string): Promise<MailboxEntry[]> {
  const out: MailboxEntry[] = [];
  for await (const e of readMaildir(maildir)) out.push(e);
  return out;
}
const messages = (entries: MailboxEntry[]) => entries.flatMap((e) => (e.kind === 'message' ? [e.message] : []));
const crlf = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'));

describe('maildir writer', () => {
  it('makes tmp/, new/ and cur/; names files uniquely with :2, flags in ASCII order; mtime is the arrival time', async () => {
    const md = path.join(dir, 'names');
    const at = new Date('2026-03-04T05:06:07.891Z');
    const flags = [{ read: false, starred: false }, { read: true, starred: false }, { read: false, starred: true }, { read: true, starred: true }];
    const n = await writeMaildir(md, flags.map((f) => ({ raw: crlf('Subject: x\n\nbody\n'), flags: f, receivedAt: at })));
    expect(n).toBe(4);
    expect(fs.readdirSync(md).sort()).toEqual(['cur', 'new', 'tmp']);
    expect(fs.readdirSync(path.join(md, 'tmp'))).toEqual([]);
    expect(fs.readdirSync(path.join(md, 'new'))).toEqual([]);
    const names = fs.readdirSync(path.join(md, 'cur')).sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    expect(new Set(names).size).toBe(4);
    names.forEach((name, i) => {
      expect(name).toMatch(/^1772600767\.M891000P\d+Q\d+R[0-9a-f]{8}\.[^/:]+:2,(F?S?)$/);
      expect(name.endsWith(`:2,${['', 'S', 'F', 'FS'][i]}`)).toBe(true);
      expect(fs.statSync(path.join(md, 'cur', name)).mtimeMs).toBe(at.getTime());
    });
  });

  it('never overwrites: two writers in one directory in the same second get different names', async () => {
    const md = path.join(dir, 'two-writers');
    await createMaildir(md);
    const at = new Date('2026-01-01T00:00:00Z');
    const a = new MaildirWriter(md);
    const b = new MaildirWriter(md);
    const m: ExportMessage = { raw: crlf('Subject: y\n\n'), flags: { read: true, starred: false }, receivedAt: at };
    await Promise.all([a.write(m), b.write(m), a.write(m), b.write(m)]);
    expect(fs.readdirSync(path.join(md, 'cur'))).toHaveLength(4);
  });
});

describe('maildir reader', () => {
  it('reads cur/ and new/ oldest first, flags from the name, new/ unread; skips tmp/ and dot files', async () => {
    const md = path.join(dir, 'hand-made');
    await createMaildir(md);
    fs.writeFileSync(path.join(md, 'cur', '300.a.host:2,RS'), 'Subject: replied and read\n\n');
    fs.writeFileSync(path.join(md, 'cur', '100.b.host:2,FT'), 'Subject: flagged, trashed\n\n');
    fs.writeFileSync(path.join(md, 'new', '200.c.host'), 'Subject: new\n\n');
    fs.writeFileSync(path.join(md, 'cur', '250.d.host;2,S'), 'Subject: windows separator\n\n');
    fs.writeFileSync(path.join(md, 'tmp', '50.e.host'), 'Subject: unfinished\n\n');
    fs.writeFileSync(path.join(md, 'cur', '.hidden'), 'x');
    const got = messages(await readAll(md));
    expect(got.map((m) => [m.raw.toString(), m.flags, m.deleted, m.receivedAt?.getTime()])).toEqual([
      ['Subject: flagged, trashed\r\n\r\n', { read: false, starred: true }, true, 100_000],
      ['Subject: new\r\n\r\n', { read: false, starred: false }, false, 200_000],
      ['Subject: windows separator\r\n\r\n', { read: true, starred: false }, false, 250_000],
      ['Subject: replied and read\r\n\r\n', { read: true, starred: false }, false, 300_000],
    ]);
  });

  it('reports what it cannot import and goes on', async () => {
    const md = path.join(dir, 'damaged');
    await createMaildir(md);
    fs.mkdirSync(path.join(md, 'cur', '1.dir.host:2,S'));
    fs.writeFileSync(path.join(md, 'cur', '2.empty.host:2,S'), '');
    fs.symlinkSync(path.join(md, 'nowhere'), path.join(md, 'cur', '3.dangling.host:2,'));
    fs.writeFileSync(path.join(md, 'cur', '4.big.host:2,'), 'x'.repeat(2000));
    fs.writeFileSync(path.join(md, 'cur', '5.good.host:2,S'), 'Subject: good\n\n');
    const entries: MailboxEntry[] = [];
    for await (const e of readMaildir(md, { maxMessageBytes: 1000 })) entries.push(e);
    expect(entries.map((e) => (e.kind === 'message' ? ['message', e.file] : [e.problem.code, e.problem.file]))).toEqual([
      ['not_a_file', 'cur/1.dir.host:2,S'],
      ['empty_message', 'cur/2.empty.host:2,S'],
      ['unreadable_file', 'cur/3.dangling.host:2,'],
      ['message_too_large', 'cur/4.big.host:2,'],
      ['message', 'cur/5.good.host:2,S'],
    ]);
  });

  it('says so when the directory is not a maildir', async () => {
    const entries = await readAll(path.join(dir, 'nothing-here'));
    expect(entries).toEqual([{ kind: 'problem', problem: expect.objectContaining({ code: 'not_a_maildir', severity: 'skipped' }) }]);
  });
});

const corpus = loadCorpus();
if (!corpus) console.log('maildir.test: corpus tests skipped: no ../shared/fixtures/eml (set CHITBOX_CORPUS_DIR)');
const flagsOf = (i: number) => ({ read: i % 3 !== 0, starred: i % 4 === 1 });

describe.skipIf(!corpus)('maildir over the fixture corpus', () => {
  let md: string;

  beforeAll(async () => {
    md = path.join(dir, 'corpus');
    await writeMaildir(md, corpus!.map((c, i) => ({ raw: c.raw, flags: flagsOf(i), receivedAt: new Date(Date.UTC(2025, 5, 1, 12, 0, 0)) })));
  });

  it('export then import gives back every message byte for byte, in order, with flags', async () => {
    const entries = await readAll(md);
    expect(entries.filter((e) => e.kind === 'problem')).toEqual([]);
    const got = messages(entries);
    expect(got).toHaveLength(corpus!.length);
    got.forEach((m, i) => {
      expect(m.raw.equals(corpus![i]!.raw), corpus![i]!.path).toBe(true);
      expect(m.flags).toEqual(flagsOf(i));
    });
  });

  it.skipIf(toolMissing('python3'))("is read by Python's mailbox.Maildir: same bytes, flags and subdirectory", () => {
    const seen = python(`
import hashlib, json, mailbox, sys
box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
out = {}
for key in box.iterkeys():
    msg = box.get_message(key)
    out[hashlib.sha256(box.get_bytes(key)).hexdigest()] = [msg.get_flags(), msg.get_subdir()]
print(json.dumps([len(box), out]))
`, [md]) as [number, Record<string, [string, string]>];
    expect(seen[0]).toBe(corpus!.length);
    // Identical corpus files count once in a map by hash; flags of duplicates agree anyway.
    corpus!.forEach((c, i) => {
      const sha = createHash('sha256').update(c.raw).digest('hex');
      const f = flagsOf(i);
      expect(seen[1][sha], c.path).toEqual([`${f.starred ? 'F' : ''}${f.read ? 'S' : ''}`, 'cur']);
    });
  });

  it.skipIf(toolMissing('mutt'))('opens in mutt with every message and its flags', () => {
    expect(muttCounts(md)).toEqual({
      messages: corpus!.length,
      unread: corpus!.filter((_, i) => !flagsOf(i).read).length,
      flagged: corpus!.filter((_, i) => flagsOf(i).starred).length,
    });
  });

  it.skipIf(toolMissing('python3'))('imports a maildir written by Python: same bytes (CRLF), flags, new/ and cur/', async () => {
    const pyDir = path.join(dir, 'python-maildir');
    const list = path.join(dir, 'python-maildir.json');
    fs.writeFileSync(list, JSON.stringify(corpus!.map((c) => c.original.toString('base64'))));
    // Even messages as raw bytes (Python puts them in new/, untouched); odd
    // ones as MaildirMessage with flags in cur/ (Python regenerates those:
    // compare with what Python itself then reads from the file).
    const written = python(`
import base64, json, mailbox, sys
box = mailbox.Maildir(sys.argv[1], create=True)
out = []
for i, b64 in enumerate(json.load(open(sys.argv[2]))):
    raw = base64.b64decode(b64)
    if i % 2 == 0:
        key = box.add(raw)
    else:
        m = mailbox.MaildirMessage(raw)
        m.set_subdir('cur')
        m.set_flags(['', 'S', 'F', 'FS', 'RS'][i % 5])
        key = box.add(m)
    msg = box.get_message(key)
    out.append([base64.b64encode(box.get_bytes(key)).decode(), msg.get_subdir(), msg.get_flags()])
print(json.dumps(out))
`, [pyDir, list]) as Array<[string, string, string]>;
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const got = messages(await readAll(pyDir));
    expect(got).toHaveLength(corpus!.length);
    const imported = new Map(got.map((m) => [sha(m.raw), m]));
    written.forEach(([b64, subdir, flags], i) => {
      const want = i % 2 === 0 ? corpus![i]!.original : Buffer.from(b64, 'base64');
      if (i % 2 === 0) expect(subdir).toBe('new');
      const m = imported.get(sha(toCrlf(want)));
      expect(m, corpus![i]!.path).toBeDefined();
      expect(m!.flags).toEqual({ read: flags.includes('S'), starred: flags.includes('F') });
    });
  });
});
