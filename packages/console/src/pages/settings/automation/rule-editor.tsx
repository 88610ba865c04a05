/** The rule editor: a name, a trigger, conditions and actions from pickers, and the rule in plain words. */
import { type FormEvent, useState } from 'react';
import { type AutomationRule, createRule, updateRule } from '../../../api/automation.ts';
import { errorMessage } from '../../../api/http.ts';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { PlusIcon } from '../../../components/icons.tsx';
import { t } from '../../../i18n/i18n.ts';
import { useT } from '../../../i18n/language-context.tsx';
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
import { describeAutomation, type RuleNames, triggerLabels } from './automation-text.ts';
import { ActionRow, type Choices, ConditionRow } from './rule-rows.tsx';

export function namesOf(c: Choices): RuleNames {
  const find = <T extends { id: string }>(
    list: T[],
    id: string,
    label: (x: T) => string,
    gone: () => string,
  ) => {
    const hit = list.find((x) => x.id === id);
    return hit ? label(hit) : gone();
  };
  return {
    skill: (id) =>
      find(
        c.skills,
        id,
        (s) => s.name,
        () => t('a skill that was deleted'),
      ),
    agent: (id) =>
      find(
        c.agents,
        id,
        (s) => s.name,
        () => t('an agent that was deleted'),
      ),
    site: (id) =>
      find(
        c.sites,
        id,
        (s) => s.name,
        () => t('a site that was deleted'),
      ),
    canned: (id) =>
      find(
        c.canned,
        id,
        (s) => s.title,
        () => t('a canned response that was deleted'),
      ),
    endpoint: (id) =>
      find(
        c.endpoints,
        id,
        (s) => s.url,
        () => t('an endpoint that was deleted'),
      ),
  };
}

export function RuleEditor(props: {
  rule?: AutomationRule;
  choices: Choices;
  onSaved: (rule: AutomationRule) => void;
  onClose: () => void;
}) {
  const t = useT();
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
    setNameError(name ? null : t('Give the rule a name.'));
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
      title={props.rule ? t('Edit rule') : t('New rule')}
      description={t(
        'When something happens to a conversation and every condition holds, Beckon does the actions in order.',
      )}
      onClose={props.onClose}
      busy={busy}
      size="large"
      testId="rule-dialog"
    >
      <form onSubmit={submit} noValidate>
        <div className="dialog-body form">
          <Field label={t('Name')} error={nameError}>
            {(p) => (
              <input
                {...p}
                className="input"
                name="name"
                autoComplete="off"
                placeholder={t('Refund requests to Billing')}
                value={form.name}
                onChange={(e) => set({ name: e.target.value })}
              />
            )}
          </Field>
          <fieldset className="fieldset">
            <legend className="field-label">{t('When')}</legend>
            <div className="rule-trigger">
              <select
                className="input"
                aria-label={t('Trigger')}
                name="trigger"
                value={form.trigger}
                onChange={(e) => set({ trigger: e.target.value as TriggerType })}
              >
                {Object.entries(triggerLabels()).map(([type, label]) => (
                  <option key={type} value={type}>
                    {label}
                  </option>
                ))}
              </select>
              {form.trigger === 'conversation.idle' && (
                <>
                  <input
                    className="input rule-number"
                    aria-label={t('Quiet for (minutes)')}
                    inputMode="numeric"
                    value={form.minutes}
                    onChange={(e) => set({ minutes: e.target.value.replace(/[^\d]/g, '') })}
                  />
                  <span className="muted">{t('minutes')}</span>
                </>
              )}
              {form.trigger === 'message.received' && (
                <label className="check">
                  <input
                    type="checkbox"
                    checked={form.anyone}
                    onChange={() => set({ anyone: !form.anyone })}
                  />
                  {t('Agents’ messages too')}
                </label>
              )}
            </div>
          </fieldset>
          <fieldset className="fieldset">
            <legend className="field-label">{t('If (all of these)')}</legend>
            {form.conditions.length === 0 ? (
              <p className="muted rule-none">{t('No conditions: the rule fires every time.')}</p>
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
              {t('Add condition')}
            </button>
          </fieldset>
          <fieldset className="fieldset">
            <legend className="field-label">{t('Then')}</legend>
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
              {t('Add action')}
            </button>
          </fieldset>
          <p className="cond-summary" data-testid="automation-summary" aria-live="polite">
            <span className="cond-summary-label">{t('In words')}</span>
            {summary}
          </p>
          <label className="check">
            <input type="checkbox" checked={form.enabled} onChange={() => set({ enabled: !form.enabled })} />
            {t('Turned on')}
          </label>
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={props.onClose} disabled={busy}>
            {t('Cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('Saving…') : props.rule ? t('Save rule') : t('Create rule')}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
