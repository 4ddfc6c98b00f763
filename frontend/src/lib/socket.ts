// The one Socket.IO connection of a signed-in tab. Realtime is only a hint
// (STYLE.md 8): `reconnects` lets screens refetch what they show after a gap.
import type { ServerToClientEvents } from '@contracts/events';
import { useEffect, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { config } from '../config/config';

export type MailSocket = Socket<ServerToClientEvents, Record<string, never>>;
export type SocketStatus = 'connecting' | 'connected' | 'disconnected';

export interface SocketState {
  socket: MailSocket | null;
  status: SocketStatus;
  /** Increments on every reconnect after the first connect. */
  reconnects: number;
}

const SERVER_GOODBYE_RETRY_MS = 1000;

export function connectMailSocket(token: string): MailSocket {
  const options = { auth: { token }, reconnectionDelayMax: 5000 };
  return config.apiOrigin ? io(config.apiOrigin, options) : io(options);
}

export function useMailSocket(token: string | null): SocketState {
  const [state, setState] = useState<SocketState>({ socket: null, status: 'connecting', reconnects: 0 });

  useEffect(() => {
    if (!token) return;
    const socket = connectMailSocket(token);
    let everConnected = false;
    setState({ socket, status: 'connecting', reconnects: 0 });
    socket.on('connect', () => {
      const isReconnect = everConnected;
      everConnected = true;
      setState((s) => ({ ...s, status: 'connected', reconnects: s.reconnects + (isReconnect ? 1 : 0) }));
    });
    let comeBack: ReturnType<typeof setTimeout> | undefined;
    socket.on('disconnect', (reason) => {
      setState((s) => ({ ...s, status: 'disconnected' }));
      // A server that stops (a restart, a deploy) says goodbye first, and socket.io
      // does not reconnect after a goodbye by itself. Try again once it has gone
      // down; from then on the client's own back-off takes over.
      if (reason === 'io server disconnect') comeBack = setTimeout(() => socket.connect(), SERVER_GOODBYE_RETRY_MS);
    });
    socket.on('connect_error', () => setState((s) => ({ ...s, status: 'disconnected' })));
    return () => {
      clearTimeout(comeBack);
      socket.removeAllListeners();
      socket.disconnect();
    };
  }, [token]);

  return state;
}
