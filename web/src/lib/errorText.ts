// What an error line says of a failed call: the API's refusal in its own
// words, or that Parley could not be reached (any other failure).
import { ApiError } from '../api/client';
import { t } from '../i18n';

export const errorText = (e: unknown): string => (e instanceof ApiError ? e.message : t('app.unreachable'));
