/** One campaign's lift split by predicted uplift: whom does the engagement help, and is the model right? */
import { useCallback } from 'react';
import { getUpliftBands, type ReportFilters, type UpliftBandReport } from '../../api/reports.ts';
import { LoadingState } from '../../components/loading-state.tsx';
import { useT } from '../../i18n/language-context.tsx';
import { CsvLink } from './csv-link.tsx';
import { GroupLiftCells, GroupLiftTable } from './group-lift-cells.tsx';
import { ReportError } from './report-error.tsx';
import { formatCount, formatPoints } from './report-format.ts';
import { verdict } from './score-bands.tsx';
import { useReport } from './use-report.ts';

/** What the campaign's uplift model is, in words: trained, or what it still needs. */
function ModelState({ r }: { r: UpliftBandReport }) {
  const t = useT();
  const m = r.model;
  const counts = t('{treated} engaged ({tc} converted) and {control} control ({cc} converted) visitors', {
    treated: formatCount(m.treated),
    tc: formatCount(m.treatedConversions),
    control: formatCount(m.control),
    cc: formatCount(m.controlConversions),
  });
  if (m.state === 'trained') {
    return (
      <p className="muted" data-testid="uplift-model-state" data-state={m.state}>
        {t('Uplift model trained on {counts}.', { counts })}
      </p>
    );
  }
  const why =
    m.state === 'not_enough_data'
      ? t('Not enough data for an uplift model yet: it has {counts}.', { counts })
      : m.state === 'failed'
        ? t('The last uplift training failed: {message}', { message: m.message })
        : t('No uplift model trained yet: models are trained on the purchase model’s schedule.');
  return (
    <p className="alert alert-info" data-testid="uplift-model-state" data-state={m.state}>
      {why}{' '}
      {m.targetsEveryone
        ? t('Until there is one, “engage only where uplift is positive” targets everyone.')
        : ''}
    </p>
  );
}

export function UpliftBands({ campaignId, filters }: { campaignId: string; filters: ReportFilters }) {
  const t = useT();
  const load = useCallback((f: ReportFilters) => getUpliftBands(campaignId, f), [campaignId]);
  const report = useReport(load, filters);
  const r = report.data;
  if (report.error) return <ReportError error={report.error} onRetry={report.reload} />;
  if (!r) return <LoadingState label={t('Splitting by predicted uplift…')} />;

  return (
    <section className="score-bands" aria-labelledby="uplift-bands-title" data-testid="uplift-bands">
      <header className="score-bands-header">
        <h4 id="uplift-bands-title">{t('By predicted uplift')}</h4>
        <p className="muted">
          {t(
            'Engaged and control visitors compared within each fifth of predicted uplift (how much the model expects the engagement to raise their chance of buying). Where the model is right, the lift grows from the first band to the last.',
          )}
        </p>
        <CsvLink
          path={`campaigns/${campaignId}/uplift`}
          filters={{ ...filters, campaignId: '' }}
          label={t('Download CSV of the {campaign} lift by predicted uplift', { campaign: r.campaignName })}
        />
      </header>
      <ModelState r={r} />
      {r.bands.length > 0 && (
        <GroupLiftTable testId="uplift-bands-table" groups={t('Predicted uplift')} verdict={t('Verdict')}>
          {r.bands.map((b) => (
            <tr key={b.band} data-band={b.band}>
              <th scope="row">
                {b.from === b.to
                  ? formatPoints(b.from, 1)
                  : `${formatPoints(b.from, 1)} … ${formatPoints(b.to, 1)}`}
              </th>
              <GroupLiftCells
                group={b}
                currency={r.currency}
                badge={verdict(b.verdict)}
                badgeLabel={t('Verdict')}
              />
            </tr>
          ))}
        </GroupLiftTable>
      )}
    </section>
  );
}
