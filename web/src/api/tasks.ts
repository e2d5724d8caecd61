// Tasks and follow-ups.
import { get, items, nextCursor, patch, post, type Page } from './client';
import type { components, paths } from './schema';

export type Task = components['schemas']['Task'];
type TaskQuery = NonNullable<paths['/api/tasks']['get']['parameters']['query']>;
export type Due = NonNullable<TaskQuery['due']>;
export type Scope = NonNullable<TaskQuery['scope']>;
export type TaskChange = components['schemas']['TaskPatch'];
/** Snooze presets the server resolves in business time. */
export type Snooze = NonNullable<TaskChange['snooze']>;

export const tasks = (due: Due, scope: Scope, cursor: string | null = null) => get<Page<Task>>('/api/tasks', { query: { due, scope, cursor } });
export const createTask = (body: components['schemas']['NewTask']) => post<Task>('/api/tasks', { json: body });
export const completeTask = (id: string) => post<Task>('/api/tasks/{id}/done', { params: { id } });
export const updateTask = (id: string, body: TaskChange) => patch<Task>('/api/tasks/{id}', { params: { id }, json: body });

/** How many pages of open tasks are read to find one contact's. */
const CONTACT_TASK_PAGES = 5;

/**
 * The open tasks about `contactId` (the caller's, or the team's with `team`),
 * soonest first. The API lists tasks by due date only, so its pages are read
 * and filtered here.
 */
export async function contactTasks(contactId: string, team: boolean): Promise<Task[]> {
  const found: Task[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < CONTACT_TASK_PAGES; i++) {
    const page: Page<Task> = await tasks('open', team ? 'team' : 'mine', cursor);
    found.push(...items(page).filter((task) => task.contact_id === contactId));
    cursor = nextCursor(page);
    if (!cursor) break;
  }
  return found;
}
