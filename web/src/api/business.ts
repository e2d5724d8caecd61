// The business profile, the rate card, new contacts by phone and read markers.
import { get, post, put } from './client';
import type { Contact } from './contacts';

export interface BusinessProfile {
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** ISO 4217. */
  currency: string;
  /** IANA zone name. */
  time_zone: string;
  phone_number_id: string | null;
  /** False while the defaults apply. */
  configured: boolean;
}
export type BusinessProfileInput = Omit<BusinessProfile, 'configured'>;
export interface RateCardLine {
  currency: string;
  /** Minor units per delivered template, by category. */
  per_message: Record<string, number>;
}
export interface RateCard {
  by_prefix: Record<string, RateCardLine>;
  fallback: RateCardLine;
}
export interface ReadMarker {
  contact_id: string;
  read_through: string | null;
  unread: boolean;
}

export const businessProfile = () => get<BusinessProfile>('/api/business');
export const saveBusinessProfile = (body: BusinessProfileInput) => put<BusinessProfile>('/api/business', { json: body });
export const rateCard = () => get<RateCard>('/api/rate_card');
/** 201 with a new contact, 200 with the one the number already has. */
export const addContact = (phone: string, name: string | null) => post<Contact>('/api/contacts', { json: { phone, name } });
export const markRead = (id: string) => post<ReadMarker>('/api/contacts/{id}/read', { params: { id }, json: {} });
