import { type FormEvent, useState } from 'react';
import { formatDate } from '../../../pages/shared/format.ts';
import { ApiError, api, errorText } from '../../api.ts';
import { Field } from '../../components/field.tsx';
import { moderatorLoginError } from './dashboard-forms.ts';
import { ItemList, Section } from './section.tsx';
import { useListEditing } from './use-list-editing.ts';
import { useResource } from './use-resource.ts';

interface RoleGrant {
  readonly login: string;
  readonly displayName: string;
  readonly role: string;
  readonly grantedAt: number;
}

interface RolePage {
  readonly items: readonly RoleGrant[];
  readonly nextCursor: string | null;
}

/** The API's refusal of a new moderator, as a sentence for the login field. */
function grantError(error: unknown, login: string): string {
  if (error instanceof ApiError && error.status === 404) return `There is no user ${login}.`;
  return errorText(error);
}

/** The channel's moderators (the roles API): listed, added by login, removed. */
export function ModeratorsSection({ channel }: { readonly channel: string }) {
  const { resource, reload } = useResource<RolePage>(`/api/channels/${channel}/roles?role=moderator&limit=100`);
  const [login, setLogin] = useState('');
  const [status, setStatus] = useState('');
  const { error, busy, rowError, submit, runRow } = useListEditing();
  const rolePath = (who: string) => `/api/channels/${channel}/roles/moderator/${encodeURIComponent(who)}`;

  function add(event: FormEvent) {
    event.preventDefault();
    setStatus('');
    const wanted = login.trim();
    void submit(
      moderatorLoginError(wanted),
      async () => {
        await api(rolePath(wanted), { method: 'PUT' });
        setLogin('');
        setStatus(`${wanted} is a moderator now.`);
        await reload();
      },
      (e) => grantError(e, wanted),
    );
  }

  function remove(grant: RoleGrant) {
    setStatus('');
    void runRow(async () => {
      await api(rolePath(grant.login), { method: 'DELETE' });
      setStatus(`${grant.login} is no longer a moderator.`);
      await reload();
    });
  }

  return (
    <Section id="moderators" title="Moderators">
      <p className="muted">Moderators delete messages, time out and ban users in your chat.</p>
      <ItemList
        resource={resource}
        onRetry={() => void reload()}
        label="moderators"
        empty="No moderators yet."
        keyOf={(grant) => grant.login}
        render={(grant) => (
          <>
            <span>
              <strong>{grant.displayName}</strong> <span className="muted">({grant.login})</span>
            </span>
            <small className="muted">since {formatDate(grant.grantedAt)}</small>
          </>
        )}
        action={{ text: 'Remove', label: (grant) => `Remove moderator ${grant.login}`, run: remove }}
        error={rowError}
      />
      <form noValidate onSubmit={add} aria-label="add a moderator" className="inline-form">
        <Field
          label="Add a moderator by login"
          name="moderator"
          value={login}
          maxLength={64}
          autoComplete="off"
          onChange={(e) => setLogin(e.target.value)}
          error={error}
        />
        <button type="submit" disabled={busy}>
          Add moderator
        </button>
      </form>
      <p className="muted" role="status">
        {status}
      </p>
    </Section>
  );
}
