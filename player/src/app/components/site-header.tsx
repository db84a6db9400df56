import { Link } from 'wouter';
import { useSession } from '../session.tsx';
import { NotificationBell } from './notifications/notification-bell.tsx';

/** Every page's top bar: home, and who is signed in (or the way to sign in). */
export function SiteHeader() {
  const { session, signOut } = useSession();
  return (
    <header className="site-header">
      <nav aria-label="main">
        <Link href="/" className="brand">
          Glint
        </Link>
        <Link href="/">Browse</Link>
        {session.status === 'signed-in' && <Link href="/dashboard">Dashboard</Link>}
      </nav>
      <div className="account" data-testid="account">
        {session.status === 'signed-in' ? (
          <>
            <NotificationBell key={session.me.user.id} />
            <span className="muted">{session.me.user.displayName}</span>
            <button type="button" className="secondary" onClick={() => void signOut()}>
              Sign out
            </button>
          </>
        ) : session.status === 'loading' ? null : (
          <>
            <Link href="/signin">Sign in</Link>
            <Link href="/signup" className="button">
              Sign up
            </Link>
          </>
        )}
      </div>
    </header>
  );
}
