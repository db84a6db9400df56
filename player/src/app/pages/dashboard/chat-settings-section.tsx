import { type FormEvent, useEffect, useId, useRef, useState } from 'react';
import { Field } from '../../components/field.tsx';
import { ReconnectingSocket, type SocketPhase } from '../../components/notifications/reconnecting-socket.ts';
import { slowSecondsError } from './dashboard-forms.ts';
import { Section } from './section.tsx';

/** A room's modes as the chat server sends them (chat/PROTOCOL.md, `joined` and `settings` events). */
interface RoomSettings {
  readonly slowSeconds: number;
  readonly subscribersOnly: boolean;
}

type Frame =
  | { readonly type: 'joined'; readonly room: string; readonly settings: RoomSettings }
  | {
      readonly type: 'events';
      readonly room: string;
      readonly events: readonly { kind: string; settings?: RoomSettings }[];
    }
  | { readonly type: 'error'; readonly code: string; readonly message: string; readonly room?: string };

/**
 * The channel's chat room over the chat WebSocket, where a broadcaster sets the room's modes (`mod` frames): joined
 * to read its settings and hear them change, whoever changes them.
 */
function useChatRoom(room: string) {
  const [settings, setSettings] = useState<RoomSettings | null>(null);
  const [phase, setPhase] = useState<SocketPhase>('connecting');
  const [refusal, setRefusal] = useState<{ code: string; message: string } | null>(null);
  const socket = useRef<ReconnectingSocket | null>(null);

  useEffect(() => {
    const s = new ReconnectingSocket({
      path: '/chat',
      onOpen: (send) => send({ type: 'join', room }),
      onPhase: setPhase,
      onFrame: (raw) => {
        const frame = raw as Frame;
        if (frame.type === 'joined' && frame.room === room) setSettings(frame.settings);
        if (frame.type === 'events' && frame.room === room) {
          for (const event of frame.events)
            if (event.kind === 'settings' && event.settings) setSettings(event.settings);
        }
        if (frame.type === 'error' && (frame.room === undefined || frame.room === room)) {
          setRefusal({ code: frame.code, message: frame.message });
        }
      },
    });
    socket.current = s;
    return () => s.close();
  }, [room]);

  const send = (action: object) => {
    setRefusal(null);
    return socket.current?.send({ type: 'mod', room, action }) ?? false;
  };
  return { settings, phase, refusal, send };
}

/** Slow mode and subscribers-only, set through the chat room's moderation frames. */
export function ChatSettingsSection({ channel }: { readonly channel: string }) {
  const room = useChatRoom(channel);
  const [slow, setSlow] = useState<string | null>(null);
  const [subsOnly, setSubsOnly] = useState<boolean | null>(null);
  const [error, setError] = useState<string | undefined>();
  const [status, setStatus] = useState('');
  const [pending, setPending] = useState(false);
  const checkId = useId();

  const current = room.settings;
  const slowText = slow ?? String(current?.slowSeconds ?? 0);
  const subsChecked = subsOnly ?? current?.subscribersOnly ?? false;

  // The room's answer: its settings changed (saved), or a refusal.
  useEffect(() => {
    if (!pending || !current) return;
    const wantSlow = slow === null || Number(slow) === current.slowSeconds;
    const wantSubs = subsOnly === null || subsOnly === current.subscribersOnly;
    if (wantSlow && wantSubs) {
      setPending(false);
      setSlow(null);
      setSubsOnly(null);
      setStatus('Saved. Everyone in your chat sees the new modes now.');
    }
  }, [current, pending, slow, subsOnly]);
  useEffect(() => {
    if (!room.refusal) return;
    setPending(false);
    setError(room.refusal.message);
  }, [room.refusal]);

  function submit(event: FormEvent) {
    event.preventDefault();
    setStatus('');
    const found = slowSecondsError(slowText);
    if (found) {
      setError(found);
      return;
    }
    setError(undefined);
    if (!current || room.phase !== 'open') {
      setError('Chat is not connected yet; try again in a moment.');
      return;
    }
    const seconds = Number(slowText.trim());
    const actions: object[] = [];
    if (seconds !== current.slowSeconds) actions.push({ kind: 'slow', seconds });
    if (subsChecked !== current.subscribersOnly) actions.push({ kind: 'subscribers-only', on: subsChecked });
    if (actions.length === 0) {
      setStatus('Nothing changed.');
      return;
    }
    for (const action of actions) {
      if (!room.send(action)) {
        setError('Chat is not connected; try again in a moment.');
        return;
      }
    }
    setPending(true);
  }

  const describe = (s: RoomSettings) =>
    `Slow mode ${s.slowSeconds === 0 ? 'off' : `${s.slowSeconds} s`} · subscribers-only ${s.subscribersOnly ? 'on' : 'off'}`;
  return (
    <Section id="chat-settings" title="Chat settings">
      <p className="muted" data-testid="chat-modes">
        {current
          ? `Now: ${describe(current)}.`
          : room.phase === 'waiting'
            ? 'Reconnecting to chat…'
            : 'Connecting to chat…'}
      </p>
      <form noValidate onSubmit={submit} aria-label="chat settings">
        <Field
          label="Slow mode (seconds between one viewer’s messages)"
          name="slow"
          inputMode="numeric"
          value={slowText}
          maxLength={8}
          onChange={(e) => setSlow(e.target.value)}
          error={error}
          hint="0 turns it off; otherwise 3 to 120. Moderators, VIPs and you are exempt."
        />
        <div className="check">
          <input id={checkId} type="checkbox" checked={subsChecked} onChange={(e) => setSubsOnly(e.target.checked)} />
          <label htmlFor={checkId}>Subscribers-only chat</label>
        </div>
        <div className="tools">
          <button type="submit" disabled={pending || !current}>
            {pending ? 'Saving…' : 'Save chat settings'}
          </button>
          <span className="muted" role="status">
            {status}
          </span>
        </div>
      </form>
    </Section>
  );
}
