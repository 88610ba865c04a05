import { request } from './http.ts';
import type { AgentStatus, List, Role, User } from './types.ts';

export interface NewUserInput {
  email: string;
  name: string;
  password: string;
  role: Role;
  skillIds: string[];
  capacity: number;
}

export interface UserPatch {
  name?: string;
  role?: Role;
  skillIds?: string[];
  capacity?: number;
  status?: AgentStatus;
  password?: string;
  /** Required with `password` when changing one's own. */
  currentPassword?: string;
}

export async function listUsers(): Promise<User[]> {
  return (await request<List<User>>('GET', '/api/v1/users')).items;
}

export function createUser(input: NewUserInput): Promise<User> {
  return request('POST', '/api/v1/users', { body: input });
}

export function updateUser(id: string, patch: UserPatch): Promise<User> {
  return request('PATCH', `/api/v1/users/${encodeURIComponent(id)}`, { body: patch });
}

export function deleteUser(id: string): Promise<void> {
  return request('DELETE', `/api/v1/users/${encodeURIComponent(id)}`);
}
