// Tasks: today, overdue and upcoming, for me or the team; mark done.
import { useEffect, useState } from 'preact/hooks';
import { ApiError, SignedOut, items } from '../api/client';
import * as tasksApi from '../api/tasks';
import type { Task } from '../api/tasks';
import { t } from '../i18n';
import type { Key } from '../i18n/en';
import { fmtFull, parseTime, startOfDay, DAY_MS } from '../lib/format';
import { href } from '../lib/router';
import { isManager } from '../lib/session';

type View = 'today' | 'overdue' | 'upcoming';
const VIEWS: { id: View; key: Key }[] = [
  { id: 'today', key: 'tasks.today' },
  { id: 'overdue', key: 'tasks.overdue' },
  { id: 'upcoming', key: 'tasks.upcoming' },
];

export function Tasks() {
  const [view, setView] = useState<View>('today');
  const [scope, setScope] = useState<tasksApi.Scope>('mine');
  const [list, setList] = useState<Task[] | null>(null);
  const [error, setError] = useState('');
  const [rev, setRev] = useState(0);
  useEffect(() => {
    let live = true;
    setList(null);
    (async () => {
      try {
        const page = await tasksApi.tasks(view === 'upcoming' ? 'open' : view, scope);
        let found = items(page);
        // "Upcoming" is every open task due after today.
        if (view === 'upcoming') found = found.filter((x) => (parseTime(x.due_at) ?? 0) >= startOfDay(Date.now()) + DAY_MS);
        if (live) {
          setList(found);
          setError('');
        }
      } catch (e) {
        if (live && !(e instanceof SignedOut)) setError(e instanceof ApiError ? e.message : t('app.unreachable'));
      }
    })();
    return () => {
      live = false;
    };
  }, [view, scope, rev]);
  const done = async (task: Task) => {
    try {
      await tasksApi.completeTask(task.id);
      setRev(rev + 1);
    } catch (e) {
      if (!(e instanceof SignedOut)) setError(e instanceof ApiError ? e.message : t('app.unreachable'));
    }
  };
  return (
    <section class="page" data-testid="tasks" aria-labelledby="tasks-heading">
      <div class="page-head">
        <h1 id="tasks-heading" class="pane-title">{t('nav.tasks')}</h1>
        {isManager() ? (
          <div class="segmented" role="group" aria-label={t('tasks.scope')}>
            {(['mine', 'team'] as const).map((s) => (
              <button key={s} type="button" class={`seg${scope === s ? ' is-selected' : ''}`} aria-pressed={scope === s} data-testid={`tasks-scope-${s}`} onClick={() => setScope(s)}>
                {t(s === 'mine' ? 'tasks.mine' : 'tasks.team')}
              </button>
            ))}
          </div>
        ) : null}
      </div>
      <div class="queue-tabs" role="tablist" aria-label={t('nav.tasks')}>
        {VIEWS.map((v) => (
          <button key={v.id} type="button" role="tab" class={`queue-tab${view === v.id ? ' is-selected' : ''}`} aria-selected={view === v.id}
            data-testid="tasks-tab" data-view={v.id} onClick={() => setView(v.id)}>
            <span class="queue-label">{t(v.key)}</span>
          </button>
        ))}
      </div>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      {list === null ? <p class="muted">{t('app.loading')}</p> : list.length === 0 ? <p class="muted" data-testid="tasks-empty">{t('tasks.empty')}</p> : (
        <ul class="task-list">
          {list.map((task) => {
            const due = parseTime(task.due_at);
            const overdue = due !== null && due < Date.now();
            return (
              <li class={`task${overdue ? ' is-overdue' : ''}`} data-testid="task" data-task-id={task.id} key={task.id}>
                <div class="task-main">
                  <span class="task-title" data-testid="task-title">{task.title}</span>
                  <span class="task-meta">
                    {due !== null ? <time dateTime={task.due_at}>{fmtFull(due)}</time> : null}
                    {scope === 'team' && task.owner ? ` · ${task.owner}` : ''}
                    {task.contact_id ? <> · <a href={href({ name: 'inbox', contact: task.contact_id })}>{t('tasks.openConversation')}</a></> : null}
                  </span>
                </div>
                <button type="button" class="button button--small button--secondary" data-testid="task-done" onClick={() => done(task)}>{t('tasks.done')}</button>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
