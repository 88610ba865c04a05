/** Engagement: what qualifying visitors are offered, with a live preview of it. */
import type { Skill } from '../../api/types.ts';
import { Field } from '../../components/field.tsx';
import { formatNumber } from '../../components/format.ts';
import { useT } from '../../i18n/language-context.tsx';
import { Link } from '../../router/router.tsx';
import {
  BUTTON_LABELS,
  type CampaignForm,
  type EngagementType,
  type FormErrors,
  type MessageChannel,
  type OfflineChoice,
} from './campaign-form.ts';
import { ENGAGEMENT_LABELS, MESSAGE_CHANNEL_LABELS } from './campaign-text.ts';
import { ChannelMessageFields } from './channel-message-fields.tsx';
import { EngagementPreview } from './engagement-preview.tsx';
import { FormSection } from './form-section.tsx';
import { ELEMENT, withElement } from './linked-text.tsx';
import { TranslationFields } from './translation-fields.tsx';

interface SectionProps {
  form: CampaignForm;
  errors: FormErrors;
  set: (patch: Partial<CampaignForm>) => void;
  skills: Skill[];
}

function engagementTypes(t: (en: string) => string): { type: EngagementType; description: string }[] {
  return [
    { type: 'chat_invitation', description: t('Proactively invite the visitor to chat with an agent.') },
    { type: 'chat_button', description: t('Show a chat button they can use when they are ready.') },
    { type: 'content', description: t('Show an offer card with a call to action.') },
    {
      type: 'call',
      description: t('Show a “Call us” button; offered only while an agent who takes calls is free.'),
    },
    {
      type: 'callback',
      description: t(
        'Show a “Call me back” button: the visitor leaves a number and a time, an agent calls then.',
      ),
    },
    {
      type: 'message',
      description: t(
        'Send a known contact a message by e-mail, in their app, on WhatsApp or by SMS; nothing shows on the page.',
      ),
    },
  ];
}

export function EngagementSection({ form, errors, set, skills }: SectionProps) {
  const t = useT();
  const chat = form.engagementType === 'chat_invitation' || form.engagementType === 'chat_button';
  const call = form.engagementType === 'call';
  const callback = form.engagementType === 'callback';
  return (
    <FormSection
      id="engagement"
      title={t('Engagement')}
      description={t('What a qualifying visitor is shown.')}
    >
      <div className="form">
        <fieldset className="fieldset">
          <legend className="field-label">{t('Type')}</legend>
          <div className="type-cards">
            {engagementTypes(t).map(({ type, description }) => (
              <label key={type} className="type-card">
                <input
                  type="radio"
                  name="engagementType"
                  value={type}
                  checked={form.engagementType === type}
                  onChange={() =>
                    set({
                      engagementType: type,
                      // The default label of the other button kind follows the kind.
                      ...(type in BUTTON_LABELS &&
                      Object.values(BUTTON_LABELS).includes(form.buttonLabel as 'Call us')
                        ? { buttonLabel: BUTTON_LABELS[type as keyof typeof BUTTON_LABELS] }
                        : {}),
                    })
                  }
                />
                <span className="type-card-text">
                  <span className="type-card-title">{ENGAGEMENT_LABELS[type]}</span>
                  <span className="type-card-description">{description}</span>
                </span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="engagement-layout">
          <div className="form">
            {(chat || call || callback) && (
              <Field
                label={t('Skill')}
                error={errors.skillId}
                hint={
                  skills.length === 0
                    ? withElement(
                        t('No skills yet: create one under {link}.', { link: ELEMENT }),
                        <Link to="/settings/skills">{t('Settings › Skills')}</Link>,
                      )
                    : call
                      ? t(
                          'Calls ring agents with this skill who take calls, and are offered only while one of them is free.',
                        )
                      : callback
                        ? t(
                            'At the time the visitor asks for, the callback is offered to agents with this skill like a chat.',
                          )
                        : t(
                            'Chats go to agents with this skill, and are offered only while one of them can take it.',
                          )
                }
              >
                {(props) => (
                  <select
                    {...props}
                    className="input select"
                    value={form.skillId}
                    onChange={(event) => set({ skillId: event.target.value })}
                  >
                    {!form.skillId && <option value="">{t('Choose a skill')}</option>}
                    {form.skillId && !skills.some((skill) => skill.id === form.skillId) && (
                      <option value={form.skillId}>{t('A deleted skill: choose another')}</option>
                    )}
                    {skills.map((skill) => (
                      <option key={skill.id} value={skill.id}>
                        {skill.name}
                      </option>
                    ))}
                  </select>
                )}
              </Field>
            )}

            {form.engagementType === 'chat_invitation' && (
              <>
                <Field
                  label={t('Message')}
                  error={errors.message}
                  hint={`${formatNumber(form.message.trim().length)} / ${formatNumber(500)}`}
                >
                  {(props) => (
                    <textarea
                      {...props}
                      className="input textarea"
                      rows={3}
                      maxLength={500}
                      value={form.message}
                      onChange={(event) => set({ message: event.target.value })}
                    />
                  )}
                </Field>
                <fieldset className="fieldset">
                  <legend className="field-label">{t('Style')}</legend>
                  <div className="choice-row">
                    <label className="check">
                      <input
                        type="radio"
                        name="style"
                        checked={form.style === 'toaster'}
                        onChange={() => set({ style: 'toaster' })}
                      />
                      <span>{t('Toaster (corner)')}</span>
                    </label>
                    <label className="check">
                      <input
                        type="radio"
                        name="style"
                        checked={form.style === 'overlay'}
                        onChange={() => set({ style: 'overlay' })}
                      />
                      <span>{t('Overlay (centre)')}</span>
                    </label>
                  </div>
                </fieldset>
              </>
            )}

            {(form.engagementType === 'chat_button' || call || callback) && (
              <Field label={t('Button label')} error={errors.buttonLabel}>
                {(props) => (
                  <input
                    {...props}
                    className="input"
                    maxLength={60}
                    value={form.buttonLabel}
                    onChange={(event) => set({ buttonLabel: event.target.value })}
                  />
                )}
              </Field>
            )}

            {chat && (
              <Field
                label={t('When no agent can take a chat')}
                hint={t('Chats are only offered when the skill has room.')}
              >
                {(props) => (
                  <select
                    {...props}
                    className="input select"
                    value={form.offline}
                    onChange={(event) => set({ offline: event.target.value as OfflineChoice })}
                  >
                    <option value="offline_message">{t('Offer to leave a message instead')}</option>
                    <option value="none">{t('Show nothing')}</option>
                  </select>
                )}
              </Field>
            )}

            {call && (
              <Field
                label={t('When no one can take a call')}
                hint={t("Nobody free, or outside the skill's hours.")}
              >
                {(props) => (
                  <select
                    {...props}
                    className="input select"
                    value={form.offline === 'callback' ? 'callback' : 'none'}
                    onChange={(event) => set({ offline: event.target.value as OfflineChoice })}
                  >
                    <option value="callback">{t('Offer a “Call me back” button instead')}</option>
                    <option value="none">{t('Show nothing')}</option>
                  </select>
                )}
              </Field>
            )}

            {form.engagementType === 'content' && <ContentFields form={form} errors={errors} set={set} />}
            {form.engagementType === 'message' && <MessageFields form={form} errors={errors} set={set} />}
            <TranslationFields
              form={form}
              set={set}
              defaults={{
                message: form.message,
                label: form.buttonLabel,
                title: form.title,
                text: form.text,
                ctaLabel: form.ctaLabel,
              }}
            />
          </div>
          <EngagementPreview form={form} />
        </div>
      </div>
    </FormSection>
  );
}

function ContentFields({ form, errors, set }: Omit<SectionProps, 'skills'>) {
  const t = useT();
  return (
    <>
      <Field label={t('Title')} error={errors.title}>
        {(props) => (
          <input
            {...props}
            className="input"
            maxLength={120}
            value={form.title}
            onChange={(event) => set({ title: event.target.value })}
          />
        )}
      </Field>
      <Field label={t('Text')} error={errors.text} hint={t('Shown as plain text.')}>
        {(props) => (
          <textarea
            {...props}
            className="input textarea"
            rows={3}
            maxLength={1000}
            value={form.text}
            onChange={(event) => set({ text: event.target.value })}
          />
        )}
      </Field>
      <Field
        label={t('Image URL')}
        error={errors.imageUrl}
        hint={t('Optional. An https:// address works best.')}
      >
        {(props) => (
          <input
            {...props}
            className="input"
            type="url"
            inputMode="url"
            placeholder="https://"
            value={form.imageUrl}
            onChange={(event) => set({ imageUrl: event.target.value })}
          />
        )}
      </Field>
      <div className="form-row">
        <Field label={t('Button label')} error={errors.ctaLabel}>
          {(props) => (
            <input
              {...props}
              className="input"
              maxLength={60}
              placeholder="Shop now"
              value={form.ctaLabel}
              onChange={(event) => set({ ctaLabel: event.target.value })}
            />
          )}
        </Field>
        <Field label={t('Button link')} error={errors.ctaUrl}>
          {(props) => (
            <input
              {...props}
              className="input"
              type="url"
              inputMode="url"
              placeholder="https://"
              value={form.ctaUrl}
              onChange={(event) => set({ ctaUrl: event.target.value })}
            />
          )}
        </Field>
      </div>
    </>
  );
}

function MessageFields({ form, errors, set }: Omit<SectionProps, 'skills'>) {
  const phone = form.messageChannel === 'whatsapp' || form.messageChannel === 'sms';
  const t = useT();
  const max = form.messageChannel === 'sms' ? 1600 : 2000;
  return (
    <>
      {!phone && form.messageChannel !== 'push' && (
        <p className="field-hint" data-testid="message-audience">
          {t(
            'Only visitors known as a contact (signed in, or who gave their e-mail) qualify. Contacts who opted out of e-mail get no mail; the control group gets nothing.',
          )}
        </p>
      )}
      {form.messageChannel === 'push' && (
        <p className="field-hint" data-testid="message-audience">
          {t(
            'Sent when a signed-in app user leaves the app while the rule holds, to the devices where they allowed notifications; the control group gets nothing. The subject is the title.',
          )}
        </p>
      )}
      <Field
        label={t('Subject')}
        error={errors.subject}
        hint={
          phone
            ? t('The topic of the conversation a reply opens.')
            : form.messageChannel === 'push'
              ? t("The notification's title.")
              : t("The mail's subject line.")
        }
      >
        {(props) => (
          <input
            {...props}
            className="input"
            maxLength={150}
            value={form.subject}
            onChange={(event) => set({ subject: event.target.value })}
          />
        )}
      </Field>
      <Field
        label={t('Channel')}
        hint={t(
          'In-app reaches contacts who have a conversation in your app; e-mail, those with an address; WhatsApp and SMS, those who opted in.',
        )}
      >
        {(props) => (
          <select
            {...props}
            className="input select"
            value={form.messageChannel}
            onChange={(event) => set({ messageChannel: event.target.value as MessageChannel })}
          >
            {(['auto', 'email', 'app', 'whatsapp', 'sms', 'push'] as const).map((channel) => (
              <option key={channel} value={channel}>
                {MESSAGE_CHANNEL_LABELS[channel]}
              </option>
            ))}
          </select>
        )}
      </Field>
      {phone && <ChannelMessageFields form={form} errors={errors} set={set} />}
      {form.messageChannel !== 'whatsapp' && (
        <Field
          label={t('Message')}
          error={errors.text}
          hint={t('{length} / {max} · plain text. A reply reaches your agents as a conversation.', {
            length: formatNumber(form.text.trim().length),
            max: formatNumber(max),
          })}
        >
          {(props) => (
            <textarea
              {...props}
              className="input textarea"
              rows={5}
              maxLength={max}
              value={form.text}
              onChange={(event) => set({ text: event.target.value })}
            />
          )}
        </Field>
      )}
    </>
  );
}
