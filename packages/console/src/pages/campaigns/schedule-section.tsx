/** When: always, or only on some days and hours in a time zone. */
import { Field } from '../../components/field.tsx';
import { formatTime } from '../../components/format.ts';
import { currentLocale } from '../../i18n/i18n.ts';
import { useT } from '../../i18n/language-context.tsx';
import { timeZonesWith } from '../settings/sites/time-zones.ts';
import type { CampaignForm, FormErrors } from './campaign-form.ts';
import { DAY_NAMES, daysText, WEEK } from './campaign-text.ts';
import { FormSection } from './form-section.tsx';

interface SectionProps {
  form: CampaignForm;
  errors: FormErrors;
  set: (patch: Partial<CampaignForm>) => void;
}

/** A day's full name (0 = Sunday) in the console's language, for the day checkboxes' labels. */
function fullDay(day: number): string {
  // 7 January 2024 was a Sunday.
  return new Intl.DateTimeFormat(currentLocale(), { weekday: 'long', timeZone: 'UTC' }).format(
    Date.UTC(2024, 0, 7 + day),
  );
}

/** An "HH:MM" of the form as the user's language writes a clock time ("17:00", "5:00 PM"). */
function clockText(clock: string): string {
  const [hours, minutes] = clock.split(':').map(Number);
  return formatTime(new Date(2000, 0, 1, hours ?? 0, minutes ?? 0), 'short');
}

export function ScheduleSection({ form, errors, set }: SectionProps) {
  const t = useT();
  const overnight = !form.allDay && form.end !== '00:00' && form.end < form.start;
  const hoursSet = form.allDay || (/^\d{2}:\d{2}$/.test(form.start) && /^\d{2}:\d{2}$/.test(form.end));
  const summary =
    form.days.length > 0 && hoursSet && !errors.hours && (form.allDay || form.start !== form.end)
      ? t('Runs {days}, {hours} ({zone}).', {
          days: daysText(form.days),
          hours: form.allDay ? t('all day') : `${clockText(form.start)}–${clockText(form.end)}`,
          zone: form.timeZone.replaceAll('_', ' '),
        })
      : null;
  function toggleDay(day: number, on: boolean) {
    set({ days: on ? [...form.days, day] : form.days.filter((item) => item !== day) });
  }
  return (
    <FormSection
      id="when"
      title={t('When')}
      description={t('Limit the campaign to opening hours, or let it run around the clock.')}
    >
      <div className="form">
        <fieldset className="fieldset">
          <legend className="visually-hidden">{t('Schedule')}</legend>
          <div className="choice-row">
            <label className="check">
              <input
                type="radio"
                name="scheduled"
                checked={!form.scheduled}
                onChange={() => set({ scheduled: false })}
              />
              <span>{t('Any time')}</span>
            </label>
            <label className="check">
              <input
                type="radio"
                name="scheduled"
                checked={form.scheduled}
                onChange={() => set({ scheduled: true })}
              />
              <span>{t('On a schedule')}</span>
            </label>
          </div>
        </fieldset>

        {form.scheduled && (
          <>
            <fieldset className="fieldset" aria-describedby={errors.days ? 'days-error' : undefined}>
              <legend className="field-label">{t('Days')}</legend>
              <div className="day-picker">
                {WEEK.map((day) => (
                  <label key={day} className="day-option">
                    <input
                      type="checkbox"
                      checked={form.days.includes(day)}
                      onChange={(event) => toggleDay(day, event.target.checked)}
                      aria-label={fullDay(day)}
                    />
                    <span className="day-chip" aria-hidden="true">
                      {DAY_NAMES[day]}
                    </span>
                  </label>
                ))}
              </div>
              {errors.days && (
                <p className="field-error" id="days-error">
                  {errors.days}
                </p>
              )}
            </fieldset>

            <fieldset className="fieldset" aria-describedby={errors.hours ? 'hours-error' : undefined}>
              <legend className="field-label">{t('Hours')}</legend>
              <div className="hours-row">
                <label className="check">
                  <input
                    type="checkbox"
                    checked={form.allDay}
                    onChange={(event) => set({ allDay: event.target.checked })}
                  />
                  <span>{t('All day')}</span>
                </label>
                {!form.allDay && (
                  <>
                    <label className="inline-field">
                      <span>{t('From')}</span>
                      <input
                        type="time"
                        className="input input-time"
                        value={form.start}
                        aria-invalid={errors.hours ? true : undefined}
                        onChange={(event) => set({ start: event.target.value })}
                      />
                    </label>
                    <label className="inline-field">
                      <span>{t('to')}</span>
                      <input
                        type="time"
                        className="input input-time"
                        value={form.end}
                        aria-invalid={errors.hours ? true : undefined}
                        onChange={(event) => set({ end: event.target.value })}
                      />
                    </label>
                  </>
                )}
              </div>
              {errors.hours ? (
                <p className="field-error" id="hours-error">
                  {errors.hours}
                </p>
              ) : (
                overnight && <p className="field-hint">{t('Runs overnight, into the next morning.')}</p>
              )}
            </fieldset>

            <Field
              label={t('Time zone')}
              error={errors.timeZone}
              hint={t('Days and hours are read in this time zone.')}
            >
              {(props) => (
                <select
                  {...props}
                  className="input select"
                  value={form.timeZone}
                  onChange={(event) => set({ timeZone: event.target.value })}
                >
                  {timeZonesWith(form.timeZone).map((zone) => (
                    <option key={zone} value={zone}>
                      {zone.replaceAll('_', ' ')}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            {summary && (
              <p className="field-hint" data-testid="schedule-summary">
                {summary}
              </p>
            )}
          </>
        )}
      </div>
    </FormSection>
  );
}
