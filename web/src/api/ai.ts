// AI assist: the admin's settings (the key only as set or not) and one
// task over a conversation.
import { get, post, put } from './client';
import type { components } from './schema';

type Schemas = components['schemas'];
export type AiSettings = Schemas['AiSettings'];
export type AiSettingsInput = Schemas['AiSettingsInput'];
export type AiAssist = Schemas['AiAssist'];
export type AiTask = Schemas['AiTask'];

export const aiSettings = () => get<AiSettings>('/api/ai_settings');
export const saveAiSettings = (body: AiSettingsInput) => put<AiSettings>('/api/ai_settings', { json: body });
export const assist = (id: string, task: AiTask) => post<AiAssist>('/api/contacts/{id}/assist', { params: { id }, json: { task } });
