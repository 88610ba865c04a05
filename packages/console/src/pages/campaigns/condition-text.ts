/**
 * A targeting rule in words, for the summary under the builder and for the server's faults. Each
 * row reads as one whole message in the user's language, with the field, its key and the value as
 * arguments; groups join their rows with "and" / "or".
 */
import { asSentence } from '../../api/http.ts';
import type { ConditionOp } from '../../api/types.ts';
import { currentLanguage, t } from '../../i18n/i18n.ts';
import { type EditNode, type GroupNode, type LeafNode, splitList } from './condition-model.ts';
import { type FieldTemplate, fieldTemplate, opLabel } from './field-catalog.ts';

/** A field's label inside a sentence: lower case, except in German, where nouns keep their capital. */
function inSentence(label: string): string {
  return currentLanguage() === 'de' ? label : label.toLowerCase();
}

/** "page section", or "custom event “signup”". */
function fieldPhrase(field: FieldTemplate, key: string): string {
  const label = inSentence(field.label);
  return field.keyLabel ? t('{field} “{key}”', { field: label, key: key.trim() || '…' }) : label;
}

/** A number with what it measures: "30 s", "3 pages", "2 items". */
function amountText(unit: string | undefined, value: string): string {
  switch (unit) {
    case 's':
      return t('{value} s', { value });
    case 'pages':
      return t('{value} pages', { value });
    case 'items':
      return t('{value} items', { value });
    case 'hour':
      return t('{value} o’clock', { value });
    default:
      return value;
  }
}

/** A value as the person reads it: a country's name rather than its code. */
function valueText(field: FieldTemplate, value: string): string {
  return field.choiceLabel && value !== '…' ? field.choiceLabel(value.toUpperCase()) : value;
}

function leafText(leaf: LeafNode): string {
  const field = fieldTemplate(leaf.template);
  if (!field) return leaf.template;
  const name = fieldPhrase(field, leaf.key);
  const text = valueText(field, leaf.text.trim() || '…');
  const list = field.kind === 'list' ? 'list' : 'other';
  switch (leaf.op) {
    case 'changed':
      return t('{field} changed', { field: name });
    case 'decreased':
    case 'increased':
      return leaf.text.trim()
        ? t('{field} {direction, select, increased {increased} other {decreased}} by at least {amount}', {
            field: name,
            direction: leaf.op,
            amount: text,
          })
        : t('{field} {direction, select, increased {increased} other {decreased}}', {
            field: name,
            direction: leaf.op,
          });
    case 'within':
      return t(
        '{field} {kind, select, presence {was reported within} other {happened within}} the last {amount} {unit, select, seconds {seconds} minutes {minutes} hours {hours} other {days}}',
        {
          field: name,
          kind: field.kind === 'presence' ? 'presence' : 'other',
          amount: text,
          unit: leaf.unit,
        },
      );
    case 'top_percent':
      return t('{field} is in the top {percent} % of the site’s visitors', { field: name, percent: text });
    case 'in':
      return t('{field} {kind, select, list {includes one of} other {is one of}} {values}', {
        field: name,
        kind: list,
        values:
          splitList(leaf.text)
            .map((v) => valueText(field, v))
            .join(', ') || '…',
      });
    case 'matches':
      return leaf.regex
        ? t('{field} {kind, select, list {has one matching} other {matches}} /{pattern}/', {
            field: name,
            kind: list,
            pattern: text,
          })
        : t('{field} {kind, select, list {has one matching} other {matches}} “{pattern}”', {
            field: name,
            kind: list,
            pattern: text,
          });
    default:
      return comparisonText(field, name, leaf.op, leaf.text, text);
  }
}

/** "is", "is not", "contains", "is at least", "is at most" with a value of the field's kind. */
function comparisonText(
  field: FieldTemplate,
  name: string,
  op: ConditionOp,
  raw: string,
  text: string,
): string {
  if (field.kind === 'boolean')
    return t('{field} {op, select, not_equals {is not} other {is}} {value, select, yes {yes} other {no}}', {
      field: name,
      op,
      value: raw === 'true' ? 'yes' : 'no',
    });
  if (field.kind === 'event')
    return t('{field} {op, select, lte {happened at most} other {happened at least}} {count} times', {
      field: name,
      op,
      count: text,
    });
  if (field.kind === 'number' || field.kind === 'time')
    return t(
      '{field} {op, select, not_equals {is not} gte {is at least} lte {is at most} other {is}} {value}',
      { field: name, op, value: amountText(field.unit, text) },
    );
  return t(
    '{field} {op, select, not_equals {is not} contains {contains} includes {includes} other {is}} “{value}”',
    { field: name, op: op === 'contains' && field.kind === 'list' ? 'includes' : op, value: text },
  );
}

function nodeText(node: EditNode, nested: boolean): string {
  if (node.kind === 'leaf') return leafText(node);
  if (node.children.length === 0) return node.op === 'any' ? t('no one') : t('anyone');
  const parts = node.children.map((child) => nodeText(child, true));
  const joined = parts.reduce((left, right) =>
    node.op === 'all' ? t('{left} and {right}', { left, right }) : t('{left} or {right}', { left, right }),
  );
  if (node.op === 'not') return t('not ({conditions})', { conditions: joined });
  return nested && parts.length > 1 ? `(${joined})` : joined;
}

/** "page section includes “checkout” and (cart total is at least 100 or returning visitor is yes)". */
export function describeRule(root: GroupNode): string {
  if (root.children.length === 0)
    return root.op === 'any'
      ? t('No visitor qualifies: “Any of” needs a condition.')
      : t('Every visitor qualifies.');
  const text = nodeText(root, false);
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

/** The server's "field X accepts a, b" in the builder's own words for that row's field. */
export function friendlyFault(leaf: LeafNode | undefined, message: string): string {
  const accepts = /^field \S+ accepts (.+)$/.exec(message);
  const field = leaf ? fieldTemplate(leaf.template) : undefined;
  if (accepts && field) {
    const ops = accepts[1]!.split(', ').map((op) => opLabel(op as ConditionOp, field.kind));
    return t('“{field}” can only use: {operators}.', { field: field.label, operators: ops.join(', ') });
  }
  if (/^unknown field/.test(message)) return t('The server does not know this field. Choose another one.');
  return asSentence(message.trim() || t('is not valid'));
}
