// Settings → Numbers, per WhatsApp Business Account (admins): which accounts
// the numbers belong to and whether each has an access token of its own. A
// token is typed once and never shown again; the deployment's own account
// uses the stack's token.
import { useEffect, useState } from 'preact/hooks';
import * as numbersApi from '../api/numbers';
import type { Account } from '../api/numbers';
import { t } from '../i18n';
import { numberLabel } from '../lib/numbers';
import { useError } from '../lib/useError';

function TokenForm({ account, onChanged }: { account: Account; onChanged: () => void }) {
  const [token, setToken] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError, fail] = useError();
  const act = async (change: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await change();
      setToken('');
      setError('');
      onChanged();
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  const id = `account-token-${account.waba_id}`;
  return (
    <form class="form" data-testid="account-token-form" novalidate
      onSubmit={(e) => { e.preventDefault(); if (token.trim()) void act(() => numbersApi.setAccountToken(account.waba_id, token.trim())); }}>
      <label for={id}>{t('accounts.token')}</label>
      <input id={id} data-testid="account-token" type="password" autocomplete="off" value={token}
        onInput={(e) => setToken((e.currentTarget as HTMLInputElement).value)} />
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      <div class="form-actions">
        <button class="button" type="submit" data-testid="account-token-save" disabled={busy || !token.trim()}>{t('accounts.saveToken')}</button>
        {account.token === 'own' ? (
          <button class="button button--secondary" type="button" data-testid="account-token-remove" disabled={busy}
            onClick={() => void act(() => numbersApi.removeAccountToken(account.waba_id))}>{t('accounts.removeToken')}</button>
        ) : null}
      </div>
    </form>
  );
}

export function Accounts({ revision }: { revision: number }) {
  const [list, setList] = useState<Account[] | null>(null);
  const [error, , fail] = useError();
  const load = () => numbersApi.accounts().then((l) => setList(l.items)).catch(fail);
  useEffect(() => { void load(); }, [revision]);
  if (!list || list.length === 0) return error ? <p class="form-error" role="alert">{error}</p> : null;
  return (
    <section class="settings-subsection" aria-labelledby="accounts-heading" data-testid="settings-accounts">
      <h3 id="accounts-heading">{t('accounts.title')}</h3>
      <p class="muted">{t('accounts.note')}</p>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      {list.map((account) => (
        <section key={account.waba_id} class="hours-number" data-testid="account-entry" data-waba={account.waba_id}>
          <h4 class="hours-number-title">{account.deployment_own ? t('accounts.own', { id: account.waba_id }) : account.waba_id}</h4>
          <p data-testid="account-numbers">{account.numbers.length ? account.numbers.map(numberLabel).join(', ') : t('accounts.noNumbers')}</p>
          <p data-testid="account-token-state">
            {account.deployment_own ? t('accounts.stackToken') : account.token === 'own' ? t('accounts.ownToken') : t('accounts.systemUserToken')}
          </p>
          {account.deployment_own ? null : <TokenForm account={account} onChanged={() => void load()} />}
        </section>
      ))}
    </section>
  );
}
