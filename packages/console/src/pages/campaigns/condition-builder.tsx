/**
 * The "Who" rule builder: nested All of / Any of / None of groups of field · operator · value rows.
 * Everything is a native control, so it works by keyboard; new rows take focus, removed ones hand
 * it back to their group.
 */
import { useCallback, useRef, useState } from 'react';
import { GeoCredit } from '../../components/geo-credit.tsx';
import { PlusIcon } from '../../components/icons.tsx';
import { useT } from '../../i18n/language-context.tsx';
import type { LeafProblem } from './condition-checks.ts';
import {
  type EditNode,
  type GroupNode,
  type GroupOp,
  type LeafNode,
  MAX_DEPTH,
  newGroup,
  newLeaf,
  removeNode,
  updateNode,
} from './condition-model.ts';
import { ConditionRow } from './condition-row.tsx';

interface ConditionBuilderProps {
  root: GroupNode;
  onChange: (root: GroupNode) => void;
  problems: Map<string, LeafProblem>;
  /** Errors on a whole group (an empty "Any of"; from the server, nesting too deep), by node id. */
  groupErrors: Map<string, string>;
}

/** The word between a group's rows: "and", "or", "nor". */
function joiner(t: (en: string) => string, op: GroupOp): string {
  return op === 'all' ? t('and') : op === 'any' ? t('or') : t('nor');
}

export function ConditionBuilder({ root, onChange, problems, groupErrors }: ConditionBuilderProps) {
  const [focusId, setFocusId] = useState<string | null>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const numbers = new Map<string, number>();
  let counter = 0;
  const number = (node: EditNode) => {
    if (node.kind === 'leaf') numbers.set(node.id, ++counter);
    else node.children.forEach(number);
  };
  number(root);
  const usesGeo = (node: EditNode): boolean =>
    node.kind === 'leaf' ? node.template.startsWith('geo.') : node.children.some(usesGeo);

  const clearFocus = useCallback(() => setFocusId(null), []);

  const api: GroupApi = {
    change: (id, change) => onChange(updateNode(root, id, change)),
    add: (groupId, node) => {
      onChange(
        updateNode(root, groupId, (group) =>
          group.kind === 'group' ? { ...group, children: [...group.children, node] } : group,
        ),
      );
      setFocusId(node.kind === 'leaf' ? node.id : (node.children[0]?.id ?? null));
    },
    remove: (id, parentId) => {
      onChange(removeNode(root, id));
      // Hand focus to the parent group's "Add condition" button once the row is gone.
      window.requestAnimationFrame(() =>
        rootRef.current?.querySelector<HTMLElement>(`[data-add-for="${parentId}"]`)?.focus(),
      );
    },
    numbers,
    problems,
    groupErrors,
    focusId,
    clearFocus,
  };

  return (
    <div ref={rootRef} className="cond-builder" data-testid="condition-builder">
      <Group group={root} depth={1} parentId={null} api={api} />
      {usesGeo(root) && <GeoCredit />}
    </div>
  );
}

interface GroupApi {
  change: (id: string, change: (node: EditNode) => EditNode) => void;
  add: (groupId: string, node: EditNode) => void;
  remove: (id: string, parentId: string) => void;
  numbers: Map<string, number>;
  problems: Map<string, LeafProblem>;
  groupErrors: Map<string, string>;
  focusId: string | null;
  clearFocus: () => void;
}

function Group({
  group,
  depth,
  parentId,
  api,
}: {
  group: GroupNode;
  depth: number;
  parentId: string | null;
  api: GroupApi;
}) {
  const t = useT();
  const isRoot = parentId === null;
  const error = api.groupErrors.get(group.id);
  return (
    <fieldset
      className={isRoot ? 'cond-group cond-group-root' : 'cond-group'}
      data-testid="condition-group"
      data-op={group.op}
    >
      <legend className="visually-hidden">
        {t(
          '{root, select, yes {Visitors who match} other {Group}}: {op, select, any {any of} not {none of} other {all of}} the following',
          { root: isRoot ? 'yes' : 'no', op: group.op },
        )}
      </legend>
      <div className="cond-group-head">
        <select
          className="input select cond-group-op"
          aria-label={isRoot ? t('Match') : t('Group match')}
          value={group.op}
          onChange={(event) =>
            api.change(group.id, (node) => ({ ...(node as GroupNode), op: event.target.value as GroupOp }))
          }
        >
          <option value="all">{t('All of')}</option>
          <option value="any">{t('Any of')}</option>
          <option value="not">{t('None of')}</option>
        </select>
        <span className="cond-group-text">
          {group.op === 'all' ? t('these conditions are true') : t('these conditions is true')}
        </span>
        {!isRoot && (
          <button
            type="button"
            className="button button-small button-ghost cond-group-remove"
            onClick={() => api.remove(group.id, parentId)}
          >
            {t('Remove group')}
          </button>
        )}
      </div>

      {group.children.length === 0 ? (
        <p className="cond-empty">
          {group.op === 'any'
            ? t('No conditions: “Any of” nothing matches no visitor. Add a condition.')
            : isRoot
              ? t('No conditions: every visitor qualifies. Add a condition to choose who sees this campaign.')
              : t('An empty group. Add a condition to it, or remove it.')}
        </p>
      ) : (
        <ol className="cond-list">
          {group.children.map((child, index) => (
            <li key={child.id} className="cond-item">
              {index > 0 && (
                <span className="cond-joiner" aria-hidden="true">
                  {joiner(t, group.op)}
                </span>
              )}
              {child.kind === 'group' ? (
                <Group group={child} depth={depth + 1} parentId={group.id} api={api} />
              ) : (
                <ConditionRow
                  leaf={child}
                  number={api.numbers.get(child.id) ?? 0}
                  problem={api.problems.get(child.id)}
                  focus={api.focusId === child.id}
                  onFocused={api.clearFocus}
                  onChange={(leaf: LeafNode) => api.change(child.id, () => leaf)}
                  onRemove={() => api.remove(child.id, group.id)}
                />
              )}
            </li>
          ))}
        </ol>
      )}

      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}

      <div className="cond-group-actions">
        <button
          type="button"
          className="button button-small"
          data-add-for={group.id}
          onClick={() => api.add(group.id, newLeaf())}
        >
          <PlusIcon />
          {t('Add condition')}
        </button>
        {depth < MAX_DEPTH - 1 && (
          <button
            type="button"
            className="button button-small button-ghost"
            onClick={() => api.add(group.id, newGroup(group.op === 'all' ? 'any' : 'all', [newLeaf()]))}
          >
            <PlusIcon />
            {t('Add group')}
          </button>
        )}
      </div>
    </fieldset>
  );
}
