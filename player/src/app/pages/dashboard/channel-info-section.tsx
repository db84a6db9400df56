import { type FormEvent, useId, useState } from 'react';
import { ApiError, api } from '../../api.ts';
import { Field } from '../../components/field.tsx';
import type { FieldErrors } from '../../forms.ts';
import { categoryError, languageError, MAX_CATEGORY, MAX_TITLE, titleError } from './dashboard-forms.ts';
import { Section } from './section.tsx';

/** GET/PATCH /api/channels/<channel>: the parts the dashboard reads. */
export interface ChannelView {
  readonly name: string;
  readonly displayName: string;
  readonly title: string;
  readonly category: string;
  readonly language: string;
  readonly live: { readonly broadcastId: string; readonly startedAt: number; readonly viewers: number } | null;
  readonly followers: number;
}

const LANGUAGES: readonly (readonly [string, string])[] = [
  ['en', 'English'],
  ['es', 'Español'],
  ['pt', 'Português'],
  ['pt-BR', 'Português (Brasil)'],
  ['fr', 'Français'],
  ['de', 'Deutsch'],
  ['it', 'Italiano'],
  ['nl', 'Nederlands'],
  ['pl', 'Polski'],
  ['sv', 'Svenska'],
  ['tr', 'Türkçe'],
  ['ru', 'Русский'],
  ['ar', 'العربية'],
  ['hi', 'हिन्दी'],
  ['ja', '日本語'],
  ['ko', '한국어'],
  ['zh', '中文'],
];

const CATEGORIES = [
  'Just Chatting',
  'Music',
  'Art',
  'Science & Technology',
  'Software Development',
  'Sports',
  'Gaming',
];

type Fields = 'title' | 'category' | 'language' | 'form';

/** An API refusal on the field it names (Fastify's "body/title must…"), else on the form. */
function apiErrors(error: unknown): FieldErrors<Fields> {
  if (!(error instanceof ApiError)) return { form: 'Something went wrong; try again.' };
  if (error.status === 0 || error.status >= 500) return { form: `${error.message}. Your changes are not saved yet.` };
  for (const field of ['title', 'category', 'language'] as const) {
    if (error.message.includes(field)) return { [field]: `The server refused it: ${error.message}.` };
  }
  const wait = error.retryAfterSec ? ` Try again in ${error.retryAfterSec} s.` : '';
  return { form: `${error.message}.${wait}` };
}

/** Title, category and language, with inline errors from the browser's checks and from the API's. */
export function ChannelInfoSection({
  channel,
  onSaved,
}: {
  readonly channel: ChannelView;
  readonly onSaved: (view: ChannelView) => void;
}) {
  const [title, setTitle] = useState(channel.title);
  const [category, setCategory] = useState(channel.category);
  const [language, setLanguage] = useState(channel.language);
  const [errors, setErrors] = useState<FieldErrors<Fields>>({});
  const [saved, setSaved] = useState('');
  const [busy, setBusy] = useState(false);
  const languageId = useId();
  const categoryList = useId();
  const languages = LANGUAGES.some(([tag]) => tag === channel.language)
    ? LANGUAGES
    : [[channel.language, channel.language] as const, ...LANGUAGES];

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSaved('');
    const found: FieldErrors<Fields> = {
      title: titleError(title),
      category: categoryError(category),
      language: languageError(language),
    };
    if (Object.values(found).some(Boolean)) {
      setErrors(found);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const view = await api<ChannelView>(`/api/channels/${channel.name}`, {
        method: 'PATCH',
        json: { title: title.trim(), category: category.trim(), language },
      });
      setTitle(view.title);
      setCategory(view.category);
      onSaved(view);
      setSaved('Saved. Viewers see the new title and category now.');
    } catch (error) {
      setErrors(apiErrors(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Section id="channel-info" title="Title and category">
      <form noValidate onSubmit={(e) => void submit(e)} aria-label="title and category">
        <Field
          label="Title"
          name="title"
          value={title}
          maxLength={MAX_TITLE * 2}
          onChange={(e) => setTitle(e.target.value)}
          error={errors.title}
          hint={`What viewers see on your channel, up to ${MAX_TITLE} characters.`}
        />
        <Field
          label="Category"
          name="category"
          value={category}
          maxLength={MAX_CATEGORY * 2}
          list={categoryList}
          onChange={(e) => setCategory(e.target.value)}
          error={errors.category}
        />
        <datalist id={categoryList}>
          {CATEGORIES.map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
        <div className="field">
          <label htmlFor={languageId}>Language</label>
          <select
            id={languageId}
            name="language"
            value={language}
            onChange={(e) => setLanguage(e.target.value)}
            aria-invalid={errors.language ? true : undefined}
            aria-describedby={errors.language ? `${languageId}-error` : undefined}
          >
            {languages.map(([tag, name]) => (
              <option key={tag} value={tag}>
                {name}
              </option>
            ))}
          </select>
          {errors.language && (
            <small id={`${languageId}-error`} className="field-error" role="alert">
              {errors.language}
            </small>
          )}
        </div>
        {errors.form && (
          <p className="field-error" role="alert">
            {errors.form}
          </p>
        )}
        <div className="tools">
          <button type="submit" disabled={busy}>
            {busy ? 'Saving…' : 'Save'}
          </button>
          <span className="muted" role="status">
            {saved}
          </span>
        </div>
      </form>
    </Section>
  );
}
