// GET /api/search (CONTRACT.md "Search, import and export").
import type { SearchResponse } from '@contracts/api';
import { api } from '../../../lib/api';

export function searchMail(q: string, cursor: string | null, signal?: AbortSignal): Promise<SearchResponse> {
  const query = new URLSearchParams({ q, limit: '30' });
  if (cursor) query.set('cursor', cursor);
  return api.get<SearchResponse>(`/api/search?${query}`, { signal });
}
