// mbox and maildir in and out of a running ChitBox (CONTRACT.md "Search,
// import and export"): the HTTP export streamed and read by Python's mailbox
// module and by mutt, byte for byte what /raw serves; the CLI's maildir
// export read by Python; Python-written mbox and maildir imported by the CLI
// with their flags; an import goes through delivery (thread, index,
// new_email); export, import, export gives the same bytes and flags; a
// damaged file imports what it can and names the rest.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { muttCounts, python, toolMissing } from '../mail/mailbox-formats/mailbox-tools.js';
import { runCliInProcess } from '../ops/ops-helpers.js';
import { nextEvent, startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';

let server: TestServer;
let bob: ApiClient;
let dave: ApiClient;
let dir: string;
let folders: Record<string, number>;
const subjects = ['Plain note', 'Has From lines', 'With attachment', 'Re: Plain note', 'Grüße aus Köln'];

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const cli = (args: string[]) => runCliInProcess(['mailbox', ...args], { DATA_DIR: server.dataDir, MAIL_DOMAINS: 'example.test' });

interface Summary { id: number; subject: string; isRead: boolean; isStarred: boolean; threadId: number }

async function folderIds(api: ApiClient): Promise<Record<string, number>> {
  const list = (await api.get('/api/folders')).body.folders as Array<{ id: number; kind: string }>;
  return Object.fromEntries(list.map((f) => [f.kind, f.id]));
}

async function listed(api: ApiClient, folderId: number): Promise<Summary[]> {
  return (await api.get(`/api/folders/${folderId}/messages?limit=200`)).body.messages;
}

async function raws(api: ApiClient, folderId: number): Promise<Map<string, { read: boolean; starred: boolean; subject: string }>> {
  const out = new Map<string, { read: boolean; starred: boolean; subject: string }>();
  for (const m of await listed(api, folderId)) {
    out.set(sha((await api.get(`/api/messages/${m.id}/raw`)).bytes), { read: m.isRead, starred: m.isStarred, subject: m.subject });
  }
  return out;
}

/** An mbox message as Python's mailbox hands it back: LF, our two flag lines first, mboxrd quoting. */
function asStored(pythonRaw: Buffer): Buffer {
  const text = pythonRaw.toString('latin1').replace(/^Status: [RO]*\nX-Status: [F]*\n/, '').replace(/^>(>*From )/gm, '$1');
  return Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1');
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chitbox-transfer-'));
  server = await startTestServer();
  bob = server.api((await server.register('bob@example.test')).token);
  dave = server.api((await server.register('dave@example.test')).token);
  const mailer = server.mailer();
  await mailer.sendMail({ from: 'ann@remote.test', to: 'bob@example.test', subject: subjects[0], text: 'hello', messageId: '<plain@remote.test>' });
  await mailer.sendMail({ from: 'ann@remote.test', to: 'bob@example.test', subject: subjects[1], text: 'From the top\n>From quoted\nFrom again\n' });
  await mailer.sendMail({
    from: 'ann@remote.test', to: 'bob@example.test', subject: subjects[2], text: 'see attached',
    attachments: [{ filename: 'report.pdf', content: Buffer.from('%PDF-1.4 not really') }],
  });
  await mailer.sendMail({ from: 'cy@remote.test', to: 'bob@example.test', subject: subjects[3], text: 'a reply', inReplyTo: '<plain@remote.test>', references: '<plain@remote.test>' });
  await mailer.sendMail({ from: 'Jürgen <juergen@remote.test>', to: 'bob@example.test', subject: subjects[4], text: 'Schöne Grüße, Jürgen' });
  folders = await folderIds(bob);
  const inbox = await listed(bob, folders.inbox!);
  const bySubject = (s: string) => inbox.find((m) => m.subject === s)!.id;
  await bob.patch(`/api/messages/${bySubject(subjects[0]!)}`, { isRead: true });
  await bob.patch(`/api/messages/${bySubject(subjects[2]!)}`, { isRead: true, isStarred: true });
  await bob.patch(`/api/messages/${bySubject(subjects[4]!)}`, { isStarred: true });
});

afterAll(async () => {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('HTTP export', () => {
  let file: string;

  beforeAll(async () => {
    const res = await bob.get(`/api/folders/${folders.inbox}/export?format=mbox`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/mbox/);
    file = path.join(dir, 'inbox.mbox');
    fs.writeFileSync(file, res.bytes);
  });

  it.skipIf(toolMissing('python3'))("is read by Python's mailbox.mbox: every message byte for byte as /raw serves it, with its flags", async () => {
    const seen = python(`
import base64, json, mailbox, sys
box = mailbox.mbox(sys.argv[1], create=False)
print(json.dumps([{'raw': base64.b64encode(box.get_bytes(k)).decode(), 'flags': ''.join(sorted(box.get_message(k).get_flags()))} for k in box.iterkeys()]))
`, [file]) as Array<{ raw: string; flags: string }>;
    const stored = await raws(bob, folders.inbox!);
    expect(seen).toHaveLength(subjects.length);
    for (const s of seen) {
      const want = stored.get(sha(asStored(Buffer.from(s.raw, 'base64'))));
      expect(want, 'a message Python read is byte for byte one /raw serves').toBeDefined();
      expect(s.flags).toBe(`${want!.starred ? 'F' : ''}O${want!.read ? 'R' : ''}`);
    }
  });

  it.skipIf(toolMissing('mutt') || toolMissing('script'))('opens in mutt with the right counts of unread and flagged', () => {
    expect(muttCounts(file)).toEqual({ messages: 5, unread: 3, flagged: 2 });
  });

  it('is 404 for a folder that is not yours, and 400 for a format it does not stream', async () => {
    expect((await dave.get(`/api/folders/${folders.inbox}/export?format=mbox`)).status).toBe(404);
    expect((await bob.get(`/api/folders/${folders.inbox}/export?format=zip`)).status).toBe(400);
  });
});

describe('HTTP import', () => {
  it('imports an export into another folder: same bytes and flags, threaded, indexed, announced, nothing sent', async () => {
    const exported = (await bob.get(`/api/folders/${folders.inbox}/export?format=mbox`)).bytes;
    const socket = await server.socket((await bob.post('/api/auth/login', { email: 'bob@example.test', password: 'correct horse battery' })).body.token);
    const announced = nextEvent(socket, 'new_email', 10_000);
    const res = await bob.raw('POST', `/api/folders/${folders.archive}/import`, { body: new Uint8Array(exported), headers: { 'content-type': 'application/mbox' } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ imported: 5, failed: 0, problems: [] });
    expect((await announced).folderId).toBe(folders.archive);
    expect(await raws(bob, folders.archive!)).toEqual(await raws(bob, folders.inbox!));
    const archived = await listed(bob, folders.archive!);
    const plain = archived.find((m) => m.subject === subjects[0])!;
    expect(archived.find((m) => m.subject === subjects[3])!.threadId).toBe(plain.threadId);
    const found = (await bob.get(`/api/search?q=${encodeURIComponent('in:archive grüße')}`)).body.messages;
    expect(found.map((m: Summary) => m.subject)).toEqual([subjects[4]]);
    // Export again: the same mbox, byte for byte, apart from the order of arrival.
    const again = (await bob.get(`/api/folders/${folders.archive}/export?format=mbox`)).bytes;
    expect(splitMbox(again).sort()).toEqual(splitMbox(exported).sort());
    const queue = (await server.chitbox.core.admin.queuePage(undefined, 0, 10)).total;
    expect(queue).toBe(0);
  });

  it('imports what it can of a damaged file and names the rest by line', async () => {
    const damaged = [
      'this line is not in any message',
      'From a@b.test Sat Jan  3 01:05:34 2026',
      'Subject: good one',
      '',
      'body',
      '',
      'From a@b.test Sat Jan  3 01:05:35 2026',
      '',
      'From a@b.test Sat Jan  3 01:05:36 2026',
      'Subject: second good one',
      '',
      'last line without a line break',
    ].join('\n');
    const res = await dave.raw('POST', `/api/folders/${(await folderIds(dave)).inbox}/import`, { body: damaged, headers: { 'content-type': 'application/mbox' } });
    expect(res.status).toBe(200);
    expect(res.body.imported).toBe(2);
    expect(res.body.failed).toBe(0);
    expect(res.body.problems.map((p: { code: string; line: number }) => [p.code, p.line])).toEqual([
      ['text_before_first_message', 1], ['empty_message', 7], ['no_final_newline', 12],
    ]);
  });

  it('is 404 for a folder that is not yours, and 400 for a JSON body', async () => {
    expect((await dave.raw('POST', `/api/folders/${folders.inbox}/import`, { body: 'From x Sat Jan  3 01:05:34 2026\n\nx\n' })).status).toBe(404);
    expect((await bob.post(`/api/folders/${folders.inbox}/import`, { mbox: 'no' })).status).toBe(400);
  });
});

describe('CLI', { timeout: 300_000 }, () => {
  it.skipIf(toolMissing('python3'))("exports a maildir that Python's mailbox.Maildir reads, bytes and flags", async () => {
    const out = path.join(dir, 'bob-maildir');
    const r = await cli(['export', 'bob', '--format', 'maildir', '--out', out, '--folder', 'Inbox']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Exported 5 messages/);
    const seen = python(`
import base64, json, mailbox, sys
box = mailbox.Maildir(sys.argv[1], factory=None, create=False)
print(json.dumps([{'raw': base64.b64encode(box.get_bytes(k)).decode(), 'flags': box.get_message(k).get_flags()} for k in box.iterkeys()]))
`, [out]) as Array<{ raw: string; flags: string }>;
    const stored = await raws(bob, folders.inbox!);
    expect(seen).toHaveLength(5);
    for (const s of seen) {
      const want = stored.get(sha(Buffer.from(s.raw, 'base64')));
      expect(want).toBeDefined();
      expect(s.flags).toBe(`${want!.starred ? 'F' : ''}${want!.read ? 'S' : ''}`);
    }
  });

  it.skipIf(toolMissing('python3'))('imports mbox and maildir that Python wrote, with their flags', async () => {
    const mbox = path.join(dir, 'python.mbox');
    const maildir = path.join(dir, 'python-maildir');
    python(`
import json, mailbox, sys
box = mailbox.mbox(sys.argv[1])
md = mailbox.Maildir(sys.argv[2], create=True)
for i, (flags, mdflags) in enumerate([('RO', 'S'), ('OF', 'F'), ('', ''), ('ROF', 'FS')]):
    text = ('From: py@example.test\\nTo: dave@example.test\\nSubject: python %d\\nMessage-ID: <py%d@example.test>\\n\\nFrom a python, line %d\\n' % (i, i, i)).encode()
    m = mailbox.mboxMessage(text)
    m.set_flags(flags)
    m.set_from('py@example.test', True)
    box.add(m)
    d = mailbox.MaildirMessage(text.replace(b'python', b'maildir'))
    d.set_subdir('cur')
    d.set_flags(mdflags)
    md.add(d)
box.flush()
box.close()
print('null')
`, [mbox, maildir]);
    const fromMbox = await cli(['import', 'dave@example.test', '--format', 'mbox', '--in', mbox, '--folder', 'archive', '--json']);
    expect(fromMbox.code, fromMbox.stderr).toBe(0);
    expect(JSON.parse(fromMbox.stdout)).toMatchObject({ imported: 4, failed: 0 });
    const fromMaildir = await cli(['import', 'dave', '--format', 'maildir', '--in', maildir]);
    expect(fromMaildir.code, fromMaildir.stderr).toBe(0);
    expect(fromMaildir.stdout).toMatch(/Imported 4 messages/);
    const daveFolders = await folderIds(dave);
    const flags = (list: Summary[], word: string) =>
      list.filter((m) => m.subject.startsWith(word)).sort((a, b) => a.subject.localeCompare(b.subject)).map((m) => [m.subject, m.isRead, m.isStarred]);
    const expected = (word: string) => [[`${word} 0`, true, false], [`${word} 1`, false, true], [`${word} 2`, false, false], [`${word} 3`, true, true]];
    expect(flags(await listed(dave, daveFolders.archive!), 'python')).toEqual(expected('python'));
    expect(flags(await listed(dave, daveFolders.inbox!), 'maildir')).toEqual(expected('maildir'));
    const one = (await listed(dave, daveFolders.archive!)).find((m) => m.subject === 'python 1')!;
    expect((await dave.get(`/api/messages/${one.id}/raw`)).bytes.toString('latin1')).toBe(
      'From: py@example.test\r\nTo: dave@example.test\r\nSubject: python 1\r\nMessage-ID: <py1@example.test>\r\n\r\nFrom a python, line 1\r\n',
    );
  });

  it('refuses bad usage with exit 2 before touching anything', async () => {
    for (const args of [
      ['export', 'bob', '--format', 'zip', '--out', 'x'],
      ['export', 'bob', '--format', 'mbox'],
      ['import', 'bob', '--format', 'mbox', '--out', 'x'],
      ['export', 'bob', 'extra', '--format', 'mbox', '--out', 'x'],
      ['rename', 'bob'],
    ]) {
      const r = await cli(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/Usage: npm run cli -- mailbox/);
    }
  });
});

/** The messages of an mbox, each from its From_ line to its separator line (a From line inside a message is quoted). */
function splitMbox(bytes: Buffer): string[] {
  return bytes.toString('latin1').split(/(?<=\n)(?=From \S+ \w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\n)/);
}
