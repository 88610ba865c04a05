/** A small mock of the visitor's page showing the engagement as it is being configured. */
import { invitationFrom } from '@beckon/tag/invitation-copy';
import { useT } from '../../i18n/language-context.tsx';
import { AppPreview } from './app-preview.tsx';
import type { CampaignForm } from './campaign-form.ts';
import { EngagementBody } from './engagement-body.tsx';
import { PhonePreview } from './phone-preview.tsx';

/**
 * Who an invitation shows as sender, as the widget words it. The agent who will answer is only
 * known when it is shown (the widget names them when one is clearly next), so the preview shows the
 * team's line, and its caption says when a name takes its place.
 */
const FROM = invitationFrom(null);

/**
 * The texts a visitor reads (the admin's own, the widget's invitation copy, the default button
 * labels) stay as written; only the console's placeholders and captions around them are translated.
 */
export function EngagementPreview({ form }: { form: CampaignForm }) {
  const t = useT();
  if (
    form.engagementType === 'message' &&
    (form.messageChannel === 'whatsapp' || form.messageChannel === 'sms')
  )
    return <PhonePreview form={form} />;
  if (form.engagementType === 'message' && form.messageChannel === 'push') return <AppPreview form={form} />;
  if (form.engagementType === 'message') return <MailPreview form={form} />;
  if (form.surfaces === 'app') return <AppPreview form={form} />;
  const overlay = form.engagementType === 'chat_invitation' && form.style === 'overlay';
  return (
    <figure className="preview" data-testid="engagement-preview">
      <div className={overlay ? 'preview-frame preview-frame-dim' : 'preview-frame'} aria-hidden="true">
        <div className="preview-bar">
          <span className="preview-dot" />
          <span className="preview-dot" />
          <span className="preview-dot" />
          <span className="preview-url">yourshop.example/checkout</span>
        </div>
        <div className="preview-page">
          <span className="preview-line preview-line-wide" />
          <span className="preview-line" />
          <span className="preview-line preview-line-short" />
          <span className="preview-block" />
        </div>
        <div className={overlay ? 'preview-slot preview-slot-center' : 'preview-slot'}>
          <EngagementBody form={form} />
        </div>
      </div>
      <figcaption className="preview-caption">
        {overlay
          ? t('Preview · shown over the page, which dims behind it')
          : t('Preview · shown in a corner of the page')}
        {form.engagementType === 'chat_invitation' && (
          <span className="preview-caption-note">
            {t(
              'When one agent is clearly next to answer, the invitation shows their name instead of “{name}”.',
              {
                name: FROM.name,
              },
            )}
          </span>
        )}
      </figcaption>
    </figure>
  );
}

/** A message goes to the contact's inbox, not to the page: the preview is the mail as it arrives. */
function MailPreview({ form }: { form: CampaignForm }) {
  const t = useT();
  return (
    <figure className="preview" data-testid="engagement-preview">
      <div className="preview-frame preview-mail" aria-hidden="true">
        <div className="preview-bar">
          <span className="preview-dot" />
          <span className="preview-dot" />
          <span className="preview-dot" />
          <span className="preview-url">{t('Inbox')}</span>
        </div>
        <dl className="preview-mail-head">
          {/* Mail headers, with their colons: "To" alone is a date range's end elsewhere ("Bis", not "An"). */}
          <dt>{t('From:')}</dt>
          <dd>{t('Your team')}</dd>
          <dt>{t('To:')}</dt>
          <dd>{t('The contact’s address')}</dd>
          <dt>{t('Subject:')}</dt>
          <dd className="preview-mail-subject">{form.subject.trim() || t('Your subject')}</dd>
        </dl>
        <p className="preview-mail-body">{form.text.trim() || t('Your message')}</p>
      </div>
      <figcaption className="preview-caption">
        {form.messageChannel === 'app'
          ? t('Preview · sent as an in-app message')
          : t('Preview · sent by e-mail')}
        <span className="preview-caption-note">
          {form.messageChannel === 'auto'
            ? t('Contacts with a conversation in your app get it there instead, as a message.')
            : t('Replies come back to your agents as a conversation.')}
        </span>
      </figcaption>
    </figure>
  );
}
