// POST /api/messages: JSON without files, multipart with them (issue 4).
import type { MessageDto } from '@contracts/api';
import { api } from '../../../lib/api';

export interface OutgoingMessage {
  to: string[];
  cc: string[];
  bcc: string[];
  subject: string;
  text: string;
  inReplyToId?: number;
}

export async function sendMessage(message: OutgoingMessage, files: readonly File[]): Promise<MessageDto> {
  const json = {
    to: message.to,
    ...(message.cc.length ? { cc: message.cc } : {}),
    ...(message.bcc.length ? { bcc: message.bcc } : {}),
    subject: message.subject,
    text: message.text,
    ...(message.inReplyToId !== undefined ? { inReplyToId: message.inReplyToId } : {}),
  };
  if (files.length === 0) return (await api.post<{ message: MessageDto }>('/api/messages', json)).message;
  return (await api.post<{ message: MessageDto }>('/api/messages', toFormData(json, files))).message;
}

/**
 * Multipart form: scalar fields as text parts, address lists as repeated
 * parts, files as `attachments`.
 */
export function toFormData(fields: Record<string, string | number | string[]>, files: readonly File[]): FormData {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (Array.isArray(value)) value.forEach((v) => form.append(name, v));
    else form.append(name, String(value));
  }
  files.forEach((file) => form.append('attachments', file, file.name));
  return form;
}
