// Sending state shared by the compose window and the reply box, with the
// server's reasons turned into sentences people can act on.
import type { MessageDto } from '@contracts/api';
import { useCallback, useState } from 'react';
import { ApiError, errorMessage } from '../../../lib/api-error';
import { sendMessage, type OutgoingMessage } from '../api/send-api';

export type SendState = { status: 'idle' } | { status: 'sending' } | { status: 'error'; message: string };

export function useSend(onSent: (message: MessageDto) => void) {
  const [state, setState] = useState<SendState>({ status: 'idle' });
  const send = useCallback(
    async (message: OutgoingMessage, files: readonly File[]) => {
      setState({ status: 'sending' });
      try {
        const sent = await sendMessage(message, files);
        setState({ status: 'idle' });
        onSent(sent);
      } catch (e) {
        setState({ status: 'error', message: sendErrorMessage(e) });
      }
    },
    [onSent],
  );
  return { state, send, clearError: () => setState({ status: 'idle' }) };
}

export function sendErrorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'relay_not_configured') {
      return `This server cannot send to outside addresses yet (no relay is configured). ${error.message}`;
    }
    if (error.kind === 'tooLarge') return `The message is too large to send. ${error.message}`;
  }
  return errorMessage(error);
}
