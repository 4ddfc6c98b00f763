// Typed in-process events. Use cases publish; adapters (realtime, later
// webhooks and metrics) subscribe. Nothing in core knows who listens.
import { EventEmitter } from 'node:events';
import type { LearnClass, ScannerName } from '../scanning/scan-verdict.js';
import type { ScannerFailureReason } from '../scanning/scanner-failure.js';
import type { DeliveryStatus } from '../contracts/api.js';
import type { AddressRecord, MessageRecord } from '../storage/records.js';

/** Who sent a scanned message and from where (no content). */
interface ScannedEnvelope {
  mailFrom: string;
  recipients: string[];
  remoteAddress: string;
  sessionId: string;
}

/** One message as a change left it, and the folder it was in before (the same when only flags changed). */
export interface MessageUpdate {
  message: MessageRecord;
  previousFolderId: number;
}

/** inbound mail, the sender's own Sent copy, or a copy a mail client stored itself (IMAP APPEND or COPY) */
export type StoredSource = 'inbound' | 'sent' | 'appended' | 'import';

export interface CoreEvents {
  /** a message copy was committed for its owner */
  'message.stored': { message: MessageRecord; source: StoredSource; committedAt: bigint };
  /** messages of one owner changed flags or folder in one action (a thread marked read: all 50 in one event) */
  'messages.updated': { userId: number; updates: MessageUpdate[] };
  'message.deleted': { userId: number; id: number; threadId: number; folderId: number };
  /** the user's custom folders were created, renamed or deleted (HTTP or IMAP) */
  'folders.changed': { userId: number };
  /** an account was created (HTTP register, admin API or CLI) */
  'user.created': { user: { id: number; email: string; role: 'user' | 'admin' } };
  /** a login or SMTP AUTH was refused; never carries the password */
  'auth.failed': { username: string; remoteAddress: string | null; via: 'http' | 'smtp' | 'imap' };
  /** a message for external recipients entered the outbound queue (wakes the worker) */
  'outbound.queued': { queueId: number };
  /** the outbound queue handed a message to the next hop (published by the queue worker) */
  'message.sent': { queueId: number; userId: number; mailFrom: string; recipients: string[] };
  /** the outbound queue gave up on a message (published by the queue worker) */
  'message.failed': { queueId: number; userId: number; mailFrom: string; recipients: string[]; error: string };
  /** an inbound message got the scanners' verdict (null: that scanner did not look) */
  'content.scanned': { spam: boolean | null; virus: boolean | null };
  /** spamd called it spam: refused (over SPAM_REJECT_SCORE) or stored in Spam folders (messageIds) */
  'spam.detected': ScannedEnvelope & {
    action: 'spam_folder' | 'rejected'; score: number; required: number; tests: string[]; messageIds: number[];
  };
  /** clamd found a virus; the message was refused */
  'virus.detected': ScannedEnvelope & { virus: string };
  /** a scanner could not answer; the delivery was deferred */
  'scanner.failed': { scanner: ScannerName; reason: ScannerFailureReason };
  /** a move into or out of Spam was told to spamd (learned null: not sent, error: it failed) */
  'spam.learned': { userId: number; messageId: number; as: LearnClass; learned: boolean | null; error?: string };
  /** chat (core/chat.ts decides who is told; the ids are the receiver's own) */
  'chat.typing': { toUserId: number; threadId: number; from: AddressRecord };
  'chat.presence': { toUserId: number; address: string; online: boolean; lastSeenAt: Date | null };
  'chat.read': { toUserId: number; messageId: number; threadId: number; reader: AddressRecord; readAt: Date };
  'chat.delivery': {
    toUserId: number; messageId: number; threadId: number; recipient: string; status: DeliveryStatus; at: Date; reason: string | null;
  };
}

export type CoreEventName = keyof CoreEvents;
export type CoreListener<K extends CoreEventName> = (payload: CoreEvents[K]) => void;

export class EventBus {
  private readonly emitter = new EventEmitter({ captureRejections: false });

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  publish<K extends CoreEventName>(name: K, payload: CoreEvents[K]): void {
    this.emitter.emit(name, payload);
  }

  subscribe<K extends CoreEventName>(name: K, listener: CoreListener<K>): () => void {
    this.emitter.on(name, listener);
    // Unsubscribe with the exact reference that was added (STYLE.md practice 7).
    return () => this.emitter.off(name, listener);
  }
}
