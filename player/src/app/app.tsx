import { Route, Switch } from 'wouter';
import { SiteHeader } from './components/site-header.tsx';
import { SignInPage, SignUpPage } from './pages/account-pages.tsx';
import { BrowsePage } from './pages/browse-page.tsx';
import { ClipPage } from './pages/clip-page.tsx';
import { DashboardPage } from './pages/dashboard/dashboard-page.tsx';
import { NotFoundPage } from './pages/not-found-page.tsx';
import { VodPage } from './pages/vod-page.tsx';
import { WatchPage } from './pages/watch/watch-page.tsx';
import { SessionProvider } from './session.tsx';

/**
 * The web app: one page per path. The media server answers each path in player/build/app-routes.ts with this app,
 * so a link or a reload lands on the right page.
 */
export function App() {
  return (
    <SessionProvider>
      <SiteHeader />
      <main id="page">
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
      </main>
    </SessionProvider>
  );
}
