/** The engagement itself (a card or a button), drawn on the web preview's page or in the app preview's screen. */
import { invitationAnswers, invitationFrom } from '@beckon/tag/invitation-copy';
import { CloseIcon, ConversationsIcon, PhoneIcon } from '../../components/icons.tsx';
import { useT } from '../../i18n/language-context.tsx';
import { BUTTON_LABELS, type CampaignForm } from './campaign-form.ts';

const FROM = invitationFrom(null);
const [ACCEPT, DISMISS] = invitationAnswers();

/** What the visitor sees of the engagement (a card or a button), on a page or in an app's screen. */
export function EngagementBody({ form }: { form: CampaignForm }) {
  const t = useT();
  return (
    <>
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
          <p className="preview-text">{form.message.trim() || t('Your invitation message')}</p>
          <div className="preview-actions">
            <span className="preview-button preview-button-primary">{ACCEPT}</span>
            <span className="preview-button">{DISMISS}</span>
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
            <img className="preview-image" src={form.imageUrl.trim()} alt="" referrerPolicy="no-referrer" />
          )}
          <div className="preview-card-head">
            <strong className="preview-title">{form.title.trim() || t('Your offer title')}</strong>
            <CloseIcon className="preview-close" />
          </div>
          {form.text.trim() && <p className="preview-text">{form.text.trim()}</p>}
          <div className="preview-actions">
            <span className="preview-button preview-button-primary">
              {form.ctaLabel.trim() || t('Call to action')}
            </span>
          </div>
        </div>
      )}
    </>
  );
}
