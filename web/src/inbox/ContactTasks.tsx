// The open conversation's open tasks in the contact panel: follow-ups staff
// added, calls to return (a missed WhatsApp call makes one), calls to make
// again. Each can be marked done, snoozed or (managers) reassigned.
import { TaskItem } from '../tasks/TaskItem';
import { t } from '../i18n';
import { useError } from '../lib/useError';
import { isManager } from '../lib/session';
import { refreshTasks, state } from './store';

export function ContactTasks({ contactId }: { contactId: string }) {
  const [error, , fail] = useError();
  const loaded = state.tasksFor === contactId;
  const list = loaded ? state.tasks : [];
  return (
    <>
      <h4 class="side-subheading" id="contact-tasks-heading">{t('panel.openTasks')}</h4>
      <ul class="task-list task-list--panel" data-testid="contact-tasks" aria-labelledby="contact-tasks-heading" aria-busy={loaded ? undefined : 'true'}>
        {list.map((task) => (
          <TaskItem key={task.id} task={task} team={state.users} showOwner={isManager()} hideContact onChanged={refreshTasks} onError={fail} />
        ))}
        {loaded && !list.length ? <li class="side-empty" data-testid="contact-tasks-empty">{t('panel.noTasks')}</li> : null}
      </ul>
      {state.tasksError || error ? <p class="form-error" role="alert">{state.tasksError || error}</p> : null}
    </>
  );
}
