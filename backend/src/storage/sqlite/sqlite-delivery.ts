// One message's way into the SQLite engine: its raw bytes and attachments
// into the blob store (tiered-blobs.ts), then every copy in one transaction
// on the ingest worker (batched with other deliveries). File blobs are pinned
// until that commit, so nothing removes them under it; on any failure the
// files this delivery created are removed again and its small blobs were
// never written.
import type { Delivery, DeliveryInput } from '../mail-store.js';
import type { MessageRecord } from '../records.js';
import { toMessageRecord, type NewMessageCopy } from '../delivery-rows.js';
import type { CommittedRows, DeliveryRows } from './ingest-worker/ingest-worker-protocol.js';
import type { PutBlob, SmallBlobRow, TieredBlobs } from './tiered-blobs.js';

// From this size on, raw bytes are moved to the writing thread after parsing
// rather than copied to it while the parser runs: copies of many big
// messages in flight add up.
const MOVE_RAW_FROM_BYTES = 256 * 1024;

interface BlobSet {
  rawSha256: string;
  attachmentShas: string[];
  attachmentSizes: number[];
  /** the files' hashes, pinned until the commit */
  pinned: string[];
  /** the hashes whose files this delivery created */
  created: string[];
  /** the small blobs, stored by the commit itself */
  small: SmallBlobRow[];
}

export class SqliteDelivery implements Delivery {
  /** the raw bytes' put, when it started early */
  private readonly earlyRaw: Promise<PutBlob[]> | null;
  private stored: BlobSet | null = null;
  /** taken now: a big message's buffer is emptied when it moves to the writing thread */
  private readonly rawBytes: number;

  /**
   * Raw bytes below MOVE_RAW_FROM_BYTES go to the store at once, while the
   * caller parses: a file's syncs are the slow part of a delivery.
   */
  constructor(
    private readonly raw: Buffer,
    private readonly blobs: TieredBlobs,
    private readonly commitRows: (rows: DeliveryRows) => Promise<CommittedRows>,
  ) {
    this.rawBytes = raw.length;
    this.earlyRaw = raw.length < MOVE_RAW_FROM_BYTES ? blobs.put([raw]) : null;
    // Settled here too, so a delivery abandoned before commit leaves no unhandled rejection.
    this.earlyRaw?.catch(() => undefined);
  }

  async commit(input: DeliveryInput): Promise<{ messages: MessageRecord[]; outboundId: number | null }> {
    const blobs = await this.storeBlobs(input);
    const copies: NewMessageCopy[] = input.copies.map((c) => ({
      ...c,
      rawSha256: blobs.rawSha256,
      attachments: input.attachments.map((a, i) => ({
        filename: a.filename, contentType: a.contentType, size: blobs.attachmentSizes[i]!, contentId: a.contentId, sha256: blobs.attachmentShas[i]!,
      })),
    }));
    const outbound = input.outbound ? { ...input.outbound, rawSha256: blobs.rawSha256, sizeBytes: this.rawBytes } : null;
    const committed = await this.commitRows({ copies, outbound, pinned: blobs.pinned, smallBlobs: blobs.small, searchText: input.searchText });
    this.stored = null; // the rows own the blobs now
    return { messages: committed.copies.map((stored, i) => toMessageRecord(stored, copies[i]!)), outboundId: committed.outboundId };
  }

  async abandon(): Promise<void> {
    const blobs = this.stored ?? (this.earlyRaw ? blobSet(await this.earlyRaw.catch(() => [])) : null);
    this.stored = null;
    if (blobs && blobs.pinned.length > 0) await this.blobs.discard(blobs.pinned, blobs.created);
  }

  /** Files durably in the blob store before any row names them; small blobs ready for the commit. All or nothing. */
  private async storeBlobs(input: DeliveryInput): Promise<BlobSet> {
    const attachments = input.attachments.map((a) => ({ bytes: a.content, sha256: a.sha256 }));
    const puts = await Promise.allSettled(
      this.earlyRaw
        ? [this.earlyRaw, attachments.length > 0 ? this.blobs.put(attachments, true) : Promise.resolve([])]
        : [this.blobs.put([this.raw, ...attachments], true)],
    );
    this.stored = blobSet(puts.flatMap((r) => (r.status === 'fulfilled' ? r.value : [])));
    const failed = puts.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    // Each put is all or nothing; what the other one stored goes again (abandon).
    if (failed) throw failed.reason;
    return this.stored;
  }
}

function blobSet(stored: PutBlob[]): BlobSet {
  return {
    rawSha256: stored[0]?.sha256 ?? '',
    attachmentShas: stored.slice(1).map((b) => b.sha256),
    attachmentSizes: stored.slice(1).map((b) => b.size),
    pinned: stored.filter((b) => !b.small).map((b) => b.sha256),
    created: stored.filter((b) => b.created).map((b) => b.sha256),
    small: stored.flatMap((b) => (b.small ? [b.small] : [])),
  };
}
