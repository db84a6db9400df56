import { type FormEvent, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiError, api } from '../api.ts';
import { Field } from '../components/field.tsx';
import { displayNameError, type FieldErrors, loginError, newPasswordError } from '../forms.ts';
import { useSession } from '../session.tsx';

type Fields = 'login' | 'password' | 'displayName' | 'form';

/** Where to go after signing in: ?next=/watch/… when a page sent the user here, else home. */
function nextPath(): string {
  const next = new URLSearchParams(location.search).get('next') ?? '/';
  // Only a path on this site: never an open redirect.
  return next.startsWith('/') && !next.startsWith('//') ? next : '/';
}

/** The API's answer to a form, as inline errors: a field's own when the API names one, else the form's. */
function apiFieldErrors(error: unknown): FieldErrors<Fields> {
  if (!(error instanceof ApiError)) return { form: 'Something went wrong; try again.' };
  const wait = error.retryAfterSec ? ` Try again in ${error.retryAfterSec} s.` : '';
  if (error.code === 'LOGIN_TAKEN' || error.code === 'BAD_LOGIN') return { login: error.message };
  if (error.code === 'BAD_PASSWORD') return { password: error.message };
  return { form: `${error.message}.${wait}`.replace(/\.\./, '.') };
}

function AccountForm({ mode }: { readonly mode: 'signin' | 'signup' }) {
  const { refresh } = useSession();
  const [, navigate] = useLocation();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [errors, setErrors] = useState<FieldErrors<Fields>>({});
  const [busy, setBusy] = useState(false);
  const signup = mode === 'signup';

  async function submit(event: FormEvent) {
    event.preventDefault();
    const found: FieldErrors<Fields> = {
      login: loginError(login),
      password: signup ? newPasswordError(password) : password === '' ? 'Enter your password.' : undefined,
      displayName: signup ? displayNameError(displayName) : undefined,
    };
    if (Object.values(found).some(Boolean)) {
      setErrors(found);
      return;
    }
    setErrors({});
    setBusy(true);
    try {
      const body = signup
        ? { login, password, ...(displayName.trim() ? { displayName: displayName.trim() } : {}) }
        : { login, password };
      await api(signup ? '/api/auth/signup' : '/api/auth/login', { method: 'POST', json: body });
      await refresh();
      navigate(signup ? '/dashboard' : nextPath());
    } catch (error) {
      setErrors(apiFieldErrors(error));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="narrow">
      <h1>{signup ? 'Create your account' : 'Sign in'}</h1>
      <form noValidate onSubmit={(e) => void submit(e)} aria-label={signup ? 'sign up' : 'sign in'}>
        <Field
          label="Login"
          name="login"
          autoComplete="username"
          value={login}
          maxLength={64}
          onChange={(e) => setLogin(e.target.value)}
          error={errors.login}
          {...(signup ? { hint: 'Your channel is named after it: 3 to 25 letters, digits or underscores.' } : {})}
        />
        {signup && (
          <Field
            label="Display name (optional)"
            name="displayName"
            value={displayName}
            onChange={(e) => setDisplayName(e.target.value)}
            error={errors.displayName}
          />
        )}
        <Field
          label="Password"
          name="password"
          type="password"
          autoComplete={signup ? 'new-password' : 'current-password'}
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={errors.password}
        />
        {errors.form && (
          <p className="field-error" role="alert">
            {errors.form}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {signup ? 'Sign up' : 'Sign in'}
        </button>
      </form>
      <p className="muted">
        {signup ? (
          <>
            Have an account? <Link href="/signin">Sign in</Link>
          </>
        ) : (
          <>
            New to Glint? <Link href="/signup">Create an account</Link>
          </>
        )}
      </p>
    </section>
  );
}

export function SignInPage() {
  return <AccountForm mode="signin" />;
}

export function SignUpPage() {
  return <AccountForm mode="signup" />;
}
