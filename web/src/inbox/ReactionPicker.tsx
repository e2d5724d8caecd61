// The React action on a customer's message; its menu loads when first
// opened, so the inbox's first load does not carry it.
import { lazy, Suspense } from 'preact/compat';
import { useState } from 'preact/hooks';
import { Icon } from '../components/Icon';
import { t } from '../i18n';

const ReactionMenu = lazy(() => import('./ReactionMenu').then((m) => m.ReactionMenu));

export interface Reactable {
  contactId: string;
  /** The business's reaction on the message now ('' when none). */
  current: string;
}

export function ReactionPicker({ messageId, target }: { messageId: string; target: Reactable }) {
  const [open, setOpen] = useState(false);
  return (
    <div class="reaction-picker">
      <button type="button" class="msg-action" data-testid="react-action" aria-label={t('msg.react')} title={t('msg.react')}
        aria-expanded={open} onClick={() => setOpen(!open)}>
        <Icon name="reaction" />
      </button>
      {open ? (
        <Suspense fallback={null}>
          <ReactionMenu messageId={messageId} target={target} onDone={() => setOpen(false)} />
        </Suspense>
      ) : null}
    </div>
  );
}
