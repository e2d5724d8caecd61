// The forms of a rule's parts: for each trigger, condition and action type,
// the fields it has and how each is edited. The editor renders these, so a
// rule is edited as form fields, never as JSON.

/** How a field is edited: required text, optional text (empty = none), a
 * whole number, a yes/no box, comma-separated words, a stage (optionally
 * "any"), or a template from the catalog (sets name and language). */
export type FieldKind = 'text' | 'optionalText' | 'number' | 'bool' | 'list' | 'stage' | 'anyStage' | 'template';
/** `label` names the field's catalog entry when the key alone is ambiguous. */
export interface FieldSpec { key: string; kind: FieldKind; label?: string }
export type Part = Record<string, unknown> & { type: string };
export type Specs = Record<string, FieldSpec[]>;

const f = (key: string, kind: FieldKind, label?: string): FieldSpec => ({ key, kind, label });

export const TRIGGERS: Specs = {
  message_received: [f('first_only', 'bool')],
  keyword: [f('keywords', 'list')],
  stage_changed: [f('from', 'anyStage'), f('to', 'anyStage')],
  no_customer_reply: [f('hours', 'number')],
  no_agent_reply: [f('minutes', 'number')],
  deal_idle: [f('days', 'number')],
  outside_hours: [],
  new_lead: [f('source', 'optionalText')],
  task_due: [],
};

export const CONDITIONS: Specs = {
  stage: [f('pipeline', 'text'), f('stage', 'anyStage')],
  has_tag: [f('tag', 'text')],
  lacks_tag: [f('tag', 'text')],
  owner_is: [f('email', 'text')],
  unassigned: [],
  window: [f('open', 'bool')],
  opted_out: [f('opted_out', 'bool')],
  field_equals: [f('field', 'text'), f('value', 'text')],
  business_number: [f('phone_number_id', 'text')],
  button_payload: [f('payload', 'text')],
};

export const ACTIONS: Specs = {
  send_template: [f('template', 'template'), f('params', 'list')],
  send_text: [f('text', 'text')],
  create_task: [f('title', 'text'), f('due_in_hours', 'number'), f('owner', 'optionalText', 'taskOwner')],
  assign: [f('to', 'optionalText', 'assignTo')],
  add_tag: [f('tag', 'text')],
  remove_tag: [f('tag', 'text')],
  move_stage: [f('stage', 'stage')],
  notify: [f('to', 'optionalText', 'notifyTo'), f('title', 'optionalText', 'notifyTitle')],
  call_webhook: [f('webhook', 'text')],
  send_ai_reply: [],
};

/** A part of `type` with every field empty. */
export function blank(type: string, specs: Specs): Part {
  const part: Part = { type };
  for (const field of specs[type] ?? []) {
    if (field.kind === 'template') {
      part.name = '';
      part.language = '';
    } else {
      part[field.key] = field.kind === 'number' ? 1 : field.kind === 'bool' ? false : field.kind === 'list' ? [] : field.kind === 'text' || field.kind === 'stage' ? '' : null;
    }
  }
  if (type === 'window') part.open = true;
  if (type === 'stage') part.pipeline = 'sales';
  return part;
}
