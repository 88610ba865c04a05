/** The rule editor: a name, a trigger, conditions and actions from pickers, and the rule in plain words. */
import { type FormEvent, useState } from 'react';
import { type AutomationRule, createRule, updateRule } from '../../../api/automation.ts';
import { errorMessage } from '../../../api/http.ts';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { PlusIcon } from '../../../components/icons.tsx';
import {
  type ActionType,
  type ConditionType,
  draft,
  emptyForm,
  formOf,
  type RuleForm,
  ruleOf,
  type TriggerType,
} from './automation-form.ts';
import { describeAutomation, type RuleNames, TRIGGER_LABELS } from './automation-text.ts';
import { ActionRow, type Choices, ConditionRow } from './rule-rows.tsx';

export function namesOf(c: Choices): RuleNames {
  const find = <T extends { id: string }>(list: T[], id: string, label: (x: T) => string, what: string) => {
    const hit = list.find((x) => x.id === id);
    return hit ? label(hit) : `a ${what} that was deleted`;
  };
  return {
    skill: (id) => find(c.skills, id, (s) => s.name, 'skill'),
    agent: (id) => find(c.agents, id, (s) => s.name, 'agent'),
    site: (id) => find(c.sites, id, (s) => s.name, 'site'),
    canned: (id) => find(c.canned, id, (s) => s.title, 'canned response'),
    endpoint: (id) => find(c.endpoints, id, (s) => s.url, 'endpoint'),
  };
}

export function RuleEditor(props: {
  rule?: AutomationRule;
  choices: Choices;
  onSaved: (rule: AutomationRule) => void;
  onClose: () => void;
}) {
  const [form, setForm] = useState<RuleForm>(() => (props.rule ? formOf(props.rule) : emptyForm()));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);
  const set = (patch: Partial<RuleForm>) => setForm((f) => ({ ...f, ...patch }));
  const built = ruleOf(form);
  const summary = built.ok ? describeAutomation(built, namesOf(props.choices)) : built.fault;

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = form.name.trim();
    setNameError(name ? null : 'Give the rule a name.');
    if (!name) return;
    if (!built.ok) return setError(built.fault);
    setBusy(true);
    setError(null);
    try {
      const body = {
        name,
        enabled: form.enabled,
        trigger: built.trigger,
        conditions: built.conditions,
        actions: built.actions,
      };
      props.onSaved(props.rule ? await updateRule(props.rule.id, body) : await createRule(body));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog
      title={props.rule ? 'Edit rule' : 'New rule'}
      description="When something happens to a conversation and every condition holds, Beckon does the actions in order."
      onClose={props.onClose}
      busy={busy}
      size="large"
      testId="rule-dialog"
    >
      <form onSubmit={submit} noValidate>
        <div className="dialog-body form">
          <Field label="Name" error={nameError}>
            {(p) => (
              <input
                {...p}
                className="input"
                name="name"
                autoComplete="off"
                placeholder="Refund requests to Billing"
                value={form.name}
                onChange={(e) => set({ name: e.target.value })}
              />
            )}
          </Field>
          <fieldset className="fieldset">
            <legend className="field-label">When</legend>
            <div className="rule-trigger">
              <select
                className="input"
                aria-label="Trigger"
                name="trigger"
                value={form.trigger}
                onChange={(e) => set({ trigger: e.target.value as TriggerType })}
              >
                {Object.entries(TRIGGER_LABELS).map(([t, label]) => (
                  <option key={t} value={t}>
                    {label}
                  </option>
                ))}
              </select>
              {form.trigger === 'conversation.idle' && (
                <>
                  <input
                    className="input rule-number"
                    aria-label="Quiet for (minutes)"
                    inputMode="numeric"
                    value={form.minutes}
                    onChange={(e) => set({ minutes: e.target.value.replace(/[^\d]/g, '') })}
                  />
                  <span className="muted">minutes</span>
                </>
              )}
              {form.trigger === 'message.received' && (
                <label className="check">
                  <input
                    type="checkbox"
                    checked={form.anyone}
                    onChange={() => set({ anyone: !form.anyone })}
                  />
                  Agents’ messages too
                </label>
              )}
            </div>
          </fieldset>
          <fieldset className="fieldset">
            <legend className="field-label">If (all of these)</legend>
            {form.conditions.length === 0 ? (
              <p className="muted rule-none">No conditions: the rule fires every time.</p>
            ) : (
              <ol className="rule-rows">
                {form.conditions.map((c, i) => (
                  <ConditionRow
                    key={c.key}
                    index={i}
                    draft={c}
                    choices={props.choices}
                    onChange={(d) =>
                      set({ conditions: form.conditions.map((x) => (x.key === c.key ? d : x)) })
                    }
                    onRemove={() => set({ conditions: form.conditions.filter((x) => x.key !== c.key) })}
                  />
                ))}
              </ol>
            )}
            <button
              type="button"
              className="button button-small rule-add"
              onClick={() => set({ conditions: [...form.conditions, draft<ConditionType>('text_contains')] })}
            >
              <PlusIcon />
              Add condition
            </button>
          </fieldset>
          <fieldset className="fieldset">
            <legend className="field-label">Then</legend>
            <ol className="rule-rows">
              {form.actions.map((a, i) => (
                <ActionRow
                  key={a.key}
                  index={i}
                  draft={a}
                  choices={props.choices}
                  onChange={(d) => set({ actions: form.actions.map((x) => (x.key === a.key ? d : x)) })}
                  onRemove={() => set({ actions: form.actions.filter((x) => x.key !== a.key) })}
                />
              ))}
            </ol>
            <button
              type="button"
              className="button button-small rule-add"
              onClick={() => set({ actions: [...form.actions, draft<ActionType>('add_tags')] })}
            >
              <PlusIcon />
              Add action
            </button>
          </fieldset>
          <p className="cond-summary" data-testid="automation-summary" aria-live="polite">
            <span className="cond-summary-label">In words</span>
            {summary}
          </p>
          <label className="check">
            <input type="checkbox" checked={form.enabled} onChange={() => set({ enabled: !form.enabled })} />
            Turned on
          </label>
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={props.onClose} disabled={busy}>
            Cancel
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? 'Saving…' : props.rule ? 'Save rule' : 'Create rule'}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
