// A real sync client from Debian, isync's mbsync, against the real server:
// it pulls the whole account into a Maildir, and a second run after changes
// on the server transfers only those changes.
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD, startTestServer, type ApiClient, type TestServer } from '../support/test-server.js';
import { deliver } from './imap-harness.js';

let server: TestServer;
let api: ApiClient;
let dir: string;

beforeAll(async () => {
  server = await startTestServer();
  api = server.api((await server.register('max@example.test')).token);
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'chitbox-mbsync-'));
  for (const subject of ['one', 'two', 'three']) await deliver(server.smtpPort, 'max@example.test', subject);
  await api.post('/api/folders', { name: 'Projects' });
}, 120_000); // a loaded machine starts the server slowly: wait for it, not for a speed

afterAll(async () => {
  await server?.stop();
  await fs.rm(dir, { recursive: true, force: true });
});

/** mbsync's configuration for one account, pulling every folder into dir/mail. */
function mbsyncConfig(port: number): string {
  return [
    'IMAPAccount chitbox', 'Host 127.0.0.1', `Port ${port}`, 'User max@example.test', `Pass "${PASSWORD}"`,
    'SSLType None', 'AuthMechs LOGIN', '',
    'IMAPStore remote', 'Account chitbox', '',
    'MaildirStore local', `Path ${dir}/mail/`, `Inbox ${dir}/mail/INBOX`, 'SubFolders Verbatim', '',
    'Channel sync', 'Far :remote:', 'Near :local:', 'Patterns *', 'Create Near', 'Sync Pull', `SyncState *`, '',
  ].join('\n');
}

/** Runs mbsync with verbose output; the IMAP commands it sent are the lines starting with ">>>". */
async function mbsync(port: number): Promise<{ stdout: string; commands: string[] }> {
  const config = path.join(dir, 'mbsyncrc');
  await fs.writeFile(config, mbsyncConfig(port));
  // mbsync creates folders in its Maildir store, not the store's root.
  await fs.mkdir(path.join(dir, 'mail'), { recursive: true });
  const stdout = await new Promise<string>((resolve, reject) =>
    execFile('mbsync', ['-c', config, '-D', '-a'], { timeout: 120_000, maxBuffer: 64 * 1024 * 1024 }, (err, out, errOut) =>
      err ? reject(new Error(`mbsync failed: ${err.message}\n${out}\n${errOut}`)) : resolve(out + errOut),
    ),
  );
  const commands = stdout.split('\n').filter((l) => />>> \d+ /.test(l)).map((l) => l.replace(/^.*>>> \d+ /, ''));
  return { stdout, commands };
}

async function maildirFiles(folder: string): Promise<string[]> {
  const names: string[] = [];
  for (const sub of ['cur', 'new']) names.push(...(await fs.readdir(path.join(dir, 'mail', folder, sub)).catch(() => [])));
  return names;
}

const bodyFetches = (commands: string[]) => commands.filter((c) => /FETCH .*BODY\.PEEK\[\]/.test(c));

describe('mbsync', () => {
  it('pulls the whole account into a Maildir, then only what changed', { timeout: 180_000 }, async () => {
    const port = server.chitbox.imapPort!;
    const first = await mbsync(port);
    expect(await maildirFiles('INBOX')).toHaveLength(3);
    for (const folder of ['Sent', 'Drafts', 'Archive', 'Junk', 'Trash', 'Projects']) {
      await expect(fs.stat(path.join(dir, 'mail', folder, 'cur'))).resolves.toBeTruthy();
    }
    expect(bodyFetches(first.commands).join('\n')).toMatch(/BODY\.PEEK\[\]/);

    // Changes on the server: a new message, and a flag set in the web.
    await deliver(server.smtpPort, 'max@example.test', 'four');
    const inbox = (await api.get('/api/folders')).body.folders.find((f: { kind: string }) => f.kind === 'inbox');
    const one = (await api.get(`/api/folders/${inbox.id}/messages`)).body.messages.find((m: { subject: string }) => m.subject === 'one');
    expect((await api.patch(`/api/messages/${one.id}`, { isStarred: true })).status).toBe(200);

    const second = await mbsync(port);
    const fetched = bodyFetches(second.commands);
    // Only the new message's bytes cross: one body fetch, for UID 4 onwards.
    expect(fetched).toHaveLength(1);
    expect(fetched[0]).toMatch(/UID FETCH 4(:\d+)? /);
    const files = await maildirFiles('INBOX');
    expect(files).toHaveLength(4);
    // Maildir flags: F is \Flagged (the star set in the web).
    expect(files.filter((f) => /:2,[A-Z]*F/.test(f))).toHaveLength(1);
  });
});
