// What the call desk shows, as signals: the call under way in this browser,
// the call waiting to be logged, and what went wrong. They live here, in the
// main bundle, so the desk can show a call while the WebRTC code (session.ts)
// loads on the first Answer, and so a call outlives a change of screen.
import { signal } from '@preact/signals';
import { onReset } from '../lib/session';

export interface LiveCall {
  contactId: string;
  callId: string;
  name: string;
  /** `answering` until the API says Meta took the browser's answer. */
  phase: 'answering' | 'live';
  /** The RTCPeerConnection's connectionState. */
  connection: RTCPeerConnectionState;
  /** When the audio first connected (the call's measured length starts here). */
  connectedAt: number | null;
  muted: boolean;
  remote: MediaStream | null;
}

export interface CallToLog {
  contactId: string;
  callId: string;
  name: string;
  /** How long it was connected, measured here; null when it never connected. */
  seconds: number | null;
}

export const live = signal<LiveCall | null>(null);
export const toLog = signal<CallToLog | null>(null);
export const info = signal('');
export const failure = signal('');
/**
 * Calls this browser answered or declined: the list can still show them
 * ringing unanswered for a moment (until the live feed catches up), and
 * the bar must not come back for them.
 */
export const handled = signal<ReadonlySet<string>>(new Set());

export function markHandled(callId: string): void {
  handled.value = new Set([...handled.value, callId]);
}

export function unmarkHandled(callId: string): void {
  const next = new Set(handled.value);
  next.delete(callId);
  handled.value = next;
}

let infoTimer = 0;
/** A passing word (a call logged): it goes by itself. */
export function say(text: string): void {
  info.value = text;
  clearTimeout(infoTimer);
  infoTimer = window.setTimeout(() => {
    info.value = '';
  }, 8_000);
}

onReset(() => {
  live.value = null;
  toLog.value = null;
  info.value = '';
  failure.value = '';
  handled.value = new Set();
});
