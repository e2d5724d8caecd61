// The team and invitations.
import { get, patch, post, type Page } from './client';
import type { Role } from './session';

export interface User {
  email: string;
  name: string;
  role: Role;
  active: boolean;
  available: boolean;
}
export interface Invitation {
  email: string;
  invite_path: string;
  token: string;
  expires_at: string;
}
export interface UserPatch {
  role?: Role;
  active?: boolean;
  available?: boolean;
  name?: string;
}

export const users = () => get<Page<User>>('/api/users');
export const invite = (email: string, name: string, role: Role) => post<Invitation>('/api/users', { json: { email, name, role } });
export const updateUser = (email: string, body: UserPatch) => patch<User>('/api/users/{email}', { params: { email }, json: body });
