// Tasks and follow-ups.
import { get, patch, post, type Page } from './client';

export interface Task {
  id: string;
  title: string;
  due_at: string;
  owner: string | null;
  contact_id: string | null;
  deal_id: string | null;
  done: boolean;
  done_at: string | null;
  created_by: string;
  created_at: string;
}
export type Due = 'overdue' | 'today' | 'upcoming' | 'open' | 'done';
/** Snooze presets the server resolves in business time. */
export type Snooze = 'hour' | 'tomorrow' | 'next_week';
export interface TaskChange {
  title?: string;
  due_at?: string;
  snooze?: Snooze;
  owner?: string;
}
export type Scope = 'mine' | 'team';

export const tasks = (due: Due, scope: Scope, cursor: string | null = null) => get<Page<Task>>('/api/tasks', { query: { due, scope, cursor } });
export const createTask = (body: { title: string; due_at?: string; snooze?: Snooze; contact_id?: string; owner?: string }) => post<Task>('/api/tasks', { json: body });
export const completeTask = (id: string) => post<Task>('/api/tasks/{id}/done', { params: { id } });
export const updateTask = (id: string, body: TaskChange) => patch<Task>('/api/tasks/{id}', { params: { id }, json: body });
