// One task in a list: mark done, snooze (an hour, tomorrow 9:00 or next
// Monday 9:00 in business time, or a picked moment), reassign (managers).
import { useState } from 'preact/hooks';
import type { User } from '../api/team';
import * as tasksApi from '../api/tasks';
import type { Task } from '../api/tasks';
import { t } from '../i18n';
import { fmtFull, parseTime } from '../lib/format';
import { href } from '../lib/router';
import { isManager, user } from '../lib/session';

export function TaskItem({ task, team, showOwner, hideContact = false, onChanged, onError }: {
  task: Task;
  team: User[];
  showOwner: boolean;
  /** Shown in its contact's conversation: no link to it. */
  hideContact?: boolean;
  onChanged: () => void;
  onError: (e: unknown) => void;
}) {
  const [snoozing, setSnoozing] = useState(false);
  const [picked, setPicked] = useState('');
  const [busy, setBusy] = useState(false);
  const due = parseTime(task.due_at);
  const doneAt = parseTime(task.done_at);
  const overdue = !task.done && due !== null && due < Date.now();
  const change = async (work: () => Promise<unknown>) => {
    setBusy(true);
    try {
      await work();
      setSnoozing(false);
      onChanged();
    } catch (e) {
      onError(e);
    } finally {
      setBusy(false);
    }
  };
  const mayChange = !task.done && (isManager() || task.owner === user.value?.email);
  const snoozeId = `snooze-${task.id}`;
  const ownerId = `owner-${task.id}`;
  return (
    <li class={`task${overdue ? ' is-overdue' : ''}${task.done ? ' is-done' : ''}`} data-testid="task" data-task-id={task.id} data-owner={task.owner ?? ''}>
      <div class="task-main">
        <span class="task-title" data-testid="task-title">{task.title}</span>
        <span class="task-meta">
          {task.done && doneAt !== null ? <>{t('tasks.doneAt')} <time dateTime={task.done_at ?? ''}>{fmtFull(doneAt)}</time></>
            : due !== null ? <time dateTime={task.due_at} data-testid="task-due">{fmtFull(due)}</time> : null}
          {showOwner && task.owner ? ` · ${task.owner}` : ''}
          {task.cancelled_at ? <> · <span class="task-state" data-testid="task-cancelled">{t('tasks.cancelled')}</span></>
            : task.fired_at && !task.done ? <> · <span class="task-state" data-testid="task-fired">{t('tasks.fired')}</span></>
            : task.cancel_on_reply && !task.done ? <> · <span class="task-state" data-testid="task-unless-reply">{t('tasks.unlessReply')}</span></> : null}
          {task.contact_id && !hideContact ? <> · <a href={href({ name: 'inbox', contact: task.contact_id })}>{t('tasks.openConversation')}</a></> : null}
        </span>
      </div>
      {mayChange ? (
        <div class="task-actions">
          <button type="button" class="button button--small button--secondary" data-testid="task-done" disabled={busy}
            onClick={() => change(() => tasksApi.completeTask(task.id))}>{t('tasks.done')}</button>
          <button type="button" class="button button--small button--ghost" data-testid="task-snooze" aria-expanded={snoozing} aria-controls={snoozeId}
            onClick={() => setSnoozing(!snoozing)}>{t('tasks.snooze')}</button>
          {isManager() ? (
            <span class="task-owner">
              <label class="visually-hidden" for={ownerId}>{t('tasks.reassign', { title: task.title })}</label>
              <select id={ownerId} data-testid="task-owner" value={task.owner ?? ''} disabled={busy}
                onChange={(e) => {
                  const owner = (e.currentTarget as HTMLSelectElement).value;
                  if (owner && owner !== task.owner) change(() => tasksApi.updateTask(task.id, { owner }));
                }}>
                {team.some((u) => u.email === task.owner) ? null : <option value={task.owner ?? ''}>{task.owner ?? ''}</option>}
                {team.map((u) => <option key={u.email} value={u.email}>{u.name?.trim() ? `${u.name} (${u.email})` : u.email}</option>)}
              </select>
            </span>
          ) : null}
        </div>
      ) : null}
      {snoozing ? (
        <div class="task-snooze" id={snoozeId} role="group" aria-label={t('tasks.snoozeUntil')}>
          {(['hour', 'tomorrow', 'next_week'] as const).map((s) => (
            <button key={s} type="button" class="button button--small button--secondary" data-testid={`snooze-${s}`} disabled={busy}
              onClick={() => change(() => tasksApi.updateTask(task.id, { snooze: s }))}>
              {t(s === 'hour' ? 'tasks.snoozeHour' : s === 'tomorrow' ? 'tasks.snoozeTomorrow' : 'tasks.snoozeNextWeek')}
            </button>
          ))}
          <form class="inline-form" novalidate onSubmit={(e) => {
            e.preventDefault();
            const at = picked ? new Date(picked) : null;
            if (at && !Number.isNaN(at.getTime())) change(() => tasksApi.updateTask(task.id, { due_at: at.toISOString() }));
          }}>
            <label class="visually-hidden" for={`${snoozeId}-at`}>{t('tasks.snoozePick')}</label>
            <input id={`${snoozeId}-at`} type="datetime-local" data-testid="snooze-at" value={picked} onInput={(e) => setPicked((e.currentTarget as HTMLInputElement).value)} />
            <button type="submit" class="button button--small button--secondary" data-testid="snooze-pick" disabled={busy || !picked}>{t('tasks.snoozePick')}</button>
          </form>
        </div>
      ) : null}
    </li>
  );
}
