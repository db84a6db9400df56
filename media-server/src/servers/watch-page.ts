/**
 * The bare watch page: hls.js in low-latency mode, the latency it reports, and a retry loop while the channel is
 * offline. The React app replaces it in a later issue.
 */
export function watchPage(channelId: string): string {
  const src = `/live/${encodeURIComponent(channelId)}/index.m3u8`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(channelId)} · Glint</title>
<style>
  body { margin: 0; background: #0e0e10; color: #efeff1; font: 15px system-ui, sans-serif; }
  main { max-width: 1280px; margin: 0 auto; padding: 16px; }
  video { width: 100%; aspect-ratio: 16 / 9; background: #000; }
  .bar { display: flex; gap: 24px; align-items: baseline; padding: 8px 0; }
  .live { color: #eb0400; font-weight: 700; }
  .muted { color: #adadb8; }
  button { background: #9147ff; color: white; border: 0; padding: 6px 12px; border-radius: 4px; cursor: pointer; }
</style>
</head>
<body>
<main>
  <video id="video" muted autoplay playsinline controls></video>
  <div class="bar">
    <strong>${escapeHtml(channelId)}</strong>
    <span id="status" class="muted">connecting…</span>
    <span>latency <strong id="latency">–</strong></span>
    <span class="muted">LL-HLS</span>
    <button id="unmute" type="button">Unmute</button>
  </div>
</main>
<script src="/vendor/hls.min.js"></script>
<script>
  const video = document.getElementById('video');
  const statusEl = document.getElementById('status');
  const latencyEl = document.getElementById('latency');
  document.getElementById('unmute').onclick = () => { video.muted = false; video.play(); };
  let hls = null;
  function start() {
    if (hls) hls.destroy();
    hls = new Hls({ lowLatencyMode: true, backBufferLength: 30, maxLiveSyncPlaybackRate: 1.5 });
    window.hls = hls;
    hls.on(Hls.Events.MANIFEST_PARSED, () => { statusEl.textContent = 'LIVE'; statusEl.className = 'live'; video.play().catch(() => {}); });
    hls.on(Hls.Events.ERROR, (_e, data) => {
      if (!data.fatal) return;
      statusEl.textContent = data.type === 'networkError' ? 'offline — waiting for the stream' : 'error: ' + data.details;
      statusEl.className = 'muted';
      setTimeout(start, 2000);
    });
    hls.loadSource(${JSON.stringify(src)});
    hls.attachMedia(video);
  }
  setInterval(() => {
    if (hls && Number.isFinite(hls.latency) && hls.latency > 0) latencyEl.textContent = hls.latency.toFixed(2) + ' s';
  }, 500);
  if (window.Hls && Hls.isSupported()) start();
  else if (video.canPlayType('application/vnd.apple.mpegurl')) { video.src = ${JSON.stringify(src)}; }
  else statusEl.textContent = 'this browser cannot play HLS';
</script>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
