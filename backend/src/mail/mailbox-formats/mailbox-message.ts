// What the mbox and maildir codecs take and give. Raw bytes are as ChitBox
// stores them: CRLF line endings (mail/line-endings.ts).

export interface MailboxFlags {
  read: boolean;
  starred: boolean;
}

export interface ExportMessage {
  /** the message exactly as GET /raw serves it */
  raw: Buffer;
  flags: MailboxFlags;
  /** when it arrived: the mbox From_ line's date, the maildir file's name and mtime */
  receivedAt: Date;
  /** the mbox From_ line's sender; MAILER-DAEMON when absent */
  envelopeFrom?: string | null;
}

export interface ImportedMessage {
  /** CRLF line endings, the mailbox format's own additions (quoting, flag headers) removed */
  raw: Buffer;
  flags: MailboxFlags;
  /** marked deleted in the mailbox (mbox X-Status D, maildir T): the caller decides */
  deleted: boolean;
  /** from the From_ line or the maildir file name; null when unreadable */
  receivedAt: Date | null;
  /** the From_ line's sender (mbox only) */
  envelopeFrom: string | null;
}

/** Something of the input that was skipped or looks damaged: nothing is dropped silently. */
export interface ImportProblem {
  /** skipped: these lines/this file did not become a message; warning: imported, but look at it */
  severity: 'skipped' | 'warning';
  code:
    | 'text_before_first_message'
    | 'empty_message'
    | 'message_too_large'
    | 'unquoted_from_line'
    | 'no_final_newline'
    | 'unreadable_file'
    | 'not_a_file'
    | 'not_a_maildir'
    /** read well, but the store refused it (over quota, storage failing) */
    | 'not_stored'
    /** marked deleted in the mailbox (mbox X-Status D, maildir T): not imported */
    | 'marked_deleted';
  message: string;
  /** mbox: 1-based line numbers, inclusive */
  line?: number;
  endLine?: number;
  /** maildir: the file, relative to the maildir */
  file?: string;
}

export type MailboxEntry =
  | { kind: 'message'; message: ImportedMessage; line?: number; file?: string }
  | { kind: 'problem'; problem: ImportProblem };
