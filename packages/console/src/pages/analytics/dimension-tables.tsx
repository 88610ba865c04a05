/** The conversations report by intent and by sentiment (assist's classification). */
import type { DimensionFigures, ReportFilters } from '../../api/reports.ts';
import { sentimentLabel } from '../../components/sentiment.ts';
import { useT } from '../../i18n/language-context.tsx';
import { CsvLink } from './csv-link.tsx';
import { formatCount, formatCsat, formatDuration, formatPercent } from './report-format.ts';
import { ReportTableHead } from './report-table-head.tsx';
import './dimension-tables.css';

function DimensionTable({
  title,
  by,
  rows,
  total,
  name,
  filters,
}: {
  title: string;
  by: 'intent' | 'sentiment';
  rows: DimensionFigures[];
  total: number;
  name: (value: string | null) => string;
  filters: ReportFilters;
}) {
  const t = useT();
  return (
    <div className="dimension-table" data-testid={`conversations-by-${by}`}>
      <div className="table-toolbar">
        <h3 className="chart-title">{title}</h3>
        <CsvLink
          path="conversations"
          filters={filters}
          extra={{ by }}
          label={
            by === 'intent'
              ? t('Download CSV of conversations per intent')
              : t('Download CSV of conversations per sentiment')
          }
        />
      </div>
      <div className="table-wrap">
        <table className="table table-compact table-dense">
          <ReportTableHead
            first={title}
            figures={[t('Chats'), t('Share'), t('Answered'), t('Transferred'), t('Handle time'), t('CSAT')]}
          />
          <tbody>
            {rows.map((r) => (
              <tr key={r.value ?? ''}>
                <th scope="row">{name(r.value)}</th>
                <td className="cell-number" data-label={t('Chats')}>
                  {formatCount(r.conversations)}
                </td>
                <td className="cell-number" data-label={t('Share')}>
                  {formatPercent(total ? r.conversations / total : null)}
                </td>
                <td className="cell-number" data-label={t('Answered')}>
                  {formatCount(r.answered)}
                </td>
                <td className="cell-number" data-label={t('Transferred')}>
                  {formatCount(r.transferred)}
                </td>
                <td className="cell-number" data-label={t('Handle time')}>
                  {formatDuration(r.avgHandleSeconds)}
                </td>
                <td className="cell-number" data-label="CSAT">
                  {formatCsat(r.csatAverage, r.csatResponses)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** The intent and sentiment tables, shown once some conversation of the period was classified. */
export function DimensionTables({
  intents,
  sentiments,
  total,
  filters,
}: {
  intents: DimensionFigures[] | undefined;
  sentiments: DimensionFigures[] | undefined;
  total: number;
  filters: ReportFilters;
}) {
  const t = useT();
  if (!intents?.some((r) => r.value !== null) && !sentiments?.some((r) => r.value !== null)) return null;
  return (
    <div className="dimension-tables">
      <DimensionTable
        title={t('Intent')}
        by="intent"
        rows={intents ?? []}
        total={total}
        name={(v) => v ?? t('No intent')}
        filters={filters}
      />
      <DimensionTable
        title={t('Sentiment')}
        by="sentiment"
        rows={sentiments ?? []}
        total={total}
        name={(v) => (v ? sentimentLabel(v) : t('Not classified'))}
        filters={filters}
      />
    </div>
  );
}
