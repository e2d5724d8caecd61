// Business hours per WhatsApp number: read by all staff, set by admins.
import { del, get, put } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type BusinessHours = Schemas['BusinessHours'];
export type Interval = Schemas['Interval'];
export type Holiday = Schemas['Holiday'];
/** A number and its hours; `hours` null means none set (always open). */
export type NumberHours = Schemas['NumberHours'];
export type BusinessHoursList = Schemas['BusinessHoursList'];

export const businessHours = () => get<BusinessHoursList>('/api/business/hours');
/** 422 with the reason when the hours do not validate. */
export const saveBusinessHours = (number: string, body: BusinessHours) =>
  put<NumberHours>('/api/business/hours/{number}', { params: { number }, json: body });
/** Back to "no hours set": the number counts as always open. */
export const clearBusinessHours = (number: string) =>
  del<NumberHours>('/api/business/hours/{number}', { params: { number } });
