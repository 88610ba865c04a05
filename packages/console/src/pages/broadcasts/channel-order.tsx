/**
 * The channel order: each contact gets the first channel of the list they can be reached on.
 * Channels are added, removed and moved with buttons, so the keyboard does all of it; a moved
 * channel keeps the focus on the button that moved it.
 */
import { useEffect, useRef, useState } from 'react';
import type { BroadcastChannel } from '../../api/broadcasts.ts';
import { CloseIcon, PlusIcon } from '../../components/icons.tsx';
import { useT } from '../../i18n/language-context.tsx';
import { CHANNELS, channelLabel } from './broadcast-text.ts';

interface Props {
  channels: BroadcastChannel[];
  onChange: (channels: BroadcastChannel[]) => void;
  error?: string | null;
}

/** Who a channel reaches, in a line. */
function reachText(channel: BroadcastChannel, t: ReturnType<typeof useT>): string {
  switch (channel) {
    case 'whatsapp':
      return t('A number with a WhatsApp opt-in');
    case 'sms':
      return t('A number with an SMS opt-in and no STOP');
    case 'email':
      return t('An address without an e-mail opt-out');
    case 'app':
      return t('Signed in to the site’s app');
    case 'push':
      return t('A device of the site’s app that takes notifications');
  }
}

export function ChannelOrder({ channels, onChange, error }: Props) {
  const t = useT();
  const box = useRef<HTMLFieldSetElement>(null);
  const [focus, setFocus] = useState<string | null>(null);
  useEffect(() => {
    if (!focus) return;
    // The button that acted, where it is now; at the end of the list its twin; else the first one enabled.
    const twin = focus.startsWith('up-') ? focus.replace('up-', 'down-') : focus.replace('down-', 'up-');
    const find = (key: string) =>
      box.current?.querySelector<HTMLElement>(`[data-focus-key="${key}"]:not(:disabled)`);
    const target =
      find(focus) ?? find(twin) ?? box.current?.querySelector<HTMLElement>('button:not(:disabled)');
    target?.focus();
    setFocus(null);
  }, [focus]);

  const move = (index: number, by: -1 | 1) => {
    const next = [...channels];
    const [item] = next.splice(index, 1);
    next.splice(index + by, 0, item!);
    onChange(next);
    setFocus(`${by < 0 ? 'up' : 'down'}-${item}`);
  };
  const missing = CHANNELS.filter((c) => !channels.includes(c));

  return (
    <fieldset ref={box} className="fieldset channel-order" aria-describedby="channel-order-hint">
      <legend className="field-label">{t('Channel order')}</legend>
      <p className="field-hint" id="channel-order-hint">
        {t('Each contact gets the message once, on the first channel they can be reached on.')}
      </p>
      {channels.length > 0 && (
        <ol className="channel-order-list" data-testid="channel-order">
          {channels.map((channel, index) => (
            <li key={channel} className="channel-order-item" data-channel={channel}>
              <span className="channel-order-rank" aria-hidden="true">
                {index + 1}
              </span>
              <span className={`channel-dot channel-dot-${channel}`} aria-hidden="true" />
              <span className="channel-order-text">
                <strong>{channelLabel(channel)}</strong>
                <span className="muted">{reachText(channel, t)}</span>
              </span>
              <span className="channel-order-actions">
                <button
                  type="button"
                  className="button button-small button-ghost"
                  disabled={index === 0}
                  data-focus-key={`up-${channel}`}
                  aria-label={t('Move {channel} up', { channel: channelLabel(channel) })}
                  onClick={() => move(index, -1)}
                >
                  <span aria-hidden="true">↑</span>
                </button>
                <button
                  type="button"
                  className="button button-small button-ghost"
                  disabled={index === channels.length - 1}
                  data-focus-key={`down-${channel}`}
                  aria-label={t('Move {channel} down', { channel: channelLabel(channel) })}
                  onClick={() => move(index, 1)}
                >
                  <span aria-hidden="true">↓</span>
                </button>
                <button
                  type="button"
                  className="button button-small button-ghost"
                  aria-label={t('Remove {channel}', { channel: channelLabel(channel) })}
                  onClick={() => {
                    onChange(channels.filter((c) => c !== channel));
                    setFocus('removed');
                  }}
                >
                  <CloseIcon />
                </button>
              </span>
            </li>
          ))}
        </ol>
      )}
      {missing.length > 0 && (
        <div className="channel-order-add">
          {missing.map((channel) => (
            <button
              key={channel}
              type="button"
              className="button button-small"
              data-focus-key={`add-${channel}`}
              onClick={() => {
                onChange([...channels, channel]);
                setFocus(`up-${channel}`);
              }}
            >
              <PlusIcon />
              {t('Add {channel}', { channel: channelLabel(channel) })}
            </button>
          ))}
        </div>
      )}
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
