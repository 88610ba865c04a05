/** A small mock of the visitor's page showing the engagement as it is being configured. */
import type { Skill } from '../../api/types.ts';
import { CloseIcon, ConversationsIcon } from '../../components/icons.tsx';
import type { CampaignForm } from './campaign-form.ts';

export function EngagementPreview({ form, skills }: { form: CampaignForm; skills: Skill[] }) {
  const skill = skills.find((item) => item.id === form.skillId);
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
                <span className="preview-avatar">{(skill?.name ?? 'A').slice(0, 1)}</span>
                <span className="preview-agent">{skill ? `${skill.name} team` : 'An agent'}</span>
                <CloseIcon className="preview-close" />
              </div>
              <p className="preview-text">{form.message.trim() || 'Your invitation message'}</p>
              <div className="preview-actions">
                <span className="preview-button preview-button-primary">Chat now</span>
                <span className="preview-button">No thanks</span>
              </div>
            </div>
          )}
          {form.engagementType === 'chat_button' && (
            <span className="preview-pill">
              <ConversationsIcon className="preview-pill-icon" />
              {form.buttonLabel.trim() || 'Chat with us'}
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
      </figcaption>
    </figure>
  );
}
