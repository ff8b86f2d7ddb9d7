// The visual form of a segment: the same tree as the text, as groups (all of / any of, NOT) and
// conditions picked from lists (fields, operators, tags, label keys and values, statuses). Each
// edit hands the whole new tree up (the builder prints it into the text). Beside each condition,
// the explain funnel for it: how many match it alone, and in an AND how many remain and how many
// it removed (the biggest cut marked), in an OR how many it adds.
import { type ReactNode, useEffect, useId, useState } from 'react';
import type { ExplainNode } from './segments-source';
import { fetchLabelValues } from './segments-source';
import {
  type Condition,
  DATE_FIELD_NAMES,
  DATE_FIELDS,
  EMAIL_STATUSES,
  FIELD_KINDS,
  type LeafCondition,
  NUMBER_FIELDS,
  OPERATORS,
  type Operator,
  PHONE_STATUSES,
  printSegment,
  assertNever,
  TEXT_FIELDS,
} from './segment-language';
import { addTo, dateWithOperator, defaultCondition, fitValues, FORM_KINDS, type FormKind, isFormKind, negate, type Path, replaceAt } from './segment-tree';

export interface FormNames {
  tags: readonly string[];
  labelKeys: readonly string[];
}

interface FormProps {
  tree: Condition | null;
  onChange: (tree: Condition | null) => void;
  names: FormNames;
  /** The explained tree when it is of this very tree (same shape), else null. */
  explain: ExplainNode | null;
}

const format = (n: number) => n.toLocaleString('en-US');
const opLabel = (op: Operator) => (op === 'has' ? 'has' : OPERATORS[op].text);
/** Comma-separated values as typed: leading blanks dropped, the rest kept (a value may hold inner and trailing spaces while typed). */
const splitValues = (typed: string) => typed.split(',').map((v) => v.replace(/^\s+/, ''));

export function SegmentForm({ tree, onChange, names, explain }: FormProps) {
  const add = (node: Condition) => onChange(addTo(tree, [], node));
  return (
    <div className="segment-form">
      {tree ? (
        <NodeEditor node={tree} path={[]} tree={tree} onChange={onChange} names={names} explain={explain} />
      ) : (
        <p className="note">No condition yet: add one, or type in the text.</p>
      )}
      <div className="row-actions">
        <button type="button" onClick={() => add(defaultCondition('tag', names))}>
          Add condition
        </button>
        <button
          type="button"
          onClick={() => add({ kind: tree?.kind === 'or' ? 'and' : 'or', conditions: [defaultCondition('tag', names), defaultCondition('sendable', names)] })}
        >
          Add group
        </button>
      </div>
    </div>
  );
}

interface NodeProps {
  node: Condition;
  path: Path;
  tree: Condition;
  onChange: (tree: Condition | null) => void;
  names: FormNames;
  explain: ExplainNode | null;
  /** What the parent's funnel says of this node: `remaining (−removed)` in an AND, `+added` in an OR. */
  step?: ReactNode;
  onRemove?: () => void;
}

function NodeEditor(props: NodeProps) {
  const { node, path, tree, onChange } = props;
  const set = (next: Condition | null) => onChange(replaceAt(tree, path, next));
  if (node.kind === 'and' || node.kind === 'or') return <GroupEditor {...props} node={node} set={set} />;
  const negated = node.kind === 'not';
  const inner = node.kind === 'not' ? node.condition : node;
  const innerExplain = negated ? (props.explain?.condition ?? null) : props.explain;
  if (inner.kind === 'and' || inner.kind === 'or') {
    // NOT (group): the group, with its NOT box on top.
    return (
      <div className="condition-row negated-group">
        <NotToggle negated onToggle={() => set(negate(node))} />
        <Counts explain={props.explain} step={props.step} />
        {props.onRemove && <RemoveButton onRemove={props.onRemove} path={path} />}
        <GroupEditor {...props} node={inner} path={[...path, 0]} set={(next) => set(next ? { kind: 'not', condition: next } : null)} explain={innerExplain} />
      </div>
    );
  }
  return (
    <div className="condition-row" data-testid="condition-row" data-path={path.join('.')}>
      <NotToggle negated={negated} onToggle={() => set(negate(node))} />
      <LeafEditor leaf={inner as LeafCondition} names={props.names} onChange={(leaf) => set(negated ? { kind: 'not', condition: leaf } : leaf)} />
      <Counts explain={props.explain} step={props.step} />
      {props.onRemove && <RemoveButton onRemove={props.onRemove} path={path} />}
    </div>
  );
}

function GroupEditor(props: NodeProps & { node: Extract<Condition, { kind: 'and' | 'or' }>; set: (next: Condition | null) => void }) {
  const { node, path, set, explain } = props;
  const id = useId();
  return (
    <fieldset className="condition-group" data-testid="condition-group">
      <legend>
        <label htmlFor={`${id}-combine`}>Match</label>{' '}
        <select id={`${id}-combine`} value={node.kind} onChange={(e) => set({ kind: e.target.value as 'and' | 'or', conditions: node.conditions })}>
          <option value="and">all of these (AND)</option>
          <option value="or">any of these (OR)</option>
        </select>
        {path.length === 0 ? null : <Counts explain={explain} step={props.step} />}
      </legend>
      {node.conditions.map((child, i) => {
        const childExplain = explain?.conditions?.[i] ?? null;
        const funnel = explain?.funnel?.[i];
        const union = explain?.union?.[i];
        const step = funnel ? (
          <span className={explain?.biggestCut === i ? 'funnel-step biggest-cut' : 'funnel-step'}>
            {format(funnel.remaining)} remain (−{format(funnel.removed)}){explain?.biggestCut === i ? ', biggest cut' : ''}
          </span>
        ) : union ? (
          <span className="funnel-step">+{format(union.added)} added</span>
        ) : undefined;
        return (
          <NodeEditor
            key={i}
            {...props}
            node={child}
            path={[...path, i]}
            explain={childExplain}
            step={step}
            onRemove={() => props.onChange(replaceAt(props.tree, [...path, i], null))}
          />
        );
      })}
      <div className="row-actions">
        <button type="button" onClick={() => props.onChange(addTo(props.tree, path, defaultCondition('tag', props.names)))}>
          Add condition to this group
        </button>
      </div>
    </fieldset>
  );
}

function NotToggle({ negated, onToggle }: { negated: boolean; onToggle: () => void }) {
  const id = useId();
  return (
    <span className="not-toggle">
      <input id={id} type="checkbox" checked={negated} onChange={onToggle} />
      <label htmlFor={id}>NOT</label>
    </span>
  );
}

/** Named by the condition's place (`Remove condition 2`, `Remove condition 2.1` inside a group), so each Remove says which. */
function RemoveButton({ onRemove, path }: { onRemove: () => void; path: Path }) {
  return (
    <button type="button" className="remove" onClick={onRemove} aria-label={`Remove condition ${path.map((i) => i + 1).join('.')}`}>
      Remove
    </button>
  );
}

function Counts({ explain, step }: { explain: ExplainNode | null; step?: ReactNode }) {
  if (!explain) return null;
  return (
    <span className="explain-counts" data-testid="explain-counts">
      <span className="match-count">{format(explain.count)} match</span>
      {step && <> · {step}</>}
    </span>
  );
}

/** A labelled select of `options` (value, text). */
function Pick<T extends string>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: readonly (T | [T, string])[];
  onChange: (v: T) => void;
}) {
  const id = useId();
  return (
    <span className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value as T)}>
        {options.map((o) => {
          const [v, text] = Array.isArray(o) ? o : [o, o];
          return (
            <option key={v} value={v}>
              {text}
            </option>
          );
        })}
      </select>
    </span>
  );
}

function TextInput({
  label,
  value,
  onChange,
  list,
  type = 'text',
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  list?: readonly string[];
  type?: string;
}) {
  const id = useId();
  return (
    <span className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type={type} value={value} list={list ? `${id}-list` : undefined} onChange={(e) => onChange(e.target.value)} />
      {list && (
        <datalist id={`${id}-list`}>
          {list.map((v) => (
            <option key={v} value={v} />
          ))}
        </datalist>
      )}
    </span>
  );
}

/** The values an operator takes, as one input (one value), a comma-separated list, or two (a range). */
function ValuesInput({
  op,
  values,
  onChange,
  list,
  type = 'text',
}: {
  op: Operator;
  values: string[];
  onChange: (v: string[]) => void;
  list?: readonly string[];
  type?: string;
}) {
  const operand = OPERATORS[op].operand;
  switch (operand) {
    case 'none':
    case 'span':
      return null;
    case 'one':
      return <TextInput label="Value" value={values[0] ?? ''} onChange={(v) => onChange([v])} list={list} type={type} />;
    case 'list':
      return <TextInput label="Values (comma-separated)" value={values.join(', ')} onChange={(v) => onChange(splitValues(v))} list={list} />;
    case 'range':
      return (
        <>
          <TextInput label="From" value={values[0] ?? ''} onChange={(v) => onChange([v, values[1] ?? v])} type={type} />
          <TextInput label="To" value={values[1] ?? ''} onChange={(v) => onChange([values[0] ?? v, v])} type={type} />
        </>
      );
    default:
      return assertNever(operand, 'operand');
  }
}

function LeafEditor({ leaf, names, onChange }: { leaf: LeafCondition; names: FormNames; onChange: (leaf: LeafCondition) => void }) {
  const kindChoices = Object.entries(FORM_KINDS) as [FormKind, string][];
  const kindPick = isFormKind(leaf.kind) ? (
    <Pick label="Condition" value={leaf.kind} options={kindChoices} onChange={(kind) => onChange(defaultCondition(kind, names))} />
  ) : null;
  return (
    <span className="leaf-editor">
      {kindPick}
      <LeafFields leaf={leaf} names={names} onChange={onChange} />
    </span>
  );
}

function LeafFields({ leaf, names, onChange }: { leaf: LeafCondition; names: FormNames; onChange: (leaf: LeafCondition) => void }) {
  switch (leaf.kind) {
    case 'tag': {
      const ops = FIELD_KINDS.membership.operators.map((op) => [op, op === 'has' ? 'has' : `${OPERATORS[op].text} of`] as [typeof op, string]);
      const tagChoices = [...new Set([...names.tags, ...leaf.tags])];
      return (
        <>
          <Pick
            label="Operator"
            value={leaf.op}
            options={ops}
            onChange={(op) => onChange({ ...leaf, op, tags: fitValues(op, leaf.tags, names.tags[0] ?? '') })}
          />
          {leaf.op === 'has' ? (
            <Pick label="Tag" value={leaf.tags[0] ?? ''} options={tagChoices} onChange={(tag) => onChange({ ...leaf, tags: [tag] })} />
          ) : (
            <ValuesInput op={leaf.op} values={leaf.tags} list={names.tags} onChange={(tags) => onChange({ ...leaf, tags })} />
          )}
        </>
      );
    }
    case 'label':
      return <LabelFields leaf={leaf} names={names} onChange={onChange} />;
    case 'text': {
      const ops = FIELD_KINDS.text.operators.map((op) => [op, opLabel(op)] as [typeof op, string]);
      return (
        <>
          <Pick label="Field" value={leaf.field} options={TEXT_FIELDS} onChange={(field) => onChange({ ...leaf, field })} />
          <Pick label="Operator" value={leaf.op} options={ops} onChange={(op) => onChange({ ...leaf, op, values: fitValues(op, leaf.values, '') })} />
          <ValuesInput op={leaf.op} values={leaf.values} onChange={(values) => onChange({ ...leaf, values })} />
        </>
      );
    }
    case 'number': {
      const ops = FIELD_KINDS.number.operators.map((op) => [op, opLabel(op)] as [typeof op, string]);
      const toNumbers = (values: string[]) => values.map((v) => (Number.isFinite(Number(v)) && v.trim() !== '' ? Number(v) : 0));
      return (
        <>
          <Pick label="Field" value={leaf.field} options={NUMBER_FIELDS} onChange={(field) => onChange({ ...leaf, field })} />
          <Pick label="Operator" value={leaf.op} options={ops} onChange={(op) => onChange({ ...leaf, op, values: fitValues(op, leaf.values, 0) })} />
          <ValuesInput op={leaf.op} values={leaf.values.map(String)} type="number" onChange={(values) => onChange({ ...leaf, values: toNumbers(values) })} />
        </>
      );
    }
    case 'date': {
      const ops = FIELD_KINDS.date.operators.map((op) => [op, opLabel(op) + (op === 'more_than_days_ago' ? ' … AGO' : '')] as [typeof op, string]);
      const fields = DATE_FIELDS.map((f) => [f, DATE_FIELD_NAMES[f]] as [typeof f, string]);
      const span = OPERATORS[leaf.op].operand === 'span';
      const unit = leaf.months !== undefined ? 'months' : 'days';
      const amount = leaf.months ?? leaf.days ?? 0;
      const setSpan = (n: number, u: 'days' | 'months') => {
        const { days: _d, months: _m, ...rest } = leaf;
        onChange({ ...rest, [u]: Math.max(0, Math.trunc(n) || 0) });
      };
      return (
        <>
          <Pick label="Field" value={leaf.field} options={fields} onChange={(field) => onChange({ ...leaf, field })} />
          <Pick label="Operator" value={leaf.op} options={ops} onChange={(op) => onChange(dateWithOperator(leaf, op))} />
          {span ? (
            <>
              <TextInput label="How many" type="number" value={String(amount)} onChange={(v) => setSpan(Number(v), unit)} />
              <Pick label="Unit" value={unit} options={['days', 'months'] as const} onChange={(u) => setSpan(amount, u)} />
            </>
          ) : (
            <ValuesInput op={leaf.op} values={leaf.dates ?? []} type="date" onChange={(dates) => onChange({ ...leaf, dates })} />
          )}
        </>
      );
    }
    case 'status': {
      const statuses: readonly string[] = leaf.channel === 'email' ? EMAIL_STATUSES : PHONE_STATUSES;
      return (
        <>
          <Pick
            label="Channel"
            value={leaf.channel}
            options={['email', 'phone'] as const}
            onChange={(channel) => onChange({ ...leaf, channel, statuses: ['active'] })}
          />
          <Pick
            label="Operator"
            value={leaf.op}
            options={
              [
                ['in', 'is one of'],
                ['not_in', 'is none of'],
              ] as const
            }
            onChange={(op) => onChange({ ...leaf, op })}
          />
          <StatusBoxes
            statuses={statuses}
            checked={leaf.statuses}
            onChange={(checked) => onChange({ ...leaf, statuses: checked.length > 0 ? checked : leaf.statuses })}
          />
        </>
      );
    }
    case 'sendable':
      return <Pick label="Channel" value={leaf.channel} options={['email', 'phone'] as const} onChange={(channel) => onChange({ ...leaf, channel })} />;
    case 'custom':
    case 'engagement':
    case 'subscription':
    case 'segment':
      // Written in the text only: shown as written, kept as is by every other edit.
      return (
        <span className="text-only">
          <code>{printSegment(leaf)}</code> <span className="note">(edit this condition in the text)</span>
        </span>
      );
    default:
      return assertNever(leaf, 'condition');
  }
}

function StatusBoxes({ statuses, checked, onChange }: { statuses: readonly string[]; checked: string[]; onChange: (checked: string[]) => void }) {
  const id = useId();
  return (
    <span className="status-boxes" role="group" aria-label="Statuses">
      {statuses.map((s) => (
        <span key={s}>
          <input
            id={`${id}-${s}`}
            type="checkbox"
            checked={checked.includes(s)}
            onChange={(e) => onChange(e.target.checked ? [...checked, s] : checked.filter((c) => c !== s))}
          />
          <label htmlFor={`${id}-${s}`}>{s}</label>
        </span>
      ))}
    </span>
  );
}

function LabelFields({
  leaf,
  names,
  onChange,
}: {
  leaf: Extract<LeafCondition, { kind: 'label' }>;
  names: FormNames;
  onChange: (leaf: LeafCondition) => void;
}) {
  const [values, setValues] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    if (leaf.key)
      fetchLabelValues(leaf.key).then(
        (v) => live && setValues(v),
        () => live && setValues([]),
      );
    return () => {
      live = false;
    };
  }, [leaf.key]);
  const ops = FIELD_KINDS.label.operators.map((op) => [op, opLabel(op)] as [typeof op, string]);
  return (
    <>
      <TextInput label="Label key" value={leaf.key} list={names.labelKeys} onChange={(key) => onChange({ ...leaf, key })} />
      <Pick label="Operator" value={leaf.op} options={ops} onChange={(op) => onChange({ ...leaf, op, values: fitValues(op, leaf.values, values[0] ?? '') })} />
      <ValuesInput op={leaf.op} values={leaf.values} list={values} onChange={(v) => onChange({ ...leaf, values: v })} />
    </>
  );
}
