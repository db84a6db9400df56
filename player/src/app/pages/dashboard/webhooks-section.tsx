import { type FormEvent, useState } from 'react';
import { formatDate } from '../../../pages/shared/format.ts';
import { ApiError, api, errorText } from '../../api.ts';
import { Field } from '../../components/field.tsx';
import { CopyField } from './copy-field.tsx';
import { MAX_WEBHOOK_URL, webhookUrlError } from './dashboard-forms.ts';
import { ItemList, Section } from './section.tsx';
import { useListEditing } from './use-list-editing.ts';
import { useResource } from './use-resource.ts';

interface Webhook {
  readonly id: string;
  readonly url: string;
  readonly createdAt: number;
}

interface NewWebhook extends Webhook {
  readonly secret: string;
}

/**
 * Webhooks: URLs Glint POSTs to when the channel goes live or offline, signed with a secret shown once when the
 * webhook is added.
 */
export function WebhooksSection({ channel }: { readonly channel: string }) {
  const path = `/api/channels/${channel}/webhooks`;
  const { resource, reload } = useResource<{ readonly items: readonly Webhook[] }>(path);
  const [url, setUrl] = useState('');
  const [created, setCreated] = useState<NewWebhook | null>(null);
  const { error, busy, rowError, submit, runRow } = useListEditing();

  function add(event: FormEvent) {
    event.preventDefault();
    void submit(
      webhookUrlError(url),
      async () => {
        setCreated(await api<NewWebhook>(path, { method: 'POST', json: { url: url.trim() } }));
        setUrl('');
        await reload();
      },
      (e) => (e instanceof ApiError && e.status === 400 ? `${e.message}.` : errorText(e)),
    );
  }

  function remove(hook: Webhook) {
    void runRow(async () => {
      await api(`${path}/${hook.id}`, { method: 'DELETE' });
      if (created?.id === hook.id) setCreated(null);
      await reload();
    });
  }

  return (
    <Section id="webhooks" title="Webhooks">
      <p className="muted">
        Glint POSTs a signed JSON event (stream.online, stream.offline) to each URL when your channel goes live or
        offline.
      </p>
      <ItemList
        resource={resource}
        onRetry={() => void reload()}
        label="webhooks"
        empty="No webhooks."
        keyOf={(hook) => hook.id}
        render={(hook) => (
          <>
            <span className="mono wrap">{hook.url}</span>
            <small className="muted">added {formatDate(hook.createdAt)}</small>
          </>
        )}
        action={{ text: 'Delete', label: (hook) => `Delete webhook ${hook.url}`, run: remove }}
        error={rowError}
      />
      {created && (
        <div className="key-shown">
          <CopyField label="Signing secret" value={created.secret} testId="webhook-secret" />
          <p className="notice" role="note">
            Shown this once: your server checks each event’s signature with it. If you lose it, delete the webhook and
            add it again.
          </p>
          <button type="button" className="secondary" onClick={() => setCreated(null)}>
            I have copied it — hide the secret
          </button>
        </div>
      )}
      <form noValidate onSubmit={add} aria-label="add a webhook" className="inline-form">
        <Field
          label="Webhook URL"
          name="webhook"
          type="url"
          inputMode="url"
          placeholder="https://example.com/glint-hook"
          value={url}
          maxLength={MAX_WEBHOOK_URL * 2}
          onChange={(e) => setUrl(e.target.value)}
          error={error}
        />
        <button type="submit" disabled={busy}>
          Add webhook
        </button>
      </form>
    </Section>
  );
}
