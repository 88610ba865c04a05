/**
 * Settings › Phone: the account's SIP trunks and where each registration stands (registered, or
 * failed with the carrier's answer), added, changed (the gateway registers again) and deleted;
 * and the numbers they carry.
 */
import type { PhoneNumber, PhoneTrunk } from '@beckon/protocol/phone-api';
import { type FormEvent, useState } from 'react';
import { errorMessage, request } from '../../../api/http.ts';
import { listSkills } from '../../../api/skills.ts';
import type { Skill } from '../../../api/types.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { Dialog } from '../../../components/dialog.tsx';
import { EmptyState } from '../../../components/empty-state.tsx';
import { Field } from '../../../components/field.tsx';
import { PhoneIcon, PlusIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { usePoll } from '../../../components/use-poll.ts';
import { t } from '../../../i18n/i18n.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { NumberDialog, SaveFooter } from './number-dialog.tsx';
import './phone.css';

interface PhoneSetup {
  trunks: PhoneTrunk[];
  numbers: PhoneNumber[];
  skills: Skill[];
}

const loadSetup = async (): Promise<PhoneSetup> => {
  const [trunks, numbers, skills] = await Promise.all([
    request<{ items: PhoneTrunk[] }>('GET', '/api/v1/phone/trunks'),
    request<{ items: PhoneNumber[] }>('GET', '/api/v1/phone/numbers'),
    listSkills(),
  ]);
  return { trunks: trunks.items, numbers: numbers.items, skills };
};

/** What a number's after-hours callers hear, in the user's language. */
function afterHoursLabel(n: PhoneNumber): string {
  if (n.afterHours?.action === 'voicemail') return t('Message, then voicemail');
  if (n.afterHours?.action === 'message') return t('Message');
  return t('Closed message');
}

/** A trunk's registration state in the user's language. */
function statusLabel(status: PhoneTrunk['status']): string {
  switch (status) {
    case 'registered':
      return t('Registered');
    case 'failed':
      return t('Failed');
    case 'registering':
      return t('Registering…');
    case 'no_gateway':
      return t('No gateway');
    default:
      return t('Waiting');
  }
}

type Editing =
  | { kind: 'add' }
  | { kind: 'edit'; trunk: PhoneTrunk }
  | { kind: 'delete'; trunk: PhoneTrunk }
  | { kind: 'number'; number: PhoneNumber };

export function PhoneTab() {
  const t = useT();
  const [version, setVersion] = useState(0);
  // Registration moves on in the background: the list follows it every few seconds.
  const setup = usePoll(loadSetup, 3000, String(version));
  const [editing, setEditing] = useState<Editing | null>(null);
  const reload = () => setVersion((v) => v + 1);
  const addButton = (
    <button
      type="button"
      className="button button-primary"
      onClick={() => setEditing({ kind: 'add' })}
      data-testid="add-trunk"
    >
      <PlusIcon />
      {t('Add trunk')}
    </button>
  );
  const data = setup.data;
  return (
    <section aria-labelledby="phone-heading">
      <SectionHeader
        title={t('Phone')}
        id="phone-heading"
        description={t(
          "Beckon registers to your carrier's SIP trunk: calls to your numbers ring in the console, and agents call out through it.",
        )}
        actions={data && data.trunks.length > 0 ? addButton : null}
      />
      {!data && !setup.error ? (
        <LoadingState label={t('Loading phone settings…')} />
      ) : !data ? (
        <LoadError error={setup.error} onRetry={reload} />
      ) : data.trunks.length === 0 ? (
        <EmptyState icon={<PhoneIcon />} title={t('No trunk yet')} testId="trunks-empty" actions={addButton}>
          <p>{t('Add the SIP trunk your carrier gave you: its host, user name and password.')}</p>
        </EmptyState>
      ) : (
        <div className="table-wrap">
          <table className="table trunk-table" data-testid="trunk-table">
            <thead>
              <tr>
                <th scope="col">{t('Trunk')}</th>
                <th scope="col">{t('Numbers')}</th>
                <th scope="col">{t('Status')}</th>
                <th scope="col" className="cell-actions">
                  <span className="visually-hidden">{t('Actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {data.trunks.map((trunk) => (
                <tr key={trunk.id} data-testid="trunk-row">
                  <td>
                    <strong>{trunk.name}</strong>
                    <div className="muted trunk-address">
                      {trunk.username}@{trunk.host}:{trunk.port} · {trunk.transport.toUpperCase()}
                    </div>
                  </td>
                  <td>
                    {data.numbers
                      .filter((n) => n.trunkId === trunk.id)
                      .map((n) => n.number)
                      .join(', ') || <span className="muted">{t('None')}</span>}
                  </td>
                  <td>
                    <span
                      className={`badge trunk-status trunk-status-${trunk.status}`}
                      data-testid="trunk-status"
                    >
                      {statusLabel(trunk.status)}
                    </span>
                    {trunk.status === 'failed' && trunk.statusReason && (
                      <div className="trunk-reason" data-testid="trunk-reason">
                        {t('The carrier answered: {reason}', { reason: trunk.statusReason })}
                      </div>
                    )}
                  </td>
                  <td className="cell-actions">
                    <button
                      type="button"
                      className="button button-small"
                      onClick={() => setEditing({ kind: 'edit', trunk })}
                    >
                      {t('Edit')}
                    </button>{' '}
                    <button
                      type="button"
                      className="button button-small button-danger"
                      onClick={() => setEditing({ kind: 'delete', trunk })}
                    >
                      {t('Delete')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {data && data.numbers.length > 0 && (
        <div className="phone-numbers">
          <h3 className="phone-numbers-title">{t('Numbers')}</h3>
          <div className="table-wrap">
            <table className="table" data-testid="number-table">
              <thead>
                <tr>
                  <th scope="col">{t('Number')}</th>
                  <th scope="col">{t('Calls go to')}</th>
                  <th scope="col">{t('After hours')}</th>
                  <th scope="col" className="cell-actions">
                    <span className="visually-hidden">{t('Actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {data.numbers.map((n) => (
                  <tr key={n.id} data-testid="number-row">
                    <td>
                      <strong>{n.number}</strong>
                    </td>
                    <td>
                      {n.menu
                        ? t('Menu: {choices}', {
                            choices: n.menu.choices
                              .map(
                                (c) =>
                                  `${c.digit} ${data.skills.find((s) => s.id === c.skillId)?.name ?? c.label}`,
                              )
                              .join(' · '),
                          })
                        : (data.skills.find((s) => s.id === n.skillId)?.name ?? '—')}
                    </td>
                    <td>{afterHoursLabel(n)}</td>
                    <td className="cell-actions">
                      <button
                        type="button"
                        className="button button-small"
                        onClick={() => setEditing({ kind: 'number', number: n })}
                      >
                        {t('Edit')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
      {editing?.kind === 'number' && data && (
        <NumberDialog
          number={editing.number}
          skills={data.skills}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
      {(editing?.kind === 'add' || editing?.kind === 'edit') && (
        <TrunkDialog
          trunk={editing.kind === 'edit' ? editing.trunk : null}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            reload();
          }}
        />
      )}
      {editing?.kind === 'delete' && (
        <ConfirmDialog
          title={t('Delete this trunk?')}
          confirmLabel={t('Delete trunk')}
          onClose={() => setEditing(null)}
          onConfirm={async () => {
            await request('DELETE', `/api/v1/phone/trunks/${encodeURIComponent(editing.trunk.id)}`);
            reload();
          }}
        >
          <p>
            {t('{name} is unregistered, its calls end, and its numbers are removed.', {
              name: editing.trunk.name,
            })}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/** Adds a trunk, or changes one: an empty password keeps the stored one. */
function TrunkDialog({
  trunk,
  onClose,
  onSaved,
}: {
  trunk: PhoneTrunk | null;
  onClose: () => void;
  onSaved: () => void;
}) {
  const t = useT();
  const [name, setName] = useState(trunk?.name ?? '');
  const [host, setHost] = useState(trunk?.host ?? '');
  const [port, setPort] = useState(trunk ? String(trunk.port) : '');
  const [transport, setTransport] = useState<PhoneTrunk['transport']>(trunk?.transport ?? 'udp');
  const [username, setUsername] = useState(trunk?.username ?? '');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    const body = {
      name: name.trim(),
      host: host.trim(),
      ...(port.trim() ? { port: Number(port) } : {}),
      transport,
      username: username.trim(),
      ...(password ? { password } : {}),
    };
    try {
      if (trunk) await request('PATCH', `/api/v1/phone/trunks/${encodeURIComponent(trunk.id)}`, { body });
      else await request('POST', '/api/v1/phone/trunks', { body });
      onSaved();
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  };
  return (
    <Dialog
      title={trunk ? t('Edit trunk') : t('Add trunk')}
      description={t('Beckon registers again with these settings when you save.')}
      onClose={onClose}
      busy={busy}
      testId="trunk-dialog"
    >
      <form className="dialog-body trunk-form" onSubmit={(e) => void submit(e)}>
        <Field label={t('Name')}>
          {(p) => (
            <input {...p} className="input" required value={name} onChange={(e) => setName(e.target.value)} />
          )}
        </Field>
        <div className="trunk-form-row">
          <Field label={t('Host')} className="trunk-host">
            {(p) => (
              <input
                {...p}
                className="input"
                required
                placeholder="sip.carrier.example"
                value={host}
                onChange={(e) => setHost(e.target.value)}
              />
            )}
          </Field>
          <Field label={t('Port')}>
            {(p) => (
              <input
                {...p}
                className="input"
                inputMode="numeric"
                placeholder={transport === 'tls' ? '5061' : '5060'}
                value={port}
                onChange={(e) => setPort(e.target.value)}
              />
            )}
          </Field>
          <Field label={t('Transport')}>
            {(p) => (
              <select
                {...p}
                className="input"
                value={transport}
                onChange={(e) => setTransport(e.target.value as PhoneTrunk['transport'])}
              >
                <option value="udp">UDP</option>
                <option value="tcp">TCP</option>
                <option value="tls">TLS</option>
              </select>
            )}
          </Field>
        </div>
        <Field label={t('User name')}>
          {(p) => (
            <input
              {...p}
              className="input"
              required
              autoComplete="off"
              value={username}
              onChange={(e) => setUsername(e.target.value)}
            />
          )}
        </Field>
        <Field
          label={t('Password')}
          hint={
            trunk ? t('Leave empty to keep the password Beckon has.') : t('Stored sealed; never shown again.')
          }
        >
          {(p) => (
            <input
              {...p}
              className="input"
              type="password"
              autoComplete="new-password"
              required={!trunk}
              value={password}
              onChange={(e) => setPassword(e.target.value)}
            />
          )}
        </Field>
        <SaveFooter error={error} busy={busy} onClose={onClose} />
      </form>
    </Dialog>
  );
}
