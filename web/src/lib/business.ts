// The business profile and rate card, read once per sign-in: money is shown
// in the business's currency and the estimate priced with the API's card.
import { signal } from '@preact/signals';
import * as businessApi from '../api/business';
import type { BusinessProfile, RateCard, RateCardLine } from '../api/business';
import { onReset } from './session';

/** Until the API answers: the defaults the API itself applies. */
const DEFAULTS: BusinessProfile = { name: '', country: 'IN', currency: 'INR', time_zone: 'Asia/Kolkata', phone_number_id: null, state: null, tax_id: null, address: '', read_receipts: true, typing_indicator: true, configured: false };

export const business = signal<BusinessProfile>(DEFAULTS);
export const rates = signal<RateCard | null>(null);

let loading: Promise<void> | null = null;

/** Loads the profile and the rate card (once; again after `refreshBusiness`). */
export function loadBusiness(): Promise<void> {
  loading ??= Promise.all([businessApi.businessProfile(), businessApi.rateCard()])
    .then(([profile, card]) => {
      business.value = profile;
      rates.value = card;
    })
    .catch(() => {
      loading = null;
    });
  return loading;
}

export function setBusiness(profile: BusinessProfile): void {
  business.value = profile;
}

/** The card for a customer's `wa_id`: the longest matching calling-code prefix, else the fallback. */
export function cardFor(waId: string | null | undefined): RateCardLine | null {
  const card = rates.value;
  if (!card) return null;
  let best: string | null = null;
  for (const prefix of Object.keys(card.by_prefix)) {
    if (waId?.startsWith(prefix) && (best === null || prefix.length > best.length)) best = prefix;
  }
  return best === null ? card.fallback : card.by_prefix[best] ?? card.fallback;
}

onReset(() => {
  loading = null;
  business.value = DEFAULTS;
  rates.value = null;
});
