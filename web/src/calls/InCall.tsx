// The call under way: who, for how long, mute and hang up. The customer's
// voice plays through an <audio> element fed the peer connection's stream.
import { useEffect, useRef, useState } from 'preact/hooks';
import { Icon } from '../components/Icon';
import { t } from '../i18n';
import type { Key } from '../i18n/en';
import { hangUp, toggleMute } from './session';
import type { LiveCall } from './state';

/** "04:07", "1:02:09". */
export function clock(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const pad = (n: number) => String(n).padStart(2, '0');
  const mmss = `${pad(Math.floor(s / 60) % 60)}:${pad(s % 60)}`;
  return s >= 3600 ? `${Math.floor(s / 3600)}:${mmss}` : mmss;
}

function stateKey(call: LiveCall): Key {
  if (call.phase === 'answering') return 'calls.connecting';
  if (call.connection === 'connected') return 'calls.connected';
  return call.connectedAt === null ? 'calls.connecting' : 'calls.reconnecting';
}

export function InCall({ call }: { call: LiveCall }) {
  const audio = useRef<HTMLAudioElement>(null);
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((n) => n + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  useEffect(() => {
    if (audio.current) audio.current.srcObject = call.remote;
  }, [call.remote]);
  const [busy, setBusy] = useState(false);
  return (
    <section class="in-call" data-testid="in-call" data-connection={call.connection} data-phase={call.phase} aria-labelledby="in-call-name">
      <audio ref={audio} autoplay />
      <div class="in-call-head">
        <Icon name="phone" class="icon call-icon" />
        <div class="in-call-who">
          <p class="in-call-name" id="in-call-name" data-testid="in-call-name">{t('calls.inCall', { name: call.name })}</p>
          <p class="in-call-state" role="status" data-testid="in-call-state">{t(stateKey(call))}</p>
        </div>
        <time class="in-call-timer" data-testid="in-call-timer">{clock(call.connectedAt === null ? 0 : Date.now() - call.connectedAt)}</time>
      </div>
      <div class="call-actions">
        <button type="button" class="button button--small button--secondary" data-testid="call-mute" data-muted={call.muted ? 'true' : 'false'}
          disabled={call.phase !== 'live'} onClick={toggleMute}>
          <Icon name="mic" class="icon icon--tiny" />{call.muted ? t('calls.unmute') : t('calls.mute')}
        </button>
        <button type="button" class="button button--small button--danger" data-testid="call-hang-up" disabled={busy}
          onClick={async () => {
            setBusy(true);
            try {
              await hangUp();
            } finally {
              setBusy(false);
            }
          }}>{t('calls.hangUp')}</button>
      </div>
    </section>
  );
}
