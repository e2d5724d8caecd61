// Business numbers: every staff member reads them, admins set them up.
import { del, get, put } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
/** A number and what admins set up for it (`profile` null: nothing yet). */
export type BusinessNumber = Schemas['BusinessNumber'];
export type NumberProfile = Schemas['NumberProfile'];
export type NumberProfileEdit = Schemas['NumberProfileEdit'];
export type BusinessNumberList = Schemas['BusinessNumberList'];

export const numbers = () => get<BusinessNumberList>('/api/numbers');
/** 409 when someone else changed it since `expected_updated_at`; 422 on a bad field or owner. */
export const saveNumber = (id: string, body: NumberProfileEdit) =>
  put<BusinessNumber>('/api/numbers/{id}', { params: { id }, json: body });
/** Forgets the set-up (the number stays, by its id); 409 when it changed meanwhile. */
export const removeNumber = (id: string, updatedAt: number) =>
  del<null>('/api/numbers/{id}', { params: { id }, query: { updated_at: updatedAt } });

/** A WhatsApp Business Account the numbers belong to, and which token serves it. */
export type Account = Schemas['Account'];
export type AccountList = Schemas['AccountList'];

/** Admins only: the accounts, the deployment's own first. */
export const accounts = () => get<AccountList>('/api/accounts');
/** Gives an account its own access token (never shown again); 422 when it is not a token. */
export const setAccountToken = (wabaId: string, token: string) =>
  put<null>('/api/accounts/{waba_id}/token', { params: { waba_id: wabaId }, json: { token } });
/** The stack's system-user token serves the account again. */
export const removeAccountToken = (wabaId: string) =>
  del<null>('/api/accounts/{waba_id}/token', { params: { waba_id: wabaId } });
