// RFC 8098 read receipts: what we send parses back (with our parser, as any
// client's would), requests are honoured only when they are safe to answer,
// and receipts written by other clients are understood.
import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../src/mail/parse-message.js';
import { composeReadReceipt, parseReadReceipt, receiptRequestOf } from '../../src/mail/read-receipt.js';

const crlf = (s: string) => Buffer.from(s.replace(/\r?\n/g, '\r\n'));
const original = crlf(
  'From: Jane Example <jane@outside.example>\nTo: bob@chitbox.test\nSubject: Budget\n' +
    'Message-ID: <budget-1@outside.example>\nDisposition-Notification-To: jane@outside.example\n\nPlease read.\n',
);

describe('composeReadReceipt', () => {
  it('writes an RFC 8098 receipt that parses back to the original and the reader', async () => {
    const raw = await composeReadReceipt({
      hostname: 'mail.chitbox.test', reader: { address: 'bob@chitbox.test', name: 'Bob' }, to: 'jane@outside.example',
      original, messageId: 'mdn-1@chitbox.test', date: new Date('2026-11-21T10:00:00Z'),
    });
    const text = raw.toString();
    expect(text).toMatch(/^Content-Type: multipart\/report; report-type=disposition-notification;/m);
    expect(text).toContain('Disposition: manual-action/MDN-sent-automatically; displayed');
    expect(text).toContain('Auto-Submitted: auto-replied');
    expect(text).not.toMatch(/[^\r]\n/); // CRLF only
    const parsed = await parseMessage(raw);
    expect(parsed.subject).toBe('Read: Budget');
    expect(parsed.inReplyTo).toBe('budget-1@outside.example');
    expect(parseReadReceipt(parsed.attachments)).toEqual({ originalMessageId: 'budget-1@outside.example', reader: 'bob@chitbox.test', disposition: 'displayed' });
  });
});

describe('parseReadReceipt', () => {
  it('reads a receipt as Thunderbird writes it', async () => {
    const raw = crlf(
      'From: Bob <bob@outside.example>\nTo: jane@chitbox.test\nSubject: Return Receipt (displayed) - Hi\n' +
        'MIME-Version: 1.0\nContent-Type: multipart/report; report-type=disposition-notification;\n boundary="b1"\n\n' +
        '--b1\nContent-Type: text/plain; charset=UTF-8\n\nThis is a Return Receipt for the mail that you sent to bob@outside.example.\n\n' +
        '--b1\nContent-Type: message/disposition-notification; name="MDNPart2.txt"\nContent-Disposition: inline\n\n' +
        'Reporting-UA: outside.example; Thunderbird 128.0\nFinal-Recipient: rfc822;bob@outside.example\n' +
        'Original-Message-ID: <hi-7@chitbox.test>\nDisposition: manual-action/MDN-sent-manually; displayed\n\n' +
        '--b1\nContent-Type: text/rfc822-headers; name="MDNPart3.txt"\n\nSubject: Hi\n\n--b1--\n',
    );
    const parsed = await parseMessage(raw);
    expect(parseReadReceipt(parsed.attachments)).toEqual({ originalMessageId: 'hi-7@chitbox.test', reader: 'bob@outside.example', disposition: 'displayed' });
  });

  it('is null for ordinary mail and for a notification that names no original', async () => {
    expect(parseReadReceipt((await parseMessage(original)).attachments)).toBeNull();
    const noId = [{ contentType: 'message/disposition-notification', content: Buffer.from('Final-Recipient: rfc822;a@b\nDisposition: automatic-action/MDN-sent-automatically; deleted\n') }];
    expect(parseReadReceipt(noId)).toBeNull();
  });
});

describe('receiptRequestOf', () => {
  it('answers a request to the sender', () => {
    expect(receiptRequestOf(original)).toBe('jane@outside.example');
  });

  it('refuses a request that points somewhere else than the Return-Path (RFC 8098 2.1)', () => {
    const elsewhere = crlf('Return-Path: <bounces@list.example>\nFrom: jane@outside.example\nDisposition-Notification-To: tracker@spy.example\nSubject: x\n\nx\n');
    expect(receiptRequestOf(elsewhere)).toBeNull();
    const fromOnly = crlf('From: jane@outside.example\nDisposition-Notification-To: tracker@spy.example\nSubject: x\n\nx\n');
    expect(receiptRequestOf(fromOnly)).toBeNull();
  });

  it('is null without a request', () => {
    expect(receiptRequestOf(crlf('From: a@b.example\nSubject: x\n\nx\n'))).toBeNull();
  });
});
