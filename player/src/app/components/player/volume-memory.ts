/** The viewer's volume and mute, kept in localStorage so the next watch page starts where they left it. */

export interface VolumeSetting {
  /** 0 to 1. */
  readonly volume: number;
  readonly muted: boolean;
}

const KEY = 'glint.player.volume';
const DEFAULT: VolumeSetting = { volume: 1, muted: false };

export function readVolume(): VolumeSetting {
  try {
    const stored = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<VolumeSetting> | null;
    const volume = Number(stored?.volume);
    return {
      volume: Number.isFinite(volume) ? Math.min(1, Math.max(0, volume)) : DEFAULT.volume,
      muted: stored?.muted === true,
    };
  } catch {
    // Storage blocked (a privacy mode) or a value not ours: the defaults.
    return DEFAULT;
  }
}

export function saveVolume(setting: VolumeSetting): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ volume: setting.volume, muted: setting.muted }));
  } catch {
    // Storage full or blocked: the setting lasts for this page only.
  }
}
