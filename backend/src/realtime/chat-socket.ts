// The chat over Socket.IO: a socket counts towards its user's presence while
// it is open; `typing` from the client is checked (zod), limited per socket
// and handed to the core; the core's chat events go to the one user they are
// for. The core decides who may learn what (core/chat-scope.ts).
import type { Server, Socket } from 'socket.io';
import { z } from 'zod';
import type { ClientToServerEvents, ServerToClientEvents } from '../contracts/events.js';
import type { ChatService } from '../core/chat.js';
import type { EventBus } from '../core/event-bus.js';
import type { UserRecord } from '../core/model.js';

type ChatServer = Server<ClientToServerEvents, ServerToClientEvents>;
type ChatSocket = Socket<ClientToServerEvents, ServerToClientEvents>;

const typingRequest = z.object({ threadId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER) }).strict();

/** Clients send at most one typing event per 2 s; a socket may burst a little above that, never more. */
const TYPING_BURST = 4;
const TYPING_REFILL_MS = 1_000;

export function attachChat(io: ChatServer, chat: ChatService, events: EventBus, roomOf: (userId: number) => string): () => void {
  io.on('connection', (socket: ChatSocket) => {
    const user = socket.data.user as UserRecord;
    // The chat's use cases log their own failures: a socket event never waits on or fails with them.
    void chat.socketOpened(user);
    socket.on('disconnect', () => void chat.socketClosed(user));
    const bucket = { tokens: TYPING_BURST, at: Date.now() };
    socket.on('typing', (payload: unknown) => {
      const request = typingRequest.safeParse(payload);
      if (!request.success || !take(bucket)) return; // a bad or too frequent event is dropped, not answered
      void chat.typing(user, request.data.threadId);
    });
  });

  const to = (userId: number) => io.to(roomOf(userId));
  const offs = [
    events.subscribe('chat.typing', ({ toUserId, threadId, from }) => to(toUserId).emit('typing', { threadId, from })),
    events.subscribe('chat.presence', ({ toUserId, address, online, lastSeenAt }) =>
      to(toUserId).emit('presence', { address, online, lastSeenAt: lastSeenAt?.toISOString() ?? null }),
    ),
    events.subscribe('chat.read', ({ toUserId, messageId, threadId, reader, readAt }) =>
      to(toUserId).emit('message_read', { messageId, threadId, reader, readAt: readAt.toISOString() }),
    ),
    events.subscribe('chat.delivery', ({ toUserId, messageId, threadId, recipient, status, at, reason }) =>
      to(toUserId).emit('delivery_status', { messageId, threadId, recipient, status, at: at.toISOString(), ...(reason ? { reason } : {}) }),
    ),
  ];
  return () => offs.forEach((off) => off());
}

function take(bucket: { tokens: number; at: number }): boolean {
  const now = Date.now();
  bucket.tokens = Math.min(TYPING_BURST, bucket.tokens + (now - bucket.at) / TYPING_REFILL_MS);
  bucket.at = now;
  if (bucket.tokens < 1) return false;
  bucket.tokens -= 1;
  return true;
}
