/** A targeting rule in words, for the summary under the builder and for the server's faults. */
import { asSentence } from '../../api/http.ts';
import type { ConditionOp } from '../../api/types.ts';
import { type EditNode, type GroupNode, type LeafNode, splitList } from './condition-model.ts';
import { fieldTemplate, opLabel } from './field-catalog.ts';

function leafText(leaf: LeafNode): string {
  const field = fieldTemplate(leaf.template);
  if (!field) return leaf.template;
  const name = field.keyLabel
    ? `${field.label.toLowerCase()} “${leaf.key.trim() || '…'}”`
    : field.label.toLowerCase();
  const op = opLabel(leaf.op, field.kind);
  const text = leaf.text.trim() || '…';
  switch (leaf.op) {
    case 'changed':
      return `${name} changed`;
    case 'decreased':
    case 'increased':
      return leaf.text.trim() ? `${name} ${op} by at least ${text}` : `${name} ${op}`;
    case 'within':
      return `${name} ${op} the last ${text} ${leaf.unit}`;
    case 'top_percent':
      return `${name} ${op} ${text} % of the site’s visitors`;
    case 'in':
      return `${name} ${op} ${splitList(leaf.text).join(', ') || '…'}`;
    case 'matches':
      return `${name} ${op} ${leaf.regex ? `/${text}/` : `“${text}”`}`;
    default: {
      if (field.kind === 'boolean') return `${name} ${op} ${leaf.text === 'true' ? 'yes' : 'no'}`;
      const numeric = field.kind === 'number' || field.kind === 'time' || field.kind === 'event';
      const unit =
        field.kind === 'event' ? ' times' : field.unit && field.unit !== '0–1' ? ` ${field.unit}` : '';
      return `${name} ${op} ${numeric ? `${text}${unit}` : `“${text}”`}`;
    }
  }
}

function nodeText(node: EditNode, nested: boolean): string {
  if (node.kind === 'leaf') return leafText(node);
  if (node.children.length === 0) return node.op === 'any' ? 'no one' : 'anyone';
  const parts = node.children.map((child) => nodeText(child, true));
  const joined = parts.join(node.op === 'all' ? ' and ' : ' or ');
  if (node.op === 'not') return `not (${joined})`;
  return nested && parts.length > 1 ? `(${joined})` : joined;
}

/** "page section includes “checkout” and (cart total is at least 100 or returning visitor is yes)". */
export function describeRule(root: GroupNode): string {
  if (root.children.length === 0)
    return root.op === 'any'
      ? 'No visitor qualifies: “Any of” needs a condition.'
      : 'Every visitor qualifies.';
  const text = nodeText(root, false);
  return text.charAt(0).toUpperCase() + text.slice(1) + '.';
}

/** The server's "field X accepts a, b" in the builder's own words for that row's field. */
export function friendlyFault(leaf: LeafNode | undefined, message: string): string {
  const accepts = /^field \S+ accepts (.+)$/.exec(message);
  const field = leaf ? fieldTemplate(leaf.template) : undefined;
  if (accepts && field) {
    const ops = accepts[1]!.split(', ').map((op) => opLabel(op as ConditionOp, field.kind));
    return `“${field.label}” can only use: ${ops.join(', ')}.`;
  }
  if (/^unknown field/.test(message)) return 'The server does not know this field. Choose another one.';
  return asSentence(message.trim() || 'is not valid');
}
