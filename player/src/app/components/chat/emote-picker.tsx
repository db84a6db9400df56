import { type KeyboardEvent, type RefObject, useEffect, useRef } from 'react';
import { gridMove } from './grid-move.ts';
import type { EmoteChoice } from './use-emotes.ts';

/** Columns of the grid (the CSS says the same): the arrow keys move by one, up and down by a row. */
export const PICKER_COLUMNS = 6;

interface EmotePickerProps {
  readonly id: string;
  readonly choices: readonly EmoteChoice[];
  readonly onPick: (code: string) => void;
  readonly onClose: () => void;
  /** The button that opened it (a click there is not a click outside). */
  readonly opener: RefObject<HTMLButtonElement | null>;
}

/**
 * The emote picker: a dialog with a grid of emote buttons, focus on the first when it opens. Arrows move through the
 * grid, Home and End to either end, Enter or a click inserts the emote's code, Escape or a click outside closes it.
 */
export function EmotePicker({ id, choices, onPick, onClose, opener }: EmotePickerProps) {
  const box = useRef<HTMLDivElement>(null);

  useEffect(() => {
    box.current?.querySelector<HTMLButtonElement>('button')?.focus();
    const outside = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!box.current?.contains(target) && !opener.current?.contains(target)) onClose();
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [onClose, opener]);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      onClose();
      opener.current?.focus();
      return;
    }
    const buttons = [...(box.current?.querySelectorAll<HTMLButtonElement>('button.emote-choice') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    const to = gridMove(event.key, at, buttons.length, PICKER_COLUMNS);
    if (to === null) return;
    event.preventDefault();
    buttons[to]?.focus();
  };

  return (
    <div ref={box} id={id} className="emote-picker" role="dialog" aria-label="Emotes" onKeyDown={onKeyDown}>
      {choices.length === 0 ? (
        <p className="muted">No emotes to choose from.</p>
      ) : (
        <div className="emote-grid">
          {choices.map((emote, i) => (
            <button
              key={emote.id}
              type="button"
              className="emote-choice"
              // One tab stop for the grid; the arrows move inside it.
              tabIndex={i === 0 ? 0 : -1}
              aria-label={emote.subscriberOnly ? `${emote.code} (subscribers)` : emote.code}
              title={emote.code}
              onClick={() => onPick(emote.code)}
            >
              <img src={emote.url} alt="" width={28} height={28} />
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
