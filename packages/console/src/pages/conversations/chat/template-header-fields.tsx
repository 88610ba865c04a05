/**
 * The header of a WhatsApp template that starts with media or a place: the agent uploads the
 * image or PDF to the conversation (or gives a public link), or types the place's coordinates.
 * What the send needs is `headerOf(state)`; `headerMissing` says what is still to fill.
 */

import type { WhatsAppTemplate } from '@beckon/protocol/whatsapp-templates';
import { useId, useState } from 'react';
import { uploadAttachment } from '../../../api/attachments.ts';
import { errorMessage } from '../../../api/http.ts';

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
const NOUN: Record<string, string> = {
  IMAGE: 'image',
  VIDEO: 'video',
  DOCUMENT: 'document',
  LOCATION: 'location',
};

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
      ? 'the location’s latitude and longitude'
      : null;
  if (h.mode === 'upload' && format !== 'VIDEO') return h.file ? null : `the header ${NOUN[format]}`;
  return /^https?:\/\/\S+$/.test(h.link.trim()) ? null : `the header ${NOUN[format]}’s link`;
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
      <span className="template-media-kind">{NOUN[format]}</span>
      <span className="template-media-name">{what || `No ${NOUN[format]} yet`}</span>
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
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const noun = NOUN[format] ?? 'media';

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
        <legend className="template-field-label">Header location</legend>
        <div className="template-fields">
          {field('latitude', 'Latitude', '37.4833')}
          {field('longitude', 'Longitude', '-122.1489')}
          {field('place', 'Name', 'Optional')}
          {field('address', 'Address', 'Optional')}
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
      <legend className="template-field-label">Header {noun}</legend>
      {canUpload && (
        <div className="template-header-modes" role="radiogroup" aria-label={`Where the ${noun} comes from`}>
          <label>
            <input
              type="radio"
              name={`${id}-mode`}
              checked={mode === 'upload'}
              onChange={() => onChange({ ...h, mode: 'upload' })}
            />{' '}
            Upload a file
          </label>
          <label>
            <input
              type="radio"
              name={`${id}-mode`}
              checked={mode === 'link'}
              onChange={() => onChange({ ...h, mode: 'link' })}
              data-testid="template-header-link-mode"
            />{' '}
            Link
          </label>
        </div>
      )}
      {mode === 'upload' ? (
        <div className="template-header-upload">
          <label className="button button-secondary button-small">
            {uploading
              ? 'Uploading…'
              : h.file
                ? `Replace ${noun}`
                : `Choose ${noun === 'image' ? 'an' : 'a'} ${noun}`}
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
            {h.file ? h.file.name : format === 'IMAGE' ? 'JPEG or PNG' : 'PDF'}
          </span>
        </div>
      ) : (
        <input
          className="input"
          type="url"
          placeholder="https://…"
          aria-label={`Link to the header ${noun}`}
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
