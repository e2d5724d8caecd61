// The business profile, the rate card, new contacts by phone and read markers.
import { get, post, put } from './client';
import type { Contact } from './contacts';
import type { components } from './schema';

type Schemas = components['schemas'];
export type BusinessProfile = Schemas['BusinessProfile'];
export type BusinessProfileInput = Schemas['BusinessProfileInput'];
export type RateCardLine = Schemas['RateCardLine'];
export type RateCard = Schemas['RateCard'];
export type ReadMarker = Schemas['ReadMarker'];
export type Typing = Schemas['Typing'];

export const businessProfile = () => get<BusinessProfile>('/api/business');
export const saveBusinessProfile = (body: BusinessProfileInput) => put<BusinessProfile>('/api/business', { json: body });
export const rateCard = () => get<RateCard>('/api/rate_card');
/** Replaces the business's own prices; the card as estimates now price. */
export const saveRateCard = (overrides: RateCard['overrides']) => put<RateCard>('/api/rate_card', { json: overrides });
export type NewLead = Schemas['NewContact'];
/** 201 with a new contact, 200 with the one the number already has (its tags added to, a missing source set). */
export const addContact = (lead: NewLead) => post<Contact>('/api/contacts', { json: lead });
export const markRead = (id: string) => post<ReadMarker>('/api/contacts/{id}/read', { params: { id }, json: {} });
/** Shows "typing…" to the customer (and marks their latest message read). */
export const typing = (id: string) => post<Typing>('/api/contacts/{id}/typing', { params: { id } });
