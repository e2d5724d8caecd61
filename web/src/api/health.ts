// The deployment's health and the dead-letter redrive (administrators).
import { get, post } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type Health = Schemas['Health'];
export type Redriven = Schemas['Redriven'];

/** Arrivals, queues, the token as Meta judges it now, the data's shape. */
export const health = () => get<Health>('/api/admin/health');
/** Moves up to 100 dead messages of `queue` back to their work queue. */
export const redrive = (queue: string) => post<Redriven>('/api/admin/dlq/{queue}/redrive', { params: { queue } });
