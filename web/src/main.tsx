import { render } from 'preact';
import { App } from './App';
import { boot } from './lib/session';
import './style.css';

boot();
const root = document.getElementById('app');
if (root) render(<App />, root);

// The service worker caches the app shell only (never /api); writes never queue offline.
if ('serviceWorker' in navigator && location.protocol === 'https:') {
  navigator.serviceWorker.register('/sw.js').catch(() => {});
}
