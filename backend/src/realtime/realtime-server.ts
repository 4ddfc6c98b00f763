// Socket.IO on the API's HTTP server. The JWT is checked at the handshake;
// each socket joins its user's room, and core events are forwarded to that
// room only. Realtime subscribes to the core; nothing calls it.
import type http from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../contracts/events.js';
import type { Config } from '../config/config.js';
import type { Core } from '../core/core.js';
import { presentNewEmail } from '../core/presenters.js';
import { attachChat } from './chat-socket.js';

const roomOf = (userId: number) => `user:${userId}`;

export interface RealtimeServer {
  connectedClients(): number;
  close(): Promise<void>;
}

/**
 * adapter: Socket.IO's Redis adapter when several instances share events (an
 * emit to a room reaches that room's sockets on every instance); null: this
 * process's sockets are all there are.
 */
export function startRealtime(
  httpServer: http.Server, core: Pick<Core, 'accounts' | 'events' | 'metrics' | 'chat' | 'mailbox'>, config: Pick<Config, 'http'>,
  adapter: ServerOptions['adapter'] | null = null,
): RealtimeServer {
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
    serveClient: false,
    cors: config.http.corsOrigin ? { origin: config.http.corsOrigin } : undefined,
    ...(adapter ? { adapter } : {}),
  });

  io.use((socket, next) => {
    const token = (socket.handshake.auth as { token?: unknown })?.token;
    if (typeof token !== 'string' || token.length > 4096) return next(new Error('unauthorized'));
    core.accounts
      .authenticateToken(token)
      .then((user) => {
        if (!user) return next(new Error('unauthorized'));
        socket.data.userId = user.id;
        socket.data.user = user;
        next();
      })
      .catch(() => next(new Error('unauthorized')));
  });
  io.on('connection', (socket) => void socket.join(roomOf(socket.data.userId as number)));
  const detachChat = attachChat(io, core.chat, core.events, roomOf);
  const listensHere = (userId: number) => (io.sockets.adapter.rooms.get(roomOf(userId))?.size ?? 0) > 0;
  // With other instances, the user's sockets may be on any of them: always emit.
  const isListening = (userId: number) => adapter !== null || listensHere(userId);

  const unsubscribe = [
    core.events.subscribe('message.stored', ({ message, committedAt }) => {
      // Presenting needs the HTML sanitised (on a worker thread): not worth it for a user with no tab open.
      if (!isListening(message.userId)) return;
      void core.mailbox.servable([message]).then(([servable]) => {
        io.to(roomOf(message.userId)).emit('new_email', presentNewEmail(servable!));
        if (listensHere(message.userId)) core.metrics.emitLatency(Number(process.hrtime.bigint() - committedAt) / 1e9);
      });
    }),
    core.events.subscribe('messages.updated', ({ userId, updates }) => {
      // One email_updated per message, as the contract has it; none to build for a user with no tab open.
      if (!isListening(userId)) return;
      const room = io.to(roomOf(userId));
      for (const { message, previousFolderId } of updates) {
        room.emit('email_updated', {
          id: message.id, threadId: message.threadId, folderId: message.folderId, previousFolderId,
          isRead: message.isRead, isStarred: message.isStarred,
        });
      }
    }),
    core.events.subscribe('message.deleted', ({ userId, id, threadId, folderId }) => {
      io.to(roomOf(userId)).emit('email_deleted', { id, threadId, folderId });
    }),
    core.events.subscribe('folders.changed', ({ userId }) => {
      io.to(roomOf(userId)).emit('folders_changed', {});
    }),
  ];

  return {
    connectedClients: () => io.engine.clientsCount,
    async close() {
      for (const off of unsubscribe) off();
      detachChat();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
    },
  };
}
