// Settings → Account: changing one's own password. The current one is
// required; every other session of this user ends, this one goes on.
import { useState } from 'preact/hooks';
import { ApiError, SignedOut } from '../api/client';
import * as sessionApi from '../api/session';
import { MIN_PASSWORD } from '../api/session';
import { t } from '../i18n';

export function Account() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [message, setMessage] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setMessage('');
    if (!current || next.length < MIN_PASSWORD) {
      setError(t('account.tooShort', { n: MIN_PASSWORD }));
      return;
    }
    setError('');
    setBusy(true);
    try {
      await sessionApi.changePassword(current, next);
      setCurrent('');
      setNext('');
      setMessage(t('account.changed'));
    } catch (err) {
      if (err instanceof SignedOut) return;
      if (!(err instanceof ApiError)) setError(t('signin.unreachable'));
      else if (err.code === 'wrong_password') setError(t('account.wrongCurrent'));
      else if (err.code === 'weak_password') setError(t('account.tooShort', { n: MIN_PASSWORD }));
      else setError(t('account.failed', { message: err.message }));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="settings-section" aria-labelledby="account-heading" data-testid="settings-account">
      <h2 id="account-heading" class="side-heading">{t('account.title')}</h2>
      <form class="form account-form" data-testid="password-form" novalidate onSubmit={onSubmit} aria-busy={busy ? 'true' : undefined}>
        <div class="field">
          <label for="current-password">{t('account.current')}</label>
          <input id="current-password" type="password" autocomplete="current-password" required data-testid="current-password"
            value={current} onInput={(e) => setCurrent((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="field">
          <label for="new-password">{t('account.new', { n: MIN_PASSWORD })}</label>
          <input id="new-password" type="password" autocomplete="new-password" required data-testid="new-password"
            value={next} onInput={(e) => setNext((e.currentTarget as HTMLInputElement).value)} />
        </div>
        <div class="form-error" data-testid="password-error" role="alert">{error}</div>
        <p class="account-message" data-testid="password-message" role="status">{message}</p>
        <button class="button button--primary" type="submit" data-testid="password-submit" disabled={busy}>{t('account.submit')}</button>
      </form>
    </section>
  );
}
