/** A skill's business hours: the time zone, intervals per weekday, and holidays. */
import { useId, useState } from 'react';
import type { BusinessHours } from '../../../api/types.ts';
import { CloseIcon, PlusIcon } from '../../../components/icons.tsx';
import { t } from '../../../i18n/i18n.ts';
import { useT } from '../../../i18n/language-context.tsx';
import { browserTimeZone, timeZonesWith } from '../sites/time-zones.ts';
import './hours.css';

/** Monday first, as people read a working week; values are the API's (0 = Sunday). */
const DAYS = [1, 2, 3, 4, 5, 6, 0] as const;
type Day = (typeof DAYS)[number];

/** A weekday's name in the user's language. */
function dayName(day: Day): string {
  switch (day) {
    case 1:
      return t('Monday');
    case 2:
      return t('Tuesday');
    case 3:
      return t('Wednesday');
    case 4:
      return t('Thursday');
    case 5:
      return t('Friday');
    case 6:
      return t('Saturday');
    case 0:
      return t('Sunday');
  }
}

/** A weekday's short name, for the skills table. */
function dayShort(day: Day): string {
  switch (day) {
    case 1:
      return t('Mon');
    case 2:
      return t('Tue');
    case 3:
      return t('Wed');
    case 4:
      return t('Thu');
    case 5:
      return t('Fri');
    case 6:
      return t('Sat');
    case 0:
      return t('Sun');
  }
}

/** Office hours to start from: Monday to Friday, 9 to 5. */
export const defaultHours = (): BusinessHours => ({
  timeZone: browserTimeZone(),
  weekly: [1, 2, 3, 4, 5].map((day) => ({ day, from: '09:00', to: '17:00' })),
  holidays: [],
});

/** "Mon–Fri 09:00–17:00 · Europe/Berlin", for the skills table. */
export function hoursSummary(hours: BusinessHours | null): string {
  if (!hours) return t('Always open');
  if (hours.weekly.length === 0) return t('Closed');
  const byTimes = new Map<string, string[]>();
  for (const day of DAYS) {
    const times = hours.weekly
      .filter((w) => w.day === day)
      .map((w) => `${w.from}–${w.to}`)
      .join(', ');
    if (times) byTimes.set(times, [...(byTimes.get(times) ?? []), dayShort(day)]);
  }
  const parts = [...byTimes].map(([times, days]) =>
    days.length > 2 ? `${days[0]}–${days.at(-1)} ${times}` : `${days.join(', ')} ${times}`,
  );
  return `${parts.join('; ')} · ${hours.timeZone.replaceAll('_', ' ')}`;
}

interface HoursEditorProps {
  value: BusinessHours | null;
  onChange: (hours: BusinessHours | null) => void;
  /** What turning hours on means where they are used (a skill's by default). */
  setLabel?: string;
}

export function HoursEditor({ value, onChange, setLabel }: HoursEditorProps) {
  const t = useT();
  const id = useId();
  const [holiday, setHoliday] = useState('');
  const hours = value;
  const set = (patch: Partial<BusinessHours>) => hours && onChange({ ...hours, ...patch });
  const weekly = hours?.weekly ?? [];

  return (
    <fieldset className="hours" data-testid="hours-editor">
      <legend className="field-label">{t('Business hours')}</legend>
      <label className="check">
        <input
          type="checkbox"
          checked={hours !== null}
          onChange={(event) => onChange(event.target.checked ? (value ?? defaultHours()) : null)}
        />
        {setLabel ??
          t('Set opening hours (outside them, chats go to the offline form and the queue waits for opening)')}
      </label>
      {hours && (
        <>
          <label className="field" htmlFor={`${id}-tz`}>
            <span className="field-label">{t('Time zone')}</span>
            <select
              id={`${id}-tz`}
              className="input"
              value={hours.timeZone}
              onChange={(event) => set({ timeZone: event.target.value })}
            >
              {timeZonesWith(hours.timeZone).map((zone) => (
                <option key={zone} value={zone}>
                  {zone.replaceAll('_', ' ')}
                </option>
              ))}
            </select>
          </label>
          <div className="hours-days">
            {DAYS.map((day) => {
              const name = dayName(day);
              const mine = weekly.map((w, i) => ({ ...w, i })).filter((w) => w.day === day);
              return (
                <div key={day} className="hours-day" data-testid={`hours-day-${day}`}>
                  <span className="hours-day-name">{name}</span>
                  <div className="hours-intervals">
                    {mine.length === 0 && <span className="muted">{t('Closed')}</span>}
                    {mine.map((w) => (
                      <span key={w.i} className="hours-interval">
                        <input
                          type="time"
                          className="input input-time"
                          aria-label={t('{day} opens at', { day: name })}
                          value={w.from}
                          onChange={(event) =>
                            set({
                              weekly: weekly.map((x, j) =>
                                j === w.i ? { ...x, from: event.target.value } : x,
                              ),
                            })
                          }
                        />
                        <span aria-hidden="true">–</span>
                        <input
                          type="time"
                          className="input input-time"
                          aria-label={t('{day} closes at', { day: name })}
                          value={w.to === '24:00' ? '00:00' : w.to}
                          onChange={(event) =>
                            set({
                              weekly: weekly.map((x, j) =>
                                j === w.i ? { ...x, to: event.target.value } : x,
                              ),
                            })
                          }
                        />
                        <button
                          type="button"
                          className="icon-button hours-remove"
                          aria-label={t('Remove {day} {from}–{to}', { day: name, from: w.from, to: w.to })}
                          title={t('Remove')}
                          onClick={() => set({ weekly: weekly.filter((_, j) => j !== w.i) })}
                        >
                          <CloseIcon />
                        </button>
                      </span>
                    ))}
                  </div>
                  <button
                    type="button"
                    className="button button-small"
                    aria-label={t('Add hours on {day}', { day: name })}
                    onClick={() => set({ weekly: [...weekly, { day, from: '09:00', to: '17:00' }] })}
                  >
                    <PlusIcon />
                    {t('Add')}
                  </button>
                </div>
              );
            })}
          </div>
          <p className="field-hint">
            {t(
              'Hours that end at or before they start run overnight (22:00–06:00). Closing at 00:00 means midnight.',
            )}
          </p>
          <div className="hours-holidays">
            <label className="field" htmlFor={`${id}-holiday`}>
              <span className="field-label">{t('Holidays (closed all day)')}</span>
              <span className="hours-holiday-add">
                <input
                  id={`${id}-holiday`}
                  type="date"
                  className="input"
                  value={holiday}
                  onChange={(event) => setHoliday(event.target.value)}
                />
                <button
                  type="button"
                  className="button button-small"
                  disabled={!holiday || hours.holidays.includes(holiday)}
                  onClick={() => {
                    set({ holidays: [...hours.holidays, holiday].sort() });
                    setHoliday('');
                  }}
                >
                  {t('Add holiday')}
                </button>
              </span>
            </label>
            {hours.holidays.length > 0 ? (
              <ul className="chips" aria-label={t('Holidays')}>
                {hours.holidays.map((d) => (
                  <li key={d} className="chip">
                    {d}
                    <button
                      type="button"
                      className="chip-remove"
                      aria-label={t('Remove holiday {date}', { date: d })}
                      onClick={() => set({ holidays: hours.holidays.filter((x) => x !== d) })}
                    >
                      ×
                    </button>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">{t('No holidays yet.')}</p>
            )}
          </div>
        </>
      )}
    </fieldset>
  );
}
