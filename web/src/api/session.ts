// Sign-in, sign-out, who is signed in, and accepting an invitation.
import { get, post } from './client';

export type Role = 'admin' | 'manager' | 'agent';
export interface Me {
  email: string;
  role: Role;
}

export const me = () => get<Me>('/api/me');
export const login = (email: string, password: string) => post<Me>('/api/login', { json: { email, password } });
export const logout = () => post<null>('/api/logout');
export const acceptInvite = (token: string, password: string) =>
  post<{ email: string; active: boolean }>('/api/invites/accept', { json: { token, password } });
