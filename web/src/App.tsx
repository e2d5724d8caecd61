// The app: sign-in or accept when signed out, the shell and a screen when signed in.
import { lazy, Suspense } from 'preact/compat';
import { Shell } from './components/Shell';
import { t } from './i18n';
import { Inbox } from './inbox/Inbox';
import { loadBusiness } from './lib/business';
import { route } from './lib/router';
import { booted, user } from './lib/session';
import { Accept, SignIn } from './screens/SignIn';
import { Tasks } from './screens/Tasks';
import { PipelineBoard } from './screens/Pipeline';

// The dashboard carries the chart library: its own chunk, loaded when opened.
const Dashboard = lazy(() => import('./screens/Dashboard').then((m) => m.Dashboard));
// Settings are visited now and then: their screens load when first opened.
const Settings = lazy(() => import('./screens/Settings').then((m) => m.Settings));
// Campaigns are for managers and admins: their screens load when opened.
const Campaigns = lazy(() => import('./campaigns/Campaigns').then((m) => m.Campaigns));

export function App() {
  const r = route.value;
  if (!booted.value) {
    return (
      <div class="boot" data-testid="boot" role="status">
        <span class="spinner" aria-hidden="true" />
        <span>{t('app.loading')}</span>
      </div>
    );
  }
  if (!user.value) return r.name === 'accept' ? <Accept token={r.token} /> : <SignIn />;
  // Once per sign-in (memoized): money and estimates follow the business profile.
  void loadBusiness();
  let screen;
  switch (r.name) {
    case 'tasks':
      screen = <Tasks />;
      break;
    case 'pipeline':
      screen = <PipelineBoard />;
      break;
    case 'dashboard':
      screen = (
        <Suspense fallback={<p class="screen-loading">{t('app.loading')}</p>}>
          <Dashboard />
        </Suspense>
      );
      break;
    case 'settings':
      screen = (
        <Suspense fallback={<p class="screen-loading">{t('app.loading')}</p>}>
          <Settings section={r.section} />
        </Suspense>
      );
      break;
    case 'campaigns':
      screen = (
        <Suspense fallback={<p class="screen-loading">{t('app.loading')}</p>}>
          <Campaigns campaign={r.campaign} />
        </Suspense>
      );
      break;
    default:
      screen = <Inbox contact={r.name === 'inbox' ? r.contact : null} />;
  }
  return <Shell>{screen}</Shell>;
}
