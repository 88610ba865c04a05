/** The live list's toolbar: site, page or section text, new/returning, device and minimum cart. */
import { useEffect, useId, useState } from 'react';
import type { Device, Site } from '../../api/types.ts';
import type { VisitorFilters } from '../../api/visitors.ts';
import { CloseIcon } from '../../components/icons.tsx';
import { useT } from '../../i18n/language-context.tsx';

interface VisitorFiltersBarProps {
  sites: Site[];
  filters: VisitorFilters;
  onChange: (filters: VisitorFilters) => void;
}

/** True when any filter narrows the list. */
export function hasFilters(filters: VisitorFilters): boolean {
  return Object.values(filters).some((value) => value !== undefined && value !== '');
}

export function VisitorFiltersBar({ sites, filters, onChange }: VisitorFiltersBarProps) {
  const t = useT();
  const id = useId();
  // Typing updates the query a moment after the last key, not on every key.
  const [text, setText] = useState(filters.page ?? '');
  const [cart, setCart] = useState(filters.cartMin !== undefined ? String(filters.cartMin) : '');
  const filtersPage = filters.page ?? '';
  const filtersCart = filters.cartMin;

  useEffect(() => {
    const page = text.trim();
    if (page === filtersPage) return;
    const timer = window.setTimeout(() => onChange({ ...filters, page: page || undefined }), 300);
    return () => window.clearTimeout(timer);
  }, [text, filtersPage, filters, onChange]);

  useEffect(() => {
    const value = cart.trim() === '' ? undefined : Number(cart);
    if (value !== undefined && (!Number.isFinite(value) || value < 0)) return;
    if (value === filtersCart) return;
    const timer = window.setTimeout(() => onChange({ ...filters, cartMin: value }), 300);
    return () => window.clearTimeout(timer);
  }, [cart, filtersCart, filters, onChange]);

  const cartInvalid = cart.trim() !== '' && !(Number(cart) >= 0);

  return (
    <search className="toolbar" aria-label={t('Filter visitors')} data-testid="visitor-filters">
      <div className="toolbar-field toolbar-search">
        <label className="toolbar-label" htmlFor={`${id}-page`}>
          {t('Page or section')}
        </label>
        <input
          id={`${id}-page`}
          className="input"
          type="search"
          placeholder={t('checkout, /products…')}
          value={text}
          onChange={(event) => setText(event.target.value)}
        />
      </div>
      {sites.length > 1 && (
        <div className="toolbar-field">
          <label className="toolbar-label" htmlFor={`${id}-site`}>
            {t('Site')}
          </label>
          <select
            id={`${id}-site`}
            className="input select"
            value={filters.siteId ?? ''}
            onChange={(event) => onChange({ ...filters, siteId: event.target.value || undefined })}
          >
            <option value="">{t('All sites')}</option>
            {sites.map((site) => (
              <option key={site.id} value={site.id}>
                {site.name}
              </option>
            ))}
          </select>
        </div>
      )}
      <div className="toolbar-field">
        <label className="toolbar-label" htmlFor={`${id}-returning`}>
          {t('Visitors')}
        </label>
        <select
          id={`${id}-returning`}
          className="input select"
          value={filters.returning === undefined ? '' : String(filters.returning)}
          onChange={(event) =>
            onChange({
              ...filters,
              returning: event.target.value === '' ? undefined : event.target.value === 'true',
            })
          }
        >
          <option value="">{t('Everyone')}</option>
          <option value="false">{t('New')}</option>
          <option value="true">{t('Returning')}</option>
        </select>
      </div>
      <div className="toolbar-field">
        <label className="toolbar-label" htmlFor={`${id}-device`}>
          {t('Device')}
        </label>
        <select
          id={`${id}-device`}
          className="input select"
          value={filters.device ?? ''}
          onChange={(event) =>
            onChange({ ...filters, device: (event.target.value || undefined) as Device | undefined })
          }
        >
          <option value="">{t('Any device')}</option>
          <option value="desktop">{t('Desktop')}</option>
          <option value="tablet">{t('Tablet')}</option>
          <option value="mobile">{t('Mobile')}</option>
          <option value="other">{t('Other')}</option>
        </select>
      </div>
      <div className="toolbar-field toolbar-cart">
        <label className="toolbar-label" htmlFor={`${id}-cart`}>
          {t('Cart at least')}
        </label>
        <input
          id={`${id}-cart`}
          className="input"
          inputMode="decimal"
          placeholder="0"
          value={cart}
          aria-invalid={cartInvalid ? true : undefined}
          onChange={(event) => setCart(event.target.value)}
        />
      </div>
      {hasFilters(filters) && (
        <button
          type="button"
          className="button button-ghost toolbar-clear"
          onClick={() => {
            setText('');
            setCart('');
            onChange({});
          }}
        >
          <CloseIcon />
          {t('Clear')}
        </button>
      )}
    </search>
  );
}
