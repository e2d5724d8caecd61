// The timeline, sends and retries.
import { get, post, type Page } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type Estimate = Schemas['Estimate'];
export type Message = Schemas['Message'];
export type Delivery = NonNullable<Message['status']>;
export type SendBody = Schemas['Send'];
export type SendResult = Schemas['Queued'];
export type ReplyEstimate = Schemas['ReplyEstimate'];

export const PAGE = 200;

export const messagesPage = (id: string, cursor: string | null) =>
  get<Page<Message>>('/api/contacts/{id}/messages', { params: { id }, query: { limit: PAGE, cursor } });
export const send = (id: string, body: SendBody, key: string) =>
  post<SendResult>('/api/contacts/{id}/messages', { params: { id }, json: body, headers: { 'idempotency-key': key } });
export const retry = (id: string) => post<Schemas['Requeued']>('/api/messages/{id}/retry', { params: { id } });
/** Whether a reply sent now is billed, priced by the server's rate card. */
export const replyEstimate = (id: string) => get<ReplyEstimate>('/api/contacts/{id}/reply_estimate', { params: { id } });
