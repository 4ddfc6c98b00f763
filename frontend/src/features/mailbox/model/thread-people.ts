// Who a thread row names and whose avatar it shows. Mail one sent (the Sent
// and Drafts folders, or a thread with only one's own messages) names its
// recipients ("To: Bob, Carol"); other mail its senders, oneself as "me".
import type { AddressDto, FolderKind, ThreadSummaryDto } from '@contracts/api';

export interface RowPeople {
  label: string;
  /** the person the avatar stands for */
  avatar: AddressDto;
  /** a row of the Drafts folder (saved there by a mail client over IMAP, say): marked "Draft" as mail clients do */
  draft: boolean;
}

const NOBODY: AddressDto = { address: '', name: '' };

export function rowPeople(thread: ThreadSummaryDto, myAddress: string, folderKind: FolderKind | undefined): RowPeople {
  const isMe = (a: AddressDto) => a.address.toLowerCase() === myAddress.toLowerCase();
  const senders = thread.participants;
  const recipients = thread.recipients ?? [];
  const draft = folderKind === 'drafts';
  const outgoing = folderKind === 'sent' || draft || (senders.length > 0 && senders.every(isMe));
  if (outgoing && recipients.length > 0) {
    return { label: `To: ${namesOf(recipients, isMe)}`, avatar: recipients.find((a) => !isMe(a)) ?? recipients[0]!, draft };
  }
  if (senders.length === 0) return { label: '(unknown sender)', avatar: NOBODY, draft };
  return { label: namesOf(senders, isMe), avatar: senders.find((a) => !isMe(a)) ?? senders[0]!, draft };
}

/** One person by full name; several by first names ("Ann, Bob … Zed" past three). */
function namesOf(people: readonly AddressDto[], isMe: (a: AddressDto) => boolean): string {
  if (people.length === 1) return isMe(people[0]!) ? 'me' : people[0]!.name || people[0]!.address;
  const names = people.map((p) => (isMe(p) ? 'me' : p.name ? p.name.split(/\s+/)[0]! : p.address.split('@')[0]!));
  return names.length > 3 ? `${names.slice(0, 2).join(', ')} … ${names[names.length - 1]}` : names.join(', ');
}
