// Ticks under a message one sent: how far it got, over all its recipients.
//   pending  the server has not answered yet (clock)
//   sent     stored in Sent; waiting in the outbound queue (one tick)
//   delivered every recipient has it: stored for a local one, accepted by the relay for an outside one (two ticks)
//   read     every recipient has opened it (two coloured ticks)
//   failed   at least one recipient could not be reached (red, with the reason)
import type { DeliveryStatus, RecipientStatusDto } from '@contracts/api';
import type { DeliveryStatusEvent, MessageReadEvent } from '@contracts/events';

export type Ticks =
  | { kind: 'pending' }
  | { kind: 'sent' }
  | { kind: 'delivered' }
  | { kind: 'read' }
  | { kind: 'failed'; failed: RecipientStatusDto[] };

const RANK: Record<DeliveryStatus, number> = { queued: 1, delivered: 2, relayed: 2, read: 3, failed: 4 };

export function ticksFor(recipients: readonly RecipientStatusDto[] | undefined): Ticks {
  if (!recipients || recipients.length === 0) return { kind: 'sent' };
  const failed = recipients.filter((r) => r.status === 'failed');
  if (failed.length > 0) return { kind: 'failed', failed };
  const least = Math.min(...recipients.map((r) => RANK[r.status]));
  return least >= RANK.read ? { kind: 'read' } : least >= RANK.delivered ? { kind: 'delivered' } : { kind: 'sent' };
}

/**
 * A status event applied to the recipient list. Events may arrive out of
 * order (a read before the socket delivered the "delivered"), so a status
 * never goes back: read stays read; failed is final.
 */
export function withStatus(
  recipients: readonly RecipientStatusDto[] | undefined,
  change: { recipient: string; status: DeliveryStatus; at: string; reason?: string; name?: string },
): RecipientStatusDto[] {
  const list = [...(recipients ?? [])];
  const i = list.findIndex((r) => r.address.toLowerCase() === change.recipient.toLowerCase());
  const current = i >= 0 ? list[i]! : undefined;
  if (current && (current.status === 'failed' || RANK[current.status] > RANK[change.status])) return list;
  const next: RecipientStatusDto = {
    address: current?.address ?? change.recipient,
    name: current?.name ?? change.name ?? '',
    status: change.status,
    at: change.at,
    ...(change.reason ? { reason: change.reason } : {}),
  };
  if (i >= 0) list[i] = next;
  else list.push(next);
  return list;
}

export function fromDeliveryEvent(e: DeliveryStatusEvent) {
  return { recipient: e.recipient, status: e.status, at: e.at, reason: e.reason };
}

export function fromReadEvent(e: MessageReadEvent) {
  return { recipient: e.reader.address, name: e.reader.name, status: 'read' as const, at: e.readAt };
}

export function ticksLabel(t: Ticks): string {
  switch (t.kind) {
    case 'pending':
      return 'Sending';
    case 'sent':
      return 'Sent';
    case 'delivered':
      return 'Delivered';
    case 'read':
      return 'Read';
    case 'failed':
      return `Not delivered to ${t.failed.map((r) => r.name || r.address).join(', ')}${t.failed[0]?.reason ? `: ${t.failed[0].reason}` : ''}`;
  }
}
