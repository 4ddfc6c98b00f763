// Presence of the given people: fetched once (and after every reconnect:
// realtime is a hint, STYLE.md 8), then kept current by `presence` events.
// The server answers only for local users one shares a conversation with;
// anyone else simply has no entry (no dot).
import type { PresenceDto } from '@contracts/api';
import { useEffect, useMemo, useState } from 'react';
import type { SocketState } from '../../../lib/socket';
import { fetchPresence } from '../api/chat-api';
import { useChatEvents } from './use-chat-events';

export function usePresence(socket: SocketState, addresses: readonly string[]): ReadonlyMap<string, PresenceDto> {
  const key = useMemo(() => [...new Set(addresses.map((a) => a.toLowerCase()))].sort().join(','), [addresses]);
  const [presence, setPresence] = useState<ReadonlyMap<string, PresenceDto>>(new Map());

  useEffect(() => {
    if (!key) return;
    const controller = new AbortController();
    fetchPresence(key.split(','), controller.signal).then(
      (list) => setPresence(new Map(list.map((p) => [p.address.toLowerCase(), p]))),
      () => undefined, // presence is decoration: the conversation works without it
    );
    return () => controller.abort();
  }, [key, socket.reconnects]);

  useChatEvents(socket.socket, {
    onPresence(event) {
      const address = event.address.toLowerCase();
      if (!key.split(',').includes(address)) return;
      setPresence((p) => new Map(p).set(address, { address: event.address, online: event.online, lastSeenAt: event.lastSeenAt }));
    },
  });

  return presence;
}
