/**
 * The watch page's quality menu: a labelled <select> ("Auto" and one entry per rendition) and a readout of the
 * rendition on screen with its bitrate. It drives any QualityControl (hls.js today); with none, or with a single
 * rendition, the select is hidden and the readout stays.
 */
import type { QualityControl, QualityState } from '../../hls/quality-control.ts';

export interface QualityMenu {
  /** Shows `control`'s renditions (null: the mode has no choice to offer, e.g. WebRTC for now). */
  attach(control: QualityControl | null): void;
}

const AUTO = 'auto';

export function qualityMenu(select: HTMLSelectElement, wrapper: HTMLElement, readout: HTMLElement): QualityMenu {
  let control: QualityControl | null = null;
  let unsubscribe = () => {};
  let shownOptions = '';

  const render = (state: QualityState) => {
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
    control.choose(select.value === AUTO ? AUTO : Number(select.value));
  });

  return {
    attach(next) {
      unsubscribe();
      control = next;
      shownOptions = '';
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
