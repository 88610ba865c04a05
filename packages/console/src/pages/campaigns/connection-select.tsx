/**
 * The channel connection a message leaves by (a WhatsApp number, an SMS account), for campaigns
 * and broadcasts: the only one of its kind is chosen by itself, and none points to Settings.
 */
import { useEffect } from 'react';
import type { ChannelConnection } from '../../api/channels.ts';
import { Field } from '../../components/field.tsx';
import { useT } from '../../i18n/language-context.tsx';
import { Link } from '../../router/router.tsx';
import { ELEMENT, withElement } from './linked-text.tsx';

interface Props {
  type: 'whatsapp' | 'sms';
  label: string;
  value: string;
  error: string | null | undefined;
  /** The account's connections; undefined while they load. */
  connections: ChannelConnection[] | undefined;
  onChange: (id: string) => void;
}

export function ConnectionSelect({ type, label, value, error, connections, onChange }: Props) {
  const t = useT();
  const mine = (connections ?? []).filter((c) => c.type === type);
  const only = mine.length === 1 ? mine[0]!.id : '';
  // One connection of the kind: it is the one.
  useEffect(() => {
    if (!value && only) onChange(only);
  }, [value, only, onChange]);
  return (
    <>
      <Field label={label} error={error}>
        {(props) => (
          <select
            {...props}
            className="input select"
            value={value}
            onChange={(e) => onChange(e.target.value)}
          >
            <option value="">
              {!connections
                ? t('Loading…')
                : mine.length
                  ? t('Choose a connection')
                  : t('None connected yet')}
            </option>
            {mine.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        )}
      </Field>
      {connections && mine.length === 0 && (
        <p className="field-hint">
          {withElement(
            t('Connect one first in {link}.', { link: ELEMENT }),
            <Link to="/settings/channels">{t('Settings › Channels')}</Link>,
          )}
        </p>
      )}
    </>
  );
}
