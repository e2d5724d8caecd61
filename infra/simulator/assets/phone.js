// The caller's side of a WhatsApp call, for `make dev`: an RTCPeerConnection
// whose offer goes to Parley through the simulator, as Meta's would.
(() => {
  const byId = (id) => document.getElementById(id);
  const state = byId('state');
  const callButton = byId('call');
  const hangUpButton = byId('hang-up');
  let pc = null;
  let mic = null;
  let callId = null;
  let polling = 0;

  const show = (text) => { state.textContent = text; };

  function gathered(peer) {
    if (peer.iceGatheringState === 'complete') return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => { if (peer.iceGatheringState === 'complete') resolve(); };
      peer.addEventListener('icegatheringstatechange', done);
      setTimeout(resolve, 3000);
    });
  }

  function end(text) {
    clearInterval(polling);
    mic?.getTracks().forEach((t) => t.stop());
    pc?.close();
    pc = null;
    callId = null;
    callButton.disabled = false;
    hangUpButton.disabled = true;
    show(text);
  }

  async function poll() {
    if (!callId) return;
    const res = await fetch(`/sim/calls/${encodeURIComponent(callId)}`);
    if (!res.ok) return;
    const call = await res.json();
    if (call.answer_sdp && pc && !pc.currentRemoteDescription) {
      await pc.setRemoteDescription({ type: 'answer', sdp: call.answer_sdp });
    }
    if (call.state === 'accepted') show('Connected');
    if (call.state === 'rejected') end('The business declined');
    if (call.state === 'terminated') end('The business hung up');
  }

  callButton.addEventListener('click', async () => {
    callButton.disabled = true;
    show('Calling…');
    try {
      mic = await navigator.mediaDevices.getUserMedia({ audio: true });
      pc = new RTCPeerConnection();
      mic.getTracks().forEach((t) => pc.addTrack(t, mic));
      pc.ontrack = (e) => { byId('remote').srcObject = e.streams[0]; };
      await pc.setLocalDescription(await pc.createOffer());
      await gathered(pc);
      const res = await fetch('/sim/customer/call', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ from: byId('from').value, name: byId('name').value, offer_sdp: pc.localDescription.sdp }),
      });
      const answer = await res.json();
      if (!res.ok) throw new Error(`Parley answered HTTP ${res.status}`);
      callId = answer.call_id;
      hangUpButton.disabled = false;
      show('Ringing at the business…');
      polling = setInterval(() => { poll().catch(() => {}); }, 500);
    } catch (e) {
      end(`Could not call: ${e.message}`);
    }
  });

  hangUpButton.addEventListener('click', async () => {
    if (callId) await fetch(`/sim/calls/${encodeURIComponent(callId)}/hang_up`, { method: 'POST' });
    end('You hung up');
  });
})();
