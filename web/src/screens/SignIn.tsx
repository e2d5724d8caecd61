// Sign-in, and accepting an invitation or a password-reset link.
import { useState } from 'preact/hooks';
import { ApiError } from '../api/client';
import * as sessionApi from '../api/session';
import { MIN_PASSWORD } from '../api/session';
import { t } from '../i18n';
import { navigate } from '../lib/router';
import { signedIn, signInMessage } from '../lib/session';

function Brand() {
  return (
    <div class="brand brand--large">
      <img class="brand-mark" src="/favicon.svg" alt="" width="40" height="40" />
      <span class="brand-name">Parley</span>
    </div>
  );
}

export function SignIn() {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const error = signInMessage.value;
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (!email.trim() || !password) {
      signInMessage.value = t('signin.enterBoth');
      return;
    }
    signInMessage.value = '';
    setBusy(true);
    try {
      const me = await sessionApi.login(email.trim(), password);
      setPassword('');
      signedIn(me);
    } catch (err) {
      if (err instanceof ApiError) signInMessage.value = err.status === 401 || err.status === 400 ? err.message : t('signin.failed', { message: err.message });
      else signInMessage.value = t('signin.unreachable');
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin" data-testid="signin">
      <div class="signin-card">
        <Brand />
        <h1 class="signin-title">{t('signin.title')}</h1>
        <p class="signin-sub">{t('signin.sub')}</p>
        <form class="form" data-testid="login-form" novalidate onSubmit={onSubmit} aria-busy={busy ? 'true' : undefined}>
          <div class="field">
            <label for="login-email">{t('signin.email')}</label>
            <input id="login-email" name="email" type="email" autocomplete="username" inputMode="email" spellcheck={false} autocapitalize="off" required
              data-testid="login-email" value={email} onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)} />
          </div>
          <div class="field">
            <label for="login-password">{t('signin.password')}</label>
            <input id="login-password" name="password" type="password" autocomplete="current-password" required data-testid="login-password"
              value={password} onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} />
          </div>
          <div class="form-error" data-testid="error" role="alert" aria-live="assertive">{error}</div>
          <button class="button button--primary button--block" type="submit" data-testid="login-submit" disabled={busy}>
            {busy ? t('signin.signingIn') : t('signin.submit')}
          </button>
        </form>
      </div>
      <p class="signin-foot">{t('signin.foot')}</p>
    </main>
  );
}

export function Accept({ token }: { token: string }) {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [again, setAgain] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    if (password.length < MIN_PASSWORD) {
      setError(t('accept.tooShort', { n: MIN_PASSWORD }));
      return;
    }
    if (password !== again) {
      setError(t('accept.mismatch'));
      return;
    }
    setError('');
    setBusy(true);
    try {
      const { email } = await sessionApi.acceptInvite(token, password, name);
      const me = await sessionApi.login(email, password);
      navigate({ name: 'inbox', contact: null }, { replace: true });
      signedIn(me);
    } catch (err) {
      if (err instanceof ApiError) setError(err.code === 'bad_invite' ? t('accept.expired') : err.message);
      else setError(t('signin.unreachable'));
    } finally {
      setBusy(false);
    }
  };
  return (
    <main class="signin" data-testid="accept">
      <div class="signin-card">
        <Brand />
        <h1 class="signin-title">{t('accept.title')}</h1>
        <p class="signin-sub">{t('accept.sub')}</p>
        <form class="form" data-testid="accept-form" novalidate onSubmit={onSubmit}>
          <div class="field">
            <label for="accept-name">{t('accept.name')}</label>
            <input id="accept-name" type="text" autocomplete="name" maxLength={120} data-testid="accept-name" value={name}
              aria-describedby="accept-name-hint" onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
            <p class="field-hint" id="accept-name-hint">{t('accept.nameHint')}</p>
          </div>
          <div class="field">
            <label for="accept-password">{t('accept.password')}</label>
            <input id="accept-password" type="password" autocomplete="new-password" required data-testid="accept-password" value={password}
              onInput={(e) => setPassword((e.currentTarget as HTMLInputElement).value)} />
          </div>
          <div class="field">
            <label for="accept-again">{t('accept.again')}</label>
            <input id="accept-again" type="password" autocomplete="new-password" required data-testid="accept-again" value={again}
              onInput={(e) => setAgain((e.currentTarget as HTMLInputElement).value)} />
          </div>
          <div class="form-error" data-testid="accept-error" role="alert">{error}</div>
          <button class="button button--primary button--block" type="submit" data-testid="accept-submit" disabled={busy}>{t('accept.submit')}</button>
        </form>
        <p class="signin-sub"><a href="#/inbox">{t('accept.haveAccount')}</a></p>
      </div>
    </main>
  );
}
