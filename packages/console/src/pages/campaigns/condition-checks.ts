/** Checks a rule's rows before saving, in words a person can act on (the server checks again, by path). */

import { COUNTRY_CODES } from '../../components/country-names.ts';
import { t } from '../../i18n/i18n.ts';
import {
  type EditNode,
  type GroupNode,
  type LeafNode,
  scalarKind,
  splitList,
  UNIT_SECONDS,
} from './condition-model.ts';
import { type FieldTemplate, fieldTemplate, KEY_PATTERN } from './field-catalog.ts';

const MAX_WITHIN_SECONDS = 31_536_000;
const MAX_PATTERN_LENGTH = 512;
const MAX_IN_VALUES = 100;
const MAX_STRING = 256;

export interface LeafProblem {
  /** Which control is at fault: the field (or its key), the operator, or the value. */
  part: 'field' | 'key' | 'op' | 'value';
  message: string;
}

/** Constructs a linear-time regex engine cannot run: lookarounds and backreferences. */
const LINEAR_ONLY = /\(\?<?[=!]|\\[1-9]|\\k</;

/** A country must be a code the server knows; a local hour a whole hour of the day. */
function geoProblem(field: FieldTemplate, leaf: LeafNode): LeafProblem | null {
  const items = leaf.op === 'in' ? splitList(leaf.text) : [leaf.text.trim()];
  if (field.template === 'geo.country') {
    const bad = items.find((code) => !COUNTRY_CODES.includes(code.toUpperCase()));
    return bad === undefined
      ? null
      : {
          part: 'value',
          message: t('Unknown country code “{code}”: use two letters, such as DE.', { code: bad }),
        };
  }
  if (field.template === 'geo.localHour' && leaf.op !== 'changed') {
    const bad = items.find((h) => !/^\d{1,2}$/.test(h) || Number(h) > 23);
    return bad === undefined ? null : { part: 'value', message: t('Enter a whole hour from 0 to 23.') };
  }
  return null;
}

/** What is wrong with a row, in words a person can act on; null when it is fine. */
export function leafProblem(leaf: LeafNode): LeafProblem | null {
  const field = fieldTemplate(leaf.template);
  if (!field) return { part: 'value', message: t('Choose a field.') };
  if (field.keyLabel && !KEY_PATTERN.test(leaf.key.trim())) {
    return {
      part: 'key',
      message:
        field.template === 'event.*'
          ? t('Enter the event name (letters, digits, spaces and {symbols}).', { symbols: '_ . : $ -' })
          : t('Enter the section (letters, digits, spaces and {symbols}).', { symbols: '_ . : $ -' }),
    };
  }
  const text = leaf.text.trim();
  const number = Number(text);
  const isNumber = text !== '' && Number.isFinite(number);
  const kind = scalarKind(field.kind === 'list' ? 'string' : field.kind);
  const geo = geoProblem(field, leaf);
  if (geo) return geo;
  switch (leaf.op) {
    case 'changed':
      return null;
    case 'decreased':
    case 'increased':
      return text === '' || (isNumber && number >= 0)
        ? null
        : {
            part: 'value',
            message: t('Enter the smallest change as a number of 0 or more, or leave it empty.'),
          };
    case 'within': {
      const seconds = number * UNIT_SECONDS[leaf.unit];
      return isNumber && seconds > 0 && seconds <= MAX_WITHIN_SECONDS
        ? null
        : { part: 'value', message: t('Enter a time above 0 and at most one year.') };
    }
    case 'gte':
    case 'lte':
      return isNumber ? null : { part: 'value', message: t('Enter a number.') };
    case 'top_percent':
      return isNumber && number > 0 && number <= 100
        ? null
        : { part: 'value', message: t('Enter a percentage above 0 and at most 100.') };
    case 'matches': {
      if (text === '' || text.length > MAX_PATTERN_LENGTH) {
        return {
          part: 'value',
          message: leaf.regex ? t('Enter a regular expression.') : t('Enter a pattern.'),
        };
      }
      if (!leaf.regex) return null;
      try {
        new RegExp(text, leaf.regexFlags);
      } catch {
        return { part: 'value', message: t('This is not a valid regular expression.') };
      }
      // The server runs campaign patterns in linear time only (see campaign-regex.ts in protocol).
      return LINEAR_ONLY.test(text)
        ? { part: 'value', message: t('Lookarounds and backreferences are not supported.') }
        : null;
    }
    case 'in': {
      const items = splitList(leaf.text);
      if (items.length === 0 || items.length > MAX_IN_VALUES) {
        return {
          part: 'value',
          message: t('Enter 1 to {max} values, separated by commas.', { max: MAX_IN_VALUES }),
        };
      }
      if (kind === 'number' && items.some((item) => !Number.isFinite(Number(item)))) {
        return { part: 'value', message: t('Every value must be a number.') };
      }
      return items.some((item) => item.length > MAX_STRING)
        ? { part: 'value', message: t('Keep each value under {max} characters.', { max: MAX_STRING }) }
        : null;
    }
    case 'contains':
      return text === '' ? { part: 'value', message: t('Enter some text.') } : null;
    default:
      if (kind === 'number') return isNumber ? null : { part: 'value', message: t('Enter a number.') };
      if (kind === 'string' && text.length > MAX_STRING) {
        return { part: 'value', message: t('Keep it under {max} characters.', { max: MAX_STRING }) };
      }
      return kind === 'string' && text === '' && !field.strictChoices
        ? { part: 'value', message: t('Enter a value.') }
        : null;
  }
}

/** Every row's problem, by node id. */
export function treeProblems(root: GroupNode): Map<string, LeafProblem> {
  const out = new Map<string, LeafProblem>();
  const visit = (node: EditNode) => {
    if (node.kind === 'group') node.children.forEach(visit);
    else {
      const problem = leafProblem(node);
      if (problem) out.set(node.id, problem);
    }
  };
  visit(root);
  return out;
}

/**
 * Groups that cannot be saved, by node id: an empty "Any of" matches no visitor (the server refuses
 * it), so the campaign would never show. An empty "All of" or "None of" excludes no one and is kept.
 */
export function groupProblems(root: GroupNode): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (node: EditNode) => {
    if (node.kind === 'leaf') return;
    if (node.op === 'any' && node.children.length === 0) {
      out.set(
        node.id,
        node === root
          ? t(
              '“Any of” with no conditions matches no visitor. Add a condition, or choose “All of” to reach every visitor.',
            )
          : t('“Any of” with no conditions matches no visitor. Add a condition to this group, or remove it.'),
      );
    }
    node.children.forEach(visit);
  };
  visit(root);
  return out;
}
