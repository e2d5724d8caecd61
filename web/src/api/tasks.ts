// Tasks and follow-ups.
import { get, patch, post, type Page } from './client';
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
