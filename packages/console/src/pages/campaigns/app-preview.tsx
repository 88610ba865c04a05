/**
 * The campaign in a phone: an in-app engagement over the app's screen, or a push on the lock
 * screen. The texts are the admin's own; only the frame's captions are translated.
 */
import { useT } from '../../i18n/language-context.tsx';
import type { CampaignForm } from './campaign-form.ts';
import { EngagementBody } from './engagement-body.tsx';
import './app-preview.css';

export function AppPreview({ form }: { form: CampaignForm }) {
  const t = useT();
  const push = form.engagementType === 'message' && form.messageChannel === 'push';
  return (
    <figure className="preview" data-testid="engagement-preview">
      <div
        className={push ? 'app-phone app-phone-locked' : 'app-phone'}
        data-testid="app-preview"
        aria-hidden="true"
      >
        <div className="app-phone-notch" />
        <div className="app-phone-status">
          <span>9:41</span>
          <span className="app-phone-signal" />
        </div>
        {push ? (
          <div className="app-phone-lock">
            <span className="app-phone-clock">9:41</span>
            <div className="app-push" data-testid="app-push-preview">
              <div className="app-push-head">
                <span className="app-push-icon" />
                <span className="app-push-app">{t('Your app')}</span>
                <span className="app-push-when">{t('now')}</span>
              </div>
              <strong className="app-push-title">{form.subject.trim() || t('Your subject')}</strong>
              <p className="app-push-body">{form.text.trim() || t('Your message')}</p>
            </div>
          </div>
        ) : (
          <div className="app-phone-screen">
            <div className="app-phone-nav">{t('Checkout')}</div>
            <span className="preview-line preview-line-wide" />
            <span className="preview-line" />
            <span className="preview-block" />
            <div className="app-phone-slot">
              <EngagementBody form={form} />
            </div>
          </div>
        )}
        <div className="app-phone-home" />
      </div>
      <figcaption className="preview-caption">
        {push
          ? t('Preview · a push on the phone of an app user who left the app')
          : t('Preview · shown in your app over the screen, through the SDK')}
        {!push && (
          <span className="preview-caption-note">
            {t('Your app draws it from the engagement event; this is how the example app shows it.')}
          </span>
        )}
      </figcaption>
    </figure>
  );
}
