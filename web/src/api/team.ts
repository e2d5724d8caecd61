// The team, invitations and password-reset links.
import { del, get, patch, post, type Page } from './client';
import type { Role } from './session';

export interface User {
  email: string;
  name: string;
  role: Role;
  active: boolean;
  available: boolean;
  /** Invited and not yet joined: inviting the e-mail again replaces the invitation. */
  invited: boolean;
}
/** A one-time link that sets a password: an invitation, or a reset for a teammate who forgot theirs. */
export interface Link {
  email: string;
  kind: 'invitation' | 'password_reset';
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
export const invite = (email: string, name: string, role: Role) => post<Link>('/api/users', { json: { email, name, role } });
export const updateUser = (email: string, body: UserPatch) => patch<User>('/api/users/{email}', { params: { email }, json: body });
/** A fresh link for the teammate; any earlier one stops working. */
export const issueLink = (email: string) => post<Link>('/api/users/{email}/invite', { params: { email } });
/** Kills the teammate's outstanding link. */
export const revokeLink = (email: string) => del<null>('/api/users/{email}/invite', { params: { email } });
