import type { AddressDto, ThreadSummaryDto } from '@contracts/api';
import { describe, expect, it } from 'vitest';
import { rowPeople } from './thread-people';

const ME = 'alice@chitbox.test';
const me = { address: 'Alice@chitbox.test', name: 'Alice Liddell' };
const ann = { address: 'ann@x.org', name: 'Ann Lee' };
const bob = { address: 'bob@x.org', name: '' };
const carol = { address: 'carol@x.org', name: 'Carol King' };
const thread = (participants: AddressDto[], recipients?: AddressDto[]): ThreadSummaryDto => ({
  id: 1, subject: 's', messageCount: 1, unreadCount: 0, lastMessageAt: '', snippet: '', participants, recipients,
  hasAttachments: false, isStarred: false,
});

describe('thread row people', () => {
  it('names the recipients of mail I sent, not me', () => {
    expect(rowPeople(thread([me], [bob, carol]), ME, 'sent')).toEqual({ label: 'To: bob, Carol', avatar: bob, draft: false });
    expect(rowPeople(thread([me], [carol]), ME, 'sent')).toEqual({ label: 'To: Carol King', avatar: carol, draft: false });
  });

  it('treats a thread of only my messages as sent in any folder (e.g. archived)', () => {
    expect(rowPeople(thread([me], [ann]), ME, 'archive').label).toBe('To: Ann Lee');
  });

  it('names senders elsewhere, me as "me"', () => {
    expect(rowPeople(thread([ann]), ME, 'inbox')).toEqual({ label: 'Ann Lee', avatar: ann, draft: false });
    expect(rowPeople(thread([ann, me]), ME, 'inbox')).toEqual({ label: 'Ann, me', avatar: ann, draft: false });
    expect(rowPeople(thread([ann, bob, carol, me]), ME, 'inbox').label).toBe('Ann, bob … me');
  });

  it('falls back to the senders when a sent row has no recipients (a row from a live event)', () => {
    expect(rowPeople(thread([me]), ME, 'sent')).toEqual({ label: 'me', avatar: me, draft: false });
  });

  it('marks the rows of the Drafts folder as drafts, naming their recipients (a draft a mail client saved over IMAP)', () => {
    expect(rowPeople(thread([me], [bob]), ME, 'drafts')).toEqual({ label: 'To: bob@x.org', avatar: bob, draft: true });
    expect(rowPeople(thread([me], [bob]), ME, 'sent').draft).toBe(false);
  });

  it('says so when nobody is known', () => {
    expect(rowPeople(thread([]), ME, 'inbox').label).toBe('(unknown sender)');
  });
});
