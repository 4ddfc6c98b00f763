// Local domains are an operator's decision: registering an address never
// makes its domain ours, so nobody can take over another domain's mail.
import { afterEach, describe, expect, it } from 'vitest';
import { sendRaw } from '../ops/ops-helpers.js';
import { PASSWORD, startTestServer, type TestServer } from '../support/test-server.js';

let server: TestServer | null = null;
afterEach(async () => {
  await server?.stop();
  server = null;
});

const registerAs = (s: TestServer, email: string) => s.api().post('/api/auth/register', { email, password: PASSWORD });

describe('REGISTRATION=domains (the default)', () => {
  it('refuses an address outside the local domains (403), and mail to that domain is still not delivered here', async () => {
    server = await startTestServer({ MAIL_DOMAINS: 'example.test' });
    const refused = await registerAs(server, 'ceo@victim.test');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('domain_not_local');
    // The attack: mail for victim.test must go to its own servers (here: refused, no relay), never to a registrant.
    const { replies } = await sendRaw(server.smtpPort, 'ceo@victim.test', 'Subject: hi\n\nfor the ceo');
    expect(replies.at(-1)).toMatch(/^550 5\.7\.1/);
    expect((await registerAs(server, 'bob@example.test')).status).toBe(201);
  });

  it('makes the first registration of a fresh install its admin and its domain local; after that, only that domain', async () => {
    server = await startTestServer({ MAIL_DOMAINS: '' });
    const first = await registerAs(server, 'boss@first.test');
    expect(first.status).toBe(201);
    expect(first.body.user.role).toBe('admin');
    expect((await registerAs(server, 'ceo@victim.test')).body.error.code).toBe('domain_not_local');
    expect((await registerAs(server, 'staff@first.test')).body.user.role).toBe('user');
    const { replies } = await sendRaw(server.smtpPort, 'staff@first.test', 'Subject: hi\n\nwelcome');
    expect(replies.at(-1)).toMatch(/^250 /);
    const { replies: unknown } = await sendRaw(server.smtpPort, 'nobody@first.test', 'Subject: hi\n\n?');
    expect(unknown.at(-1)).toMatch(/^550 5\.1\.1/);
  });

  it('lets only one of two simultaneous first registrations become the admin', async () => {
    server = await startTestServer({ MAIL_DOMAINS: '' });
    const results = await Promise.all([registerAs(server, 'a@one.test'), registerAs(server, 'b@two.test')]);
    expect(results.map((r) => r.status).sort()).toEqual([201, 403]);
  });

  it('follows the domains an admin adds and removes (HTTP API)', async () => {
    server = await startTestServer({ MAIL_DOMAINS: 'example.test', ADMIN_EMAILS: 'admin@example.test' });
    const admin = server.api((await server.register('admin@example.test')).token);
    const user = server.api((await server.register('user@example.test')).token);
    expect((await user.post('/api/admin/domains', { domain: 'new.test' })).status).toBe(403);
    expect((await admin.post('/api/admin/domains', { domain: 'not a domain' })).body.error.code).toBe('invalid_domain');
    expect((await admin.post('/api/admin/domains', { domain: 'New.Test' })).status).toBe(201);
    expect((await admin.get('/api/admin/domains')).body.domains).toEqual([
      { domain: 'example.test', source: 'config' }, { domain: 'new.test', source: 'admin' },
    ]);
    expect((await registerAs(server, 'carol@new.test')).status).toBe(201);
    expect((await sendRaw(server.smtpPort, 'carol@new.test', 'Subject: hi\n\n1')).replies.at(-1)).toMatch(/^250 /);

    expect((await admin.del('/api/admin/domains/example.test')).body.error.code).toBe('domain_configured');
    expect((await admin.del('/api/admin/domains/new.test')).status).toBe(204);
    expect((await admin.del('/api/admin/domains/new.test')).status).toBe(404);
    // carol's account stays, but new.test is no longer ours: its mail is not delivered here.
    expect((await sendRaw(server.smtpPort, 'carol@new.test', 'Subject: hi\n\n2')).replies.at(-1)).toMatch(/^550 5\.7\.1/);
  });
});

describe('other modes', () => {
  it('REGISTRATION=closed refuses everyone; an admin still creates accounts, and so makes their domain local', async () => {
    server = await startTestServer({ REGISTRATION: 'closed', ADMIN_EMAILS: 'root@example.test' });
    expect((await registerAs(server, 'bob@example.test')).body.error.code).toBe('registration_closed');
    const created = await server.chitbox.core.admin.createAccount({ email: 'dan@team.test', password: PASSWORD });
    expect(created.account.email).toBe('dan@team.test');
    expect((await sendRaw(server.smtpPort, 'dan@team.test', 'Subject: hi\n\nfor dan')).replies.at(-1)).toMatch(/^250 /);
  });

  it('REGISTRATION=open takes any address and makes its domain local (the old, lab-only behaviour)', async () => {
    server = await startTestServer({ REGISTRATION: 'open' });
    expect((await registerAs(server, 'me@anything.test')).status).toBe(201);
    expect((await sendRaw(server.smtpPort, 'me@anything.test', 'Subject: hi\n\nx')).replies.at(-1)).toMatch(/^250 /);
  });
});
