// The third-party .eml corpus (../shared/fixtures/eml, read in place, never
// copied here): its manifest, and each file in the CRLF form ChitBox stores.
// Null when the corpus is not there, so a test can skip and say so.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { toCrlf } from '../../src/mail/line-endings.js';
import { REPO_ROOT } from './child-server.js';

export interface CorpusFile {
  path: string;
  /** the file as it is in the corpus */
  original: Buffer;
  /** the CRLF form: what ChitBox stores and /raw serves (without its Received line) */
  raw: Buffer;
  subject: string | null;
  parseError: boolean;
}

export function corpusDir(): string | null {
  if (process.env.CHITBOX_CORPUS_DIR) return path.resolve(process.env.CHITBOX_CORPUS_DIR);
  const beside = path.resolve(REPO_ROOT, '../shared/fixtures/eml');
  if (existsSync(beside)) return beside;
  try {
    const origin = execFileSync('git', ['remote', 'get-url', 'origin'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const besideOrigin = path.resolve(origin, '../shared/fixtures/eml');
    if (path.isAbsolute(origin) && existsSync(besideOrigin)) return besideOrigin;
  } catch {
    // not a clone with an origin on this machine
  }
  return null;
}

/** Every message of the manifest, checked against its recorded sha256 of the CRLF form. */
export function loadCorpus(): CorpusFile[] | null {
  const dir = corpusDir();
  if (!dir || !existsSync(path.join(dir, 'manifest.json'))) return null;
  const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as {
    files: Array<{ path: string; wire: { sha256_crlf: string }; oracle: { subject: string | null; parse_error?: string } }>;
  };
  return manifest.files.map((f) => {
    const original = readFileSync(path.join(dir, f.path));
    // Over SMTP a message always ends with a line break (the one before ".").
    const crlf = toCrlf(original);
    const raw = crlf.length > 0 && crlf[crlf.length - 1] !== 0x0a ? Buffer.concat([crlf, Buffer.from('\r\n')]) : crlf;
    const sha = createHash('sha256').update(raw).digest('hex');
    if (sha !== f.wire.sha256_crlf) throw new Error(`${f.path}: CRLF form does not match the manifest (${sha})`);
    return { path: f.path, original, raw, subject: f.oracle.subject, parseError: f.oracle.parse_error !== undefined };
  });
}
