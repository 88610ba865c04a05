/**
 * Files sent with a message: image thumbnails, an audio player for call recordings and voicemails, and file chips,
 * opened with the console's cookie.
 */
import type { Attachment } from '../../../api/conversations.ts';
import { formatNumber } from '../../../components/format.ts';
import { useT } from '../../../i18n/language-context.tsx';

/** The URL an attachment loads from: the agent side gets a path on this server (the session cookie opens it). */
function urlOf(a: Attachment): string | null {
  return typeof a.url === 'string' && a.url.startsWith('/') && !a.url.startsWith('//') ? a.url : null;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${formatNumber(bytes)} B`;
  if (bytes < 1024 * 1024) return `${formatNumber(Math.round(bytes / 1024))} KB`;
  return `${formatNumber(bytes / (1024 * 1024), { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MB`;
}

export function AttachmentList({ attachments }: { attachments: Attachment[] }) {
  const t = useT();
  if (attachments.length === 0) return null;
  return (
    <ul className="attachments">
      {attachments.map((a) => {
        const url = urlOf(a);
        const image = a.contentType.startsWith('image/') && url;
        if (a.contentType.startsWith('audio/') && url)
          return (
            <li key={a.id} className="attachment-audio" data-testid="recording">
              {/* biome-ignore lint/a11y/useMediaCaption: a call recording has no caption track */}
              <audio
                controls
                preload="metadata"
                src={url}
                aria-label={
                  a.name.startsWith('voicemail-')
                    ? t('Voicemail, {size}', { size: formatSize(a.size) })
                    : t('Call recording, {size}', { size: formatSize(a.size) })
                }
              />
              <a href={url} download={a.name} className="attachment-size">
                {t('Download ({size})', { size: formatSize(a.size) })}
              </a>
            </li>
          );
        return (
          <li key={a.id}>
            {image ? (
              <a
                href={url}
                target="_blank"
                rel="noopener noreferrer"
                className="attachment-thumb"
                title={a.name}
              >
                <img src={url} alt={a.name} loading="lazy" />
              </a>
            ) : (
              <a
                href={url ?? undefined}
                target="_blank"
                rel="noopener noreferrer"
                className="attachment-chip"
                data-testid="attachment-chip"
              >
                <span className="attachment-name">{a.name}</span>
                <span className="attachment-size">{formatSize(a.size)}</span>
              </a>
            )}
          </li>
        );
      })}
    </ul>
  );
}
