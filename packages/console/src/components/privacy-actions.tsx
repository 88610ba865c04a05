/** "Export data" and "Erase…" for one person (GDPR articles 15 and 17): owners and admins only. */
import { useState } from 'react';
import { errorMessage } from '../api/http.ts';
import { type EraseResult, erasePerson, exportPerson, type PrivacySubject } from '../api/privacy.ts';
import { useT } from '../i18n/language-context.tsx';
import { ConfirmDialog } from './confirm-dialog.tsx';
import { EraseSummary } from './erase-summary.tsx';

interface PrivacyActionsProps {
  subject: PrivacySubject;
  /** How the person is called on this page ("Ann Lee", "this visitor"). */
  who: string;
  /** After an erase and its summary: the page leaves, since there is nothing left to show. */
  onErased: () => void;
}

/** Saves `blob` under `name` through a temporary link (the console's CSP allows blob: downloads). */
function save(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function PrivacyActions({ subject, who, onErased }: PrivacyActionsProps) {
  const t = useT();
  const [exporting, setExporting] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [erased, setErased] = useState<EraseResult['erased'] | null>(null);

  const download = () => {
    setExporting(true);
    setError(null);
    exportPerson(subject).then(
      ({ blob, name }) => {
        save(blob, name);
        setExporting(false);
      },
      (e: unknown) => {
        setError(errorMessage(e));
        setExporting(false);
      },
    );
  };

  return (
    <span className="privacy-actions" data-testid="privacy-actions">
      <button type="button" className="button" onClick={download} disabled={exporting}>
        {exporting ? t('Preparing…') : t('Export data')}
      </button>
      <button type="button" className="button button-danger-quiet" onClick={() => setConfirming(true)}>
        {t('Erase…')}
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
      {confirming && (
        <ConfirmDialog
          title={t('Erase {who}?', { who })}
          confirmLabel={t('Erase for good')}
          onClose={() => setConfirming(false)}
          onConfirm={async () => {
            setErased((await erasePerson(subject)).erased);
          }}
        >
          <p>
            {t(
              'Everything Beckon holds about {who} is deleted: their details, visits, events, messages, files and consents. This cannot be undone.',
              { who },
            )}
          </p>
          <p className="muted">
            {t(
              'Reports keep their totals: conversations and conversions stay counted, with nothing that leads back to this person. Export their data first if they asked for a copy.',
            )}
          </p>
        </ConfirmDialog>
      )}
      {erased && <EraseSummary erased={erased} onDone={onErased} />}
    </span>
  );
}
