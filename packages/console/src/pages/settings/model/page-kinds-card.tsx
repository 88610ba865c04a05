/** Which of a site's section labels count as product, information or account pages (a model feature). */
import { useCallback, useEffect, useId, useState } from 'react';
import { errorMessage } from '../../../api/http.ts';
import { getSiteModelSettings, saveSiteModelSettings } from '../../../api/model.ts';
import { listSites } from '../../../api/sites.ts';
import type { SiteModelSettingsView } from '../../../api/types.ts';
import { useResource } from '../../../components/use-resource.ts';
import { currentLocale } from '../../../i18n/i18n.ts';
import { useT } from '../../../i18n/language-context.tsx';

type Kind = 'product' | 'informational' | 'administrative';
type Translate = ReturnType<typeof useT>;
const KINDS: Kind[] = ['product', 'informational', 'administrative'];

/** A kind as a heading ("Product pages"). */
function kindTitle(t: Translate, kind: Kind): string {
  switch (kind) {
    case 'product':
      return t('Product pages');
    case 'informational':
      return t('Information pages');
    case 'administrative':
      return t('Account pages');
  }
}

/** A kind inside a sentence or a choice ("product pages"). */
function kindInline(t: Translate, kind: Kind): string {
  switch (kind) {
    case 'product':
      return t('product pages');
    case 'informational':
      return t('information pages');
    case 'administrative':
      return t('account pages');
  }
}

const LABEL = /^[A-Za-z0-9_.:$ -]{1,64}$/;
const NTH = ['last', 'first', 'second', 'third', 'fourth', 'fifth'];

/** A month (1–12) or weekday (0 = Sunday) name in the console's language, from a fixed 2024 date. */
function calendarName(options: Intl.DateTimeFormatOptions, month: number, day = 1): string {
  return new Intl.DateTimeFormat(currentLocale(), { ...options, timeZone: 'UTC' }).format(
    new Date(Date.UTC(2024, month - 1, day)),
  );
}

function dayText(t: Translate, d: SiteModelSettingsView['effectiveSpecialDays'][number]): string {
  if ('day' in d)
    return t('{name} ({date})', {
      name: d.name,
      date: calendarName({ day: 'numeric', month: 'short' }, d.month, d.day),
    });
  // 7 January 2024 was a Sunday.
  const weekday = calendarName({ weekday: 'long' }, 1, 7 + d.weekday);
  const month = calendarName({ month: 'long' }, d.month);
  const shift = d.offsetDays ? ` ${d.offsetDays > 0 ? '+' : '−'}${Math.abs(d.offsetDays)} d` : '';
  return t(
    '{name} ({nth, select, last {last} first {first} second {second} third {third} fourth {fourth} other {fifth}} {weekday} of {month}{shift})',
    { name: d.name, nth: NTH[d.nth === -1 ? 0 : d.nth] ?? 'fifth', weekday, month, shift },
  );
}

export function PageKindsCard({ manager }: { manager: boolean }) {
  const t = useT();
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
      setMessage({ ok: true, text: t('Saved. New page views are counted this way from now on.') });
    } catch (error) {
      setMessage({ ok: false, text: errorMessage(error) });
    }
  }

  return (
    <section className="card model-card" aria-labelledby={`${id}-title`} data-testid="model-page-kinds">
      <header className="card-header">
        <div className="card-title-block">
          <h3 className="card-title" id={`${id}-title`}>
            {t('Kinds of pages')}
          </h3>
          <p className="card-subtitle">
            {t('Pages are counted by the section labels your tag sends (the {tag} meta tag).', {
              tag: 'beckon:section',
            })}
          </p>
        </div>
        {sites.data.length > 1 && (
          <select
            className="input select input-compact"
            aria-label={t('Site')}
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
        {KINDS.map((k) => (
          <div key={k} className="model-kind">
            <h4>{kindTitle(t, k)}</h4>
            <ul className="chips" aria-label={kindTitle(t, k)}>
              {[...effective]
                .filter(([, v]) => v === k)
                .map(([l]) => (
                  <li key={l} className="chip model-kind-chip">
                    {l}
                    {manager && (
                      <button
                        type="button"
                        className="chip-remove"
                        aria-label={t('Stop counting “{label}” as {kind}', {
                          label: l,
                          kind: kindInline(t, k),
                        })}
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
          <span>{t('Pages without a known label count as')}</span>
          <select
            className="input select input-compact"
            value={draft.unlabelled ?? 'none'}
            disabled={!manager}
            onChange={(e) =>
              setDraft({ ...draft, unlabelled: e.target.value === 'none' ? null : (e.target.value as Kind) })
            }
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {kindInline(t, k)}
              </option>
            ))}
            <option value="none">{t('none of these')}</option>
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
            aria-label={t('Section label')}
            placeholder={t('e.g. {example}', { example: 'lookbook' })}
            value={label}
            onChange={(e) => setLabel(e.target.value)}
          />
          <select
            className="input select input-compact"
            aria-label={t('Counts as')}
            value={kind}
            onChange={(e) => setKind(e.target.value as Kind)}
          >
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {kindInline(t, k)}
              </option>
            ))}
          </select>
          <button type="submit" className="button button-small" disabled={!LABEL.test(label.trim())}>
            {t('Add label')}
          </button>
          <button
            type="button"
            className="button button-small button-primary"
            disabled={!changed}
            onClick={save}
          >
            {t('Save')}
          </button>
        </form>
      )}
      <p className="model-footnote">
        {t('Special days (shopping peaks before them raise scores): {days}.', {
          days: view.effectiveSpecialDays.map((d) => dayText(t, d)).join(', '),
        })}
      </p>
      {message && (
        <p className={`alert ${message.ok ? 'alert-success' : 'alert-error'} model-alert`} role="status">
          {message.text}
        </p>
      )}
    </section>
  );
}
