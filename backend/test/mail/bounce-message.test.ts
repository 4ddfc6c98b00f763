// Bounces are RFC 3464 reports: multipart/report with a readable part, a
// machine-readable delivery-status part per failed recipient, and the
// original headers; threaded under the original message.
import { describe, expect, it } from 'vitest';
import { composeBounce, statusOf } from '../../src/mail/bounce-message.js';
import { parseMessage } from '../../src/mail/parse-message.js';

const original = Buffer.from('From: alice@example.test\r\nSubject: quarterly\r\nMessage-ID: <q1@example.test>\r\n\r\nsecret body\r\n');

function bounce(failures: Array<{ recipient: string; reason: string; status?: string }>) {
  return composeBounce({
    hostname: 'mx.chitbox.test', sender: 'alice@example.test', failures, original, summary: 'Given up.',
    messageId: 'b1@mx.chitbox.test', date: new Date('2026-11-22T10:00:00Z'), arrivalDate: new Date('2026-11-22T09:00:00Z'),
  });
}

/** The body of the part with this content type (no nested multiparts here). */
function part(raw: string, type: string): string {
  const boundary = /boundary="([^"]+)"/.exec(raw)![1]!;
  const found = raw.split(`--${boundary}`).find((p) => new RegExp(`^\\r\\nContent-Type: ${type}\\b`, 'i').test(p));
  if (!found) throw new Error(`no ${type} part`);
  return found.slice(found.indexOf('\r\n\r\n') + 4);
}

describe('composeBounce', () => {
  it('is a multipart/report with one delivery-status block per recipient', async () => {
    const raw = (await bounce([
      { recipient: 'gone@ext.test', reason: '550 5.1.1 <gone@ext.test>: no such user' },
      { recipient: 'slow@ext.test', reason: 'connect ECONNREFUSED 192.0.2.1:25' },
    ])).toString('latin1');
    expect(raw).toMatch(/^Content-Type: multipart\/report; report-type=delivery-status;/m);
    expect(raw).toMatch(/^Auto-Submitted: auto-replied\r$/m);
    expect(raw).toMatch(/^In-Reply-To: <q1@example\.test>\r$/m);
    const [perMessage, gone, slow] = part(raw, 'message/delivery-status').trim().split('\r\n\r\n');
    expect(perMessage).toBe('Reporting-MTA: dns; mx.chitbox.test\r\nArrival-Date: Sun, 22 Nov 2026 09:00:00 +0000');
    expect(gone).toBe(
      'Final-Recipient: rfc822; gone@ext.test\r\nAction: failed\r\nStatus: 5.1.1\r\n' +
        'Diagnostic-Code: smtp; 550 5.1.1 <gone@ext.test>: no such user',
    );
    // No reply from a server: no SMTP diagnostic, and the queue's give-up status.
    expect(slow).toBe('Final-Recipient: rfc822; slow@ext.test\r\nAction: failed\r\nStatus: 4.4.7');
    expect(part(raw, 'text/rfc822-headers')).toContain('Subject: quarterly\r\nMessage-ID: <q1@example.test>');
    expect(raw).not.toContain('secret body');
  });

  it('reads as a readable message with the original headers attached', async () => {
    const parsed = await parseMessage(await bounce([{ recipient: 'gone@ext.test', reason: '550 5.1.1 no such user' }]));
    expect(parsed.subject).toBe('Undelivered Mail Returned to Sender: quarterly');
    expect(parsed.from.address).toBe('MAILER-DAEMON@mx.chitbox.test');
    expect(parsed.inReplyTo).toBe('q1@example.test');
    expect(parsed.text).toContain('<gone@ext.test>: 550 5.1.1 no such user');
    expect(parsed.attachments.map((a) => [a.filename, a.contentType])).toEqual([['original-headers.txt', 'text/rfc822-headers']]);
  });

  it('keeps a reason on one line and uses the global report type for a UTF-8 address (RFC 6533)', async () => {
    const raw = (await bounce([{ recipient: 'jörg@ext.test', reason: '550 5.1.1 no\r\nBcc: smuggled@x.test', status: undefined }])).toString('utf8');
    const report = part(raw, 'message/global-delivery-status');
    expect(report).toContain('Final-Recipient: utf-8; jörg@ext.test\r\n');
    expect(report).toContain('Diagnostic-Code: smtp; 550 5.1.1 no Bcc: smuggled@x.test');
    expect(report).not.toMatch(/^Bcc:/m);
  });

  it('takes an explicit status over the one in the reason', async () => {
    const raw = (await bounce([{ recipient: 'a@ext.test', reason: 'the message content was lost', status: '5.3.0' }])).toString('latin1');
    expect(part(raw, 'message/delivery-status')).toContain('Status: 5.3.0');
  });
});

describe('statusOf', () => {
  it.each([
    ['550 5.1.1 no such user', '5.1.1'],
    ['421 4.7.0 try later', '4.7.0'],
    ['554 rejected', '5.0.0'],
    ['452 mailbox full', '4.0.0'],
    ['connect ETIMEDOUT', '4.4.7'],
  ])('%s → %s', (reason, status) => expect(statusOf(reason)).toBe(status));
});
