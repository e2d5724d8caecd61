// A follow-up from the conversation in two taps: open the menu, pick when.
// The server places "tomorrow" and "next week" at 9:00 business time.
import { useState } from 'preact/hooks';
import type { Contact } from '../api/contacts';
import * as tasksApi from '../api/tasks';
import { t } from '../i18n';
import { useError } from '../lib/useError';
import { displayName } from './model';

export function QuickFollowUp({ c }: { c: Contact }) {
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState('');
  const [error, setError, fail] = useError();
  const create = async (snooze: tasksApi.Snooze) => {
    setOpen(false);
    setError('');
    try {
      const task = await tasksApi.createTask({ title: t('followup.default', { name: displayName(c) }), snooze, contact_id: c.id });
      setDone(t('followup.created', { title: task.title }));
    } catch (e) {
      setDone('');
      fail(e);
    }
  };
  return (
    <div class="conv-actions">
      <button type="button" class="button button--small button--ghost" aria-expanded={open} aria-controls="quick-follow-up" data-testid="quick-follow-up"
        onClick={() => setOpen(!open)}>{t('followup.button')}</button>
      {open ? (
        <ul id="quick-follow-up" class="menu" data-testid="quick-follow-up-menu" onKeyDown={(e) => { if (e.key === 'Escape') setOpen(false); }}>
          {(['hour', 'tomorrow', 'next_week'] as const).map((s) => (
            <li key={s}>
              <button type="button" class="menu-item" data-testid={`follow-up-${s}`} onClick={() => create(s)}>
                {t(s === 'hour' ? 'tasks.snoozeHour' : s === 'tomorrow' ? 'tasks.snoozeTomorrow' : 'tasks.snoozeNextWeek')}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <span class="visually-hidden" role="status" data-testid="quick-follow-up-result">{done}</span>
      {error ? <span class="form-error" role="alert">{error}</span> : null}
    </div>
  );
}
