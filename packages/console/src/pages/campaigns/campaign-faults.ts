/** Places the faults of a refused save: on a rule row or group, on a form field, or at the top of the form. */
import { ApiError, asSentence, errorMessage } from '../../api/http.ts';
import { t } from '../../i18n/i18n.ts';
import { type FormErrors, faultsIn, fieldForPath } from './campaign-form.ts';
import type { LeafProblem } from './condition-checks.ts';
import { findNode, type GroupNode, leafIds, nodeForPath } from './condition-model.ts';
import { friendlyFault } from './condition-text.ts';

export interface ServerFaults {
  fields: FormErrors;
  nodes: Map<string, LeafProblem>;
  groups: Map<string, string>;
  general: string | null;
}

export const NO_FAULTS: ServerFaults = { fields: {}, nodes: new Map(), groups: new Map(), general: null };

/** Places a failed save's faults: on a rule row or group, on a form field, or at the top. */
export function placeFaults(caught: unknown, paths: Map<string, string>, root: GroupNode): ServerFaults {
  const leaves = leafIds(root);
  if (!(caught instanceof ApiError) || caught.status !== 400) {
    return { ...NO_FAULTS, general: errorMessage(caught) };
  }
  const out: ServerFaults = { fields: {}, nodes: new Map(), groups: new Map(), general: null };
  const unplaced: string[] = [];
  for (const fault of faultsIn(caught.detail)) {
    const text = asSentence(fault.message || t('is not valid'));
    if (fault.path.startsWith('/targeting')) {
      const hit = nodeForPath(paths, fault.path);
      if (hit && leaves.has(hit.id)) {
        const part = /^\/(field|op|value)/.exec(hit.rest)?.[1] as LeafProblem['part'] | undefined;
        const leaf = findNode(root, hit.id);
        const message = friendlyFault(leaf?.kind === 'leaf' ? leaf : undefined, fault.message);
        if (!out.nodes.has(hit.id)) out.nodes.set(hit.id, { part: part ?? 'value', message });
        continue;
      }
      if (hit) {
        // A fault on a group itself (nesting too deep, too many conditions).
        if (!out.groups.has(hit.id)) out.groups.set(hit.id, text);
        continue;
      }
    }
    const field = fieldForPath(fault.path);
    if (field && !out.fields[field]) out.fields[field] = text;
    else unplaced.push(`${fault.path}: ${fault.message}`);
  }
  if (
    unplaced.length > 0 ||
    (out.nodes.size === 0 && out.groups.size === 0 && !Object.keys(out.fields).length)
  ) {
    out.general =
      unplaced.length > 0
        ? t('The server refused the campaign: {faults}', { faults: unplaced.join('; ') })
        : caught.message;
  }
  return out;
}
