// REST calls of the chat: sending (POST /api/messages, as any reply),
// presence, contacts and the read-receipt settings.
import type {
  ChatSettingsDto, ContactDto, ContactsResponse, MessageDto, PresenceDto, PresenceResponse,
} from '@contracts/api';
import { api } from '../../../lib/api';

export interface ChatMessage {
  to: string[];
  cc: string[];
  subject: string;
  text: string;
  inReplyToId?: number;
}

export async function sendChatMessage(message: ChatMessage, files: readonly File[]): Promise<MessageDto> {
  const fields: Record<string, string | number | string[]> = { to: message.to, subject: message.subject, text: message.text };
  if (message.cc.length > 0) fields.cc = message.cc;
  if (message.inReplyToId !== undefined) fields.inReplyToId = message.inReplyToId;
  if (files.length === 0) return (await api.post<{ message: MessageDto }>('/api/messages', fields)).message;
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (Array.isArray(value)) value.forEach((v) => form.append(name, v));
    else form.append(name, String(value));
  }
  files.forEach((file) => form.append('attachments', file, file.name));
  return (await api.post<{ message: MessageDto }>('/api/messages', form)).message;
}

export async function fetchPresence(addresses: readonly string[], signal?: AbortSignal): Promise<PresenceDto[]> {
  if (addresses.length === 0) return [];
  const query = new URLSearchParams({ addresses: addresses.join(',') });
  return (await api.get<PresenceResponse>(`/api/presence?${query}`, { signal })).presence;
}

export async function fetchContacts(signal?: AbortSignal): Promise<ContactDto[]> {
  return (await api.get<ContactsResponse>('/api/contacts', { signal })).contacts;
}

export async function fetchChatSettings(signal?: AbortSignal): Promise<ChatSettingsDto> {
  return (await api.get<{ settings: ChatSettingsDto }>('/api/settings/chat', { signal })).settings;
}

export async function saveChatSettings(patch: Partial<ChatSettingsDto>): Promise<ChatSettingsDto> {
  return (await api.patch<{ settings: ChatSettingsDto }>('/api/settings/chat', patch)).settings;
}

export function fetchAttachmentBlob(id: number): Promise<Blob> {
  return api.getBlob(`/api/attachments/${id}`);
}
