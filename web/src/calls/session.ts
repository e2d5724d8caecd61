// The WebRTC side of a WhatsApp call answered here: the microphone, one
// RTCPeerConnection to Meta, and the API requests that signal it. Loaded on
// the first Answer, so the main bundle carries none of it.
import { effect } from '@preact/signals';
import { answerCall, hangUpCall, type RingingCall } from '../api/calls';
import { ApiError, SignedOut } from '../api/client';
import type { Contact } from '../api/contacts';
import { t } from '../i18n';
import { displayName } from '../inbox/model';
import { fetchContact, ownerLabel, state } from '../inbox/store';
import { route } from '../lib/router';
import { onReset } from '../lib/session';
import { failure, live, markHandled, toLog, unmarkHandled, type LiveCall } from './state';
import { errorText } from '../lib/errorText';

/** Meta takes no trickled candidates, so the answer waits for gathering, but not for ever: host candidates come at once. */
const GATHER_MS = 3_000;
/** Away from the inbox the live feed is off: the contact is read this often to learn that the customer hung up. */
const WATCH_MS = 5_000;

let pc: RTCPeerConnection | null = null;
let mic: MediaStream | null = null;
let unwatch: (() => void) | null = null;
let watchTimer = 0;

const isCurrent = (callId: string) => live.value?.callId === callId;

function update(change: Partial<LiveCall>): void {
  const c = live.value;
  if (c) live.value = { ...c, ...change };
}

function release(): void {
  unwatch?.();
  unwatch = null;
  clearInterval(watchTimer);
  for (const track of mic?.getTracks() ?? []) track.stop();
  mic = null;
  if (pc) {
    pc.onconnectionstatechange = null;
    pc.ontrack = null;
    pc.close();
  }
  pc = null;
}

/** Ends the call in this browser; a call that was answered opens its log. */
function finish(log: boolean): LiveCall | null {
  const c = live.value;
  release();
  live.value = null;
  if (c && log) {
    const seconds = c.connectedAt === null ? null : Math.max(0, Math.round((Date.now() - c.connectedAt) / 1000));
    toLog.value = { contactId: c.contactId, callId: c.callId, name: c.name, seconds };
  }
  return c;
}

function gathered(peer: RTCPeerConnection): Promise<void> {
  if (peer.iceGatheringState === 'complete') return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, GATHER_MS);
    function done() {
      clearTimeout(timer);
      peer.removeEventListener('icegatheringstatechange', check);
      resolve();
    }
    function check() {
      if (peer.iceGatheringState === 'complete') done();
    }
    peer.addEventListener('icegatheringstatechange', check);
  });
}

function answerError(e: unknown): string {
  if (!(e instanceof ApiError)) return t('app.unreachable');
  switch (e.code) {
    case 'call_taken': {
      const by = e.detail.answered_by;
      return typeof by === 'string' ? t('calls.taken', { who: ownerLabel(by) }) : e.message;
    }
    case 'call_over':
      return t('calls.over');
    case 'meta_refused':
      return t('calls.refused', { message: e.message });
    default:
      return t('calls.answerFailed', { message: e.message });
  }
}

/** The customer hung up (Meta's terminate took the call off the contact), or the audio path died. */
function endedThere(callId: string, tellMeta: boolean): void {
  if (!isCurrent(callId)) return;
  const c = finish(true);
  // A dead connection may be ours alone: Meta is told, so the customer is not left on a silent line.
  if (tellMeta && c) hangUpCall(c.contactId, c.callId).catch(() => {});
}

/** Ends the call here when it leaves the contact; away from the inbox, asks for the contact now and then. */
function watch(contactId: string, callId: string): void {
  unwatch = effect(() => {
    const ringing = state.contacts.get(contactId)?.ringing;
    // Not from inside the effect: ending disposes it.
    if (ringing?.call_id !== callId) queueMicrotask(() => endedThere(callId, false));
  });
  watchTimer = window.setInterval(() => {
    if (route.value.name !== 'inbox') void fetchContact(contactId);
  }, WATCH_MS);
}

/** Answers `call`: the microphone, the peer connection, and the answer to Meta through the API. */
export async function answer(c: Contact, call: RingingCall): Promise<void> {
  if (live.value) return;
  const contactId = String(c.id);
  const callId = call.call_id;
  live.value = { contactId, callId, name: displayName(c), phase: 'answering', connection: 'new', connectedAt: null, muted: false, remote: null };
  failure.value = '';
  markHandled(callId);

  let stream: MediaStream;
  try {
    stream = await navigator.mediaDevices.getUserMedia({ audio: true });
  } catch {
    if (!isCurrent(callId)) return;
    finish(false);
    unmarkHandled(callId);
    failure.value = t('calls.micRefused');
    return;
  }
  if (!isCurrent(callId)) {
    for (const track of stream.getTracks()) track.stop();
    return;
  }
  mic = stream;
  const peer = new RTCPeerConnection();
  pc = peer;
  for (const track of stream.getAudioTracks()) peer.addTrack(track, stream);
  peer.ontrack = (e) => update({ remote: e.streams[0] ?? new MediaStream([e.track]) });
  peer.onconnectionstatechange = () => {
    const now = peer.connectionState;
    const at = live.value?.connectedAt ?? null;
    update({ connection: now, connectedAt: at ?? (now === 'connected' ? Date.now() : null) });
    if (now === 'failed' || now === 'closed') endedThere(callId, true);
  };

  try {
    await peer.setRemoteDescription({ type: 'offer', sdp: call.offer_sdp });
    await peer.setLocalDescription(await peer.createAnswer());
    await gathered(peer);
  } catch {
    if (!isCurrent(callId)) return;
    finish(false);
    unmarkHandled(callId);
    failure.value = t('calls.mediaFailed');
    return;
  }
  if (!isCurrent(callId)) return;

  try {
    await answerCall(contactId, callId, peer.localDescription?.sdp ?? '');
  } catch (e) {
    if (!isCurrent(callId)) return;
    finish(false);
    if (!(e instanceof SignedOut)) failure.value = answerError(e);
    return;
  }
  // Hung up while the answer was on its way: Meta has just accepted it, so it is ended there too.
  if (!isCurrent(callId)) {
    hangUpCall(contactId, callId).catch(() => {});
    return;
  }
  update({ phase: 'live' });
  watch(contactId, callId);
}

/** Hangs up the call under way (or gives up answering it). */
export async function hangUp(): Promise<void> {
  const c = live.value;
  if (!c) return;
  const answered = c.phase === 'live';
  finish(answered);
  // Before the API answered, answer() sees the call gone and ends it at Meta itself.
  if (!answered) return;
  try {
    await hangUpCall(c.contactId, c.callId);
  } catch (e) {
    if (e instanceof SignedOut || (e instanceof ApiError && e.code === 'call_over')) return;
    failure.value = t('calls.hangUpFailed', { message: errorText(e) });
  }
}

export function toggleMute(): void {
  const c = live.value;
  if (!c || !mic) return;
  const muted = !c.muted;
  for (const track of mic.getAudioTracks()) track.enabled = !muted;
  update({ muted });
}

// Signing out ends the call here; the API no longer takes this browser's requests.
onReset(release);
