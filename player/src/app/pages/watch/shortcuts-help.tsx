import { SHORTCUTS } from '../../components/player/use-player-shortcuts.ts';

/** The player's keyboard shortcuts, written out for the viewer (they do nothing while typing in a field). */
export function ShortcutsHelp() {
  return (
    <details className="shortcuts" id="shortcuts">
      <summary>Keyboard shortcuts</summary>
      <dl>
        {SHORTCUTS.map((s) => (
          <div key={s.action}>
            <dt>
              {s.keys.map((k, i) => (
                <span key={k}>
                  {i > 0 && ' or '}
                  <kbd>{k}</kbd>
                </span>
              ))}
            </dt>
            <dd>{s.does}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">Shortcuts do nothing while you type in chat or another field.</p>
    </details>
  );
}
