// The call desk, over every screen: customers' WhatsApp calls ringing (on
// the inbox, where the live feed keeps the contacts current), the call under
// way, and its log once it ends. The call itself survives a change of screen.
import { lazy, Suspense } from 'preact/compat';
import { useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../i18n';
import { ownerLabel, state } from '../inbox/store';
import { displayName } from '../inbox/model';
import { route } from '../lib/router';
import { user } from '../lib/session';
import { IncomingCall } from './IncomingCall';
import { answeredByOthers, unanswered } from './ringing';
import { failure, handled, info, live, toLog } from './state';

// WebRTC and the call log load with the first answered call.
const InCall = lazy(() => import('./InCall').then((m) => m.InCall));
const AfterCall = lazy(() => import('./AfterCall').then((m) => m.AfterCall));

/** How long "Answered by …" stays after a teammate takes a call that rang here. */
const TAKEN_MS = 4_000;

/** Re-renders every second while `on`: a call stops ringing 90 s on without a word from the API. */
function useTicking(on: boolean): void {
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!on) return;
    const timer = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, [on]);
}

/** "Answered by Neha" for calls that rang here and a teammate took, for a few seconds. */
function useTaken(onInbox: boolean, ringingIds: string[], now: number): { id: string; text: string }[] {
  const rang = useRef(new Set<string>());
  const taken = useRef(new Map<string, { text: string; at: number }>());
  for (const id of ringingIds) rang.current.add(id);
  if (onInbox) {
    for (const { contact, call } of answeredByOthers(state.contacts.values(), user.value?.email ?? null)) {
      if (!rang.current.has(call.call_id) || taken.current.has(call.call_id)) continue;
      taken.current.set(call.call_id, { text: t('calls.answeredBy', { name: displayName(contact), who: ownerLabel(call.answered_by) }), at: now });
    }
  }
  return [...taken.current].filter(([, x]) => now - x.at < TAKEN_MS).map(([id, x]) => ({ id, text: x.text }));
}

export function CallDesk() {
  const onInbox = route.value.name === 'inbox';
  const now = Date.now();
  const rings = onInbox ? unanswered(state.contacts.values(), now, handled.value).filter((r) => r.call.call_id !== live.value?.callId) : [];
  const taken = useTaken(onInbox, rings.map((r) => r.call.call_id), now);
  useTicking(rings.length > 0 || taken.length > 0);
  const call = live.value;
  const log = toLog.value;
  // The live regions stay on the page, empty, so what they later say is announced.
  return (
    <div class="call-desk" data-testid="call-desk">
      {rings.map((r) => <IncomingCall ring={r} key={r.call.call_id} />)}
      <div class="call-taken-list" role="status">
        {taken.map((x) => <p class="call-taken" data-testid="call-taken" key={x.id}>{x.text}</p>)}
      </div>
      {call || log ? (
        <Suspense fallback={call ? <p class="call-loading">{t('calls.connecting')}</p> : null}>
          {call ? <InCall call={call} /> : null}
          {log ? <AfterCall call={log} /> : null}
        </Suspense>
      ) : null}
      <p class="call-info" role="status" data-testid="call-info">{info.value}</p>
      <div class="call-failure" role="alert" data-testid="call-failure">
        {failure.value ? (
          <>
            <span>{failure.value}</span>
            <button type="button" class="link-button" data-testid="call-failure-dismiss" onClick={() => { failure.value = ''; }}>{t('calls.dismiss')}</button>
          </>
        ) : null}
      </div>
    </div>
  );
}
