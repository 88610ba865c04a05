/** How often: caps per visit and per day, and what happens after a visitor says no. */
import type { AfterDecline } from '../../api/types.ts';
import { Field } from '../../components/field.tsx';
import { useT } from '../../i18n/language-context.tsx';
import type { CampaignForm, FormErrors } from './campaign-form.ts';
import { FormSection } from './form-section.tsx';

interface SectionProps {
  form: CampaignForm;
  errors: FormErrors;
  set: (patch: Partial<CampaignForm>) => void;
}

function afterDecline(t: (en: string) => string): { value: AfterDecline; label: string }[] {
  return [
    { value: 'next_session', label: t('On their next visit at the earliest') },
    { value: 'never', label: t('Never') },
    { value: 'allow', label: t('Whenever they qualify (within the limits above)') },
  ];
}

export function FrequencySection({ form, errors, set }: SectionProps) {
  const t = useT();
  return (
    <FormSection
      id="frequency"
      title={t('How often')}
      description={t("Engage people, don't nag them. Empty means no limit.")}
    >
      <div className="form">
        <div className="form-row">
          <Field label={t('At most per visit')} error={errors.perSession}>
            {(props) => (
              <input
                {...props}
                className="input"
                name="perSession"
                inputMode="numeric"
                placeholder={t('No limit')}
                value={form.perSession}
                onChange={(event) => set({ perSession: event.target.value })}
              />
            )}
          </Field>
          <Field label={t('At most per visitor per day')} error={errors.perVisitorPerDay}>
            {(props) => (
              <input
                {...props}
                className="input"
                name="perVisitorPerDay"
                inputMode="numeric"
                placeholder={t('No limit')}
                value={form.perVisitorPerDay}
                onChange={(event) => set({ perVisitorPerDay: event.target.value })}
              />
            )}
          </Field>
        </div>
        <Field label={t('After a visitor dismisses it, show it again')}>
          {(props) => (
            <select
              {...props}
              className="input select"
              value={form.afterDecline}
              onChange={(event) => set({ afterDecline: event.target.value as AfterDecline })}
            >
              {afterDecline(t).map((option) => (
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
