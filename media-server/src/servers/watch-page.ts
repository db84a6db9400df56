/**
 * The bare watch page: LL-HLS through hls.js in low-latency mode, or WebRTC through WHEP, each with the latency it
 * can measure, and a retry loop while the channel is offline. The React app replaces it in a later issue.
 * `?mode=webrtc` opens on WebRTC.
 */
export function watchPage(channelId: string, scriptNonce: string): string {
  const id = encodeURIComponent(channelId);
  const src = `/live/${id}/index.m3u8`;
  const whep = `/whep/${id}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(channelId)} · Glint</title>
<style nonce="${scriptNonce}">
  body { margin: 0; background: #0e0e10; color: #efeff1; font: 15px system-ui, sans-serif; }
  main { max-width: 1280px; margin: 0 auto; padding: 16px; }
  video { width: 100%; aspect-ratio: 16 / 9; background: #000; }
  .bar { display: flex; gap: 24px; align-items: baseline; padding: 8px 0; }
  .live { color: #eb0400; font-weight: 700; }
  .muted { color: #adadb8; }
  button.mode[aria-pressed="true"] { outline: 2px solid #bf94ff; }
  button { background: #9147ff; color: white; border: 0; padding: 6px 12px; border-radius: 4px; cursor: pointer; }
</style>
</head>
<body>
<main>
  <video id="video" muted autoplay playsinline controls></video>
  <div class="bar">
    <strong>${escapeHtml(channelId)}</strong>
    <span id="status" class="muted">connecting…</span>
    <span>latency <strong id="latency">–</strong> <span id="latency-kind" class="muted"></span></span>
    <button class="mode" id="mode-webrtc" type="button">WebRTC (sub-second)</button>
    <button class="mode" id="mode-llhls" type="button">LL-HLS</button>
    <button id="unmute" type="button">Unmute</button>
  </div>
</main>
<script nonce="${scriptNonce}" src="/vendor/hls.min.js"></script>
<script nonce="${scriptNonce}">
  const video = document.getElementById('video');
  const statusEl = document.getElementById('status');
  const latencyEl = document.getElementById('latency');
  const kindEl = document.getElementById('latency-kind');
  document.getElementById('unmute').onclick = () => { video.muted = false; video.play(); };
  let mode = new URLSearchParams(location.search).get('mode') === 'webrtc' ? 'webrtc' : 'llhls';
  let hls = null;
  let whep = null;
  let retry = null;
  window.glintPlayer = { get mode() { return mode; }, get hls() { return hls; }, get whep() { return whep; } };

  function setStatus(text, live) { statusEl.textContent = text; statusEl.className = live ? 'live' : 'muted'; }
  function later(fn) { clearTimeout(retry); retry = setTimeout(fn, 2000); }

  function stop() {
    clearTimeout(retry);
    if (hls) { hls.destroy(); hls = null; window.hls = undefined; }
    if (whep) {
      whep.pc.close();
      if (whep.location) fetch(whep.location, { method: 'DELETE' }).catch(() => {});
      whep = null;
    }
    video.srcObject = null;
    video.removeAttribute('src');
    latencyEl.textContent = '–';
  }

  function startHls() {
    hls = new Hls({ lowLatencyMode: true, backBufferLength: 30, maxLiveSyncPlaybackRate: 1.5 });
    window.hls = hls;
    kindEl.textContent = '(hls.js, behind the live edge)';
    hls.on(Hls.Events.MANIFEST_PARSED, () => { setStatus('LIVE', true); video.play().catch(() => {}); });
    hls.on(Hls.Events.ERROR, (_e, data) => {
      if (!data.fatal) return;
      setStatus(data.type === 'networkError' ? 'offline — waiting for the stream' : 'error: ' + data.details, false);
      later(() => { stop(); start(); });
    });
    hls.loadSource(${JSON.stringify(src)});
    hls.attachMedia(video);
  }

  async function startWebrtc() {
    kindEl.textContent = '(receive buffer + network)';
    const pc = new RTCPeerConnection();
    const session = { pc, location: null };
    whep = session;
    pc.addTransceiver('video', { direction: 'recvonly' });
    pc.addTransceiver('audio', { direction: 'recvonly' });
    const stream = new MediaStream();
    pc.ontrack = (e) => { stream.addTrack(e.track); video.srcObject = stream; video.play().catch(() => {}); };
    pc.onconnectionstatechange = () => {
      if (pc.connectionState === 'connected') setStatus('LIVE', true);
      if (pc.connectionState === 'failed' || pc.connectionState === 'closed') {
        if (whep === session) { setStatus('disconnected — retrying', false); later(() => { stop(); start(); }); }
      }
    };
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((resolve) => {
      if (pc.iceGatheringState === 'complete') return resolve();
      pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && resolve());
      setTimeout(resolve, 2000);
    });
    const res = await fetch(${JSON.stringify(whep)}, {
      method: 'POST', headers: { 'Content-Type': 'application/sdp' }, body: pc.localDescription.sdp,
    }).catch(() => null);
    if (whep !== session) return;
    if (!res || res.status !== 201) {
      setStatus(res && res.status === 404 ? 'offline — waiting for the stream' : 'WebRTC unavailable (' + (res ? res.status : 'network') + ')', false);
      later(() => { stop(); start(); });
      return;
    }
    session.location = new URL(res.headers.get('Location'), location.href).href;
    await pc.setRemoteDescription({ type: 'answer', sdp: await res.text() });
  }

  async function webrtcLatency(pc) {
    let buffer = null;
    let rtt = 0;
    (await pc.getStats()).forEach((r) => {
      if (r.type === 'inbound-rtp' && r.kind === 'video' && r.jitterBufferEmittedCount > 0) {
        buffer = r.jitterBufferDelay / r.jitterBufferEmittedCount;
      }
      if (r.type === 'candidate-pair' && r.nominated && r.currentRoundTripTime !== undefined) rtt = r.currentRoundTripTime;
    });
    return buffer === null ? null : buffer + rtt / 2;
  }

  function start() {
    for (const m of ['webrtc', 'llhls']) document.getElementById('mode-' + m).setAttribute('aria-pressed', String(m === mode));
    setStatus('connecting…', false);
    if (mode === 'webrtc') startWebrtc(); else startHls();
  }
  function choose(m) { if (m !== mode) { mode = m; stop(); start(); } }
  document.getElementById('mode-webrtc').onclick = () => choose('webrtc');
  document.getElementById('mode-llhls').onclick = () => choose('llhls');

  setInterval(async () => {
    let seconds = null;
    if (hls && Number.isFinite(hls.latency) && hls.latency > 0) seconds = hls.latency;
    if (whep) seconds = await webrtcLatency(whep.pc);
    if (seconds !== null) latencyEl.textContent = seconds.toFixed(2) + ' s';
  }, 500);

  if (mode === 'llhls' && !(window.Hls && Hls.isSupported())) mode = 'webrtc';
  start();
</script>
</body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
