/** What an erase removed, kind by kind, shown once before the page leaves the erased person. */
import type { EraseResult } from '../api/privacy.ts';
import { useT } from '../i18n/language-context.tsx';
import { Dialog, DialogFooter } from './dialog.tsx';

type Kind = keyof EraseResult['erased'];

export function EraseSummary({ erased, onDone }: { erased: EraseResult['erased']; onDone: () => void }) {
  const t = useT();
  // Each kind's label, in the order a person reads them: who, what they said, then the copies.
  const labels: [Kind, string][] = [
    ['contacts', t('Contacts')],
    ['visitors', t('Visitors')],
    ['visits', t('Visits (kept anonymous)')],
    ['conversations', t('Conversations (kept anonymous)')],
    ['messages', t('Messages')],
    ['attachments', t('Attachments')],
    ['calls', t('Calls (kept anonymous)')],
    ['recordings', t('Call recordings')],
    ['callbacks', t('Callback requests')],
    ['mails', t('Received e-mails')],
    ['channelMessages', t('Provider message ids')],
    ['outbox', t('Outgoing sends')],
    ['events', t('Tracked events')],
    ['identities', t('Channel identities')],
    ['notes', t('Notes')],
    ['consents', t('Consents')],
    ['pushDevices', t('Push tokens')],
    ['merges', t('Merge records')],
    ['webhookDeliveries', t('Webhook deliveries')],
    ['automationEvents', t('Automation events')],
    ['auditEntries', t('Audit entries')],
  ];
  const rows = labels.filter(([kind]) => (erased[kind] ?? 0) > 0);
  return (
    <Dialog title={t('Erased')} onClose={onDone} size="small" testId="erase-summary">
      <div className="dialog-body">
        <p>{t('Nothing that leads back to this person is left. What was erased:')}</p>
        <dl className="erase-summary">
          {rows.map(([kind, label]) => (
            <div key={kind} data-kind={kind}>
              <dt>{label}</dt>
              <dd>{erased[kind]}</dd>
            </div>
          ))}
        </dl>
      </div>
      <DialogFooter>
        <button type="button" className="button button-primary" onClick={onDone} data-autofocus>
          {t('Done')}
        </button>
      </DialogFooter>
    </Dialog>
  );
}
