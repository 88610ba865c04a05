/** Basics: name, status, priority and the goal conversions are attributed to. */
import type { CampaignStatus } from '../../api/types.ts';
import { Field } from '../../components/field.tsx';
import { useT } from '../../i18n/language-context.tsx';
import type { CampaignForm, FormErrors } from './campaign-form.ts';
import { STATUS_HINTS, STATUS_LABELS, SURFACE_LABELS } from './campaign-text.ts';
import { FormSection } from './form-section.tsx';
import { ELEMENT, withElement } from './linked-text.tsx';

interface SectionProps {
  form: CampaignForm;
  errors: FormErrors;
  set: (patch: Partial<CampaignForm>) => void;
}

const STATUSES: CampaignStatus[] = ['active', 'paused', 'draft'];
const SURFACES = ['web', 'app', 'both'] as const;

export function BasicsSection({ form, errors, set }: SectionProps) {
  const t = useT();
  return (
    <FormSection
      id="basics"
      title={t('Basics')}
      description={t('What the campaign is called, whether it runs, and what it is for.')}
    >
      <div className="form">
        <Field
          label={t('Name')}
          error={errors.name}
          hint={t('Only your team sees it, e.g. “Checkout hesitation”.')}
        >
          {(props) => (
            <input
              {...props}
              className="input"
              name="name"
              autoComplete="off"
              maxLength={120}
              value={form.name}
              onChange={(event) => set({ name: event.target.value })}
            />
          )}
        </Field>

        <fieldset className="fieldset">
          <legend className="field-label">{t('Status')}</legend>
          <div className="segmented" data-testid="status-choice">
            {STATUSES.map((status) => (
              <label key={status} className="segmented-option">
                <input
                  type="radio"
                  name="status"
                  value={status}
                  checked={form.status === status}
                  onChange={() => set({ status })}
                />
                <span>{STATUS_LABELS[status]}</span>
              </label>
            ))}
          </div>
          <p className="field-hint">{STATUS_HINTS[form.status]}</p>
        </fieldset>

        <fieldset className="fieldset" aria-describedby="surfaces-hint">
          <legend className="field-label">{t('Runs on')}</legend>
          <div className="segmented" data-testid="surfaces-choice">
            {SURFACES.map((surfaces) => (
              <label key={surfaces} className="segmented-option">
                <input
                  type="radio"
                  name="surfaces"
                  value={surfaces}
                  checked={form.surfaces === surfaces}
                  onChange={() => set({ surfaces })}
                />
                <span>{SURFACE_LABELS[surfaces]}</span>
              </label>
            ))}
          </div>
          {errors.surfaces ? (
            <p className="field-error" id="surfaces-hint" role="alert">
              {errors.surfaces}
            </p>
          ) : (
            <p className="field-hint" id="surfaces-hint">
              {t(
                'Apps are those that report screens through the SDK; rules can then use the platform, app version and screen.',
              )}
            </p>
          )}
        </fieldset>

        <div className="form-row">
          <Field
            label={t('Priority')}
            error={errors.priority}
            hint={t('When several campaigns fit a visitor, the highest priority wins.')}
          >
            {(props) => (
              <input
                {...props}
                className="input"
                name="priority"
                inputMode="numeric"
                value={form.priority}
                onChange={(event) => set({ priority: event.target.value })}
              />
            )}
          </Field>
          <Field
            label={t('Attribution window (days)')}
            error={errors.attributionWindowDays}
            hint={t('A goal reached this many days after an exposure still counts for the campaign.')}
          >
            {(props) => (
              <input
                {...props}
                className="input"
                name="attributionWindowDays"
                inputMode="numeric"
                value={form.attributionWindowDays}
                onChange={(event) => set({ attributionWindowDays: event.target.value })}
              />
            )}
          </Field>
        </div>

        <fieldset className="fieldset">
          <legend className="field-label">{t('Goal')}</legend>
          <div className="choice-row">
            <label className="check">
              <input
                type="radio"
                name="goal"
                value="purchase"
                checked={form.goalType === 'purchase'}
                onChange={() => set({ goalType: 'purchase' })}
              />
              <span>{t('A purchase')}</span>
            </label>
            <label className="check">
              <input
                type="radio"
                name="goal"
                value="event"
                checked={form.goalType === 'event'}
                onChange={() => set({ goalType: 'event' })}
              />
              <span>{t('A named event')}</span>
            </label>
          </div>
          <p className="field-hint">{t('Conversions and lift are measured against this goal.')}</p>
        </fieldset>
        {form.goalType === 'event' && (
          <Field
            label={t('Event name')}
            error={errors.goalEvent}
            hint={withElement(
              t('The name your site sends with {call}, e.g. newsletter_signup.', { call: ELEMENT }),
              <code>beckon.push(['event', name])</code>,
            )}
          >
            {(props) => (
              <input
                {...props}
                className="input mono"
                name="goalEvent"
                autoComplete="off"
                maxLength={64}
                value={form.goalEvent}
                onChange={(event) => set({ goalEvent: event.target.value })}
              />
            )}
          </Field>
        )}
      </div>
    </FormSection>
  );
}
