// Consent: a contact's opt-in as staff record it, and the business's
// consent settings (strict mode, keywords per language).
import { get, post, put } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type Consent = Schemas['Consent'];
export type ConsentInput = Schemas['ConsentInput'];
export type ConsentSettings = Schemas['ConsentSettings'];
export type ConsentPolicy = Schemas['ConsentPolicy'];
export type KeywordLanguage = Schemas['KeywordLanguage'];
export type ConsentCategory = Consent['categories'][number];

export const recordConsent = (id: string, body: ConsentInput) => post<Consent>('/api/contacts/{id}/consent', { params: { id }, json: body });
export const consentSettings = () => get<ConsentSettings>('/api/business/consent');
export const saveConsentSettings = (body: ConsentPolicy) => put<ConsentSettings>('/api/business/consent', { json: body });
