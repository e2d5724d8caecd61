// Settings > Automation: the rules, each with its on/off switch and a
// failing badge with the error; choosing one opens its form, its log and a
// dry run. Everyone reads; managers and admins change.
import { useEffect, useState } from 'preact/hooks';
import { items } from '../api/client';
import * as dealsApi from '../api/deals';
import * as rulesApi from '../api/rules';
import type { Rule } from '../api/rules';
import * as templatesApi from '../api/templates';
import { t } from '../i18n';
import { isManager } from '../lib/session';
import { useError } from '../lib/useError';
import { RuleActivity } from './RuleActivity';
import { RuleEditor, freshRule } from './RuleEditor';
import type { Choices } from './RulePart';

export function Automation() {
  const [list, setList] = useState<Rule[] | null>(null);
  const [chosen, setChosen] = useState<Rule | null>(null);
  const [choices, setChoices] = useState<Choices>({ stages: [], templates: [] });
  const [busy, setBusy] = useState('');
  const [error, setError, fail] = useError();
  const manager = isManager();
  const load = () => rulesApi.rules().then((p) => {
    const all = items(p);
    setList(all);
    setChosen((current) => (current && current.id ? all.find((r) => r.id === current.id) ?? null : current));
  }).catch(fail);
  useEffect(() => {
    load();
    dealsApi.pipelines().then((p) => {
      const stages = [...new Set(items(p).flatMap((x) => x.stages.map((s) => s.id)))];
      setChoices((c) => ({ ...c, stages }));
    }).catch(fail);
    templatesApi.templatesPage(null).then((p) => {
      setChoices((c) => ({ ...c, templates: items(p).map((x) => ({ name: x.name, language: x.language })) }));
    }).catch(fail);
  }, []);
  const toggle = async (rule: Rule) => {
    setBusy(rule.id);
    try {
      await rulesApi.updateRule(rule.id, { enabled: !rule.enabled });
      setError('');
      await load();
    } catch (e) {
      fail(e);
    } finally {
      setBusy('');
    }
  };
  return (
    <section class="settings-section" aria-labelledby="automation-heading" data-testid="settings-automation">
      <h2 id="automation-heading" class="side-heading">{t('rules.heading')}</h2>
      <p class="muted">{t('rules.intro')}</p>
      {error ? <p class="form-error" role="alert" data-testid="automation-error">{error}</p> : null}
      {/* Above the list, which lands later: it pushes nothing under a pointer. */}
      {manager ? (
        <button type="button" class="button button--secondary" data-testid="rule-new" onClick={() => setChosen(freshRule())}>{t('rules.new')}</button>
      ) : null}
      {list && list.length === 0 ? <p class="muted">{t('rules.none')}</p> : null}
      <ul class="rule-list" data-testid="rule-list">
        {(list ?? []).map((rule) => (
          <li key={rule.id} class={`rule-row${chosen?.id === rule.id ? ' is-selected' : ''}`} data-testid="rule-row" data-rule-id={rule.id}>
            <label class="rule-switch" for={`rule-on-${rule.id}`}>
              <input id={`rule-on-${rule.id}`} type="checkbox" role="switch" data-testid="rule-enabled" checked={rule.enabled}
                disabled={!manager || busy === rule.id} onChange={() => toggle(rule)} />
              <span class="visually-hidden">{t('rules.enabledFor', { name: rule.name })}</span>
            </label>
            <button type="button" class="rule-open" data-testid="rule-open" aria-expanded={chosen?.id === rule.id} onClick={() => setChosen(chosen?.id === rule.id ? null : rule)}>
              {rule.name}
            </button>
            {rule.failing ? (
              <span class="badge badge--small badge--optout" data-testid="rule-failing" title={rule.failing.error}>{t('rules.failing')}</span>
            ) : null}
            {rule.failing ? <p class="form-error rule-failing-error">{rule.failing.error}</p> : null}
          </li>
        ))}
      </ul>
      {chosen ? (
        <div class="rule-detail">
          {manager ? <RuleEditor initial={chosen} choices={choices} onSaved={(r) => { setChosen(r); load(); }} /> : null}
          {chosen.id ? <RuleActivity rule={chosen} /> : null}
          {manager && chosen.id && !chosen.default_key ? (
            <button type="button" class="button button--ghost" data-testid="rule-delete" onClick={async () => {
              try {
                await rulesApi.deleteRule(chosen.id);
                setChosen(null);
                await load();
              } catch (e) {
                fail(e);
              }
            }}>{t('rules.delete')}</button>
          ) : null}
        </div>
      ) : null}
    </section>
  );
}
