/**
 * A campaign message on WhatsApp or SMS: the connection it leaves by and, for WhatsApp, the
 * approved template with each variable bound to fixed text or a field of the contact (with a
 * fallback for contacts who lack it). Only contacts who opted in on that channel get it.
 */
import type { TemplateBinding } from '@beckon/protocol';
import { fillText } from '@beckon/protocol/template-text';
import type { WhatsAppTemplate } from '@beckon/protocol/whatsapp-templates';
import { useCallback, useState } from 'react';
import { listConnections } from '../../api/channels.ts';
import { errorMessage } from '../../api/http.ts';
import { listTemplates } from '../../api/whatsapp.ts';
import { Field } from '../../components/field.tsx';
import { useResource } from '../../components/use-resource.ts';
import { useT } from '../../i18n/language-context.tsx';
import type { CampaignForm, FormErrors, MessageTemplate } from './campaign-form.ts';
import { ConnectionSelect } from './connection-select.tsx';

type Part = 'header' | 'body';
const keyOf = (t: { name: string; language: string }) => `${t.name}:${t.language}`;

/** Where a variable's value comes from, as the select offers it. */
function sources(t: (en: string) => string) {
  return [
    { value: 'text', label: t('Fixed text') },
    { value: 'name', label: t('Contact name') },
    { value: 'email', label: t('Contact e-mail') },
    { value: 'phone', label: t('Contact phone') },
    { value: 'attribute', label: t('Contact attribute') },
  ] as const;
}

const sourceOf = (b: TemplateBinding | undefined) =>
  !b || 'text' in b ? 'text' : b.contact.startsWith('attributes.') ? 'attribute' : b.contact;

/** The text the preview shows for a binding: fixed text, or the field's name in brackets. */
export const sampleOf = (b: TemplateBinding | undefined) =>
  !b ? '' : 'text' in b ? b.text : `[${b.contact.replace(/^attributes\./, '')}]`;

interface FieldsProps {
  form: CampaignForm;
  errors: FormErrors;
  set: (patch: Partial<CampaignForm>) => void;
}

export function ChannelMessageFields({ form, errors, set }: FieldsProps) {
  const t = useT();
  const channel = form.messageChannel as 'whatsapp' | 'sms';
  const connections = useResource(listConnections);
  const pickConnection = useCallback(
    (messageConnectionId: string) => set({ messageConnectionId, messageTemplate: null }),
    [set],
  );

  return (
    <>
      <p className="field-hint" data-testid="message-audience">
        {channel === 'whatsapp'
          ? t(
              "Only contacts with a phone number who opted in to WhatsApp messages get it. Opt-ins show on each contact's page. The control group gets nothing.",
            )
          : t(
              "Only contacts with a phone number who opted in to SMS messages get it, and never a number that texted STOP. Opt-ins show on each contact's page. The control group gets nothing.",
            )}
      </p>
      <ConnectionSelect
        type={channel}
        label={t('Connection')}
        value={form.messageConnectionId}
        error={errors.messageConnectionId}
        connections={connections.error ? [] : connections.data}
        onChange={pickConnection}
      />
      {channel === 'whatsapp' && form.messageConnectionId && (
        <TemplateFields key={form.messageConnectionId} form={form} errors={errors} set={set} />
      )}
    </>
  );
}

function TemplateFields({ form, errors, set }: FieldsProps) {
  const t = useT();
  const load = useCallback(() => listTemplates(form.messageConnectionId), [form.messageConnectionId]);
  const list = useResource(load);
  // A location header names a place per send: campaigns send the same to everyone, so they offer none.
  const usable = (list.data?.items ?? []).filter(
    (item) => item.status === 'APPROVED' && !item.unsupported && item.header?.format !== 'LOCATION',
  );
  const chosen = form.messageTemplate;
  const template = chosen ? usable.find((item) => keyOf(item) === keyOf(chosen)) : undefined;
  const [error, setError] = useState<string | null>(null);

  function pick(key: string) {
    const picked = usable.find((x) => keyOf(x) === key);
    setError(null);
    if (!picked) return set({ messageTemplate: null });
    const values: NonNullable<MessageTemplate['values']> = {};
    for (const part of ['header', 'body'] as const) {
      if (picked.variables[part].length === 0) continue;
      values[part] = Object.fromEntries(picked.variables[part].map((v) => [v, { text: '' }]));
    }
    set({ messageTemplate: { name: picked.name, language: picked.language, values } });
  }

  function bind(part: Part, variable: string, b: TemplateBinding) {
    if (!chosen) return;
    const values = { ...chosen.values, [part]: { ...chosen.values?.[part], [variable]: b } };
    set({ messageTemplate: { ...chosen, values } });
  }

  function setSource(part: Part, variable: string, source: string) {
    const current = chosen?.values?.[part]?.[variable];
    const fallback = current && !('text' in current) ? current.fallback : '';
    if (source === 'text') bind(part, variable, { text: '' });
    else if (source === 'attribute') bind(part, variable, { contact: 'attributes.', fallback });
    else bind(part, variable, { contact: source, fallback });
  }

  if (list.error) return <p className="field-error">{error ?? errorMessage(list.error)}</p>;
  return (
    <>
      <Field
        label={t('Template')}
        error={errors.messageTemplate}
        hint={t(
          'Approved templates of this number. Meta approves them in WhatsApp Manager; Sync templates in Settings › Channels reads new ones.',
        )}
      >
        {(props) => (
          <select
            {...props}
            className="input select"
            value={chosen ? keyOf(chosen) : ''}
            onChange={(e) => pick(e.target.value)}
            data-testid="campaign-template"
          >
            <option value="">
              {list.loading
                ? t('Loading…')
                : usable.length
                  ? t('Choose a template')
                  : t('No approved template')}
            </option>
            {usable.map((item) => (
              <option key={keyOf(item)} value={keyOf(item)}>
                {item.name} ({item.language})
              </option>
            ))}
          </select>
        )}
      </Field>
      {template?.header && template.header.format !== 'TEXT' && (
        <Field
          label={t('Header {format, select, image {image} video {video} other {document}} link', {
            format: template.header.format.toLowerCase(),
          })}
          hint={t('A public HTTPS address Meta fetches when it sends; every contact gets the same file.')}
        >
          {(props) => (
            <input
              {...props}
              className="input"
              type="url"
              placeholder="https://…"
              value={chosen?.headerMedia?.link ?? ''}
              onChange={(e) => {
                const link = e.target.value.trim();
                const { headerMedia: _old, ...rest } = chosen!;
                set({ messageTemplate: link ? { ...rest, headerMedia: { link } } : rest });
              }}
              data-testid="campaign-header-link"
            />
          )}
        </Field>
      )}
      {template && <Bindings template={template} chosen={chosen!} bind={bind} setSource={setSource} />}
    </>
  );
}

function Bindings({
  template,
  chosen,
  bind,
  setSource,
}: {
  template: WhatsAppTemplate;
  chosen: MessageTemplate;
  bind: (part: Part, variable: string, b: TemplateBinding) => void;
  setSource: (part: Part, variable: string, source: string) => void;
}) {
  const t = useT();
  const rows = (['header', 'body'] as const).flatMap((part) =>
    template.variables[part].map((v) => ({ part, v })),
  );
  if (rows.length === 0)
    return <p className="field-hint">{t('This template has no variables: everyone gets the same text.')}</p>;
  return (
    <fieldset className="fieldset binding-list" data-testid="template-bindings">
      <legend className="field-label">{t('Variables')}</legend>
      {rows.map(({ part, v }) => {
        const b = chosen.values?.[part]?.[v];
        const source = sourceOf(b);
        const label = t('{part, select, header {Header} other {Body}} {variable}', {
          part,
          variable: `{{${v}}}`,
        });
        return (
          <div key={`${part}-${v}`} className="binding-row" data-testid={`binding-${part}-${v}`}>
            <span className="binding-name">{label}</span>
            <select
              className="input select"
              aria-label={t('{variable}: value from', { variable: label })}
              value={source}
              onChange={(e) => setSource(part, v, e.target.value)}
            >
              {sources(t).map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
            {b && 'text' in b ? (
              <input
                className="input"
                aria-label={t('{variable}: text', { variable: label })}
                maxLength={part === 'header' ? 60 : 1024}
                value={b.text}
                onChange={(e) => bind(part, v, { text: e.target.value })}
              />
            ) : (
              <>
                {source === 'attribute' && b && (
                  <input
                    className="input mono"
                    aria-label={t('{variable}: attribute', { variable: label })}
                    placeholder={t('attribute key')}
                    value={b.contact.slice('attributes.'.length)}
                    onChange={(e) =>
                      bind(part, v, {
                        contact: `attributes.${e.target.value.replace(/[^A-Za-z0-9_-]/g, '')}`,
                        fallback: b.fallback,
                      })
                    }
                  />
                )}
                {b && (
                  <span className="binding-fallback">
                    <span aria-hidden="true">{t('If none')}</span>
                    <input
                      className="input"
                      aria-label={t('{variable}: fallback', { variable: label })}
                      placeholder={t('Sent when the contact has no value')}
                      value={b.fallback}
                      onChange={(e) => bind(part, v, { contact: b.contact, fallback: e.target.value })}
                    />
                  </span>
                )}
              </>
            )}
          </div>
        );
      })}
    </fieldset>
  );
}

/** The template as a contact would read it, with contact fields shown as [name]. */
export function templatePreviewText(t: WhatsAppTemplate, chosen: MessageTemplate): string {
  const sample = (part: Part) =>
    Object.fromEntries(Object.entries(chosen.values?.[part] ?? {}).map(([k, b]) => [k, sampleOf(b)]));
  return [
    t.header?.text ? fillText(t.header.text, sample('header')) : null,
    fillText(t.body, sample('body')),
    t.footer,
  ]
    .filter(Boolean)
    .join('\n\n');
}
