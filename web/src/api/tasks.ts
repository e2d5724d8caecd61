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

/** A contact's open tasks, everyone's, soonest due first (all pages). */
export async function contactTasks(contactId: string): Promise<Task[]> {
  const found: Task[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<Task> = await get<Page<Task>>('/api/contacts/{id}/tasks', { params: { id: contactId }, query: { cursor } });
    found.push(...items(page));
    cursor = nextCursor(page);
  } while (cursor);
  return found.sort((a, b) => String(a.due_at).localeCompare(String(b.due_at)));
}
