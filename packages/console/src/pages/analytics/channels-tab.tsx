/** Channels: conversations, first response and CSAT of each channel the account's customers wrote on. */
import { useMemo } from 'react';
import type uPlot from 'uplot';
import { type ChannelFigures, getChannelsReport, type ReportFilters } from '../../api/reports.ts';
import { EmptyState } from '../../components/empty-state.tsx';
import { formatNumber } from '../../components/format.ts';
import { ConversationsIcon } from '../../components/icons.tsx';
import { LoadingState } from '../../components/loading-state.tsx';
import { t } from '../../i18n/i18n.ts';
import { useLanguage, useT } from '../../i18n/language-context.tsx';
import { CHANNEL_LABELS } from '../conversations/conversation-format.ts';
import { CsvLink } from './csv-link.tsx';
import { ReportError } from './report-error.tsx';
import { formatCount, formatCsat, formatDuration, formatPercent } from './report-format.ts';
import { ReportTableHead } from './report-table-head.tsx';
import { barPaths, UPlotChart } from './uplot-chart.tsx';
import { useReport } from './use-report.ts';

/**
 * A channel's name as agents see it, in the console's language (brand names as they are); a channel
 * this console does not know yet shows its code.
 */
export function channelLabel(channel: string): string {
  switch (channel) {
    case 'web':
      return t('Web chat');
    case 'app':
      return t('In-app');
    case 'email':
      return t('E-mail');
    case 'voice':
      return t('Voice');
    default:
      return (CHANNEL_LABELS as Record<string, string | undefined>)[channel] ?? channel;
  }
}

interface Measure {
  title: () => string;
  label: () => string;
  color: string;
  value: (c: ChannelFigures) => number | null;
  tick: (v: number) => string;
  /** The y axis's smallest top, so a few small values do not fill the chart. */
  floor: number;
  /** A fixed top for a bounded scale (CSAT ends at 5). */
  top?: number;
  testId: string;
}

const MEASURES: Measure[] = [
  {
    title: () => t('Conversations'),
    label: () => t('Conversations'),
    color: '#4338ca',
    value: (c) => c.conversations,
    tick: (v) => formatCount(v),
    floor: 4,
    testId: 'channels-chart-conversations',
  },
  {
    title: () => t('Average first response'),
    label: () => t('First response'),
    color: '#0e9384',
    value: (c) => c.avgFirstResponseSeconds,
    // Short answers keep a decimal ("2.5 s"), so the axis does not repeat a rounded label.
    tick: (v) => (v < 10 ? `${formatNumber(v, { maximumFractionDigits: 1 })} s` : formatDuration(v)),
    floor: 10,
    testId: 'channels-chart-first-response',
  },
  {
    title: () => t('CSAT (1–5)'),
    label: () => 'CSAT',
    color: '#dc6803',
    value: (c) => c.csatAverage,
    tick: (v) => formatNumber(v),
    floor: 5,
    top: 5,
    testId: 'channels-chart-csat',
  },
];

function barOptions(names: string[], m: Measure): Omit<uPlot.Options, 'width' | 'height'> {
  return {
    legend: { show: false },
    cursor: { show: false },
    scales: {
      x: { time: false, range: [-0.5, Math.max(0, names.length - 0.5)] },
      y: { range: (_u, _min, max) => [0, m.top ?? Math.max(m.floor, max ?? 0)] },
    },
    axes: [
      {
        stroke: '#475467',
        grid: { show: false },
        ticks: { show: false },
        splits: () => names.map((_, i) => i),
        values: () => names,
      },
      {
        stroke: '#667085',
        grid: { stroke: '#eef0f3' },
        ticks: { stroke: '#e4e7ec' },
        size: 56,
        values: (_u, v) => v.map((x) => m.tick(x)),
      },
    ],
    series: [
      {},
      { label: m.label(), stroke: m.color, fill: m.color, paths: barPaths, points: { show: false } },
    ],
  };
}

function MeasureChart({ channels, m }: { channels: ChannelFigures[]; m: Measure }) {
  const t = useT();
  const { lang } = useLanguage();
  // Named again on a language switch.
  // biome-ignore lint/correctness/useExhaustiveDependencies: the labels follow the language
  const names = useMemo(() => channels.map((c) => channelLabel(c.channel)), [channels, lang]);
  const options = useMemo(() => barOptions(names, m), [names, m]);
  const data = useMemo<uPlot.AlignedData>(
    () => [channels.map((_, i) => i), channels.map((c) => m.value(c))],
    [channels, m],
  );
  return (
    <div className="chart-card">
      <h3 className="chart-title">{m.title()}</h3>
      <UPlotChart
        options={options}
        data={data}
        height={200}
        label={t('{measure} by channel', { measure: m.title() })}
        testId={m.testId}
      />
    </div>
  );
}

function Row({ c, label, total }: { c: Omit<ChannelFigures, 'channel'>; label: string; total?: boolean }) {
  const t = useT();
  return (
    <tr
      className={total ? 'row-total' : undefined}
      data-testid={total ? 'channels-total' : `channel-${label}`}
    >
      <th scope="row" className={total ? undefined : 'cell-strong'}>
        {label}
      </th>
      <td className="cell-number" data-label={t('Chats')}>
        {formatCount(c.conversations)}
      </td>
      <td className="cell-number" data-label={t('Answered')}>
        {formatCount(c.answered)}
        <div className="muted cell-sub">
          {formatPercent(c.conversations ? c.answered / c.conversations : null)}
        </div>
      </td>
      <td className="cell-number" data-label={t('Missed')}>
        {formatCount(c.missed)}
      </td>
      <td className="cell-number" data-label={t('Avg wait')}>
        {formatDuration(c.avgWaitSeconds)}
      </td>
      <td className="cell-number" data-label={t('First response')}>
        {formatDuration(c.avgFirstResponseSeconds)}
      </td>
      <td className="cell-number" data-label={t('Handle time')}>
        {formatDuration(c.avgHandleSeconds)}
      </td>
      <td className="cell-number" data-label="CSAT">
        {formatCsat(c.csatAverage, c.csatResponses)}
      </td>
      <td className="cell-number" data-label={t('Satisfied')}>
        {formatPercent(c.csatSatisfied)}
      </td>
    </tr>
  );
}

export function ChannelsTab({ filters }: { filters: ReportFilters }) {
  const t = useT();
  const report = useReport(getChannelsReport, filters);
  const r = report.data;
  if (report.error) return <ReportError error={report.error} onRetry={report.reload} />;
  if (!r) return <LoadingState label={t('Loading channels…')} />;
  if (r.channels.length === 0)
    return (
      <EmptyState
        icon={<ConversationsIcon />}
        title={t('No conversations in this period')}
        testId="channels-empty"
      >
        {t(
          'Conversations from web chat, e-mail, in-app and connected channels such as WhatsApp, Telegram and SMS appear here, each channel with its volume, first response time and CSAT. Widen the dates or clear a filter.',
        )}
      </EmptyState>
    );

  return (
    <div className="report" data-testid="channels-report">
      <div className="chart-grid">
        {MEASURES.map((m) => (
          <MeasureChart key={m.testId} channels={r.channels} m={m} />
        ))}
      </div>
      <div className="table-toolbar">
        <h3 className="chart-title">{t('By channel')}</h3>
        <CsvLink path="channels" filters={filters} label={t('Download CSV of conversations by channel')} />
      </div>
      <div className="table-wrap">
        <table className="table table-compact">
          <ReportTableHead
            first={t('Channel')}
            figures={[
              t('Chats'),
              t('Answered'),
              t('Missed'),
              t('Avg wait'),
              t('First response'),
              t('Handle time'),
              t('CSAT'),
              t('Satisfied'),
            ]}
          />
          <tbody>
            {r.channels.map((c) => (
              <Row key={c.channel} c={c} label={channelLabel(c.channel)} />
            ))}
            <Row c={r.total} label={t('Total')} total />
          </tbody>
        </table>
      </div>
      <p className="muted">
        {t(
          'First response counts from the customer’s first message to the first agent reply. CSAT is the average survey answer (1–5); satisfied is the share of 4s and 5s.',
        )}
      </p>
    </div>
  );
}
