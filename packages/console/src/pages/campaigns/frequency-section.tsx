/** How often: caps per visit and per day, and what happens after a visitor says no. */
import type { AfterDecline } from '../../api/types.ts';
import { Field } from '../../components/field.tsx';
import type { CampaignForm, FormErrors } from './campaign-form.ts';
import { FormSection } from './form-section.tsx';

interface SectionProps {
  form: CampaignForm;
  errors: FormErrors;
  set: (patch: Partial<CampaignForm>) => void;
}

const AFTER_DECLINE: { value: AfterDecline; label: string }[] = [
  { value: 'next_session', label: 'On their next visit at the earliest' },
  { value: 'never', label: 'Never' },
  { value: 'allow', label: 'Whenever they qualify (within the limits above)' },
];

export function FrequencySection({ form, errors, set }: SectionProps) {
  return (
    <FormSection
      id="frequency"
      title="How often"
      description="Engage people, don't nag them. Empty means no limit."
    >
      <div className="form">
        <div className="form-row">
          <Field label="At most per visit" error={errors.perSession}>
            {(props) => (
              <input
                {...props}
                className="input"
                name="perSession"
                inputMode="numeric"
                placeholder="No limit"
                value={form.perSession}
                onChange={(event) => set({ perSession: event.target.value })}
              />
            )}
          </Field>
          <Field label="At most per visitor per day" error={errors.perVisitorPerDay}>
            {(props) => (
              <input
                {...props}
                className="input"
                name="perVisitorPerDay"
                inputMode="numeric"
                placeholder="No limit"
                value={form.perVisitorPerDay}
                onChange={(event) => set({ perVisitorPerDay: event.target.value })}
              />
            )}
          </Field>
        </div>
        <Field label="After a visitor dismisses it, show it again">
          {(props) => (
            <select
              {...props}
              className="input select"
              value={form.afterDecline}
              onChange={(event) => set({ afterDecline: event.target.value as AfterDecline })}
            >
              {AFTER_DECLINE.map((option) => (
                <option key={option.value} value={option.value}>
                  {option.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
    </FormSection>
  );
}
