import { type ReactNode, useEffect, useRef, useState } from 'react';

/**
 * A page's share link in a read-only field (selected on focus) and a Copy button that says when it copied; without
 * clipboard permission (an insecure origin, a denied prompt) the link is left selected to copy by hand.
 */
export function ShareBox({ url, children }: { readonly url: string; readonly children?: ReactNode }) {
  const input = useRef<HTMLInputElement>(null);
  const [note, setNote] = useState('');
  // biome-ignore lint/correctness/useExhaustiveDependencies: a new link clears "copied", which spoke of the old one
  useEffect(() => setNote(''), [url]);
  async function copy() {
    try {
      await navigator.clipboard.writeText(url);
      setNote('Link copied');
    } catch {
      input.current?.focus();
      input.current?.select();
      setNote('Press Ctrl+C to copy the selected link');
    }
  }
  return (
    <div className="share">
      <label htmlFor="share">Share</label>
      <input id="share" ref={input} type="url" readOnly value={url} onFocus={(event) => event.target.select()} />
      <button id="copy" type="button" className="secondary" onClick={() => void copy()}>
        Copy link
      </button>
      {children}
      <span id="copy-note" className="muted" role="status">
        {note}
      </span>
    </div>
  );
}
