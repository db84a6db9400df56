import { type ReactNode, useEffect, useRef } from 'react';

/**
 * An inline "are you sure?" for an action that cannot be undone: the consequence in words and two buttons, the
 * safe one focused first so Enter does no harm.
 */
export function ConfirmAction({
  children,
  confirmLabel,
  onConfirm,
  onCancel,
  busy,
}: {
  readonly children: ReactNode;
  readonly confirmLabel: string;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
  readonly busy?: boolean;
}) {
  const cancel = useRef<HTMLButtonElement>(null);
  useEffect(() => cancel.current?.focus(), []);
  return (
    <fieldset className="confirm">
      <legend className="visually-hidden">{confirmLabel}?</legend>
      <p>{children}</p>
      <div className="tools">
        <button type="button" className="danger" onClick={onConfirm} disabled={busy}>
          {confirmLabel}
        </button>
        <button type="button" className="secondary" ref={cancel} onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
    </fieldset>
  );
}
