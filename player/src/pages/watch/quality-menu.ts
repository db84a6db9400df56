/**
 * The watch page's quality menu: a labelled <select> ("Auto" and one entry per rendition) and a readout of the
 * rendition on screen with its bitrate. It drives any QualityControl (hls.js' levels, WHEP's layers); with none, or with a single
 * rendition, the select is hidden and the readout stays. A rendition the viewer picked is picked again when a new
 * player comes (a retry, a return from WebRTC): by its label, else by its resolution.
 */
import type { QualityControl, QualityState } from '../../hls/quality-control.ts';

export interface QualityMenu {
  /** Shows `control`'s renditions (null: no player yet, nothing to offer). */
  attach(control: QualityControl | null): void;
}

const AUTO = 'auto';

export function qualityMenu(select: HTMLSelectElement, wrapper: HTMLElement, readout: HTMLElement): QualityMenu {
  let control: QualityControl | null = null;
  let unsubscribe = () => {};
  let shownOptions = '';
  /** The viewer's last pick (null: Auto), and whether this control has been given it. */
  let wanted: { label: string; resolution: string } | null = null;
  let reapplied = false;

  const reapply = (state: QualityState) => {
    if (reapplied || !control || !wanted || state.chosen !== AUTO || state.options.length === 0) return;
    reapplied = true;
    const { label, resolution } = wanted;
    const match =
      state.options.find((o) => o.label === label) ??
      (resolution ? state.options.find((o) => o.resolution === resolution) : undefined);
    if (match) control.choose(match.index);
  };

  const render = (given: QualityState) => {
    reapply(given);
    // Reapplying changed the choice (and rendered it already): show what holds now.
    const state = control ? control.state() : given;
    // Rebuild the list only when it changed, so an open menu is not reset by every level switch.
    const key = state.options.map((o) => `${o.index}:${o.label}`).join('|');
    if (key !== shownOptions) {
      shownOptions = key;
      const items = [new Option('Auto', AUTO)];
      for (const option of state.options) items.push(new Option(option.label, String(option.index)));
      select.replaceChildren(...items);
    }
    wrapper.hidden = state.options.length < 2;
    select.value = state.chosen === AUTO ? AUTO : String(state.chosen);
    const playing = state.playing;
    readout.textContent = playing
      ? [playing.resolution, playing.bitrate].filter(Boolean).join(' · ') || playing.label
      : '–';
    readout.dataset.level = playing ? String(playing.index) : '';
  };

  select.addEventListener('change', () => {
    if (!control) return;
    const choice = select.value === AUTO ? AUTO : Number(select.value);
    const option = control.state().options.find((o) => o.index === choice);
    wanted = option ? { label: option.label, resolution: option.resolution } : null;
    reapplied = true;
    control.choose(choice);
  });

  return {
    attach(next) {
      unsubscribe();
      control = next;
      shownOptions = '';
      reapplied = false;
      if (!next) {
        select.replaceChildren();
        wrapper.hidden = true;
        readout.textContent = '–';
        readout.dataset.level = '';
        unsubscribe = () => {};
        return;
      }
      unsubscribe = next.onChange(render);
      render(next.state());
    },
  };
}
