import { formatClock } from '../../../pages/shared/format.ts';
import { LivePreview } from './live-preview.tsx';
import { LoadError, Section } from './section.tsx';
import type { HealthState, StreamHealth } from './use-stream-health.ts';

/** A keyframe interval above this makes segments (and latency) long: the page suggests 1 s. */
const LONG_GOP_SEC = 2;
/** No media for this long while "live": the encoder is stalling or its link is failing. */
const STALL_MS = 2000;

const SOURCE_NAMES: Record<StreamHealth['source'], string> = { rtmp: 'RTMP', whip: 'WHIP', pipe: 'a pipe' };

function measuring(value: number | null, show: (v: number) => string): string {
  return value === null ? 'measuring…' : show(value);
}

function audioText(audio: StreamHealth['audio']): string {
  if (!audio) return 'none';
  const name = audio.codec.startsWith('mp4a') ? 'AAC' : audio.codec === 'opus' ? 'Opus' : audio.codec;
  const rate = audio.sampleRate ? `, ${audio.sampleRate / 1000} kHz` : '';
  const channels = audio.channels === 1 ? ', mono' : audio.channels === 2 ? ', stereo' : '';
  return `${name}${rate}${channels}`;
}

/** The ingest's numbers, each with a warning when it is outside what gives low latency. */
export function StreamHealthView({ health }: { readonly health: StreamHealth }) {
  const droppedShare =
    health.videoFrames + health.droppedFrames === 0
      ? 0
      : (health.droppedFrames / (health.videoFrames + health.droppedFrames)) * 100;
  const longGop = health.keyframeIntervalSec !== null && health.keyframeIntervalSec > LONG_GOP_SEC;
  const stalled = health.lastMediaAgoMs !== null && health.lastMediaAgoMs > STALL_MS;
  return (
    <>
      <dl className="health" aria-label="Stream health">
        <div>
          <dt>Bitrate</dt>
          <dd data-metric="bitrate" data-value={health.bitrateKbps ?? ''}>
            {measuring(health.bitrateKbps, (v) => `${v.toLocaleString()} kbps`)}
            {health.videoKbps !== null && health.audioKbps !== null && (
              <small className="muted">
                video {health.videoKbps.toLocaleString()} + audio {health.audioKbps.toLocaleString()}
              </small>
            )}
          </dd>
        </div>
        <div>
          <dt>Frame rate</dt>
          <dd data-metric="fps" data-value={health.fps ?? ''}>
            {measuring(health.fps, (v) => `${v} fps`)}
            {health.nominalFps !== null && <small className="muted">encoder says {health.nominalFps}</small>}
          </dd>
        </div>
        <div>
          <dt>Keyframe interval</dt>
          <dd data-metric="keyframe-interval" data-value={health.keyframeIntervalSec ?? ''}>
            {measuring(health.keyframeIntervalSec, (v) => `${v} s`)}
            {longGop && <small className="warn">Set 1 s in OBS for the lowest latency.</small>}
          </dd>
        </div>
        <div>
          <dt>Dropped frames</dt>
          <dd data-metric="dropped" data-value={health.droppedFrames}>
            {health.droppedFrames.toLocaleString()}
            <small className="muted">
              {droppedShare.toFixed(1)} % of {(health.videoFrames + health.droppedFrames).toLocaleString()}
            </small>
          </dd>
        </div>
        <div>
          <dt>Video</dt>
          <dd data-metric="video">
            {health.video ? `${health.video.width}×${health.video.height}` : 'none'}
            {health.video && <small className="muted">{health.video.codec}</small>}
          </dd>
        </div>
        <div>
          <dt>Audio</dt>
          <dd data-metric="audio">{audioText(health.audio)}</dd>
        </div>
      </dl>
      {stalled && (
        <p className="warn" role="alert">
          No data from your encoder for {Math.round((health.lastMediaAgoMs ?? 0) / 1000)} s: check its connection.
        </p>
      )}
      <p className="muted small">
        Rates over the last {health.measuredSec || '…'} s, measured by Glint as your stream arrives. Dropped frames are
        gaps in the video’s timeline: frames the encoder skipped or that never arrived.
      </p>
    </>
  );
}

export interface LiveSectionProps {
  readonly channel: string;
  readonly health: HealthState;
  /** The platform's view: a broadcast still on air (the reconnect grace) while no encoder sends. */
  readonly broadcastOnAir: boolean;
  readonly viewers: number | null;
  readonly onRetry: () => void;
}

/** Live or not, the preview, and the stream's health while live. */
export function LiveSection({ channel, health, broadcastOnAir, viewers, onRetry }: LiveSectionProps) {
  const live = health.phase === 'live';
  let badge: string;
  let line: string;
  if (live) {
    badge = 'LIVE';
    line = `Receiving your stream over ${SOURCE_NAMES[health.health.source]} for ${formatClock(health.health.uptimeSec)}`;
    if (viewers !== null) line += ` · ${viewers.toLocaleString()} watching`;
  } else if (health.phase === 'offline' && broadcastOnAir) {
    badge = 'Reconnecting';
    line = 'Your encoder disconnected: the broadcast ends in a few seconds unless it comes back.';
  } else if (health.phase === 'offline') {
    badge = 'Offline';
    line =
      'Start streaming with the settings below: the preview and your stream’s health show here once video arrives.';
  } else if (health.phase === 'loading') {
    badge = '…';
    line = 'Checking whether you are live…';
  } else {
    badge = 'Unknown';
    line = '';
  }
  return (
    <Section id="live" title="Live" wide>
      <p className="live-status" data-testid="live-status" data-phase={health.phase}>
        <span className={live ? 'status-badge on' : 'status-badge'}>{badge}</span> <span>{line}</span>
      </p>
      {health.phase === 'error' && (
        <LoadError message={health.message} unreachable={health.unreachable} onRetry={onRetry} />
      )}
      <div className="live-grid">
        {live ? (
          <LivePreview channel={channel} />
        ) : (
          <div className="preview preview-off" aria-hidden="true">
            <span>Preview appears when you are live</span>
          </div>
        )}
        <div className="health-panel">
          <h3>Stream health</h3>
          {live ? (
            <StreamHealthView health={health.health} />
          ) : (
            <p className="muted">
              Bitrate, frame rate, keyframe interval and dropped frames show here while you are live.
            </p>
          )}
        </div>
      </div>
    </Section>
  );
}
