// A screen part's error line: an API refusal shows its message, an
// unreachable API says so, and a sign-out is left to the sign-in form.
import { useState } from 'preact/hooks';
import { SignedOut } from '../api/client';
import { errorText } from './errorText';

export const useError = () => {
  const [error, setError] = useState('');
  const fail = (e: unknown) => {
    if (!(e instanceof SignedOut)) setError(errorText(e));
  };
  return [error, setError, fail] as const;
};
