// The conversation's data actions: merge (managers, admins), export
// (managers, admins) and erase (admins). Agents have none, so no menu.
import { lazy, Suspense } from 'preact/compat';
import { useState } from 'preact/hooks';
import * as contactsApi from '../api/contacts';
import type { Contact } from '../api/contacts';
import { t } from '../i18n';
import { isAdmin, isManager } from '../lib/session';
import { useError } from '../lib/useError';

// Opened rarely, by managers and admins: loaded when opened.
const EraseDialog = lazy(() => import('./EraseDialog').then((m) => m.EraseDialog));
const MergeDialog = lazy(() => import('./MergeDialog').then((m) => m.MergeDialog));

type Open = 'menu' | 'merge' | 'erase' | null;

export function ConversationActions({ c }: { c: Contact }) {
  const [open, setOpen] = useState<Open>(null);
  const [status, setStatus] = useState('');
  const [error, setError, fail] = useError();
  if (!isManager()) return null;
  const download = async () => {
    setOpen(null);
    setError('');
    try {
      const { blob, filename } = await contactsApi.exportContact(c.id);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = filename;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
      setStatus(t('actions.exported'));
    } catch (e) {
      fail(e);
    }
  };
  return (
    <div class="conv-actions">
      <button type="button" class="button button--small button--ghost" aria-haspopup="true" aria-expanded={open === 'menu'} aria-controls="conv-actions-menu"
        data-testid="conv-actions" onClick={() => setOpen(open === 'menu' ? null : 'menu')}>{t('actions.more')}</button>
      {open === 'menu' ? (
        <ul id="conv-actions-menu" class="menu" data-testid="conv-actions-menu"
          onKeyDown={(e) => { if (e.key === 'Escape') setOpen(null); }}>
          <li><button type="button" class="menu-item" data-testid="action-merge" onClick={() => setOpen('merge')}>{t('actions.mergeWith')}</button></li>
          <li><button type="button" class="menu-item" data-testid="action-export" onClick={download}>{t('actions.export')}</button></li>
          {isAdmin() ? <li><button type="button" class="menu-item menu-item--danger" data-testid="action-erase" onClick={() => setOpen('erase')}>{t('actions.eraseMenu')}</button></li> : null}
        </ul>
      ) : null}
      <span class="visually-hidden" role="status" data-testid="conv-actions-status">{status}</span>
      {error ? <span class="form-error" role="alert">{error}</span> : null}
      <Suspense fallback={null}>
        {open === 'merge' ? <MergeDialog c={c} onClose={() => setOpen(null)} /> : null}
        {open === 'erase' ? <EraseDialog c={c} onClose={() => setOpen(null)} /> : null}
      </Suspense>
    </div>
  );
}
