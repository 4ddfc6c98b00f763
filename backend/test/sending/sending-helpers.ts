// Small helpers shared by the sending tests: swaks, a TLS pair made by
// `npm run cert:dev`, AUTH PLAIN over the raw line client, mailbox lookups.
import { execFile } from 'node:child_process';
import path from 'node:path';
import type { SmtpLineClient } from '../support/smtp-line-client.js';
import type { ApiClient } from '../support/test-server.js';

const ROOT = path.resolve(import.meta.dirname, '../../..');

export interface SwaksResult {
  code: number;
  output: string;
}

/** Runs swaks and resolves with its exit code and transcript (never rejects on a non-zero exit). */
export function swaks(args: string[], timeoutMs = 60_000): Promise<SwaksResult> {
  return new Promise((resolve) => {
    execFile('/usr/bin/swaks', args, { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/** Runs `npm run cert:dev` (the real script) with DATA_DIR=dataDir; returns the PEM paths. */
export function makeDevCert(dataDir: string): Promise<{ cert: string; key: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'scripts/make-dev-cert.ts')],
      { cwd: ROOT, env: { ...process.env, DATA_DIR: dataDir, SMTP_HOSTNAME: 'mx.chitbox.test', NODE_ENV: 'test' }, timeout: 30_000 },
      (err, _stdout, stderr) => {
        if (err) return reject(new Error(`cert:dev failed: ${stderr || err.message}`));
        resolve({ cert: path.join(dataDir, 'tls/dev-cert.pem'), key: path.join(dataDir, 'tls/dev-key.pem') });
      },
    );
  });
}

export const plainAuth = (user: string, password: string) => Buffer.from(`\0${user}\0${password}`).toString('base64');

/** EHLO then AUTH PLAIN; returns the AUTH reply. */
export async function authPlain(client: SmtpLineClient, user: string, password: string): Promise<string> {
  await client.reply(); // greeting
  await client.command('EHLO client.test');
  return client.command(`AUTH PLAIN ${plainAuth(user, password)}`);
}

export async function folderId(api: ApiClient, kind: string): Promise<number> {
  const res = await api.get('/api/folders');
  const folder = res.body.folders.find((f: { kind: string }) => f.kind === kind);
  if (!folder) throw new Error(`no ${kind} folder`);
  return folder.id;
}

export async function listFolder(api: ApiClient, kind: string): Promise<any[]> {
  const res = await api.get(`/api/folders/${await folderId(api, kind)}/messages?limit=200`);
  return res.body.messages;
}

/** /raw minus the one Received: field (with its folded lines) the server prepends. */
export function withoutTrace(raw: Buffer): Buffer {
  const text = raw.toString('latin1');
  if (!text.startsWith('Received:')) throw new Error('raw does not start with Received:');
  const end = text.search(/\r\n(?![\t ])/);
  return raw.subarray(end + 2);
}
