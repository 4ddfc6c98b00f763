import type { AuthResponse, UserDto } from '@contracts/api';
import { api } from '../../../lib/api';

// Sign-in calls are unauthenticated: their 401 means "wrong password", not
// "session over", so they must not trigger the api client's sign-out.
export function login(email: string, password: string): Promise<AuthResponse> {
  return api.post<AuthResponse>('/api/auth/login', { email, password }, { auth: false });
}

export function register(email: string, password: string, name?: string): Promise<AuthResponse> {
  return api.post<AuthResponse>('/api/auth/register', { email, password, ...(name ? { name } : {}) }, { auth: false });
}

export async function fetchMe(): Promise<UserDto> {
  return (await api.get<{ user: UserDto }>('/api/auth/me')).user;
}
