/** The preview of a campaign message on WhatsApp or SMS: the bubble the contact's phone shows. */
import { useCallback } from 'react';
import { listTemplates } from '../../api/whatsapp.ts';
import { useResource } from '../../components/use-resource.ts';
import { useT } from '../../i18n/language-context.tsx';
import type { CampaignForm } from './campaign-form.ts';
import { templatePreviewText } from './channel-message-fields.tsx';
import './phone-preview.css';

export function PhonePreview({ form }: { form: CampaignForm }) {
  const t = useT();
  const whatsapp = form.messageChannel === 'whatsapp';
  const connectionId = whatsapp ? form.messageConnectionId : '';
  const load = useCallback(
    () => (connectionId ? listTemplates(connectionId) : Promise.resolve({ items: [], syncedAt: null })),
    [connectionId],
  );
  const list = useResource(load);
  const chosen = form.messageTemplate;
  const found =
    chosen && list.data?.items.find((x) => x.name === chosen.name && x.language === chosen.language);
  const text = whatsapp
    ? found && chosen
      ? templatePreviewText(found, chosen)
      : t('Choose a template')
    : form.text.trim() || t('Your message');
  return (
    <figure className="preview" data-testid="engagement-preview">
      <div className={`preview-frame preview-phone${whatsapp ? ' preview-phone-wa' : ''}`} aria-hidden="true">
        <div className="preview-phone-bar">{whatsapp ? 'WhatsApp' : t('Messages')}</div>
        <div className="preview-phone-thread">
          <p className="preview-phone-bubble">{text}</p>
          {whatsapp &&
            found?.buttons.map((b) => (
              <span key={`${b.type}-${b.text}`} className="preview-phone-button">
                {b.text}
              </span>
            ))}
        </div>
      </div>
      <figcaption className="preview-caption">
        {whatsapp ? t('Preview · sent as a WhatsApp template') : t('Preview · sent as an SMS')}
        <span className="preview-caption-note">
          {whatsapp
            ? t('Contact fields show as {sample}; each contact gets their own.', { sample: '[name]' })
            : t('Replies come back to your agents as a conversation.')}
        </span>
      </figcaption>
    </figure>
  );
}
