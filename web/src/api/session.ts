// Sign-in, sign-out, who is signed in, one's own password, and accepting an
// invitation or reset link.
import { get, post } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type Me = Schemas['SignedIn'];
export type Role = Me['role'];
/** The shortest password the API accepts. */
export const MIN_PASSWORD = 10;

export const me = () => get<Me>('/api/me');
export const login = (email: string, password: string) => post<Me>('/api/login', { json: { email, password } });
export const logout = () => post<null>('/api/logout');
/** Sets the password a link is for (an invitation or a reset); the link then works no more. */
export const acceptInvite = (token: string, password: string, name: string) =>
  post<Schemas['LinkAccepted']>('/api/invites/accept', { json: { token, password, name: name.trim() || null } });
/** Changes one's own password; every other session of theirs ends. */
export const changePassword = (current_password: string, new_password: string) =>
  post<Schemas['PasswordChanged']>('/api/me/password', { json: { current_password, new_password } });
