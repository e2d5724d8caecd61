// One customer's WhatsApp call ringing: who, and Answer or Decline.
import { useState } from 'preact/hooks';
import { declineCall } from '../api/calls';
import { ApiError, SignedOut } from '../api/client';
import { Icon } from '../components/Icon';
import { t } from '../i18n';
import { displayName, secondaryLine } from '../inbox/model';
import { navigate } from '../lib/router';
import type { Ring } from './ringing';
import { failure, live, markHandled, unmarkHandled } from './state';
import { errorText } from '../lib/errorText';

async function decline({ contact, call }: Ring): Promise<void> {
  failure.value = '';
  markHandled(call.call_id);
  try {
    await declineCall(String(contact.id), call.call_id);
  } catch (e) {
    // Already over (the customer gave up, a teammate took it): nothing left to decline.
    if (e instanceof SignedOut || (e instanceof ApiError && e.status === 410)) return;
    unmarkHandled(call.call_id);
    failure.value = t('calls.declineFailed', { message: errorText(e) });
  }
}

export function IncomingCall({ ring }: { ring: Ring }) {
  const [loading, setLoading] = useState(false);
  const name = displayName(ring.contact);
  const sub = secondaryLine(ring.contact);
  const answer = async () => {
    setLoading(true);
    // The caller's conversation opens, so their history is in view while talking.
    navigate({ name: 'inbox', contact: String(ring.contact.id) });
    try {
      const session = await import('./session');
      await session.answer(ring.contact, ring.call);
    } catch {
      failure.value = t('app.unreachable');
    } finally {
      setLoading(false);
    }
  };
  return (
    <div class="incoming-call" role="alert" data-testid="incoming-call" data-call-id={ring.call.call_id} data-contact-id={String(ring.contact.id)}>
      <Icon name="phone" class="icon call-icon call-icon--ringing" />
      <div class="incoming-call-who">
        <p class="incoming-call-name" data-testid="incoming-call-name">{name}</p>
        <p class="incoming-call-what">{sub ? `${t('calls.incoming')} · ${sub}` : t('calls.incoming')}</p>
      </div>
      <div class="call-actions">
        <button type="button" class="button button--small button--primary" data-testid="call-answer" disabled={loading || live.value !== null}
          aria-label={t('calls.answerLabel', { name })} onClick={answer}>{t('calls.answer')}</button>
        <button type="button" class="button button--small button--danger" data-testid="call-decline" disabled={loading}
          aria-label={t('calls.declineLabel', { name })} onClick={() => void decline(ring)}>{t('calls.decline')}</button>
      </div>
    </div>
  );
}
