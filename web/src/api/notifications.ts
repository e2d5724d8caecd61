// The caller's notifications (the bell).
import { get, post } from './client';
import type { components } from './schema';

export type Notification = components['schemas']['Notification'];
export type Notifications = components['schemas']['Notifications'];

export const notifications = (cursor: string | null = null) => get<Notifications>('/api/notifications', { query: { cursor } });
export const markRead = (id: string) => post<components['schemas']['NotificationsRead']>('/api/notifications/{id}/read', { params: { id } });
export const markAllRead = () => post<components['schemas']['NotificationsRead']>('/api/notifications/read_all');
