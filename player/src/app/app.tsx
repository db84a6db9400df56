import { type ComponentType, lazy, Suspense } from 'react';
import { Route, Switch } from 'wouter';
import { SiteHeader } from './components/site-header.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { SessionProvider } from './session.tsx';

/**
 * One chunk per page, loaded when its path is opened: a viewer who opens a watch page downloads and compiles the
 * player and chat, not the dashboard or the forms (the watch page's JavaScript is what `bench:web` weighs).
 */
function page<P>(load: () => Promise<ComponentType<P>>) {
  return lazy(async () => ({ default: await load() }));
}

const BrowsePage = page(async () => (await import('./pages/browse-page.tsx')).BrowsePage);
const SignInPage = page(async () => (await import('./pages/account-pages.tsx')).SignInPage);
const SignUpPage = page(async () => (await import('./pages/account-pages.tsx')).SignUpPage);
const DashboardPage = page(async () => (await import('./pages/dashboard/dashboard-page.tsx')).DashboardPage);
const WatchPage = page(async () => (await import('./pages/watch/watch-page.tsx')).WatchPage);
const VodPage = page(async () => (await import('./pages/vod-page.tsx')).VodPage);
const ClipPage = page(async () => (await import('./pages/clip-page.tsx')).ClipPage);

/**
 * The web app: one page per path. The media server answers each path in player/build/app-routes.ts with this app,
 * so a link or a reload lands on the right page.
 */
export function App() {
  return (
    <SessionProvider>
      <SiteHeader />
      <main id="page">
        <Suspense fallback={<p className="muted page-loading">loading…</p>}>
          <Switch>
            <Route path="/" component={BrowsePage} />
            <Route path="/signin" component={SignInPage} />
            <Route path="/signup" component={SignUpPage} />
            <Route path="/dashboard" component={DashboardPage} />
            <Route path="/watch/:channel" component={WatchPage} />
            <Route path="/vod/:id" component={VodPage} />
            <Route path="/clip/:id" component={ClipPage} />
            <Route component={NotFoundPage} />
          </Switch>
        </Suspense>
      </main>
    </SessionProvider>
  );
}
