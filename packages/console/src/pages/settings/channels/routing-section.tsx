/**
 * Routing per channel: the skill a new conversation of each channel joins, and how much of an
 * agent's capacity it takes. Capacity is counted in live chats, so a weight of 0.25 lets an agent
 * who takes 2 live chats hold 8 e-mail threads.
 */
import type { MAX_CHANNEL_WEIGHT as ServerMax } from '@beckon/protocol/channels-api';
import { type FormEvent, useEffect, useState } from 'react';
import {
  type ChannelSetting,
  listChannelSettings,
  listConnections,
  saveChannelSettings,
} from '../../../api/channels.ts';
import { errorMessage } from '../../../api/http.ts';
import type { Skill } from '../../../api/types.ts';
import { listTemplates } from '../../../api/whatsapp.ts';
import { FormError } from '../../../components/form-error.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { type Resource, useResource } from '../../../components/use-resource.ts';
import { t } from '../../../i18n/i18n.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { CHANNEL_LABELS } from '../../conversations/conversation-format.ts';

/** The server's limit, typed so the two cannot drift (a value import would bundle TypeBox). */
const MAX_CHANNEL_WEIGHT: typeof ServerMax = 10;

/** The channels Beckon carries today; the others have settings but no traffic yet. */
const SHOWN: ChannelSetting['channel'][] = [
  'web',
  'app',
  'email',
  'api',
  'whatsapp',
  'messenger',
  'instagram',
  'telegram',
  'sms',
];

/** Channels whose resolved conversations can ask for a rating there (web chat asks in its widget). */
const SURVEYED: ChannelSetting['channel'][] = [
  'whatsapp',
  'messenger',
  'instagram',
  'telegram',
  'sms',
  'email',
];

/** How each channel's survey asks, for the checkbox's description. */
function surveyHow(channel: ChannelSetting['channel']): string {
  switch (channel) {
    case 'whatsapp':
      return t('a list of scores');
    case 'messenger':
    case 'instagram':
      return t('quick replies');
    case 'telegram':
      return t('buttons');
    case 'sms':
      return t('“Reply 1–5”');
    case 'email':
      return t('one-click links');
    default:
      return '';
  }
}

interface Row {
  channel: ChannelSetting['channel'];
  skillId: string;
  weight: string;
  survey: boolean;
  /** WhatsApp: the survey template after the 24-hour window, as `name|language`; '' for none. */
  template: string;
}

const templateKey = (t: { name: string; language: string } | null) => (t ? `${t.name}|${t.language}` : '');
const templateOfKey = (key: string) => {
  const [name, language] = key.split('|');
  return name && language ? { name, language } : null;
};

/**
 * The templates a survey can be sent as: approved on one of the account's WhatsApp numbers, sent
 * as they are (no variable to fill, nothing we cannot send), each named once.
 */
async function surveyTemplates(): Promise<{ key: string; label: string }[]> {
  const numbers = (await listConnections()).filter((c) => c.type === 'whatsapp');
  const lists = await Promise.all(numbers.map((c) => listTemplates(c.id).catch(() => null)));
  const found = new Map<string, string>();
  for (const t of lists.flatMap((l) => l?.items ?? []))
    if (
      t.status === 'APPROVED' &&
      !t.unsupported &&
      t.variables.body.length === 0 &&
      t.variables.header.length === 0 &&
      (t.header?.format ?? 'TEXT') === 'TEXT'
    )
      found.set(templateKey(t), `${t.name} (${t.language})`);
  return [...found].map(([key, label]) => ({ key, label })).sort((a, b) => a.label.localeCompare(b.label));
}

const rowsOf = (items: ChannelSetting[]): Row[] =>
  items
    .filter((i) => SHOWN.includes(i.channel))
    .map((i) => ({
      channel: i.channel,
      skillId: i.defaultSkillId ?? '',
      weight: String(i.weight),
      survey: i.csatSurvey,
      template: templateKey(i.csatTemplate),
    }));

/** A weight typed into the form, or null when it is not a number from 0 to the most allowed. */
function parseWeight(text: string): number | null {
  if (!/^\s*\d*([.,]\d+)?\s*$/.test(text) || !text.trim()) return null;
  const value = Number(text.replace(',', '.'));
  return value >= 0 && value <= MAX_CHANNEL_WEIGHT ? value : null;
}

export function RoutingSection({ skills }: { skills: Resource<Skill[]> }) {
  const t = useT();
  const settings = useResource(listChannelSettings);
  const templates = useResource(surveyTemplates);
  const [rows, setRows] = useState<Row[]>([]);
  const [faults, setFaults] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    if (settings.data) setRows(rowsOf(settings.data));
  }, [settings.data]);

  const change = (channel: string, patch: Partial<Row>) => {
    setSaved(false);
    setRows((list) => list.map((r) => (r.channel === channel ? { ...r, ...patch } : r)));
  };

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const next: Record<string, string> = {};
    for (const r of rows)
      if (parseWeight(r.weight) === null)
        next[r.channel] = t('Enter a number from 0 to {max}, such as 0.25.', { max: MAX_CHANNEL_WEIGHT });
    setFaults(next);
    if (Object.keys(next).length > 0) return;
    setBusy(true);
    setError(null);
    try {
      const items = await saveChannelSettings(
        rows.map((r) => ({
          channel: r.channel,
          defaultSkillId: r.skillId || null,
          weight: parseWeight(r.weight)!,
          ...(SURVEYED.includes(r.channel) ? { csatSurvey: r.survey } : {}),
          ...(r.channel === 'whatsapp' ? { csatTemplate: templateOfKey(r.template) } : {}),
        })),
      );
      settings.update(() => items);
      setSaved(true);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card channel-card" aria-labelledby="routing-heading" data-testid="channel-routing">
      <div className="channel-card-body">
        <SectionHeader
          title={t('Routing per channel')}
          id="routing-heading"
          description={t(
            "Each channel's conversations join a default skill's queue and weigh on an agent's capacity, counted in live chats: at 0.25, an e-mail thread counts as a quarter of a live chat. A satisfaction survey asks the customer for a rating from 1 to 5 on their own channel when an agent resolves the conversation.",
          )}
        />
        {(settings.loading && !settings.data) || (skills.loading && !skills.data) ? (
          <LoadingState label={t('Loading channel settings…')} />
        ) : settings.error ? (
          <LoadError error={settings.error} onRetry={settings.reload} />
        ) : skills.error ? (
          <LoadError error={skills.error} onRetry={skills.reload} />
        ) : (
          <form onSubmit={submit} noValidate>
            <div className="table-wrap">
              <table className="table table-compact channel-routing-table">
                <thead>
                  <tr>
                    <th scope="col">{t('Channel')}</th>
                    <th scope="col">{t('Default skill')}</th>
                    <th scope="col">{t('Capacity weight')}</th>
                    <th scope="col">{t('Satisfaction survey')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((r) => {
                    const label = CHANNEL_LABELS[r.channel];
                    const errorId = `weight-${r.channel}-error`;
                    return (
                      <tr key={r.channel} data-testid="channel-row" data-channel={r.channel}>
                        <th scope="row" className="cell-strong">
                          {label}
                        </th>
                        <td data-label={t('Default skill')}>
                          <select
                            className="input select"
                            aria-label={t('Default skill for {channel}', { channel: label })}
                            value={r.skillId}
                            onChange={(event) => change(r.channel, { skillId: event.target.value })}
                          >
                            <option value="">{t('The first skill')}</option>
                            {skills.data?.map((s) => (
                              <option key={s.id} value={s.id}>
                                {s.name}
                              </option>
                            ))}
                          </select>
                        </td>
                        <td data-label={t('Capacity weight')}>
                          <span className="channel-weight-field">
                            <input
                              className="input channel-weight"
                              aria-label={t('Capacity weight for {channel}', { channel: label })}
                              aria-invalid={faults[r.channel] ? true : undefined}
                              aria-describedby={faults[r.channel] ? errorId : undefined}
                              inputMode="decimal"
                              value={r.weight}
                              onChange={(event) => change(r.channel, { weight: event.target.value })}
                            />
                            <span className="muted">{t('live chats')}</span>
                          </span>
                          {faults[r.channel] && (
                            <p className="field-error" id={errorId}>
                              {faults[r.channel]}
                            </p>
                          )}
                        </td>
                        <td data-label={t('Satisfaction survey')}>
                          {SURVEYED.includes(r.channel) ? (
                            <label className="channel-survey">
                              <input
                                type="checkbox"
                                checked={r.survey}
                                onChange={(event) => change(r.channel, { survey: event.target.checked })}
                                data-testid="survey-toggle"
                              />
                              <span>
                                {t('Ask on resolve')} <span className="muted">({surveyHow(r.channel)})</span>
                              </span>
                            </label>
                          ) : null}
                          {r.channel === 'whatsapp' && r.survey ? (
                            <label className="channel-survey-template">
                              <span className="muted">{t('After 24 hours without a message')}</span>
                              <select
                                className="input select"
                                value={r.template}
                                onChange={(event) => change(r.channel, { template: event.target.value })}
                                data-testid="survey-template"
                              >
                                <option value="">{t('Skip it, with a note to agents')}</option>
                                {(templates.data ?? []).map((tpl) => (
                                  <option key={tpl.key} value={tpl.key}>
                                    {t('Send the template {name}', { name: tpl.label })}
                                  </option>
                                ))}
                                {r.template && !templates.data?.some((tpl) => tpl.key === r.template) ? (
                                  <option value={r.template}>
                                    {t('{name} — not listed now', {
                                      name: `${r.template.replace('|', ' (')})`,
                                    })}
                                  </option>
                                ) : null}
                              </select>
                            </label>
                          ) : null}
                          {SURVEYED.includes(r.channel) ? null : (
                            <span className="muted">
                              {r.channel === 'web' ? t('In the chat widget') : t('Not available')}
                            </span>
                          )}
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <div className="channel-form-footer">
              <button type="submit" className="button button-primary" disabled={busy}>
                {busy ? t('Saving…') : t('Save routing')}
              </button>
              {saved && (
                <span className="channel-saved" role="status" data-testid="routing-saved">
                  {t('Saved. Waiting conversations are routed with the new settings.')}
                </span>
              )}
            </div>
            <FormError message={error} />
          </form>
        )}
      </div>
    </section>
  );
}
