import type { RecipientStatusDto } from '@contracts/api';
import { describe, expect, it } from 'vitest';
import { fromDeliveryEvent, fromReadEvent, ticksFor, ticksLabel, withStatus } from './delivery-ticks';

const r = (address: string, status: RecipientStatusDto['status'], reason?: string): RecipientStatusDto => ({
  address, name: '', status, at: '2026-11-21T10:00:00.000Z', ...(reason ? { reason } : {}),
});

describe('ticksFor', () => {
  it('goes sent → delivered → read over all recipients', () => {
    expect(ticksFor(undefined).kind).toBe('sent');
    expect(ticksFor([r('a@x', 'queued')]).kind).toBe('sent');
    expect(ticksFor([r('a@x', 'delivered'), r('b@y', 'queued')]).kind).toBe('sent');
    expect(ticksFor([r('a@x', 'delivered'), r('b@y', 'relayed')]).kind).toBe('delivered');
    expect(ticksFor([r('a@x', 'read'), r('b@y', 'relayed')]).kind).toBe('delivered');
    expect(ticksFor([r('a@x', 'read'), r('b@y', 'read')]).kind).toBe('read');
  });

  it('is failed when any recipient failed, naming who and why', () => {
    const t = ticksFor([r('a@x', 'read'), r('b@y', 'failed', '550 5.1.1 no such user')]);
    expect(t.kind).toBe('failed');
    expect(ticksLabel(t)).toBe('Not delivered to b@y: 550 5.1.1 no such user');
  });
});

describe('withStatus', () => {
  it('moves a recipient forward and adds unknown ones', () => {
    let list = withStatus([r('a@x', 'queued')], { recipient: 'A@X', status: 'relayed', at: 't2' });
    expect(list).toEqual([{ address: 'a@x', name: '', status: 'relayed', at: 't2' }]);
    list = withStatus(list, fromReadEvent({ messageId: 1, threadId: 1, reader: { address: 'b@y', name: 'Bea' }, readAt: 't3' }));
    expect(list[1]).toEqual({ address: 'b@y', name: 'Bea', status: 'read', at: 't3' });
  });

  it('never goes back: a late "delivered" after "read" is ignored, failed is final', () => {
    const read = [r('a@x', 'read')];
    expect(withStatus(read, { recipient: 'a@x', status: 'delivered', at: 'later' })).toEqual(read);
    const failed = [r('a@x', 'failed', 'gone')];
    expect(withStatus(failed, { recipient: 'a@x', status: 'relayed', at: 'later' })).toEqual(failed);
  });

  it('takes the reason of a failure', () => {
    const list = withStatus([r('a@x', 'queued')], fromDeliveryEvent({ messageId: 1, threadId: 1, recipient: 'a@x', status: 'failed', at: 't', reason: 'timeout' }));
    expect(list[0]).toMatchObject({ status: 'failed', reason: 'timeout' });
  });
});
