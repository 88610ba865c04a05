/** Settings › Automation: rules that act on conversations by themselves, each with its run log. */
import { useState } from 'react';
import { type AutomationRule, deleteRule, listRules, updateRule } from '../../../api/automation.ts';
import { listCannedResponses } from '../../../api/canned-responses.ts';
import { errorMessage } from '../../../api/http.ts';
import { listSites } from '../../../api/sites.ts';
import { listSkills } from '../../../api/skills.ts';
import { listUsers } from '../../../api/users.ts';
import { listWebhooks } from '../../../api/webhooks.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { EmptyState } from '../../../components/empty-state.tsx';
import { formatRelative } from '../../../components/format.ts';
import { LayersIcon, PlusIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { describeAutomation } from './automation-text.ts';
import { namesOf, RuleEditor } from './rule-editor.tsx';
import type { Choices } from './rule-rows.tsx';
import { RunLog } from './run-log.tsx';
import './automation.css';

type Editing =
  | { kind: 'create' }
  | { kind: 'edit'; rule: AutomationRule }
  | { kind: 'delete'; rule: AutomationRule }
  | null;

async function loadChoices(): Promise<Choices> {
  const [skills, users, sites, canned, endpoints] = await Promise.all([
    listSkills(),
    listUsers(),
    listSites(),
    listCannedResponses(),
    listWebhooks(),
  ]);
  return {
    skills,
    agents: users.filter((u) => u.role !== 'analyst'),
    sites,
    canned,
    endpoints,
  };
}

export function AutomationTab() {
  const t = useT();
  const rules = useResource(listRules);
  const choices = useResource(loadChoices);
  const [editing, setEditing] = useState<Editing>(null);
  const [open, setOpen] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const names = namesOf(choices.data ?? { skills: [], agents: [], sites: [], canned: [], endpoints: [] });

  function saved(rule: AutomationRule) {
    rules.update((list) =>
      list.some((r) => r.id === rule.id) ? list.map((r) => (r.id === rule.id ? rule : r)) : [...list, rule],
    );
    setEditing(null);
  }

  async function toggle(rule: AutomationRule) {
    try {
      saved(await updateRule(rule.id, { enabled: !rule.enabled }));
      setNote(null);
    } catch (caught) {
      setNote(errorMessage(caught));
    }
  }

  const newButton = (
    <button
      type="button"
      className="button button-primary"
      onClick={() => setEditing({ kind: 'create' })}
      disabled={!choices.data}
    >
      <PlusIcon />
      {t('New rule')}
    </button>
  );

  return (
    <section aria-labelledby="automation-heading">
      <SectionHeader
        title={t('Automation')}
        id="automation-heading"
        description={t(
          'Rules that tag, route, answer, snooze or resolve conversations by themselves, and tell your other systems. A rule never runs again on what its own actions caused.',
        )}
        actions={rules.data && rules.data.length > 0 ? newButton : null}
      />
      {note && (
        <p className="field-error" role="alert">
          {note}
        </p>
      )}
      {(rules.loading && !rules.data) || (choices.loading && !choices.data) ? (
        <LoadingState label={t('Loading rules…')} />
      ) : rules.error || choices.error ? (
        <LoadError
          error={rules.error ?? choices.error}
          onRetry={() => {
            rules.reload();
            choices.reload();
          }}
        />
      ) : rules.data?.length === 0 ? (
        <EmptyState
          icon={<LayersIcon />}
          title={t('No rules yet')}
          testId="automation-empty"
          actions={newButton}
        >
          <p>
            {t(
              'Send refund requests to Billing, answer after hours with a saved reply, resolve chats that went quiet, or tell your CRM when a conversation ends.',
            )}
          </p>
        </EmptyState>
      ) : (
        <ul className="rule-list" data-testid="automation-rules">
          {rules.data?.map((rule) => (
            <li key={rule.id} className="rule-card" data-testid="automation-rule" data-rule-id={rule.id}>
              <div className="rule-card-main">
                <div className="rule-card-title">
                  <strong>{rule.name}</strong>
                  <span className={rule.enabled ? 'badge badge-active' : 'badge badge-paused'}>
                    {rule.enabled ? t('On') : t('Off')}
                  </span>
                </div>
                <p className="rule-card-summary">{describeAutomation(rule, names)}</p>
                <p className="muted rule-card-meta">
                  {rule.runs === 0
                    ? t('Has not fired yet')
                    : t('Fired {count, plural, one {# time} other {# times}}, last {when}', {
                        count: rule.runs,
                        when: formatRelative(rule.lastRunAt!),
                      })}
                </p>
              </div>
              <div className="cell-actions">
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => {
                    setOpen(open === rule.id ? null : rule.id);
                    rules.reload();
                  }}
                  aria-expanded={open === rule.id}
                >
                  {t('Run log')}
                </button>
                <button
                  type="button"
                  className="button button-small"
                  onClick={() => setEditing({ kind: 'edit', rule })}
                  aria-label={t('Edit {name}', { name: rule.name })}
                >
                  {t('Edit')}
                </button>
                <button type="button" className="button button-small" onClick={() => toggle(rule)}>
                  {rule.enabled ? t('Turn off') : t('Turn on')}
                </button>
                <button
                  type="button"
                  className="button button-small button-danger-quiet"
                  onClick={() => setEditing({ kind: 'delete', rule })}
                  aria-label={t('Delete {name}', { name: rule.name })}
                >
                  {t('Delete')}
                </button>
              </div>
              {open === rule.id && (
                <div className="rule-card-log">
                  <RunLog rule={rule} />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}

      {(editing?.kind === 'create' || editing?.kind === 'edit') && choices.data && (
        <RuleEditor
          rule={editing.kind === 'edit' ? editing.rule : undefined}
          choices={choices.data}
          onSaved={saved}
          onClose={() => setEditing(null)}
        />
      )}
      {editing?.kind === 'delete' && (
        <ConfirmDialog
          title={t('Delete “{name}”?', { name: editing.rule.name })}
          confirmLabel={t('Delete rule')}
          onClose={() => setEditing(null)}
          onConfirm={async () => {
            await deleteRule(editing.rule.id);
            const id = editing.rule.id;
            rules.update((list) => list.filter((r) => r.id !== id));
          }}
        >
          <p>{t('The rule stops at once, and its run log is deleted. What it already did stays done.')}</p>
        </ConfirmDialog>
      )}
    </section>
  );
}
