// Outbound webhooks (administrators): subscriptions, the delivery log,
// redelivery and test events.
import { del, get, patch, post, type Page } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
/** A subscription; never its secret. */
export type Webhook = Schemas['Webhook'];
/** Creation and rotation answers: the only ones carrying the signing secret. */
export type WebhookWithSecret = Schemas['WebhookWithSecret'];
export type WebhookDelivery = Schemas['WebhookDelivery'];
export type WebhookAttempt = Schemas['WebhookAttempt'];
export type NewWebhook = Schemas['NewWebhook'];
export type WebhookPatch = Schemas['WebhookPatch'];
export type EventType = Webhook['kinds'][number];

/** Every event type, in the schema's order (the compiler checks each name). */
export const EVENT_TYPES: readonly EventType[] = [
  'message.received',
  'message.status_changed',
  'message.priced',
  'message.sent_from_phone_app',
  'conversation.assigned',
  'conversation.closed',
  'deal.created',
  'deal.stage_changed',
  'task.created',
  'task.done',
  'contact.created',
  'contact.merged',
  'rule.executed',
  'quote.sent',
  'quote.accepted',
  'quote.declined',
  'quote.invoiced',
  'quote.paid',
  'call.ringing',
  'call.answered',
];

export const webhooks = () => get<Page<Webhook>>('/api/webhooks');
export const createWebhook = (body: NewWebhook) => post<WebhookWithSecret>('/api/webhooks', { json: body });
export const updateWebhook = (id: string, body: WebhookPatch) => patch<Webhook>('/api/webhooks/{id}', { params: { id }, json: body });
export const deleteWebhook = (id: string) => del<null>('/api/webhooks/{id}', { params: { id } });
export const rotateSecret = (id: string) => post<WebhookWithSecret>('/api/webhooks/{id}/secret', { params: { id } });
export const sendTest = (id: string) => post<WebhookDelivery>('/api/webhooks/{id}/test', { params: { id } });
export const deliveries = (id: string, cursor: string | null) =>
  get<Page<WebhookDelivery>>('/api/webhooks/{id}/deliveries', { params: { id }, query: { cursor } });
export const redeliver = (id: string, delivery: string) =>
  post<WebhookDelivery>('/api/webhooks/{id}/deliveries/{delivery}/redeliver', { params: { id, delivery } });
