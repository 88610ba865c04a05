/**
 * "Connect a channel": pick a provider, enter its credentials and the default skill, then get the
 * webhook URL (and WhatsApp's verify token) to paste into the provider, and test the connection.
 */
import { type FormEvent, type ReactNode, useState } from 'react';
import {
  type ChannelConnectionInput,
  type ChannelConnectionTest,
  type ConnectionType,
  createConnection,
} from '../../../api/channels.ts';
import { errorMessage } from '../../../api/http.ts';
import type { Skill } from '../../../api/types.ts';
import { CopyButton } from '../../../components/copy-button.tsx';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { useT } from '../../../i18n/language-context.tsx';
import { CONNECTION_KINDS, ConnectionMark, kindOf } from './connection-kinds.tsx';
import { TestConnection } from './test-connection.tsx';

type Faults = Record<string, string | null>;

/** A random verify token, so nobody has to invent one. */
export function newVerifyToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(18));
  return btoa(String.fromCharCode(...bytes)).replace(/[+/=]/g, (c) => ({ '+': '-', '/': '_', '=': '' })[c]!);
}

const BOT_TOKEN = /^[0-9]{1,20}:[A-Za-z0-9_-]{20,100}$/;

interface Made {
  id: string;
  type: ConnectionType;
  webhookUrl: string;
  verifyToken: string | null;
}

interface Props {
  skills: Skill[];
  onCreated: () => void;
  onTested: (id: string, result: ChannelConnectionTest) => void;
  onClose: () => void;
}

export function ConnectDialog({ skills, onCreated, onTested, onClose }: Props) {
  const t = useT();
  const [type, setType] = useState<ConnectionType | null>(null);
  const [made, setMade] = useState<Made | null>(null);
  const [busy, setBusy] = useState(false);
  if (made)
    return (
      <Dialog
        title={t('{kind} is connected', { kind: kindOf(made.type).label })}
        description={t('Paste these into the provider so its messages reach Beckon.')}
        onClose={onClose}
        testId="connect-dialog"
      >
        <div className="dialog-body form">
          <Secret label={t('Webhook URL')} value={made.webhookUrl} testId="connect-webhook-url" />
          {made.verifyToken && (
            <Secret label={t('Verify token')} value={made.verifyToken} testId="connect-verify-token" />
          )}
          <p className="field-hint">
            {made.type === 'whatsapp'
              ? t(
                  'Meta app › WhatsApp › Configuration › Webhook: paste both, verify, and subscribe to "messages".',
                )
              : made.type === 'messenger'
                ? t(
                    'Meta app › Messenger › Settings › Webhooks: paste both, verify, then subscribe the page to messages, messaging_postbacks, message_deliveries, message_reads and message_echoes.',
                  )
                : made.type === 'instagram'
                  ? t(
                      'Meta app › Messenger › Instagram settings › Webhooks: paste both, verify, then subscribe to messages, messaging_postbacks and messaging_seen.',
                    )
                  : made.type === 'sms'
                    ? t(
                        'Twilio console › your number › Messaging: paste it as "A message comes in" (HTTP POST).',
                      )
                    : t('Beckon has already given this URL to Telegram; nothing to paste.')}
          </p>
          <TestConnection id={made.id} onTested={(r) => onTested(made.id, r)} />
        </div>
        <DialogFooter>
          <button type="button" className="button button-primary" onClick={onClose}>
            {t('Done')}
          </button>
        </DialogFooter>
      </Dialog>
    );
  if (!type)
    return (
      <Dialog
        title={t('Connect a channel')}
        description={t('Customers write to you there; their messages arrive as conversations.')}
        onClose={onClose}
        testId="connect-dialog"
      >
        <div className="dialog-body">
          <ul className="connection-kinds" aria-label={t('Channel types')}>
            {CONNECTION_KINDS.map((k) => (
              <li key={k.type}>
                <button
                  type="button"
                  className="connection-kind"
                  disabled={!k.available}
                  aria-describedby={`kind-${k.type}`}
                  onClick={() => setType(k.type)}
                  data-testid={`connect-${k.type}`}
                >
                  <ConnectionMark type={k.type} />
                  <span className="connection-kind-text">
                    <span className="connection-kind-label">{k.label}</span>
                    <span className="connection-kind-blurb" id={`kind-${k.type}`}>
                      {k.available ? k.blurb : t('{blurb}: coming soon', { blurb: k.blurb })}
                    </span>
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={onClose}>
            {t('Cancel')}
          </button>
        </DialogFooter>
      </Dialog>
    );
  return (
    <CredentialsForm
      type={type}
      skills={skills}
      busy={busy}
      setBusy={setBusy}
      onBack={() => setType(null)}
      onClose={onClose}
      onMade={(m) => {
        setMade(m);
        onCreated();
      }}
    />
  );
}

function Secret({ label, value, testId }: { label: string; value: string; testId: string }) {
  const t = useT();
  return (
    <div className="connection-secret">
      <span className="field-label">{label}</span>
      <div className="secret">
        <code className="secret-value" data-testid={testId}>
          {value}
        </code>
        <CopyButton text={value} label={testId === 'connect-webhook-url' ? t('Copy URL') : t('Copy token')} />
      </div>
    </div>
  );
}

function CredentialsForm({
  type,
  skills,
  busy,
  setBusy,
  onBack,
  onClose,
  onMade,
}: {
  type: ConnectionType;
  skills: Skill[];
  busy: boolean;
  setBusy: (b: boolean) => void;
  onBack: () => void;
  onClose: () => void;
  onMade: (m: Made) => void;
}) {
  const t = useT();
  const [v, setV] = useState<Record<string, string>>(() => ({ verifyToken: newVerifyToken() }));
  const [faults, setFaults] = useState<Faults>({});
  const [error, setError] = useState<string | null>(null);
  const set = (name: string) => (value: string) => {
    setV((o) => ({ ...o, [name]: value }));
    // A fault stays only until the field is changed: it is checked again on Connect.
    setFaults((f) => (f[name] ? { ...f, [name]: null } : f));
  };
  const val = (name: string) => (v[name] ?? '').trim();

  function check(): { input: ChannelConnectionInput } | { faults: Faults } {
    const base = val('apiBaseUrl');
    const common = {
      ...(val('name') ? { name: val('name') } : {}),
      ...(base ? { apiBaseUrl: base } : {}),
      defaultSkillId: val('skill') || null,
    };
    const baseFault =
      base && !/^https?:\/\/\S+$/.test(base) ? t('Enter a URL starting with https://.') : null;
    if (type === 'sms') {
      const faults = {
        accountSid: /^AC[0-9a-fA-F]{32}$/.test(val('accountSid'))
          ? null
          : t('Enter the account SID from the Twilio console (AC followed by 32 characters).'),
        authToken: val('authToken') ? null : t('Paste the auth token.'),
        from: /^(\+[1-9][0-9]{5,14}|MG[0-9a-fA-F]{32})$/.test(val('from'))
          ? null
          : t('Enter the sending number as +15550100 or a Messaging Service SID (MG…).'),
        apiBaseUrl: baseFault,
      };
      if (Object.values(faults).some(Boolean)) return { faults };
      return {
        input: {
          type: 'sms',
          ...common,
          accountSid: val('accountSid'),
          authToken: val('authToken'),
          from: val('from'),
        },
      };
    }
    if (type === 'telegram') {
      const faults = {
        botToken: BOT_TOKEN.test(val('botToken'))
          ? null
          : t('Paste the token @BotFather gave you, such as 123456789:AAH…'),
        apiBaseUrl: baseFault,
      };
      if (Object.values(faults).some(Boolean)) return { faults };
      return { input: { type: 'telegram', ...common, botToken: val('botToken') } };
    }
    if (type === 'messenger' || type === 'instagram') {
      const faults = {
        pageId: /^\d{1,128}$/.test(val('pageId'))
          ? null
          : t('Enter the page id (digits), from the page’s About › Page transparency.'),
        ...(type === 'instagram'
          ? {
              instagramAccountId: /^\d{1,64}$/.test(val('instagramAccountId'))
                ? null
                : t('Enter the Instagram account id (digits), from the page’s Linked accounts.'),
            }
          : {}),
        pageAccessToken: val('pageAccessToken') ? null : t('Paste a page access token.'),
        appSecret: val('appSecret') ? null : t("Paste the app's secret, from App settings › Basic."),
        verifyToken: val('verifyToken') ? null : t('Enter a verify token, or generate one.'),
        apiBaseUrl: baseFault,
      };
      if (Object.values(faults).some(Boolean)) return { faults };
      const page = {
        ...common,
        pageId: val('pageId'),
        pageAccessToken: val('pageAccessToken'),
        appSecret: val('appSecret'),
        verifyToken: val('verifyToken'),
      };
      return {
        input:
          type === 'instagram'
            ? { type, ...page, instagramAccountId: val('instagramAccountId') }
            : { type, ...page },
      };
    }
    const faults = {
      phoneNumberId: /^\d{1,128}$/.test(val('phoneNumberId'))
        ? null
        : t('Enter the phone number id (digits), from WhatsApp › API Setup.'),
      accessToken: val('accessToken') ? null : t('Paste an access token.'),
      appSecret: val('appSecret') ? null : t("Paste the app's secret, from App settings › Basic."),
      verifyToken: val('verifyToken') ? null : t('Enter a verify token, or generate one.'),
      wabaId: /^\d{0,128}$/.test(val('wabaId'))
        ? null
        : t('Enter the WhatsApp Business Account id (digits), from WhatsApp › API Setup.'),
      apiBaseUrl: baseFault,
    };
    if (Object.values(faults).some(Boolean)) return { faults };
    return {
      input: {
        type: 'whatsapp',
        ...common,
        phoneNumberId: val('phoneNumberId'),
        accessToken: val('accessToken'),
        appSecret: val('appSecret'),
        verifyToken: val('verifyToken'),
        ...(val('wabaId') ? { wabaId: val('wabaId') } : {}),
      },
    };
  }

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const checked = check();
    if ('faults' in checked) {
      setFaults(checked.faults);
      return;
    }
    const result = checked.input;
    setFaults({});
    setBusy(true);
    setError(null);
    try {
      const created = await createConnection(result);
      onMade({
        ...created,
        type,
        verifyToken: 'verifyToken' in result ? result.verifyToken : null,
      });
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setBusy(false);
    }
  }

  const input = (
    label: string,
    name: string,
    hint: ReactNode,
    opts: { secret?: boolean; mono?: boolean; placeholder?: string } = {},
  ) => (
    <Field label={label} hint={hint} error={faults[name]}>
      {(p) => (
        <input
          {...p}
          className={opts.mono === false ? 'input' : 'input mono'}
          name={name}
          type={opts.secret ? 'password' : 'text'}
          autoComplete="off"
          spellCheck={false}
          placeholder={opts.placeholder}
          value={v[name] ?? ''}
          onChange={(event) => set(name)(event.target.value)}
        />
      )}
    </Field>
  );
  const label = kindOf(type).label;
  const verifyToken = (
    <div className="connection-generate">
      {input(t('Verify token'), 'verifyToken', t('Any text: Meta sends it back when it checks the webhook.'))}
      <button
        type="button"
        className="button button-small"
        onClick={() => set('verifyToken')(newVerifyToken())}
      >
        {t('Generate')}
      </button>
    </div>
  );

  return (
    <Dialog
      title={t('Connect {kind}', { kind: label })}
      description={
        type === 'whatsapp'
          ? t(
              'From your Meta app: WhatsApp › API Setup and App settings › Basic. Secrets are never shown again.',
            )
          : type === 'messenger' || type === 'instagram'
            ? t(
                'From your Meta app: Messenger › Settings (page token) and App settings › Basic. Secrets are never shown again.',
              )
            : type === 'sms'
              ? t('From the Twilio console: the account SID and auth token, and the number you send from.')
              : t('Beckon sets the bot’s webhook itself. The token is never shown again.')
      }
      onClose={onClose}
      busy={busy}
      testId="connect-dialog"
    >
      <form onSubmit={submit} noValidate>
        <div className="dialog-body form">
          {input(t('Name'), 'name', t('Shown to agents. Leave it empty to use the provider’s name.'), {
            mono: false,
            placeholder: label,
          })}
          {type === 'whatsapp' ? (
            <>
              {input(
                t('Phone number id'),
                'phoneNumberId',
                t('Not the phone number: its id, under API Setup.'),
              )}
              {input(
                t('Business Account id'),
                'wabaId',
                t(
                  'The WhatsApp Business Account id, under API Setup: its approved templates are read from it.',
                ),
              )}
              {input(
                t('Access token'),
                'accessToken',
                t('A system user token with whatsapp_business_messaging.'),
                {
                  secret: true,
                },
              )}
              {input(t('App secret'), 'appSecret', t('Webhook deliveries are signed with it.'), {
                secret: true,
              })}
              {verifyToken}
            </>
          ) : type === 'messenger' || type === 'instagram' ? (
            <>
              {input(t('Page id'), 'pageId', t('The Facebook page customers write to.'))}
              {type === 'instagram' &&
                input(
                  t('Instagram account id'),
                  'instagramAccountId',
                  t('The professional account linked to the page (webhooks name it).'),
                )}
              {input(
                t('Page access token'),
                'pageAccessToken',
                type === 'instagram'
                  ? t('A page token with pages_messaging and instagram_manage_messages.')
                  : t('A page token with pages_messaging.'),
                { secret: true },
              )}
              {input(t('App secret'), 'appSecret', t('Webhook deliveries are signed with it.'), {
                secret: true,
              })}
              {verifyToken}
            </>
          ) : type === 'sms' ? (
            <>
              {input(t('Account SID'), 'accountSid', t('On the Twilio console’s home page.'))}
              {input(t('Auth token'), 'authToken', t('Twilio signs its webhooks with it.'), { secret: true })}
              {input(
                t('Send from'),
                'from',
                t('Your Twilio number (+15550100), or a Messaging Service SID.'),
                {
                  placeholder: '+15550100',
                },
              )}
            </>
          ) : (
            input(t('Bot token'), 'botToken', t('From @BotFather: /newbot, or /token for an existing bot.'), {
              secret: true,
            })
          )}
          <Field
            label={t('Default skill')}
            hint={t("New conversations from this channel join this skill's queue.")}
          >
            {(p) => (
              <select
                {...p}
                className="input select"
                name="skill"
                value={v.skill ?? ''}
                onChange={(event) => set('skill')(event.target.value)}
              >
                <option value="">{t("The channel's routing default")}</option>
                {skills.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <details className="connection-advanced" open={Boolean(faults.apiBaseUrl) || undefined}>
            <summary>{t('Advanced')}</summary>
            {input(
              t('API base URL'),
              'apiBaseUrl',
              t('Only for a proxy or a test server; empty uses the provider.'),
              {
                placeholder:
                  type === 'whatsapp' || type === 'messenger' || type === 'instagram'
                    ? 'https://graph.facebook.com'
                    : type === 'sms'
                      ? 'https://api.twilio.com'
                      : 'https://api.telegram.org',
              },
            )}
          </details>
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={onBack} disabled={busy}>
            {t('Back')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('Connecting…') : t('Connect')}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
