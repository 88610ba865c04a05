/** One campaign's lift split by the visitors' country: where does the engagement work? */
import { useCallback } from 'react';
import { getCountryLift, type ReportFilters } from '../../api/reports.ts';
import { countryName } from '../../components/country-names.ts';
import { GeoCredit } from '../../components/geo-credit.tsx';
import { LoadingState } from '../../components/loading-state.tsx';
import { useT } from '../../i18n/language-context.tsx';
import { CsvLink } from './csv-link.tsx';
import { GroupLiftCells, GroupLiftTable } from './group-lift-cells.tsx';
import { ReportError } from './report-error.tsx';
import { verdict } from './score-bands.tsx';
import { useReport } from './use-report.ts';

export function CountryLift({ campaignId, filters }: { campaignId: string; filters: ReportFilters }) {
  const t = useT();
  const load = useCallback((f: ReportFilters) => getCountryLift(campaignId, f), [campaignId]);
  const report = useReport(load, filters);
  const r = report.data;
  if (report.error) return <ReportError error={report.error} onRetry={report.reload} />;
  if (!r) return <LoadingState label={t('Splitting by country…')} />;

  return (
    <section className="score-bands" aria-labelledby="country-lift-title" data-testid="country-lift">
      <header className="score-bands-header">
        <h4 id="country-lift-title">{t('By country')}</h4>
        <p className="muted">
          {t(
            'Engaged and control visitors compared within each country their visit came from (located from the address when they first qualified).',
          )}
        </p>
        <CsvLink
          path={`campaigns/${campaignId}/countries`}
          filters={{ ...filters, campaignId: '' }}
          label={t('Download CSV of the {campaign} lift by country', { campaign: r.campaignName })}
        />
      </header>
      {r.countries.length === 0 ? (
        <p className="alert alert-info">
          {t('No visitor has qualified for this campaign in the period yet.')}
        </p>
      ) : (
        <GroupLiftTable testId="country-lift-table" groups={t('Country')} verdict={t('Verdict')}>
          {r.countries.map((c) => (
            <tr key={c.country ?? ''} data-country={c.country ?? ''}>
              <th scope="row">
                {c.country ? countryName(c.country) : <span className="muted">{t('Unknown')}</span>}
              </th>
              <GroupLiftCells
                group={c}
                currency={r.currency}
                badge={verdict(c.verdict)}
                badgeLabel={t('Verdict')}
              />
            </tr>
          ))}
        </GroupLiftTable>
      )}
      <GeoCredit />
    </section>
  );
}
