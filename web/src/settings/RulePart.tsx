// One part of a rule (its trigger, a condition or an action): a type picker
// and the fields that type has, as labelled form controls.
import { t } from '../i18n';
import type { Key } from '../i18n/en';
import { blank, type FieldSpec, type Part, type Specs } from './ruleSpecs';

export interface Choices { stages: string[]; templates: { name: string; language: string }[] }

interface Props {
  id: string;
  group: 'trigger' | 'condition' | 'action';
  part: Part;
  specs: Specs;
  choices: Choices;
  onChange: (part: Part) => void;
  onRemove?: () => void;
}

const label = (key: string) => t(`rules.field.${key}` as Key);

function Field({ id, spec, part, choices, onChange }: { id: string; spec: FieldSpec; part: Part; choices: Choices; onChange: (p: Part) => void }) {
  const fid = `${id}-${spec.key}`;
  const set = (value: unknown) => onChange({ ...part, [spec.key]: value });
  const value = part[spec.key];
  const input = (e: Event) => (e.currentTarget as HTMLInputElement).value;
  let control;
  switch (spec.kind) {
    case 'bool':
      return (
        <label class="rule-check" for={fid}>
          <input id={fid} type="checkbox" checked={value === true} onChange={(e) => set((e.currentTarget as HTMLInputElement).checked)} />
          {label(spec.label ?? spec.key)}
        </label>
      );
    case 'number':
      control = <input id={fid} type="number" min={0} inputMode="numeric" value={String(value ?? 1)} onInput={(e) => set(Math.max(0, Math.floor(Number(input(e)) || 0)))} />;
      break;
    case 'list':
      control = <input id={fid} type="text" value={Array.isArray(value) ? value.join(', ') : ''}
        onInput={(e) => set(input(e).split(',').map((w) => w.trim()).filter((w, i, all) => w !== '' || i === all.length - 1))} />;
      break;
    case 'stage':
    case 'anyStage':
      control = (
        <select id={fid} value={typeof value === 'string' ? value : ''} onChange={(e) => set((e.currentTarget as HTMLSelectElement).value || (spec.kind === 'anyStage' ? null : ''))}>
          <option value="">{spec.kind === 'anyStage' ? t('rules.any') : t('rules.choose')}</option>
          {choices.stages.map((s) => <option key={s} value={s}>{s}</option>)}
        </select>
      );
      break;
    case 'template': {
      const current = `${String(part.name ?? '')}|${String(part.language ?? '')}`;
      control = (
        <select id={fid} value={current} onChange={(e) => {
          const [name = '', language = ''] = (e.currentTarget as HTMLSelectElement).value.split('|');
          onChange({ ...part, name, language });
        }}>
          <option value="|">{t('rules.choose')}</option>
          {part.name && !choices.templates.some((x) => `${x.name}|${x.language}` === current) ? <option value={current}>{current.replace('|', ' · ')}</option> : null}
          {choices.templates.map((x) => <option key={`${x.name}|${x.language}`} value={`${x.name}|${x.language}`}>{x.name} · {x.language}</option>)}
        </select>
      );
      break;
    }
    default:
      control = <input id={fid} type="text" value={typeof value === 'string' ? value : ''} onInput={(e) => set(input(e) || (spec.kind === 'optionalText' ? null : ''))} />;
  }
  return (
    <div class="rule-field">
      <label for={fid}>{label(spec.label ?? spec.key)}</label>
      {control}
    </div>
  );
}

export function RulePart({ id, group, part, specs, choices, onChange, onRemove }: Props) {
  return (
    <fieldset class="rule-part" data-testid={`rule-${group}`}>
      <legend class="visually-hidden">{t(`rules.${group}` as Key)}</legend>
      <div class="rule-field">
        <label for={`${id}-type`}>{t(`rules.${group}` as Key)}</label>
        <select id={`${id}-type`} data-testid={`rule-${group}-type`} value={part.type} onChange={(e) => onChange(blank((e.currentTarget as HTMLSelectElement).value, specs))}>
          {Object.keys(specs).map((type) => <option key={type} value={type}>{t(`rules.${group}.${type}` as Key)}</option>)}
        </select>
      </div>
      {(specs[part.type] ?? []).map((spec) => <Field key={spec.key} id={id} spec={spec} part={part} choices={choices} onChange={onChange} />)}
      {onRemove ? <button type="button" class="button button--ghost" onClick={onRemove}>{t('common.remove')}</button> : null}
    </fieldset>
  );
}
