import { type KeyboardEvent, useEffect, useRef, useState } from 'react';
import type { ModAction } from './chat-protocol.ts';

/** A moderator's timeout from the message menu: long enough to cool down, short enough to forgive. */
export const TIMEOUT_SECONDS = 600;

interface ModToolsProps {
  readonly messageKey: string;
  readonly messageId: string;
  readonly name: string;
  readonly login: string;
  readonly removed: boolean;
  /** Timeout and ban are offered (not on the broadcaster, nor a fellow moderator unless the viewer broadcasts). */
  readonly canRestrict: boolean;
  readonly open: boolean;
  readonly onMenu: (key: string | null) => void;
  readonly onModerate: (action: ModAction) => void;
}

/**
 * A message's moderation menu (broadcaster and moderators): delete the message, time its sender out for 10
 * minutes, ban them (asked twice). A menu button: Enter or Space opens it on its first item, arrows move, Escape
 * closes it back onto the button. One menu is open at a time (the panel keeps which).
 */
export function ModTools({
  messageKey,
  messageId,
  name,
  login,
  removed,
  canRestrict,
  open,
  onMenu,
  onModerate,
}: ModToolsProps) {
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLDivElement>(null);
  const [confirmBan, setConfirmBan] = useState(false);

  useEffect(() => {
    if (!open) {
      setConfirmBan(false);
      return;
    }
    menu.current?.querySelector<HTMLButtonElement>('[role="menuitem"]:not(:disabled)')?.focus();
    const outside = (event: PointerEvent) => {
      const target = event.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) onMenu(null);
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [open, onMenu]);

  const close = () => {
    onMenu(null);
    button.current?.focus();
  };
  const act = (action: ModAction) => {
    onModerate(action);
    close();
  };
  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const items = [...(menu.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]:not(:disabled)') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    if (event.key === 'Escape') {
      event.preventDefault();
      close();
    } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      const step = event.key === 'ArrowDown' ? 1 : -1;
      items[(at + step + items.length) % items.length]?.focus();
    } else if (event.key === 'Home' || event.key === 'End') {
      event.preventDefault();
      (event.key === 'Home' ? items[0] : items.at(-1))?.focus();
    } else if (event.key === 'Tab') {
      onMenu(null);
    }
  };

  const menuId = `mod-menu-${messageKey}`;
  return (
    <span className="mod-tools">
      <button
        ref={button}
        type="button"
        className="mod-toggle"
        aria-label={`Moderate ${name}'s message`}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        title="Moderate"
        onClick={() => onMenu(open ? null : messageKey)}
      >
        <span aria-hidden="true">⋯</span>
      </button>
      {open && (
        <div
          ref={menu}
          id={menuId}
          className="mod-menu"
          role="menu"
          aria-label={`Moderate ${name}`}
          onKeyDown={onKeyDown}
        >
          <button type="button" role="menuitem" disabled={removed} onClick={() => act({ kind: 'delete', messageId })}>
            Delete message
          </button>
          {canRestrict && (
            <button
              type="button"
              role="menuitem"
              onClick={() => act({ kind: 'timeout', login, seconds: TIMEOUT_SECONDS })}
            >
              Time out {name} (10 min)
            </button>
          )}
          {canRestrict &&
            (confirmBan ? (
              <button type="button" role="menuitem" className="danger" onClick={() => act({ kind: 'ban', login })}>
                Confirm: ban {name}
              </button>
            ) : (
              <button type="button" role="menuitem" onClick={() => setConfirmBan(true)}>
                Ban {name}…
              </button>
            ))}
        </div>
      )}
    </span>
  );
}
