// Address fields as people type them: "a@x.org, Bob <b@y.org>; c@z.org".
import type { AddressDto, MessageDto } from '@contracts/api';

const SIMPLE_ADDRESS = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

export function parseAddressList(input: string): { valid: string[]; invalid: string[] } {
  const valid: string[] = [];
  const invalid: string[] = [];
  for (const part of input.split(/[,;\n]/)) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const angled = /<([^<>]+)>\s*$/.exec(trimmed);
    const address = (angled?.[1] ?? trimmed).trim();
    if (SIMPLE_ADDRESS.test(address)) {
      if (!valid.some((v) => v.toLowerCase() === address.toLowerCase())) valid.push(address);
    } else invalid.push(trimmed);
  }
  return { valid, invalid };
}

export function replySubject(subject: string): string {
  return /^\s*re:/i.test(subject) ? subject : `Re: ${subject}`;
}

/**
 * Who a reply goes to: the sender of the message answered; if that is me
 * (answering my own Sent copy), its recipients. Reply-all adds the other
 * To/Cc addresses, never me.
 */
export function replyRecipients(message: MessageDto, myAddress: string, all: boolean): { to: string[]; cc: string[] } {
  const me = myAddress.toLowerCase();
  const isMine = message.fromEmail.toLowerCase() === me;
  const notMe = (a: AddressDto) => a.address.toLowerCase() !== me;
  const to = isMine ? message.to.filter(notMe).map((a) => a.address) : [message.fromEmail];
  if (!all) return { to: unique(to), cc: [] };
  const others = [...message.to, ...message.cc].filter(notMe).map((a) => a.address);
  const cc = unique(others).filter((a) => !to.some((t) => t.toLowerCase() === a.toLowerCase()));
  return { to: unique(to), cc };
}

function unique(list: string[]): string[] {
  const seen = new Set<string>();
  return list.filter((a) => {
    const key = a.toLowerCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
