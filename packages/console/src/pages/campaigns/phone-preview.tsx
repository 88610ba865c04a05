/** The preview of a campaign message on WhatsApp or SMS: the bubble the contact's phone shows. */
import { useCallback } from 'react';
import { listTemplates } from '../../api/whatsapp.ts';
import { useResource } from '../../components/use-resource.ts';
import type { CampaignForm } from './campaign-form.ts';
import { templatePreviewText } from './channel-message-fields.tsx';
import './phone-preview.css';

export function PhonePreview({ form }: { form: CampaignForm }) {
  const whatsapp = form.messageChannel === 'whatsapp';
  const connectionId = whatsapp ? form.messageConnectionId : '';
  const load = useCallback(
    () => (connectionId ? listTemplates(connectionId) : Promise.resolve({ items: [], syncedAt: null })),
    [connectionId],
  );
  const list = useResource(load);
  const chosen = form.messageTemplate;
  const t = chosen && list.data?.items.find((x) => x.name === chosen.name && x.language === chosen.language);
  const text = whatsapp
    ? t && chosen
      ? templatePreviewText(t, chosen)
      : 'Choose a template'
    : form.text.trim() || 'Your message';
  return (
    <figure className="preview" data-testid="engagement-preview">
      <div className={`preview-frame preview-phone${whatsapp ? ' preview-phone-wa' : ''}`} aria-hidden="true">
        <div className="preview-phone-bar">{whatsapp ? 'WhatsApp' : 'Messages'}</div>
        <div className="preview-phone-thread">
          <p className="preview-phone-bubble">{text}</p>
          {whatsapp &&
            t?.buttons.map((b) => (
              <span key={`${b.type}-${b.text}`} className="preview-phone-button">
                {b.text}
              </span>
            ))}
        </div>
      </div>
      <figcaption className="preview-caption">
        Preview · {whatsapp ? 'sent as a WhatsApp template' : 'sent as an SMS'}
        <span className="preview-caption-note">
          {whatsapp
            ? 'Contact fields show as [name]; each contact gets their own.'
            : 'Replies come back to your agents as a conversation.'}
        </span>
      </figcaption>
    </figure>
  );
}
