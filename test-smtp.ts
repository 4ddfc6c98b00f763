// Sends test mail to the local ChitBox SMTP listener and prints what it replied.
//
//   npx tsx test-smtp.ts [--to addr] [--from addr] [--count N] [--attach file] [--host h] [--port p] [--verbose]
//
// With no --to it writes to the first registered user (read from the database).
import 'dotenv/config';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { loadConfig } from './backend/src/config/config.js';
import { openCore } from './backend/src/compose.js';
import { createLogger } from './backend/src/shared/logger.js';

const { values: args } = parseArgs({
  options: {
    to: { type: 'string' },
    from: { type: 'string', default: 'ChitBox Tester <tester@example.org>' },
    count: { type: 'string', default: '1' },
    attach: { type: 'string', multiple: true },
    host: { type: 'string' },
    port: { type: 'string' },
    verbose: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

async function firstUserEmail(): Promise<string | null> {
  const config = loadConfig();
  if (config.database.engine === 'sqlite' && !fs.existsSync(config.database.filePath)) return null;
  const { core, close } = await openCore(config, createLogger({ level: 'warn', pretty: false, destination: 2 }), { runWorkers: false });
  try {
    return (await core.admin.listAccounts(0, 1)).users[0]?.email ?? null;
  } finally {
    await close(config.shutdownTimeoutMs);
  }
}

async function main(): Promise<number> {
  if (args.help) {
    console.log('usage: npx tsx test-smtp.ts [--to addr] [--from addr] [--count N] [--attach file] [--host h] [--port p] [--verbose]');
    return 0;
  }
  const config = loadConfig();
  const count = Number(args.count);
  if (!Number.isInteger(count) || count < 1 || count > 10_000) {
    console.error('--count must be a whole number from 1 to 10000');
    return 2;
  }
  let to = args.to;
  if (!to) {
    to = (await firstUserEmail()) ?? undefined;
    if (!to) {
      console.error('No registered user yet. Register one (web inbox, or POST /api/auth/register), or pass --to.');
      return 1;
    }
    console.log(`No --to given: sending to the first registered user, ${to}`);
  }
  const attachments = (args.attach ?? []).map((file) => {
    if (!fs.existsSync(file)) throw new Error(`--attach: no such file: ${file}`);
    return { filename: path.basename(file), path: file };
  });
  const host = args.host ?? (config.smtp.host === '0.0.0.0' ? '127.0.0.1' : config.smtp.host);
  const port = Number(args.port ?? config.smtp.port);
  const transport = nodemailer.createTransport({
    host, port, secure: false, ignoreTLS: true, pool: true, maxConnections: 1, logger: args.verbose, debug: args.verbose,
  });
  let failures = 0;
  for (let i = 1; i <= count; i++) {
    const suffix = count > 1 ? ` (${i}/${count})` : '';
    try {
      const info = await transport.sendMail({
        from: args.from,
        to,
        subject: `Hello from ChitBox test-smtp${suffix}`,
        text: `This is a test message sent by test-smtp.ts at ${new Date().toISOString()}.\n\nIf you can read it in the web inbox, inbound mail works.`,
        html: `<p>This is a <b>test message</b> sent by <code>test-smtp.ts</code> at ${new Date().toISOString()}.</p><p>If you can read it in the web inbox, inbound mail works.</p>`,
        attachments,
      });
      console.log(`#${i} -> ${to}: ${info.response}`);
    } catch (err) {
      failures++;
      const e = err as { response?: string; message: string };
      console.log(`#${i} -> ${to}: FAILED ${e.response ?? e.message}`);
    }
  }
  transport.close();
  console.log(`${count - failures} of ${count} accepted by ${host}:${port}`);
  return failures === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
