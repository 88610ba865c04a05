/**
 * The composer of a WhatsApp chat whose 24-hour window is closed: WhatsApp takes only approved
 * templates then. The agent picks one (each shows its body), fills its variables, reads the live
 * preview of what the customer gets, and sends it.
 */

import { fillText, missingVariable, renderTemplate } from '@beckon/protocol/template-text';
import type { WhatsAppTemplate } from '@beckon/protocol/whatsapp-templates';
import { type FormEvent, Fragment, useId, useState } from 'react';
import type { Conversation } from '../../../api/conversations.ts';
import { errorMessage } from '../../../api/http.ts';
import { sendTemplate, type TemplateValues } from '../../../api/whatsapp.ts';
import { t } from '../../../i18n/i18n.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { visitorLabel } from '../conversation-format.ts';
import {
  EMPTY_HEADER,
  HeaderPreview,
  type HeaderState,
  headerMissing,
  headerOf,
  mediaFormatOf,
  TemplateHeaderFields,
} from './template-header-fields.tsx';
import type { WindowState } from './use-whatsapp-window.ts';

type Part = 'header' | 'body';
const keyOf = (template: WhatsAppTemplate) => `${template.name}:${template.language}`;

/** Meta's category of a template, in the user's language. */
function categoryLabel(category: string): string {
  switch (category) {
    case 'MARKETING':
      return t('Marketing');
    case 'UTILITY':
      return t('Utility');
    case 'AUTHENTICATION':
      return t('Authentication');
    default:
      return category;
  }
}

/** "Fill body {{1}} to send.": the first variable still empty (`missingVariable` says "body {{1}}"). */
function fillVariable(missing: string): string {
  const [part, variable] = missing.split(' ', 2) as [string, string];
  return t('Fill {part, select, header {header} other {body}} {variable} to send.', {
    part,
    variable,
  });
}
const PLACEHOLDER = /(\{\{\s*[A-Za-z0-9_]+\s*\}\})/g;

/** A text with its unfilled variables marked, as the preview shows it. */
function Filled({ text, values }: { text: string; values: Record<string, string> | undefined }) {
  const filled = fillText(text, values);
  // Each piece keyed by where it starts in the text: stable while the values stay the same.
  let at = 0;
  const pieces = filled.split(PLACEHOLDER).map((piece, i) => {
    const start = at;
    at += piece.length;
    return { piece, variable: i % 2 === 1, key: `${start}:${piece.length}` };
  });
  return (
    <>
      {pieces.map(({ piece, variable, key }) =>
        variable ? (
          <mark key={key} className="template-var">
            {piece}
          </mark>
        ) : (
          <Fragment key={key}>{piece}</Fragment>
        ),
      )}
    </>
  );
}

export function TemplateComposer({
  conversation: c,
  window: w,
  onNote,
}: {
  conversation: Conversation;
  window: WindowState;
  /** Switches to writing an internal note (notes need no window). */
  onNote: () => void;
}) {
  const t = useT();
  const templates = w.info?.templates ?? [];
  const first = templates.find((x) => !x.unsupported);
  const [picked, setPicked] = useState<string | null>(first ? keyOf(first) : null);
  const [values, setValues] = useState<Record<string, TemplateValues>>({});
  const [headers, setHeaders] = useState<Record<string, HeaderState>>({});
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const listId = useId();
  const template = templates.find((x) => keyOf(x) === picked) ?? first;
  const mine: TemplateValues = template ? (values[keyOf(template)] ?? {}) : {};
  const format = mediaFormatOf(template);
  const header = template ? (headers[keyOf(template)] ?? EMPTY_HEADER) : EMPTY_HEADER;
  const variableMissing = template ? missingVariable(template, mine) : null;
  const missing = template
    ? (headerMissing(format, header) ?? (variableMissing ? fillVariable(variableMissing) : null))
    : null;
  const name = visitorLabel(c);

  function setValue(part: Part, variable: string, value: string) {
    if (!template) return;
    const k = keyOf(template);
    setValues((all) => ({ ...all, [k]: { ...all[k], [part]: { ...all[k]?.[part], [variable]: value } } }));
    setError(null);
  }

  async function send(event?: FormEvent) {
    event?.preventDefault();
    if (!template || missing || sending) return;
    setSending(true);
    setError(null);
    try {
      await sendTemplate(c.id, {
        echoId: `t_${crypto.randomUUID()}`,
        name: template.name,
        language: template.language,
        values: mine,
        ...headerOf(format, header),
      });
      setValues((all) => ({ ...all, [keyOf(template)]: {} }));
      setHeaders((all) => ({ ...all, [keyOf(template)]: EMPTY_HEADER }));
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSending(false);
    }
  }

  const notice = (
    <div className="template-notice" data-testid="window-closed">
      <p>
        <strong>{t('The 24-hour window is closed.')}</strong>{' '}
        {t('WhatsApp delivers only approved templates until {name} writes again.', { name })}
      </p>
      <button type="button" className="link-button" onClick={onNote} data-testid="write-note">
        {t('Write a note')}
      </button>
    </div>
  );

  if (w.loading) {
    return (
      <div className="composer template-composer" data-testid="template-composer">
        <div className="template-empty" role="status">
          {t('Checking WhatsApp’s 24-hour window…')}
        </div>
      </div>
    );
  }
  if (w.failed || templates.length === 0) {
    return (
      <div className="composer template-composer" data-testid="template-composer">
        {notice}
        <div className="template-empty" role={w.failed ? 'alert' : 'status'}>
          {w.failed ? (
            <>
              {w.failed}{' '}
              <button type="button" className="link-button" onClick={w.reload}>
                {t('Try again')}
              </button>
            </>
          ) : (
            t(
              'This number has no approved templates yet. Templates are approved by Meta in WhatsApp Manager; an admin then reads them with {button} in Settings › Channels.',
              { button: t('Sync templates') },
            )
          )}
        </div>
      </div>
    );
  }

  const fields = template
    ? (['header', 'body'] as const).flatMap((part) => template.variables[part].map((v) => ({ part, v })))
    : [];
  return (
    <form className="composer template-composer" data-testid="template-composer" onSubmit={send}>
      {notice}
      <div className="template-grid">
        <fieldset className="template-list" aria-describedby={listId}>
          <legend className="visually-hidden">{t('Approved templates')}</legend>
          <span id={listId} className="visually-hidden">
            {t('Use the arrow keys to move between templates.')}
          </span>
          {templates.map((option) => (
            <label
              key={keyOf(option)}
              className={`template-option${option.unsupported ? ' template-option-off' : ''}`}
              title={option.unsupported ?? undefined}
              data-testid="template-option"
              data-name={option.name}
            >
              <input
                type="radio"
                name={`template-${c.id}`}
                checked={template ? keyOf(option) === keyOf(template) : false}
                disabled={Boolean(option.unsupported)}
                onChange={() => {
                  setPicked(keyOf(option));
                  setError(null);
                }}
              />
              <span className="template-option-name">{option.name}</span>
              <span className="template-option-body">
                {option.unsupported
                  ? t('Not available: {reason}.', { reason: option.unsupported })
                  : option.body}
              </span>
              <span className="template-option-meta">
                {categoryLabel(option.category)} · {option.language}
              </span>
            </label>
          ))}
        </fieldset>
        {template && (
          <div className="template-form">
            {format && (
              <TemplateHeaderFields
                conversationId={c.id}
                format={format}
                value={header}
                onChange={(next) => {
                  setHeaders((all) => ({ ...all, [keyOf(template)]: next }));
                  setError(null);
                }}
              />
            )}
            {fields.length > 0 ? (
              <div className="template-fields">
                {fields.map(({ part, v }) => (
                  <label key={`${part}-${v}`} className="template-field">
                    <span className="template-field-label">
                      {part === 'header' ? t('Header') : t('Body')} <code>{`{{${v}}}`}</code>
                    </span>
                    <input
                      className="input"
                      value={mine[part]?.[v] ?? ''}
                      maxLength={part === 'header' ? 60 : 1024}
                      onChange={(e) => setValue(part, v, e.target.value)}
                      data-testid={`template-var-${part}-${v}`}
                    />
                  </label>
                ))}
              </div>
            ) : (
              <p className="muted template-no-vars">
                {format
                  ? t('The text has no variables: it is sent as written under the header.')
                  : t('This template has no variables: it is sent as written.')}
              </p>
            )}
            <figure className="template-preview" data-testid="template-preview">
              <figcaption className="visually-hidden">{t('What the customer gets')}</figcaption>
              <div className="template-bubble">
                {format && <HeaderPreview format={format} h={header} />}
                {template.header?.text && (
                  <p className="template-bubble-header">
                    <Filled text={template.header.text} values={mine.header} />
                  </p>
                )}
                <p className="template-bubble-body">
                  <Filled text={template.body} values={mine.body} />
                </p>
                {template.footer && <p className="template-bubble-footer">{template.footer}</p>}
              </div>
              {template.buttons.length > 0 && (
                <div className="template-bubble-buttons">
                  {template.buttons.map((b) => (
                    <span key={`${b.type}-${b.text}`} className="template-bubble-button">
                      {b.text}
                    </span>
                  ))}
                </div>
              )}
            </figure>
          </div>
        )}
      </div>
      <div className="composer-bar">
        <span className="composer-hint" aria-live="polite">
          {error ? (
            <span className="field-error" role="alert">
              {error}
            </span>
          ) : missing ? (
            missing
          ) : (
            <span data-testid="template-ready">
              {t('{count, plural, one {# character} other {# characters}} · ready to send', {
                count: template ? renderTemplate(template, mine).length : 0,
              })}
            </span>
          )}
        </span>
        <button
          type="submit"
          className="button button-primary button-small"
          disabled={!template || Boolean(missing) || sending}
          data-testid="send-template"
        >
          {sending ? t('Sending…') : t('Send template')}
        </button>
      </div>
    </form>
  );
}
