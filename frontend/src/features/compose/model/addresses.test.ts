import type { MessageDto } from '@contracts/api';
import { describe, expect, it } from 'vitest';
import { parseAddressList, replyRecipients, replySubject } from './addresses';

const base = {
  id: 1, threadId: 1, folderId: 1, fromEmail: 'ann@example.com', fromName: 'Ann', subject: 'Hi', snippet: '', isRead: true,
  isStarred: false, hasAttachments: false, sentAt: '', createdAt: '', messageId: null, inReplyTo: null, bodyText: '', bodyHtml: '',
  sizeBytes: 1, attachments: [],
  to: [{ address: 'me@example.com', name: 'Me' }, { address: 'bob@example.com', name: 'Bob' }],
  cc: [{ address: 'carl@example.com', name: '' }],
} satisfies MessageDto;

describe('addresses', () => {
  it('parses comma/semicolon lists with display names and reports invalid entries', () => {
    expect(parseAddressList('a@x.org, Bob <b@y.org>; ; not-an-address, A@X.org')).toEqual({
      valid: ['a@x.org', 'b@y.org'],
      invalid: ['not-an-address'],
    });
  });

  it('prefixes Re: once', () => {
    expect(replySubject('Hi')).toBe('Re: Hi');
    expect(replySubject('RE: Hi')).toBe('RE: Hi');
  });

  it('replies to the sender, and reply-all adds everyone but me', () => {
    expect(replyRecipients(base, 'ME@example.com', false)).toEqual({ to: ['ann@example.com'], cc: [] });
    expect(replyRecipients(base, 'me@example.com', true)).toEqual({ to: ['ann@example.com'], cc: ['bob@example.com', 'carl@example.com'] });
  });

  it('answering my own sent message goes to its recipients', () => {
    const mine = { ...base, fromEmail: 'me@example.com' };
    expect(replyRecipients(mine, 'me@example.com', false).to).toEqual(['bob@example.com']);
  });
});
