import { describe, expect, it } from 'vitest';
import {
  heardTyping, nextFadeAt, NOBODY_TYPING, stoppedTyping, TYPING_FADE_MS, TYPING_THROTTLE_MS, TypingThrottle, typingText, typistsIn,
} from './typing';

const jane = { address: 'jane@example.com', name: 'Jane' };
const bob = { address: 'bob@example.com', name: '' };

describe('typing indicator', () => {
  it('shows a typist until the fade time after their last event', () => {
    let s = heardTyping(NOBODY_TYPING, 7, jane, 1_000);
    expect(typistsIn(s, 7, 1_000)).toEqual([jane]);
    expect(typistsIn(s, 8, 1_000)).toEqual([]); // another conversation
    expect(nextFadeAt(s, 1_000)).toBe(1_000 + TYPING_FADE_MS);
    // Another event keeps it up: the fade counts from the last one.
    s = heardTyping(s, 7, jane, 5_000);
    expect(typistsIn(s, 7, 1_000 + TYPING_FADE_MS)).toEqual([jane]);
    expect(typistsIn(s, 7, 5_000 + TYPING_FADE_MS - 1)).toEqual([jane]);
    expect(typistsIn(s, 7, 5_000 + TYPING_FADE_MS)).toEqual([]);
    expect(nextFadeAt(s, 5_000 + TYPING_FADE_MS)).toBeNull();
  });

  it('one entry per person and conversation, addresses without case', () => {
    let s = heardTyping(NOBODY_TYPING, 7, jane, 0);
    s = heardTyping(s, 7, { ...jane, address: 'JANE@example.com' }, 100);
    s = heardTyping(s, 7, bob, 200);
    expect(typistsIn(s, 7, 300)).toHaveLength(2);
    expect(nextFadeAt(s, 300)).toBe(100 + TYPING_FADE_MS);
  });

  it('stops at once when their message arrives', () => {
    const s = stoppedTyping(heardTyping(NOBODY_TYPING, 7, jane, 0), 7, 'Jane@Example.com');
    expect(typistsIn(s, 7, 1)).toEqual([]);
    expect(stoppedTyping(s, 7, 'nobody@example.com')).toBe(s);
  });

  it('forgets old entries as new ones arrive', () => {
    let s = heardTyping(NOBODY_TYPING, 1, jane, 0);
    s = heardTyping(s, 2, bob, TYPING_FADE_MS + 1);
    expect(s.size).toBe(1);
  });

  it('words it for one, two and more', () => {
    expect(typingText([])).toBe('');
    expect(typingText([jane])).toBe('Jane is typing…');
    expect(typingText([jane, bob])).toBe('Jane and bob are typing…');
    expect(typingText([jane, bob, { address: 'c@x', name: 'C' }])).toBe('3 people are typing…');
  });
});

describe('TypingThrottle', () => {
  it('lets one event through per interval', () => {
    const t = new TypingThrottle();
    expect(t.shouldSend(0)).toBe(true);
    expect(t.shouldSend(1)).toBe(false);
    expect(t.shouldSend(TYPING_THROTTLE_MS - 1)).toBe(false);
    expect(t.shouldSend(TYPING_THROTTLE_MS)).toBe(true);
    expect(t.shouldSend(TYPING_THROTTLE_MS + 500)).toBe(false);
  });

  it('starts over after a message is sent', () => {
    const t = new TypingThrottle();
    expect(t.shouldSend(0)).toBe(true);
    t.reset();
    expect(t.shouldSend(10)).toBe(true);
  });

  it('over a long burst of keystrokes, sends one event per 2 s', () => {
    const t = new TypingThrottle();
    let sent = 0;
    for (let now = 0; now < 20_000; now += 50) if (t.shouldSend(now)) sent++;
    expect(sent).toBe(10);
  });
});
