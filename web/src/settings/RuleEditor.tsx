// Settings > Automation: one rule's form — name, when (trigger), only if
// (conditions), then (actions) — saved as a new rule or over the chosen one.
import { useEffect, useState } from 'preact/hooks';
import * as rulesApi from '../api/rules';
import type { Action, Condition, Rule, Trigger } from '../api/rules';
import { t } from '../i18n';
import { useError } from '../lib/useError';
import { RulePart, type Choices } from './RulePart';
import { ACTIONS, CONDITIONS, TRIGGERS, blank, type Part } from './ruleSpecs';

/** Drops the empty words a half-typed list leaves. */
const tidy = (part: Part): Part =>
  Object.fromEntries(Object.entries(part).map(([k, v]) => [k, Array.isArray(v) ? v.filter((w) => String(w).trim() !== '') : v])) as Part;

export const freshRule = (): Rule => ({
  id: '',
  name: '',
  enabled: true,
  trigger: blank('message_received', TRIGGERS) as unknown as Trigger,
  conditions: [],
  actions: [blank('add_tag', ACTIONS) as unknown as Action],
  failing: null,
  default_key: null,
  updated_at: '',
});

export function RuleEditor({ initial, choices, onSaved }: { initial: Rule; choices: Choices; onSaved: (r: Rule) => void }) {
  const [name, setName] = useState(initial.name);
  const [trigger, setTrigger] = useState<Part>(initial.trigger as unknown as Part);
  const [conditions, setConditions] = useState<Part[]>(initial.conditions as unknown as Part[]);
  const [actions, setActions] = useState<Part[]>(initial.actions as unknown as Part[]);
  const [busy, setBusy] = useState(false);
  const [error, setError, fail] = useError();
  useEffect(() => {
    setName(initial.name);
    setTrigger(initial.trigger as unknown as Part);
    setConditions(initial.conditions as unknown as Part[]);
    setActions(initial.actions as unknown as Part[]);
    setError('');
  }, [initial]);
  const save = async () => {
    if (!name.trim()) {
      setError(t('rules.nameNeeded'));
      return;
    }
    setBusy(true);
    try {
      const body = {
        name: name.trim(),
        trigger: tidy(trigger) as unknown as Trigger,
        conditions: conditions.map(tidy) as unknown as Condition[],
        actions: actions.map(tidy) as unknown as Action[],
      };
      const out = initial.id ? await rulesApi.updateRule(initial.id, body) : await rulesApi.createRule({ ...body, enabled: true });
      setError('');
      onSaved(out);
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };
  const key = initial.id || 'new';
  return (
    <form class="rule-editor" data-testid="rule-editor" novalidate onSubmit={(e) => { e.preventDefault(); save(); }}>
      <label for={`rule-name-${key}`}>{t('rules.name')}</label>
      <input id={`rule-name-${key}`} type="text" maxLength={120} autocomplete="off" data-testid="rule-name" value={name}
        onInput={(e) => setName((e.currentTarget as HTMLInputElement).value)} />
      <h3 class="side-heading">{t('rules.when')}</h3>
      <RulePart id={`${key}-trigger`} group="trigger" part={trigger} specs={TRIGGERS} choices={choices} onChange={setTrigger} />
      <h3 class="side-heading">{t('rules.onlyIf')}</h3>
      {conditions.length === 0 ? <p class="muted">{t('rules.noConditions')}</p> : null}
      {conditions.map((c, i) => (
        <RulePart key={i} id={`${key}-condition-${i}`} group="condition" part={c} specs={CONDITIONS} choices={choices}
          onChange={(p) => setConditions(conditions.map((x, j) => (j === i ? p : x)))}
          onRemove={() => setConditions(conditions.filter((_, j) => j !== i))} />
      ))}
      <button type="button" class="button button--secondary" data-testid="rule-add-condition"
        onClick={() => setConditions([...conditions, blank('has_tag', CONDITIONS)])}>{t('rules.addCondition')}</button>
      <h3 class="side-heading">{t('rules.then')}</h3>
      {actions.map((a, i) => (
        <RulePart key={i} id={`${key}-action-${i}`} group="action" part={a} specs={ACTIONS} choices={choices}
          onChange={(p) => setActions(actions.map((x, j) => (j === i ? p : x)))}
          onRemove={actions.length > 1 ? () => setActions(actions.filter((_, j) => j !== i)) : undefined} />
      ))}
      <button type="button" class="button button--secondary" data-testid="rule-add-action"
        onClick={() => setActions([...actions, blank('add_tag', ACTIONS)])}>{t('rules.addAction')}</button>
      <p class="muted">{t('rules.fieldsHint')}</p>
      <div class="modal-actions">
        <button type="submit" class="button button--primary" data-testid="rule-save" disabled={busy}>{t('common.save')}</button>
      </div>
      {error ? <p class="form-error" role="alert" data-testid="rule-error">{error}</p> : null}
    </form>
  );
}
