/**
 * A broadcast's funnel as bars: targeted → queued → sent → delivered → read (and clicked and
 * replied once measured), each as a share of the targeted; beside it the held out, the skipped by
 * reason, the failed, the messages in doubt and those withdrawn by a cancel; below, the same
 * counts per channel.
 */
import type { BroadcastFunnel } from '../../api/broadcasts.ts';
import { formatNumber } from '../../components/format.ts';
import { useT } from '../../i18n/language-context.tsx';
import { formatPercent } from '../analytics/report-format.ts';
import { ReportTableHead } from '../analytics/report-table-head.tsx';
import { channelLabel, reasonLabel } from './broadcast-text.ts';

const share = (n: number, of: number) => (of > 0 ? n / of : 0);
const width = (n: number, of: number) => `${Math.max(n > 0 ? 0.6 : 0, share(n, of) * 100).toFixed(2)}%`;

/** The steps of the funnel in order, with the measured ones when the server sends them. */
function stepsOf(f: BroadcastFunnel, t: ReturnType<typeof useT>): [key: string, label: string, n: number][] {
  const steps: [string, string, number][] = [
    ['targeted', t('Targeted'), f.targeted],
    ['queued', t('Queued'), f.queued],
    ['sent', t('Sent'), f.sent],
    ['delivered', t('Delivered'), f.delivered],
    ['read', t('Read'), f.read],
  ];
  if (typeof f.clicked === 'number') steps.push(['clicked', t('Clicked'), f.clicked]);
  if (typeof f.replied === 'number') steps.push(['replied', t('Replied'), f.replied]);
  return steps;
}

/** A count of messages that ended badly (failed, in doubt), marked when there are any, with a note then. */
function Outcome({
  kind,
  label,
  n,
  children,
}: {
  kind: string;
  label: string;
  n: number;
  children?: string;
}) {
  return (
    <div className={n > 0 ? `funnel-${kind}` : undefined} data-testid={`funnel-${kind}`} data-count={n}>
      <dt>{label}</dt>
      <dd>{formatNumber(n)}</dd>
      {n > 0 && children && <p className="funnel-note">{children}</p>}
    </div>
  );
}

export function FunnelChart({ funnel }: { funnel: BroadcastFunnel }) {
  const t = useT();
  const f = funnel;
  const reasons = Object.entries(f.skippedBy).sort((a, b) => b[1] - a[1]);
  return (
    <div className="funnel" data-testid="broadcast-funnel">
      <ol className="funnel-bars" aria-label={t('Funnel')}>
        {stepsOf(f, t).map(([key, label, n]) => (
          <li
            key={key}
            className={`funnel-step funnel-step-${key}`}
            data-testid="funnel-step"
            data-step={key}
          >
            <span className="funnel-label">{label}</span>
            <span className="funnel-track" aria-hidden="true">
              <span className="funnel-fill" style={{ width: width(n, f.targeted) }} />
            </span>
            <span className="funnel-figures">
              <strong className="funnel-count">{formatNumber(n)}</strong>
              <span className="funnel-share">
                {key === 'targeted' ? '' : formatPercent(share(n, f.targeted), false, 0)}
              </span>
            </span>
          </li>
        ))}
      </ol>
      <dl className="funnel-aside">
        <div data-testid="funnel-held-out" data-count={f.heldOut}>
          <dt>{t('Held out')}</dt>
          <dd>{formatNumber(f.heldOut)}</dd>
        </div>
        <div data-testid="funnel-skipped" data-count={f.skipped}>
          <dt>{t('Skipped')}</dt>
          <dd>{formatNumber(f.skipped)}</dd>
          {reasons.length > 0 && (
            <ul className="funnel-reasons">
              {reasons.map(([reason, n]) => (
                <li key={reason} data-testid="funnel-skip-reason" data-reason={reason}>
                  <span>{reasonLabel(reason)}</span>
                  <span className="funnel-reason-count">{formatNumber(n)}</span>
                </li>
              ))}
            </ul>
          )}
        </div>
        <Outcome kind="failed" label={t('Failed')} n={f.failed} />
        <Outcome kind="in-doubt" label={t('In doubt')} n={f.inDoubt}>
          {t(
            'Their send was cut off before the provider answered: the server stopped, the provider did not answer in time, or the connection broke. The provider may or may not have them; they are not sent again, so nobody gets a message twice.',
          )}
        </Outcome>
        {(f.withdrawn ?? 0) > 0 && (
          <Outcome kind="withdrawn" label={t('Withdrawn')} n={f.withdrawn ?? 0}>
            {t('They were waiting for their time when the broadcast was cancelled, and were never sent.')}
          </Outcome>
        )}
      </dl>
    </div>
  );
}

/** The messages of each channel: how far they got, as a bar split by the furthest step. */
export function ChannelTable({ funnel, channels }: { funnel: BroadcastFunnel; channels: string[] }) {
  const t = useT();
  const rows = channels.map(
    (c) =>
      [
        c,
        funnel.byChannel[c] ?? {
          queued: 0,
          sent: 0,
          delivered: 0,
          read: 0,
          failed: 0,
          inDoubt: 0,
          withdrawn: 0,
        },
      ] as const,
  );
  return (
    <div className="table-wrap">
      <table className="table table-compact broadcast-channel-table" data-testid="broadcast-by-channel">
        <ReportTableHead
          first={t('Channel')}
          figures={[t('Queued'), t('Sent'), t('Delivered'), t('Read'), t('Failed'), t('In doubt')]}
          after={[t('Progress')]}
        />
        <tbody>
          {rows.map(([channel, c]) => (
            <tr key={channel} data-testid="channel-row" data-channel={channel}>
              <th scope="row">
                <span className={`channel-dot channel-dot-${channel}`} aria-hidden="true" />{' '}
                {channelLabel(channel)}
              </th>
              <td className="cell-number" data-label={t('Queued')}>
                {formatNumber(c.queued)}
              </td>
              <td className="cell-number" data-label={t('Sent')}>
                {formatNumber(c.sent)}
              </td>
              <td className="cell-number" data-label={t('Delivered')}>
                {formatNumber(c.delivered)}
              </td>
              <td className="cell-number" data-label={t('Read')}>
                {formatNumber(c.read)}
              </td>
              <td className="cell-number" data-label={t('Failed')}>
                {formatNumber(c.failed)}
              </td>
              <td className="cell-number" data-label={t('In doubt')}>
                {formatNumber(c.inDoubt ?? 0)}
              </td>
              <td className="channel-stack-cell">
                <StackBar
                  queued={c.queued}
                  sent={c.sent}
                  delivered={c.delivered}
                  read={c.read}
                  failed={c.failed}
                  inDoubt={c.inDoubt ?? 0}
                  withdrawn={c.withdrawn ?? 0}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** One bar of a channel's messages: read, delivered only, sent only, waiting, in doubt, failed, withdrawn. */
export function StackBar(c: {
  queued: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  inDoubt?: number;
  withdrawn?: number;
}) {
  const inDoubt = c.inDoubt ?? 0;
  const withdrawn = c.withdrawn ?? 0;
  const parts: [string, number][] = [
    ['read', c.read],
    ['delivered', c.delivered - c.read],
    ['sent', c.sent - c.delivered],
    ['waiting', Math.max(0, c.queued - c.sent - c.failed - inDoubt - withdrawn)],
    ['in-doubt', inDoubt],
    ['failed', c.failed],
    ['withdrawn', withdrawn],
  ];
  return (
    <span className="stack-bar" aria-hidden="true">
      {parts.map(([key, n]) =>
        n > 0 ? (
          <span key={key} className={`stack-part stack-${key}`} style={{ width: width(n, c.queued) }} />
        ) : null,
      )}
    </span>
  );
}

/** While sending: how many contacts have been reached of the segment, and how far their messages got. */
export function SendingProgress({
  funnel,
  expected,
}: {
  funnel: BroadcastFunnel;
  /** The segment's count now: the sender's total is only known at the end. */
  expected: number | null;
}) {
  const t = useT();
  const total = Math.max(expected ?? 0, funnel.targeted);
  const bars: [string, string, number, number][] = [
    ['reached', t('Contacts reached'), funnel.targeted, total],
    ['queued', t('Messages queued'), funnel.queued, Math.max(funnel.queued, 1)],
    ['sent', t('Sent'), funnel.sent, Math.max(funnel.queued, 1)],
    ['delivered', t('Delivered'), funnel.delivered, Math.max(funnel.queued, 1)],
  ];
  return (
    <div className="progress-list" data-testid="broadcast-progress">
      {bars.map(([key, label, n, of]) => (
        <div key={key} className="progress-item">
          <div className="progress-head">
            <span id={`progress-${key}`}>{label}</span>
            <span className="progress-figures">
              {key === 'reached' && expected !== null
                ? t('{done} of about {total}', { done: formatNumber(n), total: formatNumber(total) })
                : key === 'reached' || key === 'queued'
                  ? formatNumber(n)
                  : t('{done} of {total}', { done: formatNumber(n), total: formatNumber(funnel.queued) })}
            </span>
          </div>
          <progress
            className={`progress progress-${key}`}
            aria-labelledby={`progress-${key}`}
            value={key === 'queued' ? n : Math.min(n, of)}
            max={key === 'queued' ? Math.max(total - funnel.heldOut - funnel.skipped, n, 1) : of}
          />
        </div>
      ))}
    </div>
  );
}
