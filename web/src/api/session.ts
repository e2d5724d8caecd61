// Sign-in, sign-out, who is signed in, one's own password, and accepting an
// invitation or reset link.
import { get, post } from './client';

export type Role = 'admin' | 'manager' | 'agent';
/** The shortest password the API accepts. */
export const MIN_PASSWORD = 10;
export interface Me {
  email: string;
  role: Role;
}

export const me = () => get<Me>('/api/me');
export const login = (email: string, password: string) => post<Me>('/api/login', { json: { email, password } });
export const logout = () => post<null>('/api/logout');
/** Sets the password a link is for (an invitation or a reset); the link then works no more. */
export const acceptInvite = (token: string, password: string) =>
  post<{ email: string; active: boolean }>('/api/invites/accept', { json: { token, password } });
/** Changes one's own password; every other session of theirs ends. */
export const changePassword = (current_password: string, new_password: string) =>
  post<{ email: string; password_changed: boolean }>('/api/me/password', { json: { current_password, new_password } });
