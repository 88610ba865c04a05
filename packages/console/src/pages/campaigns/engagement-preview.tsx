/** A small mock of the visitor's page showing the engagement as it is being configured. */
import { INVITATION_ACCEPT, INVITATION_DISMISS, invitationFrom } from '@beckon/tag/invitation-copy';
import { CloseIcon, ConversationsIcon, PhoneIcon } from '../../components/icons.tsx';
import { BUTTON_LABELS, type CampaignForm } from './campaign-form.ts';
import { PhonePreview } from './phone-preview.tsx';

/**
 * Who an invitation shows as sender, as the widget words it. The agent who will answer is only
 * known when it is shown (the widget names them when one is clearly next), so the preview shows the
 * team's line, and its caption says when a name takes its place.
 */
const FROM = invitationFrom(null);

export function EngagementPreview({ form }: { form: CampaignForm }) {
  if (
    form.engagementType === 'message' &&
    (form.messageChannel === 'whatsapp' || form.messageChannel === 'sms')
  )
    return <PhonePreview form={form} />;
  if (form.engagementType === 'message') return <MailPreview form={form} />;
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
          {form.engagementType === 'chat_invitation' && (
            <div className="preview-card">
              <div className="preview-card-head">
                <span className="preview-avatar">
                  <ConversationsIcon className="preview-avatar-icon" />
                </span>
                <span className="preview-who">
                  <span className="preview-agent">{FROM.name}</span>
                  <span className="preview-status">{FROM.status}</span>
                </span>
                <CloseIcon className="preview-close" />
              </div>
              <p className="preview-text">{form.message.trim() || 'Your invitation message'}</p>
              <div className="preview-actions">
                <span className="preview-button preview-button-primary">{INVITATION_ACCEPT}</span>
                <span className="preview-button">{INVITATION_DISMISS}</span>
              </div>
            </div>
          )}
          {form.engagementType === 'chat_button' && (
            <span className="preview-pill">
              <ConversationsIcon className="preview-pill-icon" />
              {form.buttonLabel.trim() || 'Chat with us'}
            </span>
          )}
          {(form.engagementType === 'call' || form.engagementType === 'callback') && (
            <span className="preview-pill">
              <PhoneIcon className="preview-pill-icon" />
              {form.buttonLabel.trim() || BUTTON_LABELS[form.engagementType]}
            </span>
          )}
          {form.engagementType === 'content' && (
            <div className="preview-card">
              {/^https:\/\//i.test(form.imageUrl.trim()) && (
                <img
                  className="preview-image"
                  src={form.imageUrl.trim()}
                  alt=""
                  referrerPolicy="no-referrer"
                />
              )}
              <div className="preview-card-head">
                <strong className="preview-title">{form.title.trim() || 'Your offer title'}</strong>
                <CloseIcon className="preview-close" />
              </div>
              {form.text.trim() && <p className="preview-text">{form.text.trim()}</p>}
              <div className="preview-actions">
                <span className="preview-button preview-button-primary">
                  {form.ctaLabel.trim() || 'Call to action'}
                </span>
              </div>
            </div>
          )}
        </div>
      </div>
      <figcaption className="preview-caption">
        Preview · {overlay ? 'shown over the page, which dims behind it' : 'shown in a corner of the page'}
        {form.engagementType === 'chat_invitation' && (
          <span className="preview-caption-note">
            When one agent is clearly next to answer, the invitation shows their name instead of “{FROM.name}
            ”.
          </span>
        )}
      </figcaption>
    </figure>
  );
}

/** A message goes to the contact's inbox, not to the page: the preview is the mail as it arrives. */
function MailPreview({ form }: { form: CampaignForm }) {
  return (
    <figure className="preview" data-testid="engagement-preview">
      <div className="preview-frame preview-mail" aria-hidden="true">
        <div className="preview-bar">
          <span className="preview-dot" />
          <span className="preview-dot" />
          <span className="preview-dot" />
          <span className="preview-url">Inbox</span>
        </div>
        <dl className="preview-mail-head">
          <dt>From</dt>
          <dd>Your team</dd>
          <dt>To</dt>
          <dd>The contact’s address</dd>
          <dt>Subject</dt>
          <dd className="preview-mail-subject">{form.subject.trim() || 'Your subject'}</dd>
        </dl>
        <p className="preview-mail-body">{form.text.trim() || 'Your message'}</p>
      </div>
      <figcaption className="preview-caption">
        Preview · {form.messageChannel === 'app' ? 'sent as an in-app message' : 'sent by e-mail'}
        <span className="preview-caption-note">
          {form.messageChannel === 'auto'
            ? 'Contacts with a conversation in your app get it there instead, as a message.'
            : 'Replies come back to your agents as a conversation.'}
        </span>
      </figcaption>
    </figure>
  );
}
