/**
 * The header of a WhatsApp template that starts with media or a place: the agent uploads the
 * image or PDF to the conversation (or gives a public link), or types the place's coordinates.
 * What the send needs is `headerOf(state)`; `headerMissing` says what is still to fill.
 */

import type { WhatsAppTemplate } from '@beckon/protocol/whatsapp-templates';
import { useId, useState } from 'react';
import { uploadAttachment } from '../../../api/attachments.ts';
import { errorMessage } from '../../../api/http.ts';
import { formatNumber } from '../../../components/format.ts';
import { t } from '../../../i18n/i18n.ts';
import { useT } from '../../../i18n/language-context.tsx';

/** What the agent gave for a template's media or location header. */
export interface HeaderState {
  mode: 'upload' | 'link';
  link: string;
  file: { id: string; name: string; previewUrl: string | null } | null;
  latitude: string;
  longitude: string;
  place: string;
  address: string;
}

export const EMPTY_HEADER: HeaderState = {
  mode: 'upload',
  link: '',
  file: null,
  latitude: '',
  longitude: '',
  place: '',
  address: '',
};

/** The files each media header takes from an upload; a video goes by link only. */
const ACCEPT: Record<string, string> = { IMAGE: 'image/jpeg,image/png', DOCUMENT: 'application/pdf' };
/** The header's format as an ICU select value: image, video, document or location. */
const kindOf = (format: string) => format.toLowerCase();

/** The header's format when it is media or a place, else null. */
export const mediaFormatOf = (t: WhatsAppTemplate | undefined): string | null =>
  t?.header && t.header.format !== 'TEXT' ? t.header.format : null;

const number = (text: string, limit: number) => {
  const v = Number(text.replace(',', '.'));
  return text.trim() !== '' && Number.isFinite(v) && Math.abs(v) <= limit ? v : null;
};

/** What the header still needs before the template can go, or null. */
export function headerMissing(format: string | null, h: HeaderState): string | null {
  if (!format) return null;
  if (format === 'LOCATION')
    return number(h.latitude, 90) === null || number(h.longitude, 180) === null
      ? t('Fill the location’s latitude and longitude to send.')
      : null;
  const kind = kindOf(format);
  if (h.mode === 'upload' && format !== 'VIDEO')
    return h.file
      ? null
      : t(
          'Fill the header {kind, select, image {image} video {video} document {document} other {media}} to send.',
          { kind },
        );
  return /^https?:\/\/\S+$/.test(h.link.trim())
    ? null
    : t(
        'Fill the header {kind, select, image {image’s} video {video’s} document {document’s} other {media’s}} link to send.',
        { kind },
      );
}

/** The send's `headerMedia` or `headerLocation`. */
export function headerOf(format: string | null, h: HeaderState): Record<string, unknown> {
  if (!format) return {};
  if (format === 'LOCATION')
    return {
      headerLocation: {
        latitude: number(h.latitude, 90),
        longitude: number(h.longitude, 180),
        ...(h.place.trim() ? { name: h.place.trim() } : {}),
        ...(h.address.trim() ? { address: h.address.trim() } : {}),
      },
    };
  if (h.mode === 'upload' && format !== 'VIDEO' && h.file)
    return { headerMedia: { attachmentId: h.file.id } };
  return { headerMedia: { link: h.link.trim() } };
}

/** How the preview shows the header. */
export function HeaderPreview({ format, h }: { format: string; h: HeaderState }) {
  const t = useT();
  if (format === 'IMAGE' && h.mode === 'upload' && h.file?.previewUrl)
    return <img className="template-bubble-media" src={h.file.previewUrl} alt={h.file.name} />;
  const what =
    format === 'LOCATION'
      ? h.place.trim() || [h.latitude, h.longitude].filter(Boolean).join(', ')
      : h.mode === 'upload' && format !== 'VIDEO'
        ? h.file?.name
        : h.link.trim();
  return (
    <div className="template-bubble-media template-bubble-media-empty" data-testid="template-header-preview">
      <span className="template-media-kind">
        {t(
          '{kind, select, image {image} video {video} document {document} location {location} other {media}}',
          {
            kind: kindOf(format),
          },
        )}
      </span>
      <span className="template-media-name">
        {what ||
          t(
            'No {kind, select, image {image} video {video} document {document} location {location} other {media}} yet',
            { kind: kindOf(format) },
          )}
      </span>
    </div>
  );
}

export function TemplateHeaderFields({
  conversationId,
  format,
  value: h,
  onChange,
}: {
  conversationId: string;
  format: string;
  value: HeaderState;
  onChange: (next: HeaderState) => void;
}) {
  const t = useT();
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const kind = kindOf(format);

  if (format === 'LOCATION') {
    const field = (key: 'latitude' | 'longitude' | 'place' | 'address', label: string, hint?: string) => (
      <label className="template-field">
        <span className="template-field-label">{label}</span>
        <input
          className="input"
          value={h[key]}
          inputMode={key === 'latitude' || key === 'longitude' ? 'decimal' : undefined}
          placeholder={hint}
          onChange={(e) => onChange({ ...h, [key]: e.target.value })}
          data-testid={`template-location-${key}`}
        />
      </label>
    );
    return (
      <fieldset className="template-header-fields" data-testid="template-header">
        <legend className="template-field-label">{t('Header location')}</legend>
        <div className="template-fields">
          {field('latitude', t('Latitude'), formatNumber(37.4833, { maximumFractionDigits: 4 }))}
          {field('longitude', t('Longitude'), formatNumber(-122.1489, { maximumFractionDigits: 4 }))}
          {field('place', t('Name'), t('Optional'))}
          {field('address', t('Address'), t('Optional'))}
        </div>
      </fieldset>
    );
  }

  const canUpload = format !== 'VIDEO';
  const mode = canUpload ? h.mode : 'link';

  async function pick(file: File | undefined) {
    if (!file) return;
    setUploading(true);
    setError(null);
    try {
      const a = await uploadAttachment(conversationId, file);
      // The console's own address of the file: the page's policy allows no blob: images.
      const previewUrl = a.contentType.startsWith('image/') ? a.url : null;
      onChange({ ...h, mode: 'upload', file: { id: a.id, name: a.name, previewUrl } });
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setUploading(false);
    }
  }

  return (
    <fieldset className="template-header-fields" data-testid="template-header">
      <legend className="template-field-label">
        {t('Header {kind, select, image {image} video {video} document {document} other {media}}', { kind })}
      </legend>
      {canUpload && (
        <div
          className="template-header-modes"
          role="radiogroup"
          aria-label={t(
            'Where the {kind, select, image {image} video {video} document {document} other {media}} comes from',
            { kind },
          )}
        >
          <label>
            <input
              type="radio"
              name={`${id}-mode`}
              checked={mode === 'upload'}
              onChange={() => onChange({ ...h, mode: 'upload' })}
            />{' '}
            {t('Upload a file')}
          </label>
          <label>
            <input
              type="radio"
              name={`${id}-mode`}
              checked={mode === 'link'}
              onChange={() => onChange({ ...h, mode: 'link' })}
              data-testid="template-header-link-mode"
            />{' '}
            {t('Link')}
          </label>
        </div>
      )}
      {mode === 'upload' ? (
        <div className="template-header-upload">
          <label className="button button-secondary button-small">
            {uploading
              ? t('Uploading…')
              : h.file
                ? t('Replace {kind, select, image {image} video {video} document {document} other {media}}', {
                    kind,
                  })
                : t(
                    'Choose {kind, select, image {an image} video {a video} document {a document} other {a file}}',
                    { kind },
                  )}
            <input
              type="file"
              className="visually-hidden"
              accept={ACCEPT[format]}
              disabled={uploading}
              onChange={(e) => {
                void pick(e.target.files?.[0]);
                e.target.value = '';
              }}
              data-testid="template-header-file"
            />
          </label>
          <span className="muted" data-testid="template-header-file-name">
            {h.file ? h.file.name : format === 'IMAGE' ? t('JPEG or PNG') : 'PDF'}
          </span>
        </div>
      ) : (
        <input
          className="input"
          type="url"
          placeholder="https://…"
          aria-label={t(
            'Link to the header {kind, select, image {image} video {video} document {document} other {media}}',
            { kind },
          )}
          value={h.link}
          onChange={(e) => onChange({ ...h, link: e.target.value })}
          data-testid="template-header-link"
        />
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
