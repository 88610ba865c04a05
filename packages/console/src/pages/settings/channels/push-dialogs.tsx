/**
 * The forms that set a site's push credentials: an FCM service account, an APNs key, or a webhook.
 * Keys are read from a file or pasted; the server checks them again and names the faulty field.
 */
import { type FormEvent, type ReactNode, useState } from 'react';
import { type PushSettings, type PushSettingsInput, savePushSettings } from '../../../api/channels.ts';
import { errorMessage } from '../../../api/http.ts';
import type { Site } from '../../../api/types.ts';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { t } from '../../../i18n/i18n.ts';
import { useT } from '../../../i18n/language-context.tsx';

export type Provider = 'fcm' | 'apns' | 'webhook';

interface DialogProps {
  site: Site;
  onSaved: (settings: PushSettings) => void;
  onClose: () => void;
}

type Faults = Record<string, string | null>;

/** The shared frame: title, fields, the server's error, and Save/Cancel. */
function PushForm({
  title,
  description,
  site,
  check,
  onSaved,
  onClose,
  children,
  testId,
}: DialogProps & {
  title: string;
  description: ReactNode;
  /** The request body, or the faults to show. */
  check: () => PushSettingsInput | Faults;
  children: (faults: Faults) => ReactNode;
  testId: string;
}) {
  const t = useT();
  const [faults, setFaults] = useState<Faults>({});
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const result = check();
    const found = Object.values(result).some((v) => typeof v === 'string');
    if (found) {
      setFaults(result as Faults);
      return;
    }
    setFaults({});
    setBusy(true);
    setError(null);
    try {
      onSaved(await savePushSettings(site.id, result as PushSettingsInput));
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  }

  return (
    <Dialog title={title} description={description} onClose={onClose} busy={busy} testId={testId}>
      <form onSubmit={submit} noValidate>
        <div className="dialog-body form">
          {children(faults)}
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {t('Cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('Saving…') : t('Save')}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}

/** A text area that a chosen file fills, for keys that come as files (.json, .p8). */
function KeyInput({
  label,
  fileLabel,
  hint,
  accept,
  value,
  onChange,
  error,
  name,
}: {
  label: string;
  /** The file picker's own name, for screen readers. */
  fileLabel: string;
  hint: ReactNode;
  accept: string;
  value: string;
  onChange: (text: string) => void;
  error?: string | null;
  name: string;
}) {
  const t = useT();
  return (
    <Field label={label} hint={hint} error={error}>
      {(props) => (
        <>
          <input
            className="push-file"
            type="file"
            accept={accept}
            aria-label={fileLabel}
            data-testid={`${name}-file`}
            onChange={async (event) => {
              const file = event.target.files?.[0];
              if (file) onChange(await file.text());
            }}
          />
          <textarea
            {...props}
            className="input textarea mono push-key"
            name={name}
            spellCheck={false}
            autoComplete="off"
            placeholder={t('…or paste it here')}
            value={value}
            onChange={(event) => onChange(event.target.value)}
          />
        </>
      )}
    </Field>
  );
}

/** What is wrong with a service-account file, as a person would fix it; null when it looks right. */
function serviceAccountFault(text: string): string | null {
  if (!text.trim()) return t('Choose the service-account JSON file, or paste its contents.');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return t('This is not JSON. Use the key file Firebase downloads (Project settings › Service accounts).');
  }
  const o = json as Record<string, unknown>;
  for (const key of ['project_id', 'client_email', 'private_key'])
    if (typeof o?.[key] !== 'string')
      return t('The file has no {key}; it is not a service-account key.', { key });
  return null;
}

export function FcmDialog(props: DialogProps) {
  const t = useT();
  const [text, setText] = useState('');
  return (
    <PushForm
      {...props}
      title={t('FCM for {site}', { site: props.site.name })}
      description={t(
        'Android devices (and iOS through Firebase) get replies through Firebase Cloud Messaging HTTP v1.',
      )}
      testId="fcm-dialog"
      check={() => {
        const fault = serviceAccountFault(text);
        return fault ? { serviceAccount: fault } : { fcm: { serviceAccount: text.trim() } };
      }}
    >
      {(faults) => (
        <KeyInput
          label={t('Service-account key (JSON)')}
          fileLabel={t('Choose the service-account file')}
          hint={t('Firebase console › Project settings › Service accounts › Generate new private key.')}
          accept=".json,application/json"
          name="serviceAccount"
          value={text}
          onChange={setText}
          error={faults.serviceAccount}
        />
      )}
    </PushForm>
  );
}

const TEN = /^[A-Z0-9]{10}$/;

export function ApnsDialog(props: DialogProps) {
  const t = useT();
  const [key, setKey] = useState('');
  const [keyId, setKeyId] = useState('');
  const [teamId, setTeamId] = useState('');
  const [bundleId, setBundleId] = useState('');
  const [environment, setEnvironment] = useState<'production' | 'sandbox'>('production');
  const field = (
    label: string,
    name: string,
    value: string,
    set: (v: string) => void,
    error: string | null | undefined,
    hint: string,
  ) => (
    <Field label={label} hint={hint} error={error}>
      {(p) => (
        <input
          {...p}
          className="input mono"
          name={name}
          autoComplete="off"
          spellCheck={false}
          value={value}
          onChange={(event) => set(event.target.value)}
        />
      )}
    </Field>
  );
  return (
    <PushForm
      {...props}
      title={t('APNs for {site}', { site: props.site.name })}
      description={t('iOS devices get replies straight from Apple, signed with a token-based (.p8) key.')}
      testId="apns-dialog"
      check={() => {
        const ids = { keyId: keyId.trim().toUpperCase(), teamId: teamId.trim().toUpperCase() };
        const bundle = bundleId.trim();
        const faults: Faults = {
          key: /BEGIN PRIVATE KEY/.test(key) ? null : t('Choose the .p8 key file, or paste its contents.'),
          keyId: TEN.test(ids.keyId) ? null : t('The key id is 10 letters and digits, as Apple shows it.'),
          teamId: TEN.test(ids.teamId) ? null : t('The team id is 10 letters and digits.'),
          bundleId: /^[A-Za-z0-9.-]{1,155}$/.test(bundle)
            ? null
            : t('Enter the app’s bundle id, such as com.example.app.'),
        };
        if (Object.values(faults).some(Boolean)) return faults;
        return { apns: { key: key.trim(), ...ids, bundleId: bundle, environment } };
      }}
    >
      {(faults) => (
        <>
          <KeyInput
            label={t('Key (.p8)')}
            fileLabel={t('Choose the .p8 file')}
            hint={t('Apple Developer › Certificates, Identifiers & Profiles › Keys, with APNs enabled.')}
            accept=".p8"
            name="apnsKey"
            value={key}
            onChange={setKey}
            error={faults.key}
          />
          <div className="form-row">
            {field(t('Key id'), 'keyId', keyId, setKeyId, faults.keyId, t('Shown beside the key.'))}
            {field(
              t('Team id'),
              'teamId',
              teamId,
              setTeamId,
              faults.teamId,
              t('Top right of your developer account.'),
            )}
          </div>
          {field(
            t('Bundle id (topic)'),
            'bundleId',
            bundleId,
            setBundleId,
            faults.bundleId,
            t('The app that receives the pushes.'),
          )}
          <fieldset className="fieldset">
            <legend>{t('Environment')}</legend>
            <div className="check-grid">
              {(['production', 'sandbox'] as const).map((env) => (
                <label key={env} className="check">
                  <input
                    type="radio"
                    name="environment"
                    value={env}
                    checked={environment === env}
                    onChange={() => setEnvironment(env)}
                  />
                  {env === 'production'
                    ? t('Production (App Store, TestFlight)')
                    : t('Sandbox (development builds)')}
                </label>
              ))}
            </div>
          </fieldset>
        </>
      )}
    </PushForm>
  );
}

/** A random secret for the webhook's signature, so nobody has to invent one. */
function newSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, (c) => ({ '+': '-', '/': '_', '=': '' })[c]!);
}

export function WebhookDialog(props: DialogProps) {
  const t = useT();
  const [url, setUrl] = useState('');
  const [secret, setSecret] = useState(newSecret);
  return (
    <PushForm
      {...props}
      title={t('Push webhook for {site}', { site: props.site.name })}
      description={t(
        'Beckon posts each push to your server, signed with the secret, and your server delivers it.',
      )}
      testId="webhook-dialog"
      check={() => {
        const u = url.trim();
        const s = secret.trim();
        const faults: Faults = {
          url: /^https?:\/\/\S+$/.test(u) ? null : t('Enter a URL starting with https://.'),
          secret: s.length >= 16 && s.length <= 200 ? null : t('Use a secret of 16 to 200 characters.'),
        };
        if (faults.url || faults.secret) return faults;
        return { webhook: { url: u, secret: s } };
      }}
    >
      {(faults) => (
        <>
          <Field label={t('URL')} error={faults.url} hint={t('Your endpoint; https:// in production.')}>
            {(p) => (
              <input
                {...p}
                className="input"
                name="url"
                type="url"
                autoComplete="off"
                value={url}
                onChange={(event) => setUrl(event.target.value)}
              />
            )}
          </Field>
          <Field
            label={t('Secret')}
            error={faults.secret}
            hint={t(
              "Keep a copy now: your server checks each request's signature with it, and it is not shown again.",
            )}
          >
            {(p) => (
              <input
                {...p}
                className="input mono"
                name="secret"
                autoComplete="off"
                spellCheck={false}
                value={secret}
                onChange={(event) => setSecret(event.target.value)}
              />
            )}
          </Field>
        </>
      )}
    </PushForm>
  );
}
