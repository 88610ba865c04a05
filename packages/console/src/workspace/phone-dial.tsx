/**
 * Dialling a phone through the account's trunk: a button for a contact or a callback with a
 * number, a dial pad for any number, and the keypad a call's bar shows to send tones (DTMF).
 * The call opens as a conversation the agent holds; its bar follows the call from there.
 */
import type { CallView } from '@beckon/protocol/call-protocol';
import { useEffect, useState } from 'react';
import { getContact } from '../api/contacts.ts';
import { errorMessage, request } from '../api/http.ts';
import { Dialog, DialogFooter } from '../components/dialog.tsx';
import { FormError } from '../components/form-error.tsx';
import { PhoneIcon } from '../components/icons.tsx';
import { useT } from '../i18n/language-context.tsx';
import { navigate } from '../router/router.tsx';
import { useCalls } from './use-calls.ts';
import { useWorkspaceStore } from './workspace-context.tsx';

export type DialTarget = { contactId: string } | { number: string } | { callbackId: string };

/** Places the call, then shows its conversation in the inbox. */
export function useDial(): (target: DialTarget) => Promise<void> {
  const store = useWorkspaceStore();
  return async (target) => {
    const call = await request<CallView>('POST', '/api/v1/calls/dial', { body: target });
    if (!store) return;
    await store.open(call.conversationId);
    navigate('/conversations');
  };
}

/** "Call phone": dials a contact or a callback; a refusal (no trunk, no number) shows beside it. */
export function DialButton({ target, label }: { target: DialTarget; label?: string }) {
  const t = useT();
  const dial = useDial();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const click = async () => {
    setBusy(true);
    setError(null);
    try {
      await dial(target);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span className="dial-button">
      <button
        type="button"
        className="button button-small"
        disabled={busy}
        onClick={() => void click()}
        data-testid="dial-button"
      >
        <PhoneIcon /> {busy ? t('Dialling…') : (label ?? t('Call phone'))}
      </button>
      {error && (
        <span className="dial-error" role="alert" data-testid="dial-error">
          {error}
        </span>
      )}
    </span>
  );
}

const KEYS: Array<[string, string]> = [
  ['1', ''],
  ['2', 'ABC'],
  ['3', 'DEF'],
  ['4', 'GHI'],
  ['5', 'JKL'],
  ['6', 'MNO'],
  ['7', 'PQRS'],
  ['8', 'TUV'],
  ['9', 'WXYZ'],
  ['*', ''],
  ['0', '+'],
  ['#', ''],
];

/** Twelve keys as on a phone. */
export function Keypad({ onKey, label }: { onKey: (key: string) => void; label: string }) {
  return (
    <fieldset className="keypad" aria-label={label} data-testid="keypad">
      {KEYS.map(([key, letters]) => (
        <button key={key} type="button" className="keypad-key" onClick={() => onKey(key)} aria-label={key}>
          <span className="keypad-digit">{key}</span>
          <span className="keypad-letters" aria-hidden="true">
            {letters}
          </span>
        </button>
      ))}
    </fieldset>
  );
}

/** A dial pad: type or tap a number in E.164 (`+` and the country code), then call it. */
export function DialPadDialog({ onClose }: { onClose: () => void }) {
  const t = useT();
  const dial = useDial();
  const [number, setNumber] = useState('+');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const call = async () => {
    setBusy(true);
    setError(null);
    try {
      await dial({ number: number.replace(/[\s().-]/g, '') });
      onClose();
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  };
  return (
    <Dialog title={t('Dial a number')} onClose={onClose} busy={busy} size="small" testId="dial-pad">
      <form
        className="dialog-body dial-pad"
        onSubmit={(e) => {
          e.preventDefault();
          void call();
        }}
      >
        <label className="visually-hidden" htmlFor="dial-number">
          {t('Phone number')}
        </label>
        <input
          id="dial-number"
          className="input dial-number"
          inputMode="tel"
          autoComplete="off"
          value={number}
          onChange={(e) => setNumber(e.target.value)}
          placeholder="+4930123456"
          data-testid="dial-number"
        />
        <Keypad
          label={t('Keypad')}
          onKey={(key) => setNumber((n) => (key === '0' && n === '' ? '+' : n + key))}
        />
        <p className="muted dial-hint">
          {t('With + and the country code. Your number shows as the caller.')}
        </p>
        <FormError message={error} />
        <DialogFooter>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {t('Cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy || number.length < 7}>
            <PhoneIcon /> {busy ? t('Dialling…') : t('Call')}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}

/** The workspace bar's button that opens the dial pad. */
export function DialPadButton() {
  const t = useT();
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className="button button-small"
        onClick={() => setOpen(true)}
        data-testid="open-dial-pad"
      >
        <PhoneIcon /> {t('Dial')}
      </button>
      {open && <DialPadDialog onClose={() => setOpen(false)} />}
    </>
  );
}

/** "Call phone" in a conversation whose contact has a phone number, while no call runs there. */
export function ContactDialButton({
  contactId,
  conversationId,
}: {
  contactId: string;
  conversationId: string;
}) {
  const store = useWorkspaceStore();
  const calls = useCalls();
  const [phone, setPhone] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    getContact(contactId).then(
      (d) => live && setPhone(d.contact.phone),
      () => {},
    );
    return () => {
      live = false;
    };
  }, [contactId]);
  if (!phone || store?.calls.inConversation(calls, conversationId)) return null;
  return <DialButton target={{ contactId }} />;
}
