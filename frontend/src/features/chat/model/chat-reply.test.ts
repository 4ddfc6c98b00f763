import type { MessageDto } from '@contracts/api';
import { describe, expect, it } from 'vitest';
import { chatReplyTarget, otherPeople, replySubject, subjectFromText } from './chat-reply';

const msg = (id: number, from: string, to: string[], cc: string[] = []): MessageDto => ({
  id, threadId: 1, folderId: 1, fromEmail: from, fromName: from.split('@')[0]!, subject: 'Plans', snippet: '', isRead: true,
  isStarred: false, hasAttachments: false, sentAt: '', createdAt: '', messageId: null, inReplyTo: null,
  to: to.map((address) => ({ address, name: '' })), cc: cc.map((address) => ({ address, name: '' })),
  bodyText: '', bodyHtml: '', sizeBytes: 0, attachments: [],
});

describe('chatReplyTarget', () => {
  it('answers the newest message, to its sender and everyone else on it but me', () => {
    const t = chatReplyTarget([msg(1, 'me@x.org', ['jane@y.org']), msg(2, 'jane@y.org', ['ME@x.org', 'bob@z.org'], ['cat@w.org'])], 'me@x.org', 'Plans');
    expect(t).toEqual({ to: ['jane@y.org', 'bob@z.org'], cc: ['cat@w.org'], subject: 'Re: Plans', inReplyToId: 2 });
  });

  it('after my own message, goes to its recipients again', () => {
    const t = chatReplyTarget([msg(1, 'jane@y.org', ['me@x.org']), msg(2, 'me@x.org', ['jane@y.org'], ['bob@z.org'])], 'me@x.org', 'Re: Plans');
    expect(t).toEqual({ to: ['jane@y.org'], cc: ['bob@z.org'], subject: 'Re: Plans', inReplyToId: 2 });
  });

  it('a note to myself has nobody to answer', () => {
    expect(chatReplyTarget([msg(1, 'me@x.org', ['me@x.org'])], 'me@x.org', 'Note')).toBeNull();
    expect(chatReplyTarget([], 'me@x.org', 'Note')).toBeNull();
  });
});

describe('subjects', () => {
  it('prefixes Re: once', () => {
    expect(replySubject('Plans')).toBe('Re: Plans');
    expect(replySubject('RE: Plans')).toBe('RE: Plans');
  });

  it('takes a new conversation\'s first line, cut at a word', () => {
    expect(subjectFromText('  Lunch tomorrow?\nat 12')).toBe('Lunch tomorrow?');
    expect(subjectFromText('Could you please send me the slides from yesterday\'s meeting before noon today')).toBe(
      'Could you please send me the slides from yesterday\'s…',
    );
  });
});

describe('otherPeople', () => {
  it('lists everyone but me once, keeping a name when one copy has it', () => {
    const a = msg(1, 'jane@y.org', ['me@x.org', 'bob@z.org']);
    const b = { ...msg(2, 'bob@z.org', ['jane@y.org']), fromName: 'Bob' };
    expect(otherPeople([a, b], 'ME@x.org')).toEqual([
      { address: 'jane@y.org', name: 'jane' },
      { address: 'bob@z.org', name: 'Bob' },
    ]);
  });
});
