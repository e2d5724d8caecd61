// A customer's WhatsApp call answered in the browser. These requests only
// signal Meta; the call's audio flows between the browser and Meta.
import { post } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type RingingCall = Schemas['RingingCall'];
export type CallAnswer = Schemas['CallAnswer'];
export type CallAnswered = Schemas['CallAnswered'];
export type CallEnded = Schemas['CallEnded'];

const params = (id: string, callId: string) => ({ id, call_id: callId });

/** `sdp` must hold every ICE candidate: Meta takes no trickled ones. */
export const answerCall = (id: string, callId: string, sdp: string) =>
  post<CallAnswered>('/api/contacts/{id}/calls/{call_id}/answer', { params: params(id, callId), json: { sdp } satisfies CallAnswer });
export const declineCall = (id: string, callId: string) =>
  post<CallEnded>('/api/contacts/{id}/calls/{call_id}/decline', { params: params(id, callId) });
export const hangUpCall = (id: string, callId: string) =>
  post<CallEnded>('/api/contacts/{id}/calls/{call_id}/hang_up', { params: params(id, callId) });
