/** The files waiting to go with the next message: a thumbnail or name, progress, errors, and remove. */
import { CloseIcon } from '../../../components/icons.tsx';
import { useT } from '../../../i18n/language-context.tsx';
import type { Upload } from './use-uploads.ts';

export function UploadChips({ uploads, onRemove }: { uploads: Upload[]; onRemove: (key: string) => void }) {
  const t = useT();
  if (uploads.length === 0) return null;
  return (
    <ul className="upload-chips" aria-label={t('Files to send')}>
      {uploads.map((u) => (
        <li
          key={u.key}
          className={`upload-chip upload-chip-${u.state}`}
          data-testid="upload-chip"
          data-state={u.state}
        >
          {u.attachment?.contentType.startsWith('image/') ? (
            <img className="upload-thumb" src={u.attachment.url} alt="" />
          ) : (
            <span className="upload-file" aria-hidden="true">
              {u.name.split('.').pop()?.slice(0, 4).toUpperCase() || 'FILE'}
            </span>
          )}
          <span className="upload-text">
            <span className="upload-name">{u.name}</span>
            <span className="upload-state">
              {u.state === 'uploading' ? t('Uploading…') : u.state === 'failed' ? u.error : t('Ready')}
            </span>
          </span>
          <button
            type="button"
            className="icon-button upload-remove"
            aria-label={t('Remove {name}', { name: u.name })}
            onClick={() => onRemove(u.key)}
          >
            <CloseIcon />
          </button>
        </li>
      ))}
    </ul>
  );
}
