// Lead sources: where forms and other systems post leads, each with its
// secret, pipeline, owner, tags and mapping, and the Facebook Lead Ads and
// IndiaMART feeds Parley reads itself, and WhatsApp Flows whose completed
// forms become leads (managers and admins).
import { del, get, post, put, type Page } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type LeadSource = Schemas['LeadSource'];
export type LeadSourceEntry = Schemas['LeadSourceEntry'];
export type LeadOwner = Schemas['LeadOwner'];
export type LeadAuth = Schemas['LeadAuth'];
export type LeadFeed = Schemas['LeadFeed'];
export type FlowForm = Schemas['FlowForm'];
export type FlowLaunch = Schemas['FlowLaunch'];

/** The id a source fed by a provider must have; `undefined` for posted sources. */
export const FIXED_ID: Partial<Record<LeadAuth, string>> = { facebook_lead_ads: 'facebook_lead_ads', indiamart: 'indiamart' };
/** True for a source whose leads are posted to its URL with its secret (not fed by a provider or a WhatsApp Flow). */
export const isPosted = (auth: LeadAuth): boolean => auth === 'hmac' || auth === 'bearer';

export const leadSources = () => get<Page<LeadSourceEntry>>('/api/lead_sources');
/** The forms (WhatsApp Flows of lead sources) anyone can send from the composer. */
export const flowForms = () => get<Page<FlowForm>>('/api/flow_forms');
export const saveLeadSource = (source: LeadSource) => put<LeadSourceEntry>('/api/lead_sources/{id}', { params: { id: source.id }, json: source });
export const rotateLeadSecret = (id: string) => post<LeadSourceEntry>('/api/lead_sources/{id}/rotate', { params: { id }, json: {} });
export const deleteLeadSource = (id: string) => del<null>('/api/lead_sources/{id}', { params: { id } });
