/**
 * The quality menu: a labelled <select> ("Auto" and one entry per rendition) and a readout of the rendition on
 * screen with its bitrate. It drives any QualityControl (hls.js' levels, WHEP's layers); with none, or with a single
 * rendition, the select is hidden and the readout stays. A rendition the viewer picked is picked again when a new
 * control comes (a retry, a switch between LL-HLS and WebRTC): by its label, else by its resolution.
 */
import { useEffect, useRef, useState } from 'react';
import type { QualityControl, QualityState } from '../../../hls/quality-control.ts';

const AUTO = 'auto';

interface Wanted {
  readonly label: string;
  readonly resolution: string;
}

export function QualityMenu({ control }: { readonly control: QualityControl | null }) {
  const [state, setState] = useState<QualityState | null>(null);
  /** The viewer's last pick (null: Auto); kept across controls. */
  const wanted = useRef<Wanted | null>(null);
  /** Whether the current control has been given that pick (or the viewer chose on it). */
  const reapplied = useRef(false);

  useEffect(() => {
    reapplied.current = false;
    if (!control) {
      setState(null);
      return;
    }
    const render = (given: QualityState) => {
      const pick = wanted.current;
      if (!reapplied.current && pick && given.chosen === AUTO && given.options.length > 0) {
        reapplied.current = true;
        const match =
          given.options.find((o) => o.label === pick.label) ??
          (pick.resolution ? given.options.find((o) => o.resolution === pick.resolution) : undefined);
        if (match) control.choose(match.index);
      }
      // Reapplying changed the choice: show what holds now.
      setState(control.state());
    };
    const unsubscribe = control.onChange(render);
    render(control.state());
    return unsubscribe;
  }, [control]);

  const choose = (value: string) => {
    if (!control) return;
    const choice = value === AUTO ? AUTO : Number(value);
    const option = control.state().options.find((o) => o.index === choice);
    wanted.current = option ? { label: option.label, resolution: option.resolution } : null;
    reapplied.current = true;
    control.choose(choice);
  };

  const options = state?.options ?? [];
  const playing = state?.playing ?? null;
  const readout = playing ? [playing.resolution, playing.bitrate].filter(Boolean).join(' · ') || playing.label : '–';
  return (
    <>
      <span className="rendition">
        <span className="visually-hidden">playing </span>
        <strong id="rendition" aria-live="polite" data-level={playing ? String(playing.index) : ''}>
          {readout}
        </strong>
      </span>
      <label id="quality-menu" hidden={options.length < 2}>
        Quality{' '}
        <select
          id="quality"
          value={state && state.chosen !== AUTO ? String(state.chosen) : AUTO}
          onChange={(event) => choose(event.target.value)}
        >
          {state && <option value={AUTO}>Auto</option>}
          {options.map((o) => (
            <option key={`${o.index}:${o.label}`} value={String(o.index)}>
              {o.label}
            </option>
          ))}
        </select>
      </label>
    </>
  );
}
