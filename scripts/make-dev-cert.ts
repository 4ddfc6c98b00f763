// npm run cert:dev: a self-signed certificate for STARTTLS on the local SMTP
// listener. Writes <DATA_DIR>/tls/dev-cert.pem and dev-key.pem with
// the openssl CLI and prints the two settings to put in .env. Running it again
// replaces the pair in place; a running ChitBox picks the new one up.
import 'dotenv/config';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../backend/src/config/config.js';

const config = loadConfig();
const dir = path.join(config.dataDir, 'tls');
const names = [...new Set(['localhost', config.smtp.hostname])];
const { certPath, keyPath } = makeDevCert(dir, names);
console.log(`Self-signed certificate for ${names.join(', ')} (valid 365 days):`);
console.log(`  SMTP_TLS_CERT=${path.relative(process.cwd(), certPath)}`);
console.log(`  SMTP_TLS_KEY=${path.relative(process.cwd(), keyPath)}`);

export function makeDevCert(outDir: string, dnsNames: string[], days = 365): { certPath: string; keyPath: string } {
  fs.mkdirSync(outDir, { recursive: true, mode: 0o700 });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chitbox-cert-'));
  try {
    const san = [...dnsNames.map((n) => `DNS:${n}`), 'IP:127.0.0.1', 'IP:::1'].join(',');
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', String(days),
      '-subj', `/CN=${dnsNames[0]}`, '-addext', `subjectAltName=${san}`,
      '-keyout', path.join(tmp, 'key.pem'), '-out', path.join(tmp, 'cert.pem'),
    ], { stdio: ['ignore', 'ignore', 'pipe'] });
    const certPath = path.join(outDir, 'dev-cert.pem');
    const keyPath = path.join(outDir, 'dev-key.pem');
    // Key first, then cert, each by rename: a watcher never reads a half-written file.
    fs.copyFileSync(path.join(tmp, 'key.pem'), `${keyPath}.tmp`);
    fs.chmodSync(`${keyPath}.tmp`, 0o600);
    fs.renameSync(`${keyPath}.tmp`, keyPath);
    fs.copyFileSync(path.join(tmp, 'cert.pem'), `${certPath}.tmp`);
    fs.renameSync(`${certPath}.tmp`, certPath);
    return { certPath, keyPath };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
