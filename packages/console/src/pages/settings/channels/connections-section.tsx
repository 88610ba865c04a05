/**
 * Connected channels: the account's WhatsApp numbers, Facebook and Instagram pages, Telegram bots
 * and SMS numbers, each with its webhook URL, default skill and who the provider says it is;
 * connect another, test one, remove one.
 */
import { useState } from 'react';
import {
  type ChannelConnection,
  type ChannelConnectionTest,
  listConnections,
  removeConnection,
} from '../../../api/channels.ts';
import type { Skill } from '../../../api/types.ts';
import { ConfirmDialog } from '../../../components/confirm-dialog.tsx';
import { CopyButton } from '../../../components/copy-button.tsx';
import { EmptyState } from '../../../components/empty-state.tsx';
import { LayersIcon, PlusIcon } from '../../../components/icons.tsx';
import { LoadError } from '../../../components/load-error.tsx';
import { LoadingState } from '../../../components/loading-state.tsx';
import { SectionHeader } from '../../../components/page-header.tsx';
import { type Resource, useResource } from '../../../components/use-resource.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { ConnectDialog } from './connect-dialog.tsx';
import { ConnectionMark, kindOf } from './connection-kinds.tsx';
import { ConnectionTemplates } from './connection-templates.tsx';
import { TestConnection } from './test-connection.tsx';

export function ConnectionsSection({ skills }: { skills: Resource<Skill[]> }) {
  const t = useT();
  const connections = useResource(listConnections);
  const [connecting, setConnecting] = useState(false);
  const [removing, setRemoving] = useState<ChannelConnection | null>(null);
  // Who each connection belongs to, as the provider last said; the server keeps no copy.
  const [identities, setIdentities] = useState<Record<string, string>>({});
  const tested = (id: string, r: ChannelConnectionTest) =>
    setIdentities((m) => {
      const { [id]: _, ...rest } = m;
      return r.ok ? { ...rest, [id]: r.identity } : rest;
    });
  const skillName = (id: string | null) =>
    id
      ? (skills.data?.find((s) => s.id === id)?.name ?? t('A removed skill'))
      : t("The channel's routing default");

  const connect = (
    <button type="button" className="button button-primary" onClick={() => setConnecting(true)}>
      <PlusIcon /> {t('Connect a channel')}
    </button>
  );

  return (
    <section className="card channel-card" aria-labelledby="connections-heading" data-testid="connections">
      <div className="channel-card-body">
        <SectionHeader
          title={t('Connected channels')}
          id="connections-heading"
          description={t(
            'WhatsApp numbers, Facebook and Instagram pages, Telegram bots and SMS numbers your customers write to. Their messages arrive as conversations; agents answer from Beckon.',
          )}
          actions={connections.data && connections.data.length > 0 ? connect : undefined}
        />
        {connections.loading && !connections.data ? (
          <LoadingState label={t('Loading connected channels…')} />
        ) : connections.error ? (
          <LoadError error={connections.error} onRetry={connections.reload} />
        ) : connections.data && connections.data.length === 0 ? (
          <EmptyState icon={<LayersIcon />} title={t('No channel connected yet')}>
            <p>
              {t(
                'Connect a WhatsApp number, a Facebook or Instagram page, a Telegram bot or an SMS number to answer its messages here.',
              )}
            </p>
            {connect}
          </EmptyState>
        ) : (
          <ul className="connection-list">
            {connections.data?.map((c) => {
              const kind = kindOf(c.type).label;
              // A connection named after its kind (the API's default) does not say it twice.
              const subtitle = kind === c.name ? null : kind;
              return (
                <li
                  key={c.id}
                  className="connection-row"
                  data-testid="connection-row"
                  data-type={c.type}
                  aria-labelledby={`conn-${c.id}`}
                >
                  <div className="connection-head">
                    <ConnectionMark type={c.type} />
                    <div className="connection-title">
                      <span className="connection-name" id={`conn-${c.id}`}>
                        {c.name}
                      </span>
                      <span className="muted">
                        {subtitle}
                        {identities[c.id] && (
                          <>
                            {subtitle && ' · '}
                            <span data-testid="connection-identity">{identities[c.id]}</span>
                          </>
                        )}
                      </span>
                    </div>
                    <button
                      type="button"
                      className="button button-small button-danger-quiet"
                      onClick={() => setRemoving(c)}
                      aria-label={t('Remove {name}', { name: c.name })}
                    >
                      {t('Remove')}
                    </button>
                  </div>
                  <dl className="connection-facts">
                    <div className="secret">
                      <dt className="secret-label connection-secret-label">{t('Webhook')}</dt>
                      <dd className="secret-value" data-testid="connection-webhook">
                        <code>{c.webhookUrl}</code>
                      </dd>
                      <CopyButton text={c.webhookUrl} label={t('Copy URL')} />
                    </div>
                    <div className="connection-fact">
                      <dt className="secret-label connection-secret-label">{t('Skill')}</dt>
                      <dd>{skillName(c.defaultSkillId)}</dd>
                    </div>
                  </dl>
                  {c.type === 'whatsapp' && <ConnectionTemplates connection={c} />}
                  <TestConnection id={c.id} label={c.name} onTested={(r) => tested(c.id, r)} />
                </li>
              );
            })}
          </ul>
        )}
      </div>
      {connecting && (
        <ConnectDialog
          skills={skills.data ?? []}
          onCreated={connections.reload}
          onTested={tested}
          onClose={() => setConnecting(false)}
        />
      )}
      {removing && (
        <ConfirmDialog
          title={t('Remove {name}?', { name: removing.name })}
          confirmLabel={t('Remove')}
          onClose={() => setRemoving(null)}
          onConfirm={async () => {
            await removeConnection(removing.id);
            connections.update((list) => list.filter((c) => c.id !== removing.id));
          }}
        >
          <p>
            {t(
              'Its webhook stops answering, so new messages from {kind} no longer arrive. Its conversations stay.',
              { kind: kindOf(removing.type).label },
            )}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}
