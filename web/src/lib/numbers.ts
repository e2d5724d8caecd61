// The business numbers, read once per sign-in: the inbox names each by what
// admins called it ("Sales", "Support") instead of Meta's id.
import { signal } from '@preact/signals';
import * as numbersApi from '../api/numbers';
import type { BusinessNumber } from '../api/numbers';
import { onReset } from './session';

export const businessNumbers = signal<BusinessNumber[]>([]);

let loading: Promise<void> | null = null;

/** Loads the list (once; again after `setBusinessNumbers` or sign-out). */
export function loadBusinessNumbers(): Promise<void> {
  loading ??= numbersApi
    .numbers()
    .then((list) => {
      businessNumbers.value = list.items;
    })
    .catch(() => {
      loading = null;
    });
  return loading;
}

export function setBusinessNumbers(list: BusinessNumber[]): void {
  businessNumbers.value = list;
}

/** What staff call number `id`, else its id. */
export function numberLabel(id: string): string {
  return businessNumbers.value.find((n) => n.phone_number_id === id)?.profile?.name ?? id;
}

onReset(() => {
  loading = null;
  businessNumbers.value = [];
});
