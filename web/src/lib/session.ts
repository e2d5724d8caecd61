// Who is signed in. A sign-in or sign-out bumps `generation`, so answers to
// requests from before it are dropped.

import { signal } from '@preact/signals';
import { whenSignedOut } from '../api/client';
import * as sessionApi from '../api/session';
import type { Me } from '../api/session';
import { t } from '../i18n';

export const user = signal<Me | null>(null);
/** False until /api/me has answered once. */
export const booted = signal(false);
/** Shown on the sign-in form (an ended session, an unreachable API). */
export const signInMessage = signal('');

let generationValue = 0;
export const generation = () => generationValue;

type Hook = () => void;
const resetHooks: Hook[] = [];
/** Runs on every sign-in and sign-out: each store forgets its data. */
export function onReset(hook: Hook): void {
  resetHooks.push(hook);
}

function reset(): void {
  generationValue++;
  for (const hook of resetHooks) hook();
}

export function signedIn(me: Me): void {
  reset();
  signInMessage.value = '';
  user.value = me;
}

export function signedOut(message = ''): void {
  reset();
  user.value = null;
  signInMessage.value = message;
  booted.value = true;
}

export const isManager = () => user.value?.role === 'manager' || user.value?.role === 'admin';
export const isAdmin = () => user.value?.role === 'admin';

whenSignedOut(() => {
  if (user.value) signedOut(t('signin.ended'));
});

export async function boot(): Promise<void> {
  try {
    signedIn(await sessionApi.me());
  } catch (e) {
    const status = (e as { status?: number }).status;
    if (status === undefined && !(e instanceof Error && e.message === 'signed out')) signedOut(t('signin.unreachable'));
    else signedOut(status && status !== 401 ? t('signin.unavailable', { message: (e as Error).message }) : '');
  } finally {
    booted.value = true;
  }
}
