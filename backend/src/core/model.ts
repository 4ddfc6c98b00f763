// The plain records the use cases take and return, for the adapters: they
// get them from the core, never from storage itself.
export type {
  AccountRecord,
  AttachmentRecord,
  FolderWithCounts,
  MessageRecord,
  MessageSummaryRecord,
  OutboundStatus,
  QueueRow,
  ThreadSummaryRecord,
  UserRecord,
} from '../storage/records.js';
