// After a WhatsApp call answered here: its log, filled in with what the
// browser knows (connected, how long), for the agent to add notes and when
// to call again: the dialer flow, for calls that came in.
import { t } from '../i18n';
import { CallLogForm } from '../inbox/CallLogForm';
import { logFor } from './log';
import { say, toLog, type CallToLog } from './state';

export function AfterCall({ call }: { call: CallToLog }) {
  return (
    <section class="after-call" data-testid="after-call" data-contact-id={call.contactId} aria-labelledby="after-call-title">
      <h2 class="after-call-title" id="after-call-title">{t('calls.logTitle', { name: call.name })}</h2>
      <CallLogForm key={call.callId} idPrefix="after-call" outcome={call.seconds === null ? undefined : 'connected'}
        durationSeconds={call.seconds ?? undefined} log={logFor(call.contactId)}
        onCancel={() => { toLog.value = null; }}
        onLogged={(message) => { toLog.value = null; say(message); }} />
    </section>
  );
}
