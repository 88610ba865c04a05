/**
 * A campaign message on WhatsApp or SMS: the connection it leaves by and, for WhatsApp, the
 * approved template with each variable bound to fixed text or a field of the contact (with a
 * fallback for contacts who lack it). Only contacts who opted in on that channel get it.
 */
import type { TemplateBinding } from '@beckon/protocol';
import { fillText, type WhatsAppTemplate } from '@beckon/protocol/whatsapp-templates';
import { useCallback, useEffect, useState } from 'react';
import { type ChannelConnection, listConnections } from '../../api/channels.ts';
import { errorMessage } from '../../api/http.ts';
import { listTemplates } from '../../api/whatsapp.ts';
import { Field } from '../../components/field.tsx';
import { useResource } from '../../components/use-resource.ts';
import { Link } from '../../router/router.tsx';
import type { CampaignForm, FormErrors, MessageTemplate } from './campaign-form.ts';

type Part = 'header' | 'body';
const keyOf = (t: { name: string; language: string }) => `${t.name}:${t.language}`;

/** Where a variable's value comes from, as the select offers it. */
const SOURCES = [
  { value: 'text', label: 'Fixed text' },
  { value: 'name', label: 'Contact name' },
  { value: 'email', label: 'Contact e-mail' },
  { value: 'phone', label: 'Contact phone' },
  { value: 'attribute', label: 'Contact attribute' },
] as const;

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
  const channel = form.messageChannel as 'whatsapp' | 'sms';
  const connections = useResource(listConnections);
  const mine = (connections.data ?? []).filter((c: ChannelConnection) => c.type === channel);
  const only = mine.length === 1 ? mine[0]!.id : '';
  // One connection of the kind: it is the one.
  useEffect(() => {
    if (!form.messageConnectionId && only) set({ messageConnectionId: only });
  }, [form.messageConnectionId, only, set]);

  return (
    <>
      <p className="field-hint" data-testid="message-audience">
        Only contacts with a phone number who opted in to {channel === 'whatsapp' ? 'WhatsApp' : 'SMS'}{' '}
        messages get it{channel === 'sms' ? ', and never a number that texted STOP' : ''}. Opt-ins show on
        each contact's page. The control group gets nothing.
      </p>
      <Field label="Connection" error={errors.messageConnectionId}>
        {(props) => (
          <select
            {...props}
            className="input select"
            value={form.messageConnectionId}
            onChange={(e) => set({ messageConnectionId: e.target.value, messageTemplate: null })}
          >
            <option value="">
              {connections.loading ? 'Loading…' : mine.length ? 'Choose a connection' : 'None connected yet'}
            </option>
            {mine.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      {!connections.loading && mine.length === 0 && (
        <p className="field-hint">
          Connect one first in <Link to="/settings/channels">Settings › Channels</Link>.
        </p>
      )}
      {channel === 'whatsapp' && form.messageConnectionId && (
        <TemplateFields key={form.messageConnectionId} form={form} errors={errors} set={set} />
      )}
    </>
  );
}

function TemplateFields({ form, errors, set }: FieldsProps) {
  const load = useCallback(() => listTemplates(form.messageConnectionId), [form.messageConnectionId]);
  const list = useResource(load);
  // A location header names a place per send: campaigns send the same to everyone, so they offer none.
  const usable = (list.data?.items ?? []).filter(
    (t) => t.status === 'APPROVED' && !t.unsupported && t.header?.format !== 'LOCATION',
  );
  const chosen = form.messageTemplate;
  const template = chosen ? usable.find((t) => keyOf(t) === keyOf(chosen)) : undefined;
  const [error, setError] = useState<string | null>(null);

  function pick(key: string) {
    const t = usable.find((x) => keyOf(x) === key);
    setError(null);
    if (!t) return set({ messageTemplate: null });
    const values: NonNullable<MessageTemplate['values']> = {};
    for (const part of ['header', 'body'] as const) {
      if (t.variables[part].length === 0) continue;
      values[part] = Object.fromEntries(t.variables[part].map((v) => [v, { text: '' }]));
    }
    set({ messageTemplate: { name: t.name, language: t.language, values } });
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
        label="Template"
        error={errors.messageTemplate}
        hint="Approved templates of this number. Meta approves them in WhatsApp Manager; Sync templates in Settings › Channels reads new ones."
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
              {list.loading ? 'Loading…' : usable.length ? 'Choose a template' : 'No approved template'}
            </option>
            {usable.map((t) => (
              <option key={keyOf(t)} value={keyOf(t)}>
                {t.name} ({t.language})
              </option>
            ))}
          </select>
        )}
      </Field>
      {template?.header && template.header.format !== 'TEXT' && (
        <Field
          label={`Header ${template.header.format.toLowerCase()} link`}
          hint="A public HTTPS address Meta fetches when it sends; every contact gets the same file."
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
  const rows = (['header', 'body'] as const).flatMap((part) =>
    template.variables[part].map((v) => ({ part, v })),
  );
  if (rows.length === 0)
    return <p className="field-hint">This template has no variables: everyone gets the same text.</p>;
  return (
    <fieldset className="fieldset binding-list" data-testid="template-bindings">
      <legend className="field-label">Variables</legend>
      {rows.map(({ part, v }) => {
        const b = chosen.values?.[part]?.[v];
        const source = sourceOf(b);
        const label = `${part === 'header' ? 'Header' : 'Body'} {{${v}}}`;
        return (
          <div key={`${part}-${v}`} className="binding-row" data-testid={`binding-${part}-${v}`}>
            <span className="binding-name">{label}</span>
            <select
              className="input select"
              aria-label={`${label}: value from`}
              value={source}
              onChange={(e) => setSource(part, v, e.target.value)}
            >
              {SOURCES.map((s) => (
                <option key={s.value} value={s.value}>
                  {s.label}
                </option>
              ))}
            </select>
            {b && 'text' in b ? (
              <input
                className="input"
                aria-label={`${label}: text`}
                maxLength={part === 'header' ? 60 : 1024}
                value={b.text}
                onChange={(e) => bind(part, v, { text: e.target.value })}
              />
            ) : (
              <>
                {source === 'attribute' && b && (
                  <input
                    className="input mono"
                    aria-label={`${label}: attribute`}
                    placeholder="attribute key"
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
                    <span aria-hidden="true">If none</span>
                    <input
                      className="input"
                      aria-label={`${label}: fallback`}
                      placeholder="Sent when the contact has no value"
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
