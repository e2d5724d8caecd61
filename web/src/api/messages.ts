// The timeline, sends and retries.
import { get, post, type Page } from './client';

export type Delivery = 'queued' | 'sending' | 'sent' | 'delivered' | 'read' | 'failed';
export interface Estimate {
  category: string;
  free: boolean;
  amount_minor: number;
  currency: string;
}
export interface Message {
  id: string;
  direction: 'in' | 'out';
  type: string;
  text: string | null;
  status: Delivery | null;
  at: string;
  content: Record<string, unknown> | null;
  context: Record<string, unknown> | null;
  referral: Record<string, unknown> | null;
  errors: unknown;
  pricing: unknown;
  attempts?: number | null;
  outcome_unknown?: boolean;
  estimate?: Estimate | null;
}
export interface SendBody {
  type: 'text' | 'template';
  text?: string;
  template?: { name: string; language: string; params: string[] };
  context?: { message_id: string };
}
export interface SendResult {
  id?: string;
  replayed?: boolean;
  estimate?: Estimate | null;
}

export const PAGE = 200;

export const messagesPage = (id: string, cursor: string | null) =>
  get<Page<Message>>('/api/contacts/{id}/messages', { params: { id }, query: { limit: PAGE, cursor } });
export const send = (id: string, body: SendBody, key: string) =>
  post<SendResult>('/api/contacts/{id}/messages', { params: { id }, json: body, headers: { 'idempotency-key': key } });
export const retry = (id: string) => post<null>('/api/messages/{id}/retry', { params: { id } });
