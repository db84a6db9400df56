import { useEffect, useId, useRef, useState } from 'react';

/** Puts text on the clipboard; when the Clipboard API is refused, selects the field and asks the browser to copy. */
async function copyText(text: string, field: HTMLInputElement | null): Promise<boolean> {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    if (!field) return false;
    field.focus();
    field.select();
    try {
      return document.execCommand('copy');
    } catch {
      return false;
    }
  }
}

/** A value to copy into OBS or elsewhere: a read-only labelled field (selected on focus) and a Copy button. */
export function CopyField({
  label,
  value,
  testId,
  copyName,
}: {
  readonly label: string;
  readonly value: string;
  readonly testId?: string;
  /** The Copy button's name when the label alone would repeat another's ("Copy stream key"). */
  readonly copyName?: string;
}) {
  const id = useId();
  const field = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState('');
  useEffect(() => {
    if (!status) return;
    const timer = setTimeout(() => setStatus(''), 4000);
    return () => clearTimeout(timer);
  }, [status]);

  return (
    <div className="copy-field">
      <label htmlFor={id}>{label}</label>
      <div className="copy-row">
        <input
          id={id}
          ref={field}
          type="text"
          readOnly
          value={value}
          spellCheck={false}
          className="mono"
          data-testid={testId}
          onFocus={(e) => e.currentTarget.select()}
        />
        <button
          type="button"
          className="secondary"
          aria-label={copyName ?? `Copy ${label.toLowerCase()}`}
          onClick={async () => {
            const ok = await copyText(value, field.current);
            setStatus(ok ? `${label} copied.` : 'Select the text and copy it (Ctrl+C or ⌘C).');
          }}
        >
          Copy
        </button>
      </div>
      <small className="muted copy-status" role="status">
        {status}
      </small>
    </div>
  );
}
