// One message's way into the PostgreSQL engine: nothing is written until the
// commit, where its blobs and every copy go into one transaction (batched
// with other deliveries by PgCommitter). So a delivery abandoned, or failing
// at any step, has nothing to undo.
import { createHash } from 'node:crypto';
import { toMessageRecord, type NewMessageCopy } from '../delivery-rows.js';
import type { CommittedDelivery, Delivery, DeliveryInput } from '../mail-store.js';
import type { BlobBytes } from './pg-blob-keys.js';
import type { PgCommitter } from './pg-committer.js';
import { pgSearchRow } from './pg-search.js';

export class PgDelivery implements Delivery {
  constructor(
    private readonly raw: Buffer,
    private readonly committer: PgCommitter,
  ) {}

  async commit(input: DeliveryInput): Promise<CommittedDelivery> {
    const rawSha256 = createHash('sha256').update(this.raw).digest('hex');
    const blobs = new Map<string, BlobBytes>([[rawSha256, { sha256: rawSha256, bytes: this.raw }]]);
    // The parser hashed each attachment as it decoded it.
    for (const a of input.attachments) if (!blobs.has(a.sha256)) blobs.set(a.sha256, { sha256: a.sha256, bytes: a.content });
    const attachments = input.attachments.map((a) => ({
      filename: a.filename, contentType: a.contentType, size: a.content.byteLength, contentId: a.contentId, sha256: a.sha256,
    }));
    const copies: NewMessageCopy[] = input.copies.map((c) => ({ ...c, rawSha256, attachments }));
    const outbound = input.outbound ? { ...input.outbound, rawSha256, sizeBytes: this.raw.length } : null;
    // The tsvector literal once per delivery, and before the batch's transaction is open.
    const tsv = input.searchText ? pgSearchRow(input.searchText) : null;
    const committed = await this.committer.commit({ copies, blobs: [...blobs.values()], outbound, tsv });
    return {
      messages: committed.copies.map((stored, i) => toMessageRecord(stored, copies[i]!)),
      uids: committed.copies.map((stored) => stored.uid),
      outboundId: committed.outboundId,
    };
  }

  /** Nothing was written before the commit. */
  async abandon(): Promise<void> {}
}
