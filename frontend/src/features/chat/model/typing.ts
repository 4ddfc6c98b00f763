// "… is typing": who is typing in which conversation, as plain data and a
// clock passed in, so the fade and the throttle are tested without waiting.
// The sender says so at most once per TYPING_THROTTLE_MS while typing; the
// indicator goes TYPING_FADE_MS after the last word of it (or at once when
// that person's message arrives).
import type { AddressDto } from '@contracts/api';

export const TYPING_THROTTLE_MS = 2_000;
export const TYPING_FADE_MS = 6_000;

export interface Typist {
  threadId: number;
  from: AddressDto;
  /** when the last typing event from them arrived (ms) */
  at: number;
}

/** Keyed by thread id and lower-cased address. */
export type TypingState = ReadonlyMap<string, Typist>;

export const NOBODY_TYPING: TypingState = new Map();

const keyOf = (threadId: number, address: string) => `${threadId}\n${address.toLowerCase()}`;

export function heardTyping(state: TypingState, threadId: number, from: AddressDto, now: number): TypingState {
  const next = new Map(state);
  next.set(keyOf(threadId, from.address), { threadId, from, at: now });
  return prune(next, now);
}

/** Their message arrived: they are no longer typing it. */
export function stoppedTyping(state: TypingState, threadId: number, address: string): TypingState {
  const key = keyOf(threadId, address);
  if (!state.has(key)) return state;
  const next = new Map(state);
  next.delete(key);
  return next;
}

export function typistsIn(state: TypingState, threadId: number, now: number): AddressDto[] {
  return [...state.values()].filter((t) => t.threadId === threadId && now - t.at < TYPING_FADE_MS).map((t) => t.from);
}

/** When the next indicator fades (to schedule one timer), or null when nobody is typing. */
export function nextFadeAt(state: TypingState, now: number): number | null {
  let next: number | null = null;
  for (const t of state.values()) {
    const fade = t.at + TYPING_FADE_MS;
    if (fade > now && (next === null || fade < next)) next = fade;
  }
  return next;
}

function prune(state: Map<string, Typist>, now: number): TypingState {
  for (const [k, t] of state) if (now - t.at >= TYPING_FADE_MS) state.delete(k);
  return state;
}

/** "Jane is typing…", "Jane and Bob are typing…", "3 people are typing…". */
export function typingText(typists: readonly AddressDto[]): string {
  const names = typists.map((t) => t.name || t.address.split('@')[0] || t.address);
  if (names.length === 0) return '';
  if (names.length === 1) return `${names[0]} is typing…`;
  if (names.length === 2) return `${names[0]} and ${names[1]} are typing…`;
  return `${names.length} people are typing…`;
}

/**
 * The sending side: whether a keystroke at `now` should tell the others.
 * At most one event per TYPING_THROTTLE_MS; sending a message resets it, so
 * typing the next one is announced at once.
 */
export class TypingThrottle {
  private lastSentAt: number | null = null;

  constructor(private readonly intervalMs = TYPING_THROTTLE_MS) {}

  shouldSend(now: number): boolean {
    if (this.lastSentAt !== null && now - this.lastSentAt < this.intervalMs) return false;
    this.lastSentAt = now;
    return true;
  }

  reset(): void {
    this.lastSentAt = null;
  }
}
