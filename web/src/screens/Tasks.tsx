// Tasks: today, overdue, upcoming and recently done, for me or the team;
// each one can be marked done, snoozed or (managers) reassigned.
import { useEffect, useState } from 'preact/hooks';
import { items, nextCursor } from '../api/client';
import * as tasksApi from '../api/tasks';
import type { Task } from '../api/tasks';
import * as teamApi from '../api/team';
import type { User } from '../api/team';
import { t } from '../i18n';
import type { Key } from '../i18n/en';
import { isManager } from '../lib/session';
import { useError } from '../lib/useError';
import { TaskItem } from '../tasks/TaskItem';

type View = 'today' | 'overdue' | 'upcoming' | 'done';
// Each view's empty state says what would show there, and where it comes from.
const VIEWS: { id: View; key: Key; empty: Key }[] = [
  { id: 'today', key: 'tasks.today', empty: 'tasks.emptyToday' },
  { id: 'overdue', key: 'tasks.overdue', empty: 'tasks.emptyOverdue' },
  { id: 'upcoming', key: 'tasks.upcoming', empty: 'tasks.emptyUpcoming' },
  { id: 'done', key: 'tasks.doneTab', empty: 'tasks.emptyDone' },
];

export function Tasks() {
  const [view, setView] = useState<View>('today');
  const [scope, setScope] = useState<tasksApi.Scope>('mine');
  const [list, setList] = useState<Task[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [team, setTeam] = useState<User[]>([]);
  const [error, setError, fail] = useError();
  const [rev, setRev] = useState(0);
  useEffect(() => {
    if (isManager()) teamApi.users().then((p) => setTeam(items(p).filter((u) => u.active && !u.invited))).catch(fail);
  }, []);
  useEffect(() => {
    let live = true;
    setList(null);
    tasksApi.tasks(view, scope)
      .then((page) => {
        if (!live) return;
        setList(items(page));
        setCursor(nextCursor(page));
        setError('');
      })
      .catch((e) => { if (live) fail(e); });
    return () => {
      live = false;
    };
  }, [view, scope, rev]);
  const more = async () => {
    try {
      const page = await tasksApi.tasks(view, scope, cursor);
      setList([...(list ?? []), ...items(page)]);
      setCursor(nextCursor(page));
    } catch (e) {
      fail(e);
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
      <div class="queue-tabs" role="group" aria-label={t('nav.tasks')}>
        {VIEWS.map((v) => (
          <button key={v.id} type="button" class={`queue-tab${view === v.id ? ' is-selected' : ''}`} aria-pressed={view === v.id}
            data-testid="tasks-tab" data-view={v.id} onClick={() => setView(v.id)}>
            <span class="queue-label">{t(v.key)}</span>
          </button>
        ))}
      </div>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      {list === null ? <p class="muted">{t('app.loading')}</p> : list.length === 0 ? <p class="muted" data-testid="tasks-empty">{t(VIEWS.find((v) => v.id === view)?.empty ?? 'tasks.emptyToday')}</p> : (
        <ul class="task-list" data-testid="task-list" data-view={view}>
          {list.map((task) => (
            <TaskItem key={task.id} task={task} team={team} showOwner={scope === 'team'} onChanged={() => setRev(rev + 1)} onError={fail} />
          ))}
        </ul>
      )}
      {cursor ? <button type="button" class="button button--secondary" data-testid="tasks-more" onClick={more}>{t('tasks.more')}</button> : null}
    </section>
  );
}
