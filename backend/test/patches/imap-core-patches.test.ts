// One test per imap-core patch (backend/src/patches/), each run with the
// patch and then without it. The server installed them at start; a patch's
// install() returns its undo (connections made after it are unpatched).
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorReportsPatch } from '../../src/patches/imap-core-error-reports.js';
import { LiteralFraming, literalPlusPatch } from '../../src/patches/imap-core-literal-plus.js';
import { checkVersion, PatchVersionError } from '../../src/patches/patch.js';
import { PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';
import { ImapLineClient } from '../imap/imap-harness.js';

const require = createRequire(import.meta.url);
let server: TestServer;
const clients: ImapLineClient[] = [];

beforeAll(async () => {
  server = await startTestServer();
  await server.register('pat@example.test');
}, 120_000); // a loaded machine starts the server slowly: wait for it, not for a speed

afterAll(async () => {
  for (const c of clients) c.close();
  await server.stop();
});

async function connect(): Promise<ImapLineClient> {
  const c = await ImapLineClient.connect(server.chitbox.imapPort!);
  clients.push(c);
  return c;
}

describe('imap-core: LITERAL+', () => {
  it('rewrites "{N+}" at a line end only, follows literals byte for byte, wherever chunks split', () => {
    const input = Buffer.from('a APPEND X {14+}\r\n{3+}\r\nabc\r\n\r\nb LOGIN {1}\r\nu {2+}\r\npw\r\n');
    const expected = 'a APPEND X {14}\r\n{3+}\r\nabc\r\n\r\nb LOGIN {1}\r\nu {2}\r\npw\r\n';
    for (const size of [1, 3, 7, input.length]) {
      const framing = new LiteralFraming();
      const out: Buffer[] = [];
      for (let i = 0; i < input.length; i += size) out.push(framing.feed(input.subarray(i, i + size)));
      expect(Buffer.concat(out).toString('latin1')).toBe(expected);
      expect(framing.pending).toBe(2);
    }
  });

  it('logs in with non-synchronizing literals and advertises LITERAL+; without the patch neither', async () => {
    const login = `{${'pat@example.test'.length}+}\r\npat@example.test {${PASSWORD.length}+}\r\n${PASSWORD}\r\n`;
    const patched = await connect();
    expect((await patched.command('CAPABILITY')).join(' ')).toMatch(/ LITERAL\+/);
    const from = patched.lines.length;
    patched.write(`p1 LOGIN ${login}`);
    expect(await patched.waitFor((l) => l.startsWith('p1 '), from)).toMatch(/^p1 OK/);

    literalPlusPatch.install()();
    try {
      const plain = await connect();
      expect((await plain.command('CAPABILITY')).join(' ')).not.toMatch(/LITERAL\+/);
      const start = plain.lines.length;
      plain.write(`p1 LOGIN ${login}`);
      expect(await plain.waitFor((l) => l.startsWith('p1 ') || l.startsWith('* BYE'), start)).not.toMatch(/^p1 OK/);
    } finally {
      literalPlusPatch.install();
    }
  });
});

describe("imap-core: its error reports", () => {
  it('hands them to the given report; undone, WildDuck\'s own hook is back', () => {
    const errors = require('@zone-eu/wildduck/lib/errors.js') as { notify(err: Error): void; gelf: { handler: unknown } };
    // Installing again is a no-op that returns the undo of the server's install.
    errorReportsPatch(() => undefined).install()();
    const wildducks = errors.gelf.handler;
    const reports: Array<Record<string, unknown>> = [];
    const undo = errorReportsPatch((m) => reports.push(m)).install();
    try {
      expect(errors.gelf.handler).not.toBe(wildducks);
      errors.notify(Object.assign(new Error('socket hang up'), { code: 'EPIPE' }));
      expect(reports).toEqual([expect.objectContaining({ _error: 'socket hang up', _code: 'EPIPE' })]);
    } finally {
      undo();
    }
    expect(errors.gelf.handler).toBe(wildducks);
    errorReportsPatch(() => undefined).install();
  });

  it('refuses another version of the package', () => {
    expect(() => checkVersion({ ...literalPlusPatch, version: '0.0.1' })).toThrow(PatchVersionError);
  });
});
