// Logging a call answered here: through the inbox's store when its contact
// is the open conversation (the note joins the timeline at once), else
// straight to the API, since the agent may have moved on to someone else.
import { ApiError, SignedOut } from '../api/client';
import * as contactsApi from '../api/contacts';
import type { NewCallLog } from '../api/contacts';
import { t } from '../i18n';
import { logCall, state } from '../inbox/store';

export type LogCall = typeof logCall;

export function logFor(contactId: string): LogCall {
  return async (body: NewCallLog) => {
    if (state.selectedId === contactId) return logCall(body);
    try {
      return { logged: await contactsApi.logCall(contactId, body) };
    } catch (e) {
      if (e instanceof SignedOut) return { error: '' };
      return { error: e instanceof ApiError ? e.message : t('app.unreachable') };
    }
  };
}
