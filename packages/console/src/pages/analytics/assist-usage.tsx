/**
 * Agent assist in the agents report: per agent and suggestion source, how often suggestions were
 * shown, sent as they were, sent edited, or ignored. Hidden while assist has counted nothing.
 */
import { useCallback } from 'react';
import { getAssistUsage } from '../../api/assist.ts';
import { useResource } from '../../components/use-resource.ts';
import { useT } from '../../i18n/language-context.tsx';
import { sourceLabels } from '../conversations/chat/assist/source-labels.ts';
import { formatCount, formatPercent } from './report-format.ts';
import { ReportTableHead } from './report-table-head.tsx';

export function AssistUsage({ names }: { names: ReadonlyMap<string, string> }) {
  const t = useT();
  const load = useCallback(() => getAssistUsage(), []);
  const usage = useResource(load);
  // The agents the report lists (all, or the one filtered on).
  const rows = (usage.data?.items ?? []).filter((u) => names.has(u.agentId));
  if (rows.length === 0) return null;
  const labels = sourceLabels();
  const sorted = [...rows].sort(
    (a, b) => names.get(a.agentId)!.localeCompare(names.get(b.agentId)!) || a.source.localeCompare(b.source),
  );
  return (
    <div className="table-wrap agent-states-table">
      <table className="table table-compact" data-testid="assist-usage">
        <caption className="table-caption">
          {t('Suggested replies (agent assist)')}
          <div className="muted cell-sub">
            {t('Counted since assist was turned on; the dates above do not apply.')}
          </div>
        </caption>
        <ReportTableHead
          first={t('Agent')}
          figures={[t('Shown'), t('Used as is'), t('Used edited'), t('Ignored'), t('Taken up')]}
        />
        <tbody>
          {sorted.map((u) => (
            <tr key={`${u.agentId}-${u.source}`} data-testid={`assist-usage-${u.agentId}-${u.source}`}>
              <th scope="row" className="cell-strong">
                {names.get(u.agentId)}
                <div className="muted cell-sub">{labels[u.source]}</div>
              </th>
              <td className="cell-number" data-label={t('Shown')}>
                {formatCount(u.shown)}
              </td>
              <td className="cell-number" data-label={t('Used as is')} data-outcome="used">
                {formatCount(u.used)}
              </td>
              <td className="cell-number" data-label={t('Used edited')} data-outcome="edited">
                {formatCount(u.edited)}
              </td>
              <td className="cell-number" data-label={t('Ignored')} data-outcome="ignored">
                {formatCount(u.ignored)}
              </td>
              <td className="cell-number" data-label={t('Taken up')}>
                {formatPercent(u.shown > 0 ? (u.used + u.edited) / u.shown : null)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
