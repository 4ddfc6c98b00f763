// Who a chat message goes to, and as what. In a chat every message answers
// the conversation's newest message and goes to everyone in it (reply-all):
// the sender of that message and its other recipients, never oneself. When
// the newest message is one's own, its recipients again.
import type { AddressDto, MessageDto } from '@contracts/api';

export interface ReplyTarget {
  to: string[];
  cc: string[];
  subject: string;
  inReplyToId: number;
}

export function chatReplyTarget(messages: readonly MessageDto[], myAddress: string, threadSubject: string): ReplyTarget | null {
  const last = messages[messages.length - 1];
  if (!last) return null;
  const me = myAddress.toLowerCase();
  const notMe = (a: string) => a.toLowerCase() !== me;
  const mine = last.fromEmail.toLowerCase() === me;
  const to = unique(mine ? last.to.map(addr).filter(notMe) : [last.fromEmail, ...last.to.map(addr).filter(notMe)]);
  const cc = unique(last.cc.map(addr).filter(notMe)).filter((a) => !to.some((t) => t.toLowerCase() === a.toLowerCase()));
  if (to.length === 0 && cc.length === 0) return null;
  return { to: to.length > 0 ? to : cc, cc: to.length > 0 ? cc : [], subject: replySubject(threadSubject || last.subject), inReplyToId: last.id };
}

export function replySubject(subject: string): string {
  const s = subject.trim();
  return /^re:/i.test(s) ? s : `Re: ${s}`;
}

/** The subject of a new conversation: its first line, cut at a word near 60 characters. */
export function subjectFromText(text: string): string {
  const line = text.trim().split(/\r?\n/)[0]?.trim() ?? '';
  if (line.length <= 60) return line;
  const cut = line.slice(0, 60);
  const space = cut.lastIndexOf(' ');
  return `${(space > 30 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/** Everyone in the conversation but oneself, in order of appearance. */
export function otherPeople(messages: readonly MessageDto[], myAddress: string): AddressDto[] {
  const me = myAddress.toLowerCase();
  const seen = new Map<string, AddressDto>();
  for (const m of messages) {
    for (const a of [{ address: m.fromEmail, name: m.fromName }, ...m.to, ...m.cc]) {
      const key = a.address.toLowerCase();
      if (key === me || !key) continue;
      const known = seen.get(key);
      if (!known) seen.set(key, { address: a.address, name: a.name });
      else if (!known.name && a.name) known.name = a.name;
    }
  }
  return [...seen.values()];
}

function addr(a: AddressDto): string {
  return a.address;
}

function unique(list: string[]): string[] {
  const seen = new Set<string>();
  return list.filter((a) => {
    const key = a.toLowerCase();
    if (!key || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
