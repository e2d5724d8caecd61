// Tasks and follow-ups.
import { get, post, type Page } from './client';

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
export type Due = 'overdue' | 'today' | 'open';
export type Scope = 'mine' | 'team';

export const tasks = (due: Due, scope: Scope, cursor: string | null = null) => get<Page<Task>>('/api/tasks', { query: { due, scope, cursor } });
export const createTask = (body: { title: string; due_at: string; contact_id?: string; owner?: string }) => post<Task>('/api/tasks', { json: body });
export const completeTask = (id: string) => post<Task>('/api/tasks/{id}/done', { params: { id } });
