/**
 * The message of each channel in the order: for WhatsApp a number, an approved template and a
 * text per variable; for SMS a connection and a text; for e-mail a subject, a text and optional
 * HTML. Every text may name the contact's values.
 */

import type { WhatsAppTemplate } from '@beckon/protocol/whatsapp-templates';
import { useEffect } from 'react';
import type { BroadcastChannel } from '../../api/broadcasts.ts';
import type { ChannelConnection } from '../../api/channels.ts';
import type { Site } from '../../api/types.ts';
import { Field } from '../../components/field.tsx';
import { useT } from '../../i18n/language-context.tsx';
import { ConnectionSelect } from '../campaigns/connection-select.tsx';
import type { BroadcastForm, FormErrors } from './broadcast-form.ts';
import { channelLabel } from './broadcast-text.ts';

export interface ChannelContentProps {
  channel: BroadcastChannel;
  form: BroadcastForm;
  errors: FormErrors;
  set: (patch: Partial<BroadcastForm>) => void;
  connections: ChannelConnection[] | undefined;
  /** The approved templates of the chosen WhatsApp number; undefined while they load. */
  templates: WhatsAppTemplate[] | undefined;
  /** The account's sites, whose apps show in-app messages and pushes; undefined while they load. */
  sites?: Site[] | undefined;
}

const keyOf = (t: { name: string; language: string }) => `${t.name}:${t.language}`;

/** The approved templates a broadcast can send: a text header or none. */
export const sendable = (items: WhatsAppTemplate[]) =>
  items.filter((x) => x.status === 'APPROVED' && !x.unsupported && (x.header?.format ?? 'TEXT') === 'TEXT');

export function ChannelContent(props: ChannelContentProps) {
  const t = useT();
  const { channel } = props;
  return (
    <section
      className="channel-content"
      aria-labelledby={`content-${channel}-title`}
      data-testid={`content-${channel}`}
    >
      <h3 className="channel-content-title" id={`content-${channel}-title`}>
        <span className={`channel-dot channel-dot-${channel}`} aria-hidden="true" />
        {t('{channel} message', { channel: channelLabel(channel) })}
      </h3>
      {channel === 'whatsapp' ? (
        <WhatsAppFields {...props} />
      ) : channel === 'sms' ? (
        <SmsFields {...props} />
      ) : channel === 'app' || channel === 'push' ? (
        <AppFields {...props} />
      ) : (
        <EmailFields {...props} />
      )}
    </section>
  );
}

function VariablesHint() {
  const t = useT();
  return (
    <p className="field-hint">
      {t('{name} puts in the contact’s name, or “there” when it has none. Also {others}.', {
        name: '{{name|there}}',
        others: '{{email}}, {{phone}}, {{attributes.plan}}',
      })}
    </p>
  );
}

/** An in-app message: the site whose app shows it and a text; a push has a title too. */
function AppFields({ channel, form, errors, set, sites }: ChannelContentProps) {
  const t = useT();
  const push = channel === 'push';
  const value = push ? form.push : form.app;
  const change = (patch: Partial<BroadcastForm['push']>) =>
    push ? set({ push: { ...form.push, ...patch } }) : set({ app: { ...form.app, ...patch } });
  const only = sites?.length === 1 ? sites[0]!.id : '';
  useEffect(() => {
    if (!value.siteId && only) change({ siteId: only });
  });
  return (
    <div className="form">
      <Field label={t('Site’s app')} error={errors[`${channel}.siteId`]}>
        {(props) => (
          <select
            {...props}
            className="input select"
            value={value.siteId}
            onChange={(e) => change({ siteId: e.target.value })}
          >
            <option value="">{t('Choose a site')}</option>
            {(sites ?? []).map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      {push && (
        <Field label={t('Title')} error={errors['push.title']}>
          {(props) => (
            <input
              {...props}
              className="input"
              maxLength={100}
              value={form.push.title}
              onChange={(e) => change({ title: e.target.value })}
            />
          )}
        </Field>
      )}
      <Field label={t('Text')} error={errors[`${channel}.text`]}>
        {(props) => (
          <textarea
            {...props}
            className="input textarea"
            rows={4}
            maxLength={push ? 1000 : 4000}
            value={value.text}
            onChange={(e) => change({ text: e.target.value })}
          />
        )}
      </Field>
      <VariablesHint />
    </div>
  );
}

function SmsFields({ form, errors, set, connections }: ChannelContentProps) {
  const t = useT();
  return (
    <div className="form">
      <ConnectionSelect
        type="sms"
        label={t('SMS connection')}
        value={form.sms.connectionId}
        error={errors['sms.connectionId']}
        connections={connections}
        onChange={(connectionId) => set({ sms: { ...form.sms, connectionId } })}
      />
      <Field
        label={t('Text')}
        error={errors['sms.text']}
        hint={t('{count, plural, one {# character} other {# characters}} of 1,600', {
          count: form.sms.text.length,
        })}
      >
        {(props) => (
          <textarea
            {...props}
            className="input textarea"
            rows={4}
            maxLength={1600}
            value={form.sms.text}
            placeholder={t('Hi {name}, our spring prices are in. Reply STOP to opt out.', {
              name: '{{name|there}}',
            })}
            onChange={(e) => set({ sms: { ...form.sms, text: e.target.value } })}
          />
        )}
      </Field>
      <VariablesHint />
    </div>
  );
}

function EmailFields({ form, errors, set }: ChannelContentProps) {
  const t = useT();
  const email = form.email;
  return (
    <div className="form">
      <Field label={t('Subject')} error={errors['email.subject']}>
        {(props) => (
          <input
            {...props}
            className="input"
            maxLength={200}
            value={email.subject}
            onChange={(e) => set({ email: { ...email, subject: e.target.value } })}
          />
        )}
      </Field>
      <Field label={t('Text')} error={errors['email.text']}>
        {(props) => (
          <textarea
            {...props}
            className="input textarea"
            rows={6}
            value={email.text}
            onChange={(e) => set({ email: { ...email, text: e.target.value } })}
          />
        )}
      </Field>
      <Field
        label={t('HTML (optional)')}
        error={errors['email.html']}
        hint={t(
          'Mail programs that show HTML show this; the others show the text. A stop link is added to both.',
        )}
      >
        {(props) => (
          <textarea
            {...props}
            className="input textarea mono"
            rows={4}
            value={email.html}
            placeholder="<p>Hello {{name|there}}</p>"
            onChange={(e) => set({ email: { ...email, html: e.target.value } })}
          />
        )}
      </Field>
      <VariablesHint />
    </div>
  );
}

function WhatsAppFields({ form, errors, set, connections, templates }: ChannelContentProps) {
  const t = useT();
  const wa = form.whatsapp;
  const usable = sendable(templates ?? []);
  const chosen = wa.template ? usable.find((x) => keyOf(x) === keyOf(wa.template!)) : undefined;

  function pick(key: string) {
    const picked = usable.find((x) => keyOf(x) === key);
    const variables = { header: {} as Record<string, string>, body: {} as Record<string, string> };
    for (const part of ['header', 'body'] as const)
      for (const v of picked?.variables[part] ?? []) variables[part][v] = wa.variables[part][v] ?? '';
    set({
      whatsapp: {
        ...wa,
        template: picked ? { name: picked.name, language: picked.language } : null,
        variables,
      },
    });
  }

  const rows = chosen
    ? (['header', 'body'] as const).flatMap((part) => chosen.variables[part].map((v) => ({ part, v })))
    : [];
  return (
    <div className="form">
      <ConnectionSelect
        type="whatsapp"
        label={t('WhatsApp number')}
        value={wa.connectionId}
        error={errors['whatsapp.connectionId']}
        connections={connections}
        onChange={(connectionId) =>
          set({ whatsapp: { connectionId, template: null, variables: { header: {}, body: {} } } })
        }
      />
      {wa.connectionId && (
        <Field
          label={t('Template')}
          error={errors['whatsapp.template']}
          hint={t(
            'Approved templates of this number with a text header or none. Sync templates in Settings › Channels reads new ones.',
          )}
        >
          {(props) => (
            <select
              {...props}
              className="input select"
              value={wa.template ? keyOf(wa.template) : ''}
              onChange={(e) => pick(e.target.value)}
            >
              <option value="">
                {!templates
                  ? t('Loading…')
                  : usable.length
                    ? t('Choose a template')
                    : t('No approved template')}
              </option>
              {usable.map((x) => (
                <option key={keyOf(x)} value={keyOf(x)}>
                  {x.name} ({x.language})
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      {chosen && rows.length === 0 && (
        <p className="field-hint">{t('This template has no variables: everyone gets the same text.')}</p>
      )}
      {rows.length > 0 && (
        <fieldset className="fieldset broadcast-variables" data-testid="whatsapp-variables">
          <legend className="field-label">{t('Variables')}</legend>
          {rows.map(({ part, v }) => (
            <Field
              key={`${part}-${v}`}
              className="broadcast-variable"
              label={t('{part, select, header {Header} other {Body}} {variable}', {
                part,
                variable: `{{${v}}}`,
              })}
              error={errors[`whatsapp.${part}.${v}`]}
            >
              {(props) => (
                <input
                  {...props}
                  className="input"
                  maxLength={1024}
                  value={wa.variables[part][v] ?? ''}
                  placeholder="{{name|there}}"
                  onChange={(e) =>
                    set({
                      whatsapp: {
                        ...wa,
                        variables: {
                          ...wa.variables,
                          [part]: { ...wa.variables[part], [v]: e.target.value },
                        },
                      },
                    })
                  }
                />
              )}
            </Field>
          ))}
          <VariablesHint />
        </fieldset>
      )}
    </div>
  );
}
