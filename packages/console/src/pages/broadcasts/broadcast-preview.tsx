/**
 * The preview beside the editor: the message on each channel of the order as one member of the
 * segment gets it, with their values filled in; and for each of the first members the channel
 * they would get it on, or why they would be skipped (an opt-out, no channel, a value they lack).
 */
import { fillText } from '@beckon/protocol/template-text';
import type { WhatsAppTemplate } from '@beckon/protocol/whatsapp-templates';
import { type ReactNode, useCallback, useState } from 'react';
import type { BroadcastChannel } from '../../api/broadcasts.ts';
import { errorMessage } from '../../api/http.ts';
import { useResource } from '../../components/use-resource.ts';
import { useT } from '../../i18n/language-context.tsx';
import type { BroadcastForm } from './broadcast-form.ts';
import { type Route, routeOf } from './broadcast-reach.ts';
import { type Contact, loadSample, type SampleMember } from './broadcast-sample.ts';
import { channelLabel, reasonLabel } from './broadcast-text.ts';
import { fillFor, requiredFields, type SampleContact } from './broadcast-variables.ts';
import '../campaigns/phone-preview.css';

interface Props {
  form: BroadcastForm;
  template: WhatsAppTemplate | undefined;
}

/** The texts a channel sends, in the order they are filled. */
function textsOf(form: BroadcastForm, channel: BroadcastChannel): string[] {
  if (channel === 'sms') return [form.sms.text];
  if (channel === 'email') return [form.email.subject, form.email.text, form.email.html].filter(Boolean);
  if (channel === 'app') return [form.app.text];
  if (channel === 'push') return [form.push.title, form.push.text];
  return [...Object.values(form.whatsapp.variables.header), ...Object.values(form.whatsapp.variables.body)];
}

/** The site of the app and push messages, as the reach needs them. */
const sitesOf = (form: BroadcastForm) => ({ app: form.app.siteId, push: form.push.siteId });

const nameOf = (c: SampleContact) => c.name ?? c.email ?? c.phone ?? '—';

export function BroadcastPreview({ form, template }: Props) {
  const t = useT();
  const { segmentId } = form;
  const load = useCallback(() => (segmentId ? loadSample(segmentId) : Promise.resolve([])), [segmentId]);
  const sample = useResource(load);
  const [shown, setShown] = useState<BroadcastChannel | null>(null);
  const [who, setWho] = useState(0);
  const members = sample.data ?? [];
  const member = members[who] ?? members[0];
  const route = member ? routeOf(form.channels, member.contact, member.consents, sitesOf(form)) : null;
  // The tab chosen; else the channel this contact gets; else the first of the order.
  const channel =
    shown && form.channels.includes(shown)
      ? shown
      : route && 'channel' in route
        ? route.channel
        : (form.channels[0] ?? null);

  return (
    <aside
      className="card broadcast-preview"
      aria-labelledby="broadcast-preview-title"
      data-testid="broadcast-preview"
    >
      <h2 id="broadcast-preview-title" className="card-title">
        {t('Preview')}
      </h2>
      {!segmentId ? (
        <p className="muted">{t('Choose a segment to see the message as its contacts get it.')}</p>
      ) : sample.error ? (
        <p className="field-error" role="alert">
          {errorMessage(sample.error)}
        </p>
      ) : sample.loading && !sample.data ? (
        <p className="muted">{t('Loading a sample contact…')}</p>
      ) : !member ? (
        <p className="muted" data-testid="preview-no-members">
          {t('The segment has no contacts now, so there is no one to preview for.')}
        </p>
      ) : (
        <>
          <label className="broadcast-preview-who">
            <span>{t('As sent to')}</span>
            <select
              className="input select"
              value={who}
              onChange={(e) => {
                setWho(Number(e.target.value));
                setShown(null);
              }}
              data-testid="preview-contact"
            >
              {members.map((m, i) => (
                <option key={m.contact.id} value={i}>
                  {nameOf(m.contact)}
                </option>
              ))}
            </select>
          </label>
          {form.channels.length > 1 && channel && (
            <div className="segmented" role="radiogroup" aria-label={t('Preview on')}>
              {form.channels.map((c) => (
                <label key={c} className="segmented-option">
                  <input
                    type="radio"
                    name="preview-channel"
                    checked={c === channel}
                    onChange={() => setShown(c)}
                  />
                  <span>{channelLabel(c)}</span>
                </label>
              ))}
            </div>
          )}
          {channel ? (
            <ChannelPreview
              form={form}
              channel={channel}
              contact={member.contact}
              route={route}
              template={template}
            />
          ) : (
            <p className="muted">{t('Add a channel to preview its message.')}</p>
          )}
          <SampleRoutes form={form} members={members} />
        </>
      )}
    </aside>
  );
}

function ChannelPreview({
  form,
  channel,
  contact,
  route,
  template,
}: {
  form: BroadcastForm;
  channel: BroadcastChannel;
  contact: Contact;
  route: Route | null;
  template: WhatsAppTemplate | undefined;
}) {
  const t = useT();
  const texts = textsOf(form, channel);
  const missing = texts.map((x) => fillFor(x, contact).missing).find(Boolean);
  const fill = (text: string) => fillFor(text, contact).text;
  let body: ReactNode;
  if (channel === 'email') {
    body = (
      <div className="preview-mail" data-testid="preview-email">
        <dl className="preview-mail-head">
          <div>
            <dt>{t('Sent to')}</dt>
            <dd>{contact.email ?? '—'}</dd>
          </div>
          <div>
            <dt>{t('Subject')}</dt>
            <dd className="preview-mail-subject">{fill(form.email.subject) || t('Your subject')}</dd>
          </div>
        </dl>
        <p className="preview-mail-body">{fill(form.email.text) || t('Your message')}</p>
        <p className="preview-mail-foot">
          <span className="preview-mail-stop">{t('Unsubscribe')}</span>
          {form.email.html.trim() ? ` · ${t('An HTML version goes with it.')}` : ''}
        </p>
      </div>
    );
  } else if (channel === 'app' || channel === 'push') {
    const push = channel === 'push';
    body = (
      <div className="preview-frame preview-phone" data-testid={`preview-${channel}`}>
        <div className="preview-phone-bar">{channelLabel(channel)}</div>
        <div className="preview-phone-thread">
          {push && (
            <p className="preview-phone-bubble">
              <strong>{fill(form.push.title) || t('Your title')}</strong>
            </p>
          )}
          <p className="preview-phone-bubble">
            {fill(push ? form.push.text : form.app.text) || t('Your message')}
          </p>
        </div>
      </div>
    );
  } else {
    const wa = channel === 'whatsapp';
    const text = wa ? whatsAppText(form, template, fill) : fill(form.sms.text);
    body = (
      <div
        className={`preview-frame preview-phone${wa ? ' preview-phone-wa' : ''}`}
        data-testid={`preview-${channel}`}
      >
        <div className="preview-phone-bar">
          {wa ? 'WhatsApp' : t('Messages')} · {contact.phone ?? t('no number')}
        </div>
        <div className="preview-phone-thread">
          <p className="preview-phone-bubble">{text || (wa ? t('Choose a template') : t('Your message'))}</p>
          {wa &&
            template?.buttons.map((b) => (
              <span key={`${b.type}-${b.text}`} className="preview-phone-button">
                {b.text}
              </span>
            ))}
        </div>
      </div>
    );
  }
  return (
    <figure className="broadcast-preview-figure">
      {body}
      <figcaption className="preview-caption">
        {route && 'skip' in route ? (
          <span className="broadcast-skip-note" data-testid="preview-skipped">
            {t('{name} is skipped: {reason}.', { name: nameOf(contact), reason: reasonLabel(route.skip) })}
          </span>
        ) : route && route.channel !== channel ? (
          t('{name} gets it on {channel}, the first channel they can be reached on.', {
            name: nameOf(contact),
            channel: channelLabel(route.channel),
          })
        ) : missing ? (
          <span className="broadcast-skip-note" data-testid="preview-skipped">
            {t('{name} would be skipped: no value for {field}.', { name: nameOf(contact), field: missing })}
          </span>
        ) : (
          t('As {name} gets it on {channel}.', { name: nameOf(contact), channel: channelLabel(channel) })
        )}
      </figcaption>
    </figure>
  );
}

/** The template as this contact reads it: header, body and footer with the variables' texts filled. */
function whatsAppText(
  form: BroadcastForm,
  template: WhatsAppTemplate | undefined,
  fill: (s: string) => string,
) {
  if (!template) return '';
  const values = (part: 'header' | 'body') =>
    Object.fromEntries(Object.entries(form.whatsapp.variables[part]).map(([k, v]) => [k, fill(v)]));
  return [
    template.header?.text ? fillText(template.header.text, values('header')) : null,
    fillText(template.body, values('body')),
    template.footer,
  ]
    .filter(Boolean)
    .join('\n\n');
}

/** Each of the first members: the channel they get, or why they are skipped (an opt-out, a value their message needs). */
function SampleRoutes({ form, members }: { form: BroadcastForm; members: SampleMember[] }) {
  const t = useT();
  if (form.channels.length === 0) return null;
  const rows = members.map(({ contact, consents }) => {
    const route = routeOf(form.channels, contact, consents, sitesOf(form));
    if ('skip' in route) return { contact, channel: null, skip: reasonLabel(route.skip) };
    const lack = requiredFields(textsOf(form, route.channel)).find(
      (f) => fillFor(`{{${f}}}`, contact).missing,
    );
    return {
      contact,
      channel: route.channel,
      skip: lack ? t('no value for {field}', { field: lack }) : null,
    };
  });
  const reached = rows.filter((r) => !r.skip).length;
  return (
    <div className="broadcast-skips" data-testid="preview-routes">
      <p>
        {t(
          '{count, plural, one {Of the first member, {reached} would get it} other {Of the first # members, {reached} would get it}} (before the holdout):',
          { count: rows.length, reached },
        )}
      </p>
      <ul className="broadcast-route-list">
        {rows.map((r) => (
          <li key={r.contact.id} data-testid="preview-route" data-skipped={r.skip ? 'true' : undefined}>
            <span className="broadcast-route-name">{nameOf(r.contact)}</span>
            {r.skip ? (
              <span className="badge badge-paused">{t('Skipped')}</span>
            ) : (
              <span className={`channel-chip channel-chip-${r.channel}`}>{channelLabel(r.channel!)}</span>
            )}
            {r.skip && (
              <span className="broadcast-route-skip" data-testid="preview-route-reason">
                {r.channel
                  ? t('On {channel}: {reason}', { channel: channelLabel(r.channel), reason: r.skip })
                  : r.skip}
              </span>
            )}
          </li>
        ))}
      </ul>
      {rows.some((r) => r.skip && r.channel) && (
        <p className="field-hint">
          {t('Give a value a fallback, as in {example}, to reach contacts without it.', {
            example: '{{name|there}}',
          })}
        </p>
      )}
    </div>
  );
}
