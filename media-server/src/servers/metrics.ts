import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { LadderStats } from '../transcode/ladder/index.ts';
import type { ArchiveStats } from '../vod/vod.ts';

/** The media server's Prometheus metrics, in one registry served at /metrics. */
export function createMetrics(sources: {
  liveStreams: () => number;
  blockedRequests: () => number;
  webrtcViewers: () => number;
  /** Viewers per live channel, by protocol. */
  viewers: () => readonly { channel: string; llhls: number; webrtc: number }[];
  rtmpRefusedConnections: () => { readonly overTotal: number; readonly overPerIp: number };
  /** Each live channel's transcoding ladder (none when the ladder is `source`). */
  ladders?: () => readonly { channel: string; stats: LadderStats }[];
  /** The VOD archive's health. */
  archive?: () => ArchiveStats;
}) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'glint_' });
  const liveStreams = new Gauge({
    name: 'glint_live_streams',
    help: 'Streams being published right now',
    registers: [registry],
    collect() {
      this.set(sources.liveStreams());
    },
  });
  const blocked = new Gauge({
    name: 'glint_blocked_playlist_requests',
    help: 'LL-HLS requests held open until a part or playlist update exists',
    registers: [registry],
    collect() {
      this.set(sources.blockedRequests());
    },
  });
  const webrtcViewers = new Gauge({
    name: 'glint_webrtc_viewers',
    help: 'WHEP viewers connected right now',
    registers: [registry],
    collect() {
      this.set(sources.webrtcViewers());
    },
  });
  const viewers = new Gauge({
    name: 'glint_viewers',
    help: 'Concurrent viewers per live channel: WHEP peers, and LL-HLS players seen in the last 4–8 s',
    labelNames: ['channel', 'protocol'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const channel of sources.viewers()) {
        this.set({ channel: channel.channel, protocol: 'llhls' }, channel.llhls);
        this.set({ channel: channel.channel, protocol: 'webrtc' }, channel.webrtc);
      }
    },
  });
  // Read from each ladder at scrape time.
  const ladderGauge = (name: string, help: string, read: (stats: LadderStats) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['channel'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const { channel, stats } of sources.ladders?.() ?? []) this.set({ channel }, read(stats));
      },
    });
  ladderGauge('glint_ladder_rungs', 'Transcoded renditions running per channel', (s) => s.rungs);
  ladderGauge(
    'glint_ladder_realtime_factor',
    'Rung media made per wall-clock second (1 keeps up; below 1 the ladder falls behind and sheds its top rung)',
    (s) => s.realtimeFactor,
  );
  ladderGauge(
    'glint_ladder_lag_ms',
    'Source media written to the ladder minus its slowest rung out, ms',
    (s) => s.lagMs,
  );
  ladderGauge(
    'glint_ladder_restarts',
    "The ladder's ffmpeg restarts after a failure, this broadcast",
    (s) => s.restarts,
  );
  ladderGauge(
    'glint_ladder_shed_rungs',
    'Rungs given up because ffmpeg could not keep up, this broadcast',
    (s) => s.shedRungs,
  );
  const ingestBytes = new Counter({
    name: 'glint_ingest_bytes_total',
    help: 'Media payload bytes received from publishers (rate() gives the ingest bitrate)',
    labelNames: ['channel', 'protocol'] as const,
    registers: [registry],
  });
  const parts = new Counter({
    name: 'glint_llhls_parts_total',
    help: 'LL-HLS parts produced',
    labelNames: ['channel'] as const,
    registers: [registry],
  });
  // Counted by the RTMP server itself; read at scrape time (reset + inc keeps it a monotonic counter).
  const rtmpRefusedConnections = new Counter({
    name: 'glint_rtmp_refused_connections_total',
    help: 'RTMP connections closed on arrival because the total or per-address cap was reached',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      const refused = sources.rtmpRefusedConnections();
      this.reset();
      this.inc({ reason: 'over_total' }, refused.overTotal);
      this.inc({ reason: 'over_per_address' }, refused.overPerIp);
    },
  });
  const publishRefusals = new Counter({
    name: 'glint_publish_refusals_total',
    help: 'Publish attempts refused, by reason code',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'glint_archive_queued_bytes',
    help: 'Segment bytes waiting for the archive disk (at the limit, segments are skipped)',
    registers: [registry],
    collect() {
      this.set(sources.archive?.().queuedBytes ?? 0);
    },
  });
  new Gauge({
    name: 'glint_archive_last_error_timestamp_seconds',
    help: 'When the archive last failed to write (0: never since start)',
    registers: [registry],
    collect() {
      this.set((sources.archive?.().lastError?.atMs ?? 0) / 1000);
    },
  });
  // Counted by the archiver; read at scrape time (reset + inc keeps each a monotonic counter).
  const archiveCounter = (name: string, help: string, read: (stats: ArchiveStats) => number) =>
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const stats = sources.archive?.();
        this.reset();
        if (stats) this.inc(read(stats));
      },
    });
  archiveCounter('glint_archive_segments_total', 'Segments archived (stored and indexed)', (s) => s.writtenSegments);
  archiveCounter('glint_archive_bytes_total', 'Segment bytes archived', (s) => s.writtenBytes);
  archiveCounter(
    'glint_archive_skipped_segments_total',
    'Segments not archived: the queue was full or the write failed (the VOD has a discontinuity there)',
    (s) => s.skippedSegments,
  );
  archiveCounter(
    'glint_archive_failed_writes_total',
    'Archive writes that failed (disk full, I/O error)',
    (s) => s.failedWrites,
  );
  const httpDuration = new Histogram({
    name: 'glint_http_request_duration_seconds',
    help: 'HTTP response time by route and status (blocking playlist requests include the time they were held)',
    labelNames: ['route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5],
    registers: [registry],
  });
  return {
    registry,
    liveStreams,
    blocked,
    webrtcViewers,
    viewers,
    rtmpRefusedConnections,
    ingestBytes,
    parts,
    publishRefusals,
    httpDuration,
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
