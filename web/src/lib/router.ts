// The hash router: every screen has its own URL, so reload and back work.
//   #/inbox  #/inbox/<contactId>  #/tasks  #/pipeline  #/dashboard
//   #/dashboard?pipeline=<id>  #/settings/<section>  #/accept/<token>
//   #/campaigns  #/campaigns/new  #/campaigns/<campaignId>
//   (and the API's /#accept=<token>)

import { signal } from '@preact/signals';

export type Route =
  | { name: 'inbox'; contact: string | null }
  | { name: 'tasks' }
  | { name: 'pipeline' }
  | { name: 'dashboard'; pipeline?: string }
  /** The list; `new`: the composer; else one campaign. */
  | { name: 'campaigns'; campaign: string | null }
  | { name: 'settings'; section: string }
  | { name: 'accept'; token: string };

export function parse(hash: string): Route {
  // A query after the path (the inbox's filters) is not part of the route.
  const h = hash.replace(/^#/, '').split('?')[0] ?? '';
  if (h.startsWith('accept=')) return { name: 'accept', token: decodeURIComponent(h.slice('accept='.length)) };
  if (h.startsWith('c=')) return { name: 'inbox', contact: decodeURIComponent(h.slice(2)) };
  const parts = h.replace(/^\//, '').split('/').map((p) => decodeURIComponent(p));
  switch (parts[0]) {
    case 'inbox':
      return { name: 'inbox', contact: parts[1] || null };
    case 'tasks':
      return { name: 'tasks' };
    case 'pipeline':
      return { name: 'pipeline' };
    case 'dashboard': {
      const pipeline = new URLSearchParams(hash.split('?')[1] ?? '').get('pipeline');
      return pipeline ? { name: 'dashboard', pipeline } : { name: 'dashboard' };
    }
    case 'settings':
      return { name: 'settings', section: parts[1] || 'team' };
    case 'campaigns':
      return { name: 'campaigns', campaign: parts[1] || null };
    case 'accept':
      return { name: 'accept', token: parts[1] ?? '' };
    default:
      return { name: 'inbox', contact: null };
  }
}

/** The inbox's filters stay in its URLs while it is open. */
function inboxQuery(): string {
  const i = location.hash.indexOf('?');
  return i >= 0 && location.hash.startsWith('#/inbox') ? location.hash.slice(i) : '';
}

export function href(route: Route): string {
  switch (route.name) {
    case 'inbox':
      return `${route.contact ? `#/inbox/${encodeURIComponent(route.contact)}` : '#/inbox'}${inboxQuery()}`;
    case 'settings':
      return `#/settings/${encodeURIComponent(route.section)}`;
    case 'campaigns':
      return route.campaign ? `#/campaigns/${encodeURIComponent(route.campaign)}` : '#/campaigns';
    case 'accept':
      return `#/accept/${encodeURIComponent(route.token)}`;
    case 'dashboard':
      return route.pipeline ? `#/dashboard?pipeline=${encodeURIComponent(route.pipeline)}` : '#/dashboard';
    default:
      return `#/${route.name}`;
  }
}

export const route = signal<Route>(parse(location.hash));
window.addEventListener('hashchange', () => {
  route.value = parse(location.hash);
});

/** Goes to `r`: a new history entry, so Back returns. */
export function navigate(r: Route, { replace = false } = {}): void {
  const target = href(r);
  if (replace) history.replaceState(null, '', target);
  else if (location.hash !== target) history.pushState(null, '', target);
  route.value = r;
}
