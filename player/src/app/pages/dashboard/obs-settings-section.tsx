import { CopyField } from './copy-field.tsx';
import { Section } from './section.tsx';

/** Glint's RTMP ingest port (GLINT_RTMP_PORT's default; README "Streaming from OBS"). */
export const RTMP_PORT = 1935;

/** The encoder settings README "Streaming from OBS" recommends, as OBS names them. */
const OUTPUT_SETTINGS: readonly (readonly [string, string])[] = [
  ['Encoder', 'x264, or a hardware H.264 encoder'],
  ['Rate control', 'CBR'],
  ['Keyframe interval', '1 s (segments are cut at keyframes: 1 s keeps latency near one second)'],
  ['Profile', 'high or main'],
  ['Tune', 'zerolatency (optional: Glint handles B-frames either way)'],
  ['Audio', 'AAC, 48 kHz'],
];

function KeyHint({
  shownKey,
  label,
  use,
}: {
  readonly shownKey: string | null;
  readonly label: string;
  readonly use: string;
}) {
  if (shownKey) return <CopyField label={label} value={shownKey} copyName={`Copy ${label.toLowerCase()} for ${use}`} />;
  return (
    <p className="copy-field">
      <span className="label-text">{label}</span>
      <span className="muted">your stream key (shown once, when you make it under “Stream key”)</span>
    </p>
  );
}

/** What to type into OBS for RTMP and for WHIP, each with a copy button, and the output settings to choose. */
export function ObsSettingsSection({
  channel,
  shownKey,
}: {
  readonly channel: string;
  readonly shownKey: string | null;
}) {
  const rtmpServer = `rtmp://${location.hostname}:${RTMP_PORT}/live`;
  const whipServer = `${location.origin}/whip/${channel}`;
  return (
    <Section id="obs" title="OBS settings">
      <div className="obs-columns">
        <div>
          <h3>RTMP (any OBS)</h3>
          <p className="muted">Settings → Stream → Service: Custom…</p>
          <CopyField label="Server" value={rtmpServer} testId="rtmp-server" />
          <KeyHint shownKey={shownKey} label="Stream Key" use="RTMP" />
        </div>
        <div>
          <h3>WHIP (OBS 30 or later, lowest latency)</h3>
          <p className="muted">Settings → Stream → Service: WHIP</p>
          <CopyField label="WHIP server" value={whipServer} testId="whip-server" />
          <KeyHint shownKey={shownKey} label="Bearer Token" use="WHIP" />
          <p className="muted">OBS sends H.264 without B-frames and Opus over WHIP.</p>
        </div>
      </div>
      <h3>Output settings</h3>
      <dl className="settings-list">
        {OUTPUT_SETTINGS.map(([name, value]) => (
          <div key={name}>
            <dt>{name}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">
        A wrong key is refused before any media flows, with the reason in OBS’s log. If the encoder drops and comes back
        within a few seconds, viewers continue where they were.
      </p>
    </Section>
  );
}
