/**
 * The rule builder's editable tree and its conversion to and from the protocol's condition tree.
 * Groups read "All of / Any of / None of"; "None of" is stored as `{not: {any: [...]}}` (or
 * `{not: child}` for a single child), so every tree the API accepts can be shown and saved back.
 */
import type { Condition, ConditionOp, ConditionValue, LeafCondition } from '../../api/types.ts';
import {
  type FieldKind,
  type FieldTemplate,
  fieldName,
  fieldTemplate,
  opsFor,
  parseFieldName,
} from './field-catalog.ts';

export type GroupOp = 'all' | 'any' | 'not';
export type WithinUnit = 'seconds' | 'minutes' | 'hours' | 'days';

export interface GroupNode {
  kind: 'group';
  id: string;
  op: GroupOp;
  children: EditNode[];
}

export interface LeafNode {
  kind: 'leaf';
  id: string;
  template: string;
  /** Section or event name, for templates with a `*`. */
  key: string;
  op: ConditionOp;
  /** The value as typed: one value, or a comma-separated list for `in`. */
  text: string;
  /** For `matches`: a regular expression instead of a URL glob. */
  regex: boolean;
  regexFlags: string;
  /** For `within`: the unit `text` is written in. */
  unit: WithinUnit;
}

export type EditNode = GroupNode | LeafNode;

export const UNIT_SECONDS: Record<WithinUnit, number> = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };
export const MAX_DEPTH = 10;

let nextId = 0;
const newId = (prefix: string) => `${prefix}${++nextId}`;

export function newGroup(op: GroupOp = 'all', children: EditNode[] = []): GroupNode {
  return { kind: 'group', id: newId('g'), op, children };
}

export function newLeaf(template = 'page.url'): LeafNode {
  const field = fieldTemplate(template)!;
  const op = opsFor(field)[0]!;
  return {
    kind: 'leaf',
    id: newId('c'),
    template,
    key: '',
    op,
    text: defaultText(field, op),
    regex: false,
    regexFlags: '',
    unit: 'minutes',
  };
}

function defaultText(field: FieldTemplate, op: ConditionOp): string {
  if (field.kind === 'boolean' && (op === 'equals' || op === 'not_equals')) return 'true';
  if (field.strictChoices && (op === 'equals' || op === 'not_equals')) return field.choices?.[0] ?? '';
  return '';
}

/** Changes a row's field, keeping its operator and value when they still make sense. */
export function withField(leaf: LeafNode, template: string): LeafNode {
  const before = fieldTemplate(leaf.template);
  const field = fieldTemplate(template)!;
  const ops = opsFor(field);
  const op = ops.includes(leaf.op) ? leaf.op : ops[0]!;
  const sameKind = before?.kind === field.kind && before.strictChoices === field.strictChoices;
  return {
    ...leaf,
    template,
    key: template.endsWith('*') && before?.template === template ? leaf.key : '',
    op,
    text: sameKind && op === leaf.op ? leaf.text : defaultText(field, op),
  };
}

/** Changes a row's operator, keeping the value when its shape does not change. */
export function withOp(leaf: LeafNode, op: ConditionOp): LeafNode {
  const field = fieldTemplate(leaf.template)!;
  const shape = (o: ConditionOp) =>
    o === 'in' ? 'list' : o === 'changed' ? 'none' : o === 'matches' ? 'pattern' : o;
  const keep =
    shape(op) === shape(leaf.op) ||
    (['equals', 'not_equals', 'contains'].includes(op) &&
      ['equals', 'not_equals', 'contains'].includes(leaf.op)) ||
    (['gte', 'lte'].includes(op) && ['gte', 'lte'].includes(leaf.op));
  return { ...leaf, op, text: keep ? leaf.text : defaultText(field, op) };
}

/* ——— From the protocol ——— */

/** The editable tree for a stored condition; the root is always a group. */
export function fromCondition(condition: Condition | undefined): GroupNode {
  if (!condition) return newGroup('all');
  const node = toNode(condition);
  return node.kind === 'group' ? node : newGroup('all', [node]);
}

function toNode(c: Condition): EditNode {
  if ('all' in c) return newGroup('all', c.all.map(toNode));
  if ('any' in c) return newGroup('any', c.any.map(toNode));
  if ('not' in c) {
    const inner = c.not;
    // {not: {any: [...]}} is "none of"; any other single child stays a single child.
    if ('any' in inner) return newGroup('not', inner.any.map(toNode));
    return newGroup('not', [toNode(inner)]);
  }
  return toLeaf(c);
}

function toLeaf(c: LeafCondition): LeafNode {
  const parsed = parseFieldName(c.field) ?? { template: 'page.url', key: '' };
  const leaf: LeafNode = { ...newLeaf(parsed.template), key: parsed.key, op: c.op, text: '' };
  const v = c.value;
  if (c.op === 'within' && typeof v === 'number') {
    const unit = (['days', 'hours', 'minutes'] as const).find((u) => v % UNIT_SECONDS[u] === 0) ?? 'seconds';
    return { ...leaf, unit, text: String(v / UNIT_SECONDS[unit]) };
  }
  if (c.op === 'matches' && v && typeof v === 'object' && !Array.isArray(v)) {
    const re = v as { regex: string; flags?: string };
    return { ...leaf, regex: true, regexFlags: re.flags ?? '', text: re.regex };
  }
  if (Array.isArray(v)) return { ...leaf, text: v.join(', ') };
  return { ...leaf, text: v === undefined ? '' : String(v) };
}

/* ——— To the protocol ——— */

export interface Serialized {
  condition: Condition;
  /** JSON pointer (from the campaign root) of each node, to place the server's errors. */
  paths: Map<string, string>;
}

export function toCondition(root: GroupNode, base = '/targeting'): Serialized {
  const paths = new Map<string, string>();
  const condition = serialize(root, base, paths);
  return { condition, paths };
}

function serialize(node: EditNode, path: string, paths: Map<string, string>): Condition {
  paths.set(path, node.id);
  if (node.kind === 'leaf') return leafCondition(node);
  if (node.op === 'not') {
    // None of nothing excludes no one: every visitor, as an empty "All of" says without an empty any.
    if (node.children.length === 0) return { all: [] };
    if (node.children.length === 1) return { not: serialize(node.children[0]!, `${path}/not`, paths) };
    return {
      not: { any: node.children.map((child, i) => serialize(child, `${path}/not/any/${i}`, paths)) },
    };
  }
  const op = node.op;
  const children = node.children.map((child, i) => serialize(child, `${path}/${op}/${i}`, paths));
  return op === 'all' ? { all: children } : { any: children };
}

function leafCondition(leaf: LeafNode): LeafCondition {
  const field = fieldTemplate(leaf.template)!;
  const out: LeafCondition = { field: fieldName(leaf.template, leaf.key), op: leaf.op };
  const value = leafValue(leaf, field);
  if (value !== undefined) out.value = value;
  return out;
}

/** The JSON type a field's single value has. */
export const scalarKind = (kind: FieldKind): 'number' | 'boolean' | 'string' =>
  kind === 'number' || kind === 'time' || kind === 'event'
    ? 'number'
    : kind === 'boolean'
      ? 'boolean'
      : 'string';

function parseScalar(text: string, kind: 'number' | 'boolean' | 'string'): string | number | boolean {
  const t = text.trim();
  if (kind === 'number') return t === '' ? Number.NaN : Number(t);
  if (kind === 'boolean') return t === 'true';
  return t;
}

function leafValue(leaf: LeafNode, field: FieldTemplate): ConditionValue | undefined {
  const text = leaf.text.trim();
  switch (leaf.op) {
    case 'changed':
      return undefined;
    case 'decreased':
    case 'increased':
      return text === '' ? undefined : Number(text);
    case 'within':
      return text === '' ? Number.NaN : Number(text) * UNIT_SECONDS[leaf.unit];
    case 'gte':
    case 'lte':
    case 'top_percent':
      return text === '' ? Number.NaN : Number(text);
    case 'matches':
      return leaf.regex
        ? leaf.regexFlags
          ? { regex: text, flags: leaf.regexFlags }
          : { regex: text }
        : text;
    case 'in': {
      const kind = scalarKind(field.kind);
      // Country codes are upper case, whatever was typed ("de, at" → DE, AT).
      const items = splitList(field.template === 'geo.country' ? leaf.text.toUpperCase() : leaf.text);
      return items.map((item) => parseScalar(item, kind) as string | number);
    }
    default:
      return parseScalar(leaf.text, field.kind === 'list' ? 'string' : scalarKind(field.kind));
  }
}

export function splitList(text: string): string[] {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** The node with this id, if it is in the tree. */
export function findNode(node: EditNode, id: string): EditNode | undefined {
  if (node.id === id) return node;
  if (node.kind === 'leaf') return undefined;
  for (const child of node.children) {
    const hit = findNode(child, id);
    if (hit) return hit;
  }
  return undefined;
}

/** Ids of every row (leaf) in a tree. */
export function leafIds(node: EditNode, into = new Set<string>()): Set<string> {
  if (node.kind === 'leaf') into.add(node.id);
  else for (const child of node.children) leafIds(child, into);
  return into;
}

/** Number of rows (leaves) in a tree. */
export function countLeaves(node: EditNode): number {
  return node.kind === 'leaf' ? 1 : node.children.reduce((sum, child) => sum + countLeaves(child), 0);
}

/* ——— Immutable edits, by node id ——— */

export function updateNode(root: GroupNode, id: string, change: (node: EditNode) => EditNode): GroupNode {
  const visit = (node: EditNode): EditNode => {
    if (node.id === id) return change(node);
    if (node.kind === 'leaf') return node;
    const children = node.children.map(visit);
    return children.some((child, i) => child !== node.children[i]) ? { ...node, children } : node;
  };
  return visit(root) as GroupNode;
}

export function removeNode(root: GroupNode, id: string): GroupNode {
  const visit = (node: EditNode): EditNode => {
    if (node.kind === 'leaf') return node;
    const kept = node.children.filter((child) => child.id !== id).map(visit);
    return kept.length !== node.children.length || kept.some((child, i) => child !== node.children[i])
      ? { ...node, children: kept }
      : node;
  };
  return visit(root) as GroupNode;
}

/** Finds which node a server error path such as `/targeting/all/1/any/0/value` points at. */
export function nodeForPath(
  paths: Map<string, string>,
  errorPath: string,
): { id: string; rest: string } | null {
  let path = errorPath;
  while (path.startsWith('/targeting')) {
    const id = paths.get(path);
    if (id) return { id, rest: errorPath.slice(path.length) };
    const cut = path.lastIndexOf('/');
    if (cut <= 0) break;
    path = path.slice(0, cut);
  }
  return null;
}
