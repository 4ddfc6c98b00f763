// Typing in one conversation: who else is typing (faded by one timer at the
// next expiry, model/typing.ts) and telling the others while one types
// (throttled). A person's message arriving ends their indicator at once.
import type { AddressDto } from '@contracts/api';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { MailSocket } from '../../../lib/socket';
import { heardTyping, nextFadeAt, NOBODY_TYPING, stoppedTyping, TypingThrottle, typistsIn } from '../model/typing';
import { useChatEvents } from './use-chat-events';

export interface Typing {
  typists: AddressDto[];
  /** call on every keystroke; sends at most one event per 2 s */
  notifyTyping: () => void;
  /** call when a message was sent: the next keystroke is announced at once */
  messageSent: () => void;
}

export function useTyping(socket: MailSocket | null, threadId: number, clock: () => number = Date.now): Typing {
  const [state, setState] = useState(NOBODY_TYPING);
  const [now, setNow] = useState(clock);

  useChatEvents(socket, {
    onTyping(event) {
      const t = clock();
      setState((s) => heardTyping(s, event.threadId, event.from, t));
      setNow(t);
    },
    onNewEmail(event) {
      setState((s) => stoppedTyping(s, event.email.threadId, event.email.fromEmail));
    },
  });

  useEffect(() => {
    const at = nextFadeAt(state, now);
    if (at === null) return;
    // From the clock, not from `now`: the effect may run a while after the render that set it.
    const timer = setTimeout(() => setNow(clock()), Math.max(0, at - clock()));
    return () => clearTimeout(timer);
  }, [state, now, clock]);

  const throttle = useRef(new TypingThrottle());
  useEffect(() => throttle.current.reset(), [threadId]);
  const notifyTyping = useCallback(() => {
    if (socket?.connected && throttle.current.shouldSend(clock())) socket.emit('typing', { threadId });
  }, [socket, threadId, clock]);
  const messageSent = useCallback(() => throttle.current.reset(), []);

  return { typists: typistsIn(state, threadId, now), notifyTyping, messageSent };
}
