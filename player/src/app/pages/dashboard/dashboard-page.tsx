import { Link } from 'wouter';
import { useSession } from '../../session.tsx';

/** The streamer's dashboard (grows: key, OBS settings, health, moderators, VODs…). */
export function DashboardPage() {
  const { session } = useSession();
  if (session.status === 'loading') return <p className="muted">loading…</p>;
  if (session.status !== 'signed-in')
    return (
      <section className="narrow">
        <h1>Dashboard</h1>
        <p>
          <Link href="/signin?next=/dashboard">Sign in</Link> to manage your channel.
        </p>
      </section>
    );
  return (
    <section>
      <h1>Dashboard</h1>
      <p>Your channel: {session.me.channel?.name}</p>
    </section>
  );
}
