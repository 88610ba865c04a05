/** Variants: 2–5 versions of the engagement tested against each other and the control group. */
import { Field } from '../../components/field.tsx';
import { formatNumber } from '../../components/format.ts';
import { useT } from '../../i18n/language-context.tsx';
import type { CampaignForm, FormErrors } from './campaign-form.ts';
import { FormSection } from './form-section.tsx';
import {
  addVariant,
  evenWeights,
  MAX_VARIANTS,
  type VariantForm,
  variantFields,
  weightSum,
} from './variants-form.ts';
import './variants.css';

interface SectionProps {
  form: CampaignForm;
  errors: FormErrors;
  set: (patch: Partial<CampaignForm>) => void;
}

export function VariantsSection({ form, errors, set }: SectionProps) {
  const t = useT();
  const list = form.variants;
  const fields = variantFields(form.engagementType);
  const control = Number(form.controlPercent);
  const held = Number.isFinite(control) && control >= 0 && control <= 90 ? control : 0;
  const sum = weightSum(list);
  const change = (i: number, patch: Partial<VariantForm>) =>
    set({ variants: list.map((v, j) => (j === i ? { ...v, ...patch } : v)) });
  const start = () => set({ variants: addVariant(addVariant([])) });
  return (
    <FormSection
      id="variants"
      title={t('Variants')}
      description={t(
        'Test versions of the engagement against each other and the control group. Each visitor keeps the version they first got. Leave a field empty to keep the engagement’s own.',
      )}
    >
      {list.length === 0 ? (
        <div className="variants-empty" data-testid="variants-empty">
          <p className="muted">{t('No variants: every engaged visitor gets the engagement above.')}</p>
          <button type="button" className="button" onClick={start} data-testid="variants-start">
            {t('Test two variants')}
          </button>
        </div>
      ) : (
        <>
          <p className="field-hint" data-testid="variants-split">
            {t('Split of qualifying visitors: control {control} %', { control: formatNumber(held) })}
            {list.map((v) => {
              const w = Number(v.weightPercent);
              const share = Number.isFinite(w) ? Math.round(((100 - held) * w) / 10) / 10 : Number.NaN;
              return ` · ${v.key || '?'} ${Number.isFinite(share) ? formatNumber(share) : '—'} %`;
            })}
          </p>
          <ol className="variants-list">
            {list.map((v, i) => (
              <li key={v.uid} data-testid={`variant-${i}`}>
                <fieldset className="variant-card">
                  <legend className="field-label">{t('Variant {key}', { key: v.key || '?' })}</legend>
                  <div className="variant-head">
                    <Field label={t('Variant name')} className="variant-key">
                      {(props) => (
                        <input
                          {...props}
                          className="input"
                          maxLength={32}
                          value={v.key}
                          onChange={(event) => change(i, { key: event.target.value })}
                        />
                      )}
                    </Field>
                    <Field label={t('Weight (%)')} className="variant-weight">
                      {(props) => (
                        <input
                          {...props}
                          className="input"
                          inputMode="decimal"
                          value={v.weightPercent}
                          onChange={(event) => change(i, { weightPercent: event.target.value })}
                        />
                      )}
                    </Field>
                    <button
                      type="button"
                      className="button button-small button-danger-quiet"
                      aria-label={t('Remove variant {key}', { key: v.key })}
                      onClick={() => set({ variants: list.filter((_, j) => j !== i) })}
                    >
                      {t('Remove')}
                    </button>
                  </div>
                  {fields.map((f) => (
                    <Field key={f.name} label={f.label}>
                      {(props) =>
                        f.options ? (
                          <select
                            {...props}
                            className="input select"
                            value={v.fields[f.name] ?? ''}
                            onChange={(event) =>
                              change(i, { fields: { ...v.fields, [f.name]: event.target.value } })
                            }
                          >
                            <option value="">{t('As the engagement')}</option>
                            {f.options.map(([value, label]) => (
                              <option key={value} value={value}>
                                {label}
                              </option>
                            ))}
                          </select>
                        ) : f.long ? (
                          <textarea
                            {...props}
                            className="input textarea"
                            rows={2}
                            value={v.fields[f.name] ?? ''}
                            placeholder={t('As the engagement')}
                            onChange={(event) =>
                              change(i, { fields: { ...v.fields, [f.name]: event.target.value } })
                            }
                          />
                        ) : (
                          <input
                            {...props}
                            className="input"
                            value={v.fields[f.name] ?? ''}
                            placeholder={t('As the engagement')}
                            onChange={(event) =>
                              change(i, { fields: { ...v.fields, [f.name]: event.target.value } })
                            }
                          />
                        )
                      }
                    </Field>
                  ))}
                </fieldset>
              </li>
            ))}
          </ol>
          <div className="variants-actions">
            <button
              type="button"
              className="button"
              disabled={list.length >= MAX_VARIANTS}
              onClick={() => set({ variants: addVariant(list) })}
            >
              {t('Add a variant')}
            </button>
            <button
              type="button"
              className="button button-ghost"
              onClick={() => set({ variants: evenWeights(list) })}
            >
              {t('Split evenly')}
            </button>
            <span className={Math.abs(sum - 100) > 1e-4 ? 'field-error' : 'muted'} data-testid="variants-sum">
              {t('Weights add up to {sum} %', {
                sum: Number.isFinite(sum) ? formatNumber(Math.round(sum * 100) / 100) : '—',
              })}
            </span>
          </div>
          {errors.variants && (
            <p className="field-error" role="alert" data-testid="variants-error" tabIndex={-1}>
              {errors.variants}
            </p>
          )}
          <Field
            label={t('Smallest difference worth telling apart (percentage points)')}
            error={errors.minimalEffect}
            hint={t(
              'Inside ± this difference of conversion rates, the report says “No difference likely”. Empty: 0.5.',
            )}
          >
            {(props) => (
              <input
                {...props}
                className="input variant-effect"
                inputMode="decimal"
                value={form.minimalEffectPoints}
                placeholder="0.5"
                onChange={(event) => set({ minimalEffectPoints: event.target.value })}
              />
            )}
          </Field>
        </>
      )}
    </FormSection>
  );
}
