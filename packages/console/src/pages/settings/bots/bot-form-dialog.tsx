/** Creates a bot: its kind, where it is reached, when it hands over, and the skill it answers first for. */
import { type FormEvent, useState } from 'react';
import { type BotCreate, type BotCreated, createBot } from '../../../api/bots.ts';
import { errorMessage } from '../../../api/http.ts';
import { updateSkill } from '../../../api/skills.ts';
import type { Skill } from '../../../api/types.ts';
import { CopyButton } from '../../../components/copy-button.tsx';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { useT } from '../../../i18n/language-context.tsx';

interface BotFormDialogProps {
  skills: Skill[];
  onSaved: () => void;
  onClose: () => void;
}

export function BotFormDialog({ skills, onSaved, onClose }: BotFormDialogProps) {
  const t = useT();
  const [name, setName] = useState('Help Bot');
  const [kind, setKind] = useState<BotCreate['kind']>('answer');
  const [url, setUrl] = useState('');
  const [timeout, setTimeoutSeconds] = useState('15');
  const [threshold, setThreshold] = useState('50');
  const [skillId, setSkillId] = useState(skills[0]?.id ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [created, setCreated] = useState<BotCreated | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    if (!name.trim()) return setError(t('Give the bot a name visitors will see.'));
    if (kind === 'webhook' && !/^https?:\/\//.test(url.trim()))
      return setError(t('Enter the webhook URL ({example}).', { example: 'https://…' }));
    setBusy(true);
    setError(null);
    try {
      const made = await createBot({
        name: name.trim(),
        kind,
        ...(kind === 'webhook' ? { url: url.trim() } : {}),
        timeoutSeconds: Math.min(600, Math.max(1, Number(timeout) || 15)),
        threshold: Math.min(1, Math.max(0, (Number(threshold) || 50) / 100)),
      });
      if (skillId) await updateSkill(skillId, { botId: made.bot.id });
      onSaved();
      if (kind === 'answer') onClose();
      else setCreated(made);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  if (created) {
    return (
      <Dialog title={t('{name} is ready', { name: created.bot.name })} onClose={onClose} testId="bot-created">
        <div className="dialog-body form">
          <p>{t('Copy these now: they are not shown again.')}</p>
          <Field label={t('Bot token ({header})', { header: 'Authorization: Bearer …' })}>
            {(props) => (
              <div className="secret-row">
                <input {...props} className="input mono" readOnly value={created.token} />
                <CopyButton text={created.token} label={t('Copy token')} />
              </div>
            )}
          </Field>
          <Field label={t('Signing secret (Standard Webhooks)')}>
            {(props) => (
              <div className="secret-row">
                <input {...props} className="input mono" readOnly value={created.secret} />
                <CopyButton text={created.secret} label={t('Copy secret')} />
              </div>
            )}
          </Field>
        </div>
        <DialogFooter>
          <button type="button" className="button button-primary" onClick={onClose}>
            {t('Done')}
          </button>
        </DialogFooter>
      </Dialog>
    );
  }

  return (
    <Dialog title={t('New bot')} onClose={onClose} busy={busy} testId="bot-dialog">
      <form onSubmit={submit} noValidate>
        <div className="dialog-body form">
          <Field label={t('Name')} hint={t("Visitors see it beside the bot's lines.")}>
            {(props) => (
              <input
                {...props}
                className="input"
                value={name}
                maxLength={80}
                onChange={(e) => setName(e.target.value)}
              />
            )}
          </Field>
          <Field label={t('Kind')}>
            {(props) => (
              <select
                {...props}
                className="input"
                value={kind}
                onChange={(e) => setKind(e.target.value as BotCreate['kind'])}
              >
                <option value="answer">{t('Answer bot — answers from the knowledge base')}</option>
                <option value="webhook">{t('Webhook — your server is posted each line')}</option>
                <option value="socket">
                  {t('Socket — your bot connects to {path}', { path: '/v1/bot' })}
                </option>
              </select>
            )}
          </Field>
          {kind === 'webhook' && (
            <Field label={t('Webhook URL')}>
              {(props) => (
                <input
                  {...props}
                  className="input mono"
                  value={url}
                  placeholder="https://bots.example.com/beckon"
                  onChange={(e) => setUrl(e.target.value)}
                />
              )}
            </Field>
          )}
          <div className="form-row">
            <Field
              label={t('Hand over after (seconds)')}
              hint={t("Without an answer to the visitor's line.")}
            >
              {(props) => (
                <input
                  {...props}
                  className="input"
                  inputMode="numeric"
                  value={timeout}
                  onChange={(e) => setTimeoutSeconds(e.target.value)}
                />
              )}
            </Field>
            {kind === 'answer' && (
              <Field
                label={t('Answer at confidence (%)')}
                hint={t("Share of the question's words the article holds.")}
              >
                {(props) => (
                  <input
                    {...props}
                    className="input"
                    inputMode="numeric"
                    value={threshold}
                    onChange={(e) => setThreshold(e.target.value)}
                  />
                )}
              </Field>
            )}
          </div>
          <Field label={t('Answers first for skill')}>
            {(props) => (
              <select
                {...props}
                className="input"
                value={skillId}
                onChange={(e) => setSkillId(e.target.value)}
              >
                <option value="">{t('No skill yet')}</option>
                {skills.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {t('Cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('Creating…') : t('Create bot')}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
