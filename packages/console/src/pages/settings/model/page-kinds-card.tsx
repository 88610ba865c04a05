/** Which of a site's section labels count as product, information or account pages (a model feature). */
import { useCallback, useEffect, useId, useState } from 'react';
import { errorMessage } from '../../../api/http.ts';
import { getSiteModelSettings, saveSiteModelSettings } from '../../../api/model.ts';
import { listSites } from '../../../api/sites.ts';
import type { SiteModelSettingsView } from '../../../api/types.ts';
import { useResource } from '../../../components/use-resource.ts';

type Kind = 'product' | 'informational' | 'administrative';
const KINDS: [Kind, string][] = [
  ['product', 'Product pages'],
  ['informational', 'Information pages'],
  ['administrative', 'Account pages'],
];
const LABEL = /^[A-Za-z0-9_.:$ -]{1,64}$/;
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const ORDINAL = ['last', 'first', 'second', 'third', 'fourth', 'fifth'];
const WEEKDAY = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

function dayText(d: SiteModelSettingsView['effectiveSpecialDays'][number]): string {
  if ('day' in d) return `${d.name} (${d.day} ${MONTHS[d.month - 1]})`;
  const shift = d.offsetDays ? ` ${d.offsetDays > 0 ? '+' : '−'}${Math.abs(d.offsetDays)} d` : '';
  return `${d.name} (${ORDINAL[d.nth === -1 ? 0 : d.nth]} ${WEEKDAY[d.weekday]} of ${MONTHS[d.month - 1]}${shift})`;
}

export function PageKindsCard({ manager }: { manager: boolean }) {
  const id = useId();
  const sites = useResource(listSites);
  const [siteId, setSiteId] = useState('');
  const [view, setView] = useState<SiteModelSettingsView | null>(null);
  const [draft, setDraft] = useState<SiteModelSettingsView['settings'] | null>(null);
  const [label, setLabel] = useState('');
  const [kind, setKind] = useState<Kind>('product');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const current = siteId || sites.data?.[0]?.id || '';

  const load = useCallback(async (site: string) => {
    setMessage(null);
    try {
      const v = await getSiteModelSettings(site);
      setView(v);
      setDraft(v.settings);
    } catch (error) {
      setMessage({ ok: false, text: errorMessage(error) });
    }
  }, []);
  useEffect(() => {
    if (current) void load(current);
  }, [current, load]);

  if (!sites.data || sites.data.length === 0 || !view || !draft) return null;
  // The mapping in force with this draft: defaults, the site's own labels, removals.
  const effective = new Map(Object.entries(view.effectiveKinds));
  for (const [l, k] of Object.entries(draft.sectionKinds)) {
    if (k === null) effective.delete(l.toLowerCase());
    else effective.set(l.toLowerCase(), k);
  }
  const changed = JSON.stringify(draft) !== JSON.stringify(view.settings);
  const setLabelKind = (l: string, k: Kind | null) =>
    setDraft({ ...draft, sectionKinds: { ...draft.sectionKinds, [l]: k } });

  async function save() {
    if (!draft) return;
    try {
      const saved = await saveSiteModelSettings(current, draft);
      setView(saved);
      setDraft(saved.settings);
      setMessage({ ok: true, text: 'Saved. New page views are counted this way from now on.' });
    } catch (error) {
      setMessage({ ok: false, text: errorMessage(error) });
    }
  }

  return (
    <section className="card model-card" aria-labelledby={`${id}-title`} data-testid="model-page-kinds">
      <header className="card-header">
        <div className="card-title-block">
          <h3 className="card-title" id={`${id}-title`}>
            Kinds of pages
          </h3>
          <p className="card-subtitle">
            Pages are counted by the section labels your tag sends (the <code>beckon:section</code> meta tag).
          </p>
        </div>
        {sites.data.length > 1 && (
          <select
            className="input select input-compact"
            aria-label="Site"
            value={current}
            onChange={(e) => setSiteId(e.target.value)}
          >
            {sites.data.map((s) => (
              <option key={s.id} value={s.id}>
                {s.name}
              </option>
            ))}
          </select>
        )}
      </header>
      <div className="model-kinds">
        {KINDS.map(([k, name]) => (
          <div key={k} className="model-kind">
            <h4>{name}</h4>
            <ul className="chips" aria-label={name}>
              {[...effective]
                .filter(([, v]) => v === k)
                .map(([l]) => (
                  <li key={l} className="chip model-kind-chip">
                    {l}
                    {manager && (
                      <button
                        type="button"
                        className="chip-remove"
                        aria-label={`Stop counting “${l}” as ${name.toLowerCase()}`}
                        onClick={() => setLabelKind(l, null)}
                      >
                        ×
                      </button>
                    )}
                  </li>
                ))}
            </ul>
          </div>
        ))}
        <label className="model-kind-unlabelled">
          <span>Pages without a known label count as</span>
          <select
            className="input select input-compact"
            value={draft.unlabelled ?? 'none'}
            disabled={!manager}
            onChange={(e) =>
              setDraft({ ...draft, unlabelled: e.target.value === 'none' ? null : (e.target.value as Kind) })
            }
          >
            {KINDS.map(([k, name]) => (
              <option key={k} value={k}>
                {name.toLowerCase()}
              </option>
            ))}
            <option value="none">none of these</option>
          </select>
        </label>
      </div>
      {manager && (
        <form
          className="model-kind-add"
          onSubmit={(e) => {
            e.preventDefault();
            if (!LABEL.test(label.trim())) return;
            setLabelKind(label.trim().toLowerCase(), kind);
            setLabel('');
          }}
        >
          <input
            className="input input-compact"
            aria-label="Section label"
            placeholder="e.g. lookbook"
            value={label}
            onChange={(e) => setLabel(e.target.value)}
          />
          <select
            className="input select input-compact"
            aria-label="Counts as"
            value={kind}
            onChange={(e) => setKind(e.target.value as Kind)}
          >
            {KINDS.map(([k, name]) => (
              <option key={k} value={k}>
                {name.toLowerCase()}
              </option>
            ))}
          </select>
          <button type="submit" className="button button-small" disabled={!LABEL.test(label.trim())}>
            Add label
          </button>
          <button
            type="button"
            className="button button-small button-primary"
            disabled={!changed}
            onClick={save}
          >
            Save
          </button>
        </form>
      )}
      <p className="model-footnote">
        Special days (shopping peaks before them raise scores):{' '}
        {view.effectiveSpecialDays.map(dayText).join(', ')}.
      </p>
      {message && (
        <p className={`alert ${message.ok ? 'alert-success' : 'alert-error'} model-alert`} role="status">
          {message.text}
        </p>
      )}
    </section>
  );
}
