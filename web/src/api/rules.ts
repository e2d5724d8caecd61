// Automation rules: list, create, change, delete, log, dry run.
import { del, get, patch, post, type Page } from './client';
import type { components } from './schema';

export type Rule = components['schemas']['Rule'];
export type Trigger = components['schemas']['Trigger'];
export type Condition = components['schemas']['Condition'];
export type Action = components['schemas']['Action'];
export type NewRule = components['schemas']['NewRule'];
export type RulePatch = components['schemas']['RulePatch'];
export type RuleLogEntry = components['schemas']['RuleLogEntry'];
export type DryRun = components['schemas']['DryRun'];

export const rules = () => get<Page<Rule>>('/api/rules');
export const createRule = (body: NewRule) => post<Rule>('/api/rules', { json: body });
export const updateRule = (id: string, body: RulePatch) => patch<Rule>('/api/rules/{id}', { params: { id }, json: body });
export const deleteRule = (id: string) => del<null>('/api/rules/{id}', { params: { id } });
export const ruleLog = (id: string) => get<Page<RuleLogEntry>>('/api/rules/{id}/log', { params: { id } });
export const dryRun = (id: string) => post<DryRun>('/api/rules/{id}/dry_run', { params: { id } });
