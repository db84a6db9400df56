import { useState } from 'react';
import { formatDate } from '../../../pages/shared/format.ts';
import { api, errorText } from '../../api.ts';
import { ConfirmAction } from './confirm-action.tsx';
import { CopyField } from './copy-field.tsx';
import { LoadError, Section } from './section.tsx';
import { useResource } from './use-resource.ts';

interface KeyStatus {
  readonly hasKey: boolean;
  readonly createdAt: number | null;
}

interface IssuedKey {
  readonly streamKey: string;
  readonly createdAt: number;
}

export interface StreamKeySectionProps {
  readonly channel: string;
  readonly live: boolean;
  /** The key made in this visit, shown until the streamer hides it (the API never shows it again). */
  readonly shownKey: string | null;
  readonly onShownKey: (key: string | null) => void;
  /** A key was made or revoked: a live stream on the old key ended. */
  readonly onKeyChanged: () => void;
}

/**
 * The stream key: made (or rotated) here and shown this once with a copy button; revoked. Rotating or revoking ends a
 * live stream on the old key, which the page says before it is done.
 */
export function StreamKeySection({ channel, live, shownKey, onShownKey, onKeyChanged }: StreamKeySectionProps) {
  const path = `/api/channels/${channel}/stream-key`;
  const { resource, reload, replace } = useResource<KeyStatus>(path);
  const [confirm, setConfirm] = useState<'rotate' | 'revoke' | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  /** One key change: busy while it runs, its refusal shown, the confirmation closed when done. */
  async function change(work: () => Promise<void>) {
    setBusy(true);
    setError(null);
    try {
      await work();
      setConfirm(null);
      onKeyChanged();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  }

  const issue = () =>
    change(async () => {
      const issued = await api<IssuedKey>(path, { method: 'POST' });
      replace({ hasKey: true, createdAt: issued.createdAt });
      onShownKey(issued.streamKey);
    });

  const revoke = () =>
    change(async () => {
      await api(path, { method: 'DELETE' });
      replace({ hasKey: false, createdAt: null });
      onShownKey(null);
    });

  const endsStream = live ? ' You are live now: your stream ends at once.' : '';
  return (
    <Section id="stream-key" title="Stream key">
      {resource.status === 'loading' && <p className="muted">Loading…</p>}
      {resource.status === 'error' && (
        <LoadError message={resource.message} unreachable={resource.unreachable} onRetry={() => void reload()} />
      )}
      {resource.status === 'ok' && (
        <>
          {shownKey ? (
            <div className="key-shown">
              <CopyField label="Stream key" value={shownKey} testId="stream-key" />
              <p className="notice" role="note">
                This is the only time Glint shows this key. Copy it into OBS now: once you leave or hide it, it cannot
                be shown again, and if you lose it you make a new one. Keep it secret — anyone with it can stream to
                your channel.
              </p>
              <button type="button" className="secondary" onClick={() => onShownKey(null)}>
                I have copied it — hide the key
              </button>
            </div>
          ) : resource.data.hasKey ? (
            <p>
              Your channel has a stream key
              {resource.data.createdAt !== null && <>, made {formatDate(resource.data.createdAt)}</>}. Glint keeps only
              a fingerprint of it and cannot show it again: if you lost it, rotate it to get a new one.
            </p>
          ) : (
            <p>Your channel has no stream key. Make one to go live from OBS or another encoder.</p>
          )}
          {confirm === 'rotate' && (
            <ConfirmAction
              confirmLabel="Rotate the key now"
              busy={busy}
              onConfirm={() => void issue()}
              onCancel={() => setConfirm(null)}
            >
              A new key replaces the old one: the old key stops working at once.{endsStream}
            </ConfirmAction>
          )}
          {confirm === 'revoke' && (
            <ConfirmAction
              confirmLabel="Revoke the key now"
              busy={busy}
              onConfirm={() => void revoke()}
              onCancel={() => setConfirm(null)}
            >
              Nobody can stream to your channel until you make a new key.{endsStream}
            </ConfirmAction>
          )}
          {confirm === null && (
            <div className="tools">
              {resource.data.hasKey ? (
                <>
                  <button type="button" onClick={() => setConfirm('rotate')}>
                    Rotate key
                  </button>
                  <button type="button" className="secondary" onClick={() => setConfirm('revoke')}>
                    Revoke key
                  </button>
                </>
              ) : (
                <button type="button" onClick={() => void issue()} disabled={busy}>
                  Create stream key
                </button>
              )}
            </div>
          )}
          {error && (
            <p className="field-error" role="alert">
              {error}
            </p>
          )}
        </>
      )}
    </Section>
  );
}
