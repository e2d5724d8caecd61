// Settings > Automation: what a rule did (its log) and what it would have
// done over the last week (a dry run, which acts on nothing).
import { useEffect, useState } from 'preact/hooks';
import { items } from '../api/client';
import * as rulesApi from '../api/rules';
import type { DryRun, Rule, RuleLogEntry } from '../api/rules';
import { t } from '../i18n';
import type { Key } from '../i18n/en';
import { fmtFull, parseTime } from '../lib/format';
import { isManager } from '../lib/session';
import { useError } from '../lib/useError';

const when = (text: string) => {
  const at = parseTime(text);
  return at !== null ? fmtFull(at) : text;
};

export function RuleActivity({ rule }: { rule: Rule }) {
  const [log, setLog] = useState<RuleLogEntry[] | null>(null);
  const [dry, setDry] = useState<DryRun | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError, fail] = useError();
  useEffect(() => {
    setDry(null);
    rulesApi.ruleLog(rule.id).then((p) => { setLog(items(p)); setError(''); }).catch(fail);
  }, [rule.id, rule.updated_at]);
  return (
    <section class="rule-activity" aria-labelledby={`rule-log-${rule.id}`}>
      <h3 id={`rule-log-${rule.id}`} class="side-heading">{t('rules.log')}</h3>
      {error ? <p class="form-error" role="alert">{error}</p> : null}
      {log && log.length === 0 ? <p class="muted" data-testid="rule-log-empty">{t('rules.logEmpty')}</p> : null}
      <ul class="audit-list" data-testid="rule-log">
        {(log ?? []).map((entry) => (
          <li key={entry.id} data-testid="rule-log-entry">
            <span class="audit-when">{when(entry.at)}</span> <strong>{t(`rules.result.${entry.result}` as Key)}</strong> <span>{entry.cause}</span>
            <ul>{entry.outcomes.map((o, i) => <li key={i}>{o}</li>)}</ul>
          </li>
        ))}
      </ul>
      {isManager() ? (
        <button type="button" class="button button--secondary" data-testid="rule-dry-run" disabled={busy} onClick={async () => {
          setBusy(true);
          try {
            setDry(await rulesApi.dryRun(rule.id));
            setError('');
          } catch (e) {
            fail(e);
          } finally {
            setBusy(false);
          }
        }}>{t('rules.dryRun')}</button>
      ) : null}
      {dry ? (
        <div data-testid="rule-dry-run-result" role="status">
          <p class="muted">{t('rules.dryRunNote', { days: dry.days })}</p>
          {dry.lines.length === 0 ? <p>{t('rules.dryRunNone')}</p> : null}
          <ul class="audit-list">
            {dry.lines.map((line) => (
              <li key={line.event_id} data-testid="rule-dry-run-line">
                <span class="audit-when">{when(line.at)}</span> <span>{line.event_type}</span>{' '}
                <strong>{line.outcome === 'timer' && line.due_at ? t('rules.wouldArm', { at: when(line.due_at) }) : t('rules.wouldRun')}</strong>{' '}
                <span>{line.actions.map((a) => t(`rules.action.${a}` as Key)).join(', ')}</span>
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </section>
  );
}
