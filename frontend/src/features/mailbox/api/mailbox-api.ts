// REST calls of the mailbox feature (CONTRACT.md + the thread extensions).
import type {
  FolderDto,
  FolderListResponse,
  MessageResponse,
  ThreadDetailResponse,
  ThreadDto,
  ThreadListResponse,
  UpdateMessageRequest,
} from '@contracts/api';
import { api } from '../../../lib/api';
import type { SystemKind } from '../model/mailbox-location';

export async function fetchFolders(signal?: AbortSignal): Promise<FolderDto[]> {
  return (await api.get<FolderListResponse>('/api/folders', { signal })).folders;
}

/** `folder`: an id, or a system folder's kind (the API takes either). */
export function fetchThreads(folder: number | SystemKind, limit: number, cursor: string | null, signal?: AbortSignal): Promise<ThreadListResponse> {
  const query = new URLSearchParams({ limit: String(limit) });
  if (cursor) query.set('cursor', cursor);
  return api.get<ThreadListResponse>(`/api/folders/${folder}/threads?${query}`, { signal });
}

export function fetchThread(threadId: number, signal?: AbortSignal): Promise<ThreadDetailResponse> {
  return api.get<ThreadDetailResponse>(`/api/threads/${threadId}`, { signal });
}

const scope = (folderId?: number) => (folderId === undefined ? '' : `?folderId=${folderId}`);

/**
 * Applies to every message of the thread, or only to those in `inFolderId`
 * (ChitBox extension to the contract).
 */
export async function updateThread(threadId: number, patch: UpdateMessageRequest, inFolderId?: number): Promise<ThreadDto> {
  return (await api.patch<{ thread: ThreadDto }>(`/api/threads/${threadId}${scope(inFolderId)}`, patch)).thread;
}

/** To Trash, or for good when already there; only the copies in `inFolderId` when given. */
export function deleteThread(threadId: number, inFolderId?: number): Promise<void> {
  return api.delete(`/api/threads/${threadId}${scope(inFolderId)}`);
}

export async function updateMessage(messageId: number, patch: UpdateMessageRequest) {
  return (await api.patch<MessageResponse>(`/api/messages/${messageId}`, patch)).message;
}

export function deleteMessage(messageId: number): Promise<void> {
  return api.delete(`/api/messages/${messageId}`);
}

export function fetchAttachment(attachmentId: number): Promise<Blob> {
  return api.getBlob(`/api/attachments/${attachmentId}`);
}
