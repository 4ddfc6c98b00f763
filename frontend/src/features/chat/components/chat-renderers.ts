// What the chat borrows from other features, handed in by the app shell
// (features never import each other, STYLE.md 13): the mailbox's sandboxed
// HTML frame, its linkified plain text and its attachment list.
import type { AttachmentDto, MessageDto } from '@contracts/api';
import type { ReactNode } from 'react';

export interface ChatRenderers {
  /** an HTML body in the sandboxed frame */
  htmlBody: (message: MessageDto) => ReactNode;
  /** plain text with links */
  plainText: (text: string) => ReactNode;
  /** files with download buttons */
  attachments: (attachments: readonly AttachmentDto[]) => ReactNode;
}
