/** Downloads a report table as CSV (the browser sends the session cookie with this plain GET). */
import { csvUrl, type ReportFilters } from '../../api/reports.ts';
import { useT } from '../../i18n/language-context.tsx';

export function CsvLink({
  path,
  filters,
  label,
  extra,
}: {
  path: string;
  filters: ReportFilters;
  /** The link's whole name for a screen reader, a sentence of its own ("Download CSV of the funnel"). */
  label: string;
  /** Query parameters of this report only (the calls report's channel). */
  extra?: Record<string, string>;
}) {
  const t = useT();
  return (
    <a
      className="button button-small"
      href={csvUrl(path, filters, extra)}
      aria-label={label}
      download
      data-testid={`csv-${path.split('/')[0]}${extra?.by ? `-${extra.by}` : ''}`}
    >
      <svg className="icon" viewBox="0 0 20 20" aria-hidden="true">
        <path
          d="M10 3v9m0 0-3.5-3.5M10 12l3.5-3.5M4 14v2h12v-2"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.7"
          strokeLinecap="round"
          strokeLinejoin="round"
        />
      </svg>
      <span>{t('Download CSV')}</span>
    </a>
  );
}
