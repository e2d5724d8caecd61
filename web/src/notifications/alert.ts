// While a tab is open and the person opted in: a short tone made with
// WebAudio (no asset to load) and a browser notification.
import { t } from '../i18n';
import { alertsOn } from './store';

function tone(): void {
  const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctx) return;
  const ctx = new Ctx();
  const osc = ctx.createOscillator();
  const gain = ctx.createGain();
  osc.frequency.value = 880;
  gain.gain.setValueAtTime(0.15, ctx.currentTime);
  gain.gain.exponentialRampToValueAtTime(0.001, ctx.currentTime + 0.25);
  osc.connect(gain).connect(ctx.destination);
  osc.start();
  osc.stop(ctx.currentTime + 0.25);
  osc.onended = () => void ctx.close();
}

/** Alerts once for new notifications, if the person opted in. */
export function alertNew(): void {
  if (!alertsOn.value) return;
  try {
    tone();
  } catch {
    /* no audio device: the badge still shows */
  }
  if ('Notification' in window && Notification.permission === 'granted') {
    new Notification('Parley', { body: t('bell.new'), tag: 'parley-notifications' });
  }
}

/** Asks the browser for permission (from a click), then remembers the choice. */
export async function askPermission(): Promise<boolean> {
  if (!('Notification' in window)) return true;
  if (Notification.permission === 'granted') return true;
  return (await Notification.requestPermission()) === 'granted';
}
