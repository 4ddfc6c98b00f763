// Subscribes to the chat's socket events for as long as the socket lives,
// with one stable listener per event removed by reference on cleanup
// (STYLE.md practice 7); the handlers may change every render.
import type {
  DeliveryStatusEvent, MessageReadEvent, NewEmailEvent, PresenceEvent, TypingEvent,
} from '@contracts/events';
import { useEffect, useRef } from 'react';
import type { MailSocket } from '../../../lib/socket';

export interface ChatEventHandlers {
  onTyping?: (event: TypingEvent) => void;
  onPresence?: (event: PresenceEvent) => void;
  onMessageRead?: (event: MessageReadEvent) => void;
  onDeliveryStatus?: (event: DeliveryStatusEvent) => void;
  onNewEmail?: (event: NewEmailEvent) => void;
}

export function useChatEvents(socket: MailSocket | null, handlers: ChatEventHandlers): void {
  const latest = useRef(handlers);
  latest.current = handlers;

  useEffect(() => {
    if (!socket) return;
    const onTyping = (e: TypingEvent) => latest.current.onTyping?.(e);
    const onPresence = (e: PresenceEvent) => latest.current.onPresence?.(e);
    const onRead = (e: MessageReadEvent) => latest.current.onMessageRead?.(e);
    const onDelivery = (e: DeliveryStatusEvent) => latest.current.onDeliveryStatus?.(e);
    const onNew = (e: NewEmailEvent) => latest.current.onNewEmail?.(e);
    socket.on('typing', onTyping);
    socket.on('presence', onPresence);
    socket.on('message_read', onRead);
    socket.on('delivery_status', onDelivery);
    socket.on('new_email', onNew);
    return () => {
      socket.off('typing', onTyping);
      socket.off('presence', onPresence);
      socket.off('message_read', onRead);
      socket.off('delivery_status', onDelivery);
      socket.off('new_email', onNew);
    };
  }, [socket]);
}
