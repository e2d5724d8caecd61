// Logging a call answered here: through the inbox's store when its contact
// is the open conversation (the note joins the timeline at once), else
// straight to the API, since the agent may have moved on to someone else.
import { SignedOut } from '../api/client';
import * as contactsApi from '../api/contacts';
import type { NewCallLog } from '../api/contacts';
import { logCall, state } from '../inbox/store';
import { errorText } from '../lib/errorText';

export type LogCall = typeof logCall;

export function logFor(contactId: string): LogCall {
  return async (body: NewCallLog) => {
    if (state.selectedId === contactId) return logCall(body);
    try {
      return { logged: await contactsApi.logCall(contactId, body) };
    } catch (e) {
      if (e instanceof SignedOut) return { error: '' };
      return { error: errorText(e) };
    }
  };
}
