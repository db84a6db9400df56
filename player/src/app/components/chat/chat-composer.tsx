import { type FormEvent, useCallback, useEffect, useId, useRef, useState } from 'react';
import { MAX_MESSAGE_CHARS } from './chat-protocol.ts';
import { formatWait } from './countdown.ts';
import { EmotePicker } from './emote-picker.tsx';
import { insertEmoteCode, messageLength } from './message-parts.ts';
import type { SendBlock } from './send-refusal.ts';
import type { EmoteChoice } from './use-emotes.ts';
import { useNow } from './use-now.ts';

interface ChatComposerProps {
  readonly block: SendBlock | null;
  readonly notice: { readonly text: string; readonly id: number } | null;
  readonly refused: { readonly text: string; readonly id: number } | null;
  /** A line about the room's modes for this user (e.g. subscribers only). */
  readonly hint: string | null;
  readonly emotes: readonly EmoteChoice[];
  readonly onSend: (text: string) => boolean;
}

/** Starts counting characters out loud this close to the limit. */
const COUNT_FROM = MAX_MESSAGE_CHARS - 50;

/**
 * The message input: at most 500 characters (said inline, never cut off), an emote picker, and while the user must
 * wait (a rate limit, slow mode, a timeout) the reason with a live countdown, sending closed until it ends.
 */
export function ChatComposer({ block, notice, refused, hint, emotes, onSend }: ChatComposerProps) {
  const id = useId();
  const [draft, setDraft] = useState('');
  const [pickerOpen, setPickerOpen] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const emoteButton = useRef<HTMLButtonElement>(null);
  const counting = block !== null && block.untilMs !== null;
  const now = useNow(counting, 100);
  const waitMs = block?.untilMs == null ? null : block.untilMs - now;
  const blocked = block !== null && (block.untilMs === null || (waitMs ?? 0) > 0);

  useEffect(() => {
    // A refused message comes back into an empty input, so that it is not lost.
    if (refused) setDraft((text) => (text === '' ? refused.text : text));
  }, [refused]);

  const length = messageLength(draft);
  const tooLong = length > MAX_MESSAGE_CHARS;
  const lengthError = tooLong ? `Too long: ${length} characters; a message is at most ${MAX_MESSAGE_CHARS}.` : null;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const text = draft.trim();
    if (text === '' || tooLong || blocked) return;
    if (onSend(text)) setDraft('');
    input.current?.focus();
  };

  const closePicker = useCallback(() => setPickerOpen(false), []);
  const pick = (code: string) => {
    const field = input.current;
    const start = field?.selectionStart ?? draft.length;
    const end = field?.selectionEnd ?? draft.length;
    const next = insertEmoteCode(draft, start, end, code);
    setDraft(next.text);
    setPickerOpen(false);
    requestAnimationFrame(() => {
      field?.focus();
      field?.setSelectionRange(next.caret, next.caret);
    });
  };

  const described = [
    lengthError ? `${id}-length` : '',
    blocked ? `${id}-wait` : '',
    hint && !blocked ? `${id}-hint` : '',
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <form className="chat-form" onSubmit={submit} aria-label="Send a message">
      {pickerOpen && (
        <EmotePicker id={`${id}-emotes`} choices={emotes} onPick={pick} onClose={closePicker} opener={emoteButton} />
      )}
      <div className="chat-form-row">
        <label htmlFor={`${id}-input`} className="visually-hidden">
          Message
        </label>
        <input
          ref={input}
          id={`${id}-input`}
          type="text"
          autoComplete="off"
          placeholder="Send a message"
          value={draft}
          onChange={(event) => setDraft(event.target.value)}
          aria-invalid={tooLong || undefined}
          aria-describedby={described || undefined}
        />
        <button
          ref={emoteButton}
          type="button"
          className="secondary emote-toggle"
          aria-label="Emotes"
          aria-haspopup="dialog"
          aria-expanded={pickerOpen}
          aria-controls={pickerOpen ? `${id}-emotes` : undefined}
          onClick={() => setPickerOpen((open) => !open)}
        >
          <span aria-hidden="true">☺</span>
        </button>
        <button type="submit" className="chat-send" disabled={blocked || tooLong || draft.trim() === ''}>
          Chat
        </button>
      </div>
      {lengthError ? (
        <p id={`${id}-length`} className="field-error chat-length" role="alert">
          {lengthError}
        </p>
      ) : (
        length > COUNT_FROM && (
          <p className="muted chat-length">
            {length}/{MAX_MESSAGE_CHARS}
          </p>
        )
      )}
      {blocked && block && (
        <p id={`${id}-wait`} className="chat-wait">
          {block.reason}
          {waitMs !== null && (
            <>
              {' '}
              You can chat again in <span className="chat-countdown">{formatWait(waitMs)}</span>.
            </>
          )}
        </p>
      )}
      {/* Said once when the wait begins; the countdown itself is not read out every tenth of a second. */}
      <p className="visually-hidden" role="alert">
        {blocked && block ? block.reason : ''}
      </p>
      {notice && !blocked && (
        <p className="field-error chat-error" role="alert">
          {notice.text}
        </p>
      )}
      {hint && !blocked && (
        <p id={`${id}-hint`} className="muted chat-hint">
          {hint}
        </p>
      )}
    </form>
  );
}
