// The chat's use cases: typing, presence, contacts, read-receipt settings.
// Realtime calls socketOpened/socketClosed/typing; HTTP calls the rest. Who
// is told what is decided here (chat-scope.ts) and published as core events
// with the receiver's own ids; realtime only forwards them to that user.
import type { ChatSettingsDto, ContactDto, PresenceDto, RecipientStatusDto } from '../contracts/api.js';
import type { MailStore } from '../storage/mail-store.js';
import type { ChatSettingsRecord, MessageRecord, UserRecord } from '../storage/records.js';
import { ChatScope } from './chat-scope.js';
import { DeliveryTracking, type TrackingDeps } from './delivery-tracking.js';
import type { PresenceRegistry } from './presence.js';
import { ReceiptAnswering, type AnsweringDeps } from './receipt-answering.js';

export interface ChatDeps extends TrackingDeps, AnsweringDeps {
  store: Pick<MailStore, 'openDelivery' | 'chat' | 'users' | 'folders' | 'blobs' | 'outbound'>;
  presence: PresenceRegistry;
  /**
   * how long "who shares a conversation" answers are kept; new mail clears
   * them at once only on the instance that stored it, so with several
   * instances they are kept briefly
   */
  scopeTtlMs?: number;
}

/** How many recent messages the contact list is made from. */
const CONTACT_WINDOW = 3000;

export class ChatService {
  private readonly scope: ChatScope;
  private readonly tracking: DeliveryTracking;
  private readonly answering: ReceiptAnswering;
  private stops: Array<() => void> = [];

  constructor(private readonly deps: ChatDeps) {
    this.scope = new ChatScope(deps.store.chat, Date.now, deps.scopeTtlMs);
    this.tracking = new DeliveryTracking(deps);
    this.answering = new ReceiptAnswering(deps);
  }

  start(): void {
    const { events } = this.deps;
    this.stops = [
      this.tracking.start(),
      this.answering.start(),
      // New or removed copies change who shares what with whom.
      events.subscribe('message.stored', ({ message }) => this.scope.forget([message.userId])),
      events.subscribe('message.deleted', ({ userId }) => this.scope.forget([userId])),
    ];
  }

  /** Each recipient's latest status, for the user's copies of messages they sent among these. */
  recipientsOf(userId: number, messages: readonly Pick<MessageRecord, 'id'>[]): Promise<Map<number, RecipientStatusDto[]>> {
    return this.tracking.recipientsOf(userId, messages);
  }

  /** The first statuses of messages just sent are written (the compose answer carries them). */
  firstStatusesWritten(): Promise<void> {
    return this.tracking.settled();
  }

  /** Everything the chat started in response to events is done (for tests and a clean stop). */
  async settled(): Promise<void> {
    await Promise.all([this.tracking.idle(), this.answering.settled()]);
  }

  stop(): void {
    this.stops.forEach((off) => off());
    this.stops = [];
  }

  /** A socket of the user connected; their peers learn they are online when it is their first. Never throws. */
  async socketOpened(user: UserRecord): Promise<void> {
    await this.quietly('presence: announcing a connection', async () => {
      if (await this.deps.presence.socketOpened(user.id)) await this.announce(user, true, null);
    });
  }

  /** Never throws. */
  async socketClosed(user: UserRecord): Promise<void> {
    await this.quietly('presence: announcing a disconnection', async () => {
      const offlineAt = await this.deps.presence.socketClosed(user.id);
      if (offlineAt) await this.announce(user, false, offlineAt);
    });
  }

  /** The user types in one of their threads: the others holding it hear so, in their own thread. Never throws. */
  async typing(user: UserRecord, threadId: number): Promise<void> {
    await this.quietly('typing: fanning out', async () => {
      const copies = await this.scope.copiesOf(user, threadId);
      const from = { address: user.email, name: user.name ?? '' };
      for (const c of copies) this.deps.events.publish('chat.typing', { toUserId: c.userId, threadId: c.threadId, from });
    });
  }

  /** Presence of those of the addresses who are local users sharing a conversation with the user; others are left out. */
  async presenceFor(user: UserRecord, addresses: readonly string[]): Promise<PresenceDto[]> {
    const wanted = [...new Set(addresses.map((a) => a.trim().toLowerCase()).filter(Boolean))];
    const [locals, peers] = await Promise.all([this.deps.store.chat.localUsers(wanted), this.scope.peersOf(user)]);
    const shared = locals.filter((u) => peers.includes(u.id));
    const status = await this.deps.presence.statusOf(shared.map((u) => u.id));
    return shared.map((u) => {
      const s = status.get(u.id)!;
      return { address: u.email, online: s.online, lastSeenAt: s.lastSeenAt?.toISOString() ?? null };
    });
  }

  /** People the user has mailed with, newest first: senders of mail received and recipients of mail sent. */
  async contacts(user: UserRecord): Promise<ContactDto[]> {
    const me = user.email.toLowerCase();
    const rows = await this.deps.store.chat.recentCorrespondence(user.id, CONTACT_WINDOW);
    const found = new Map<string, ContactDto>();
    for (const r of rows) {
      const mine = r.fromEmail.toLowerCase() === me;
      const people = mine ? [...r.to, ...r.cc] : [{ address: r.fromEmail, name: r.fromName }];
      for (const p of people) {
        const key = p.address.toLowerCase();
        if (!key || key === me || !key.includes('@')) continue;
        const known = found.get(key);
        // Rows come newest first: the first sighting has the newest time and thread.
        if (!known) {
          found.set(key, {
            address: key, name: p.name, local: false, lastMessageAt: r.createdAt.toISOString(),
            lastThread: { id: r.threadId, folderId: r.folderId },
          });
        } else if (!known.name && p.name) known.name = p.name;
      }
    }
    const locals = await this.deps.store.chat.localUsers([...found.keys()]);
    for (const u of locals) {
      const c = found.get(u.email.toLowerCase());
      if (c) {
        c.local = true;
        if (u.name) c.name = c.name || u.name;
      }
    }
    return [...found.values()];
  }

  async settings(user: UserRecord): Promise<ChatSettingsDto> {
    return this.deps.store.chat.settings(user.id);
  }

  async saveSettings(user: UserRecord, change: Partial<ChatSettingsRecord>): Promise<ChatSettingsDto> {
    return this.deps.store.chat.saveSettings(user.id, change);
  }

  private async quietly(what: string, work: () => Promise<void>): Promise<void> {
    try {
      await work();
    } catch (err) {
      this.deps.log.warn({ err }, what);
    }
  }

  private async announce(user: UserRecord, online: boolean, lastSeenAt: Date | null): Promise<void> {
    const peers = await this.scope.peersOf(user);
    for (const toUserId of peers) this.deps.events.publish('chat.presence', { toUserId, address: user.email, online, lastSeenAt });
  }
}
