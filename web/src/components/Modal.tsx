// A modal dialog on the native <dialog>: the browser traps focus, Escape
// closes it, and the page behind is inert.
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { t } from '../i18n';
import { Icon } from './Icon';

export function Modal({ title, onClose, children, testId }: { title: string; onClose: () => void; children: ComponentChildren; testId: string }) {
  const ref = useRef<HTMLDialogElement>(null);
  const headingId = `${testId}-title`;
  useEffect(() => {
    const el = ref.current;
    if (el && !el.open) el.showModal();
    return () => el?.close();
  }, []);
  return (
    <dialog class="modal" ref={ref} aria-labelledby={headingId} data-testid={testId} onClose={onClose}>
      <div class="modal-head">
        <h2 id={headingId} class="modal-title">{title}</h2>
        <button type="button" class="icon-button icon-button--small" aria-label={t('common.close')} data-testid={`${testId}-close`} onClick={onClose}>
          <Icon name="close" />
        </button>
      </div>
      {children}
    </dialog>
  );
}
