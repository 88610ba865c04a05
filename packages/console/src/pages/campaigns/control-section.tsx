/** Control group: the share of qualifying visitors held back (shown nothing) so lift can be measured. */
import { useId } from 'react';
import { formatNumber } from '../../components/format.ts';
import { useT } from '../../i18n/language-context.tsx';
import type { CampaignForm, FormErrors } from './campaign-form.ts';
import { FormSection } from './form-section.tsx';

interface SectionProps {
  form: CampaignForm;
  errors: FormErrors;
  set: (patch: Partial<CampaignForm>) => void;
}

export function ControlSection({ form, errors, set }: SectionProps) {
  const t = useT();
  const id = useId();
  const share = Number(form.controlPercent);
  const valid = Number.isFinite(share) && share >= 0 && share <= 90;
  return (
    <FormSection
      id="control"
      title={t('Control group')}
      description={t(
        'Qualifying visitors in the control group see nothing; comparing them with the rest shows what the campaign really changes.',
      )}
    >
      <div className="field">
        <label className="field-label" htmlFor={`${id}-number`}>
          {t('Control group share')}
        </label>
        <div className="control-share">
          <input
            type="range"
            className="range"
            min={0}
            max={90}
            step={1}
            value={valid ? share : 0}
            aria-label={t('Control group share slider')}
            aria-valuetext={t('{share} percent', { share: formatNumber(valid ? share : 0) })}
            onChange={(event) => set({ controlPercent: event.target.value })}
          />
          <span className="control-share-number">
            <input
              id={`${id}-number`}
              className="input"
              inputMode="decimal"
              value={form.controlPercent}
              aria-invalid={errors.controlPercent ? true : undefined}
              aria-describedby={`${id}-hint${errors.controlPercent ? ` ${id}-error` : ''}`}
              onChange={(event) => set({ controlPercent: event.target.value })}
            />
            <span aria-hidden="true">%</span>
          </span>
        </div>
        <p className="field-hint" id={`${id}-hint`}>
          {valid && share === 0
            ? t('No control group: every qualifying visitor is engaged, and lift cannot be measured.')
            : valid
              ? t(
                  '{held} % of qualifying visitors are held back; {engaged} % are engaged. 10–20 % is typical.',
                  {
                    held: formatNumber(share),
                    engaged: formatNumber(Math.round((100 - share) * 10) / 10),
                  },
                )
              : t('From 0 to 90 %.')}
        </p>
        {errors.controlPercent && (
          <p className="field-error" id={`${id}-error`}>
            {errors.controlPercent}
          </p>
        )}
      </div>
      <div className="field">
        <label className="check" htmlFor={`${id}-bands`}>
          <input
            id={`${id}-bands`}
            type="checkbox"
            checked={form.positiveLiftOnly}
            disabled={valid && share === 0}
            aria-describedby={`${id}-bands-hint`}
            onChange={(event) => set({ positiveLiftOnly: event.target.checked })}
            data-testid="positive-lift-only"
          />
          <span>{t('Only target purchase-score bands where the campaign measurably helps')}</span>
        </label>
        <p className="field-hint" id={`${id}-bands-hint`}>
          {valid && share === 0
            ? t('Needs a control group: lift by score band is measured against it.')
            : t(
                'The campaign report splits lift by score band. With this on, visitors whose score falls in a band where the engaged group did no better than the control group are left alone. Until a band has enough data, everyone is targeted.',
              )}
        </p>
      </div>
      <div className="field">
        <label className="check" htmlFor={`${id}-uplift`}>
          <input
            id={`${id}-uplift`}
            type="checkbox"
            checked={form.positiveUpliftOnly}
            disabled={valid && share === 0}
            aria-describedby={`${id}-uplift-hint`}
            onChange={(event) => set({ positiveUpliftOnly: event.target.checked })}
            data-testid="positive-uplift-only"
          />
          <span>{t('Only engage visitors the engagement is predicted to help')}</span>
        </label>
        <p className="field-hint" id={`${id}-uplift-hint`}>
          {valid && share === 0
            ? t('Needs a control group: the uplift model learns from it.')
            : t(
                'An uplift model learns from the engaged and control visitors whose buying the engagement changes. With this on, only visitors with a positive predicted uplift are engaged, except a holdout (10 % unless set through the API) that measures the mode. Until the model has enough data, everyone is targeted.',
              )}
        </p>
      </div>
    </FormSection>
  );
}
