// Two ChitBox servers on one PostgreSQL database, each with its own data
// directory: what one stores the other serves (the raw message and an
// attachment of a few hundred KB, byte for byte), and a token the first
// issued with a generated JWT key is accepted by the second.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compose, fetchMessage, sha256, storedBytes } from '../../support/mail-helpers.js';
import { createTestDatabase, withClient, type TestDatabase } from '../../support/pg-test-db.js';
import { startTestServer, type TestServer } from '../../support/test-server.js';

let db: TestDatabase;
let a: TestServer;
let b: TestServer;

beforeAll(async () => {
  db = await createTestDatabase();
  // One after the other: the second finds the schema and the JWT key in place.
  a = await startTestServer({ DATABASE_URL: db.url });
  b = await startTestServer({ DATABASE_URL: db.url });
});

afterAll(async () => {
  await a?.stop();
  await b?.stop();
  await db?.drop();
});

describe('two instances on one PostgreSQL database', () => {
  it('accepts on one a token the other issued, with the JWT key both read from the database', async () => {
    const { token, user } = await a.register('dora@example.test');
    const me = await b.api(token).get('/api/auth/me');
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(user.id);
    const keys = await withClient(db.url, (c) => c.query<{ name: string }>('SELECT name FROM server_secrets'));
    expect(keys.rows.map((r) => r.name)).toEqual(['jwt']);
  });

  it('serves through one the bytes mailed to the other, the raw message and its attachment', async () => {
    const { token } = await a.register('eve@example.test');
    const content = randomBytes(600 * 1024);
    const raw = await compose({
      from: 'sender@remote.test', to: 'eve@example.test', subject: 'across instances', text: 'see attached',
      attachments: [{ filename: 'big.bin', content, contentType: 'application/octet-stream' }],
    });
    const sent = await a.mailer().sendMail({ envelope: { from: 'sender@remote.test', to: ['eve@example.test'] }, raw });
    const id = Number(/stored as <?(\d+)/.exec(String(sent.response))?.[1] ?? 'none');
    expect(id).toBeGreaterThan(0);
    const onB = b.api(token);
    expect(sha256(await storedBytes(onB, id))).toBe(sha256(raw));
    const message = await fetchMessage(onB, id);
    const download = await onB.raw('GET', `/api/attachments/${message.attachments[0].id}`);
    expect(download.status).toBe(200);
    expect(download.bytes.length).toBe(content.length);
    expect(sha256(download.bytes)).toBe(sha256(content));
  });
});
