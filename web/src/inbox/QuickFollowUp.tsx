// A follow-up from the conversation in two taps: open the menu, pick when.
// The server places "tomorrow" and "next week" at 9:00 business time.
import { useEffect, useState } from 'preact/hooks';
import type { Contact } from '../api/contacts';
import * as tasksApi from '../api/tasks';
import * as templatesApi from '../api/templates';
import type { Template } from '../api/templates';
import { t } from '../i18n';
import { useError } from '../lib/useError';
import { displayName } from './model';
import { refreshTasks } from './store';

export function QuickFollowUp({ c }: { c: Contact }) {
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState('');
  const [error, setError, fail] = useError();
  const [unlessReply, setUnlessReply] = useState(true);
  const [templates, setTemplates] = useState<Template[]>([]);
  const [template, setTemplate] = useState('');
  const [params, setParams] = useState('');
  useEffect(() => {
    if (!open || templates.length) return;
    templatesApi.templatesPage(null)
      .then((p) => setTemplates((p.items ?? []).filter((x) => x.status === 'APPROVED')))
      .catch(() => { /* the template is optional */ });
  }, [open]);
  const create = async (snooze: tasksApi.Snooze) => {
    setOpen(false);
    setError('');
    const chosen = templates.find((x) => `${x.name}|${x.language}` === template);
    const filled = params.split(',').map((p) => p.trim()).filter((p) => p !== '');
    try {
      const task = await tasksApi.createTask({
        title: t('followup.default', { name: displayName(c) }), snooze, contact_id: c.id, cancel_on_reply: unlessReply,
        template: chosen ? { name: chosen.name, language: chosen.language, params: filled } : null,
      });
      setDone(t('followup.created', { title: task.title }));
      refreshTasks();
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
        <div id="quick-follow-up" class="menu" data-testid="quick-follow-up-menu" onKeyDown={(e) => { if (e.key === 'Escape') setOpen(false); }}>
        <label class="menu-option">
          <input type="checkbox" data-testid="follow-up-unless-reply" checked={unlessReply}
            onChange={(e) => setUnlessReply((e.currentTarget as HTMLInputElement).checked)} />
          {t('followup.unlessReply')}
        </label>
        <label class="menu-option" for="follow-up-template">{t('followup.template')}</label>
        <select id="follow-up-template" data-testid="follow-up-template" value={template}
          onChange={(e) => setTemplate((e.currentTarget as HTMLSelectElement).value)}>
          <option value="">{t('followup.noTemplate')}</option>
          {templates.map((x) => <option key={`${x.name}|${x.language}`} value={`${x.name}|${x.language}`}>{x.name} ({x.language})</option>)}
        </select>
        {template ? (
          <>
            <label class="menu-option" for="follow-up-params">{t('followup.params')}</label>
            <input id="follow-up-params" type="text" data-testid="follow-up-params" value={params} autocomplete="off"
              onInput={(e) => setParams((e.currentTarget as HTMLInputElement).value)} />
          </>
        ) : null}
        <ul class="menu-list">
          {(['hour', 'tomorrow', 'next_week'] as const).map((s) => (
            <li key={s}>
              <button type="button" class="menu-item" data-testid={`follow-up-${s}`} onClick={() => create(s)}>
                {t(s === 'hour' ? 'tasks.snoozeHour' : s === 'tomorrow' ? 'tasks.snoozeTomorrow' : 'tasks.snoozeNextWeek')}
              </button>
            </li>
          ))}
        </ul>
        </div>
      ) : null}
      <span class="visually-hidden" role="status" data-testid="quick-follow-up-result">{done}</span>
      {error ? <span class="form-error" role="alert">{error}</span> : null}
    </div>
  );
}
