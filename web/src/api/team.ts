// The team, invitations and password-reset links.
import { del, get, patch, post, type Page } from './client';
import type { components } from './schema';
import type { Role } from './session';

type Schemas = components['schemas'];
/** A teammate; `invited` until they join (inviting the e-mail again replaces the invitation). */
export type User = Schemas['User'];
/** A one-time link that sets a password: an invitation, or a reset for a teammate who forgot theirs. */
export type Link = Schemas['Link'];
export type UserPatch = Schemas['UserPatch'];

export const users = () => get<Page<User>>('/api/users');
export const invite = (email: string, name: string, role: Role) => post<Link>('/api/users', { json: { email, name, role } });
export const updateUser = (email: string, body: UserPatch) => patch<User>('/api/users/{email}', { params: { email }, json: body });
/** A fresh link for the teammate; any earlier one stops working. */
export const issueLink = (email: string) => post<Link>('/api/users/{email}/invite', { params: { email } });
/** Kills the teammate's outstanding link. */
export const revokeLink = (email: string) => del<null>('/api/users/{email}/invite', { params: { email } });
