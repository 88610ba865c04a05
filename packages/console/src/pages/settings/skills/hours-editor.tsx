/** A skill's business hours: the time zone, intervals per weekday, and holidays. */
import { useId, useState } from 'react';
import type { BusinessHours } from '../../../api/types.ts';
import { PlusIcon } from '../../../components/icons.tsx';
import { browserTimeZone, timeZonesWith } from '../sites/time-zones.ts';
import './hours.css';

/** Monday first, as people read a working week; values are the API's (0 = Sunday). */
const DAYS = [
  [1, 'Monday'],
  [2, 'Tuesday'],
  [3, 'Wednesday'],
  [4, 'Thursday'],
  [5, 'Friday'],
  [6, 'Saturday'],
  [0, 'Sunday'],
] as const;

/** Office hours to start from: Monday to Friday, 9 to 5. */
export const defaultHours = (): BusinessHours => ({
  timeZone: browserTimeZone(),
  weekly: [1, 2, 3, 4, 5].map((day) => ({ day, from: '09:00', to: '17:00' })),
  holidays: [],
});

/** "Mon–Fri 09:00–17:00 · Europe/Berlin", for the skills table. */
export function hoursSummary(hours: BusinessHours | null): string {
  if (!hours) return 'Always open';
  if (hours.weekly.length === 0) return 'Closed';
  const byTimes = new Map<string, string[]>();
  for (const [day, name] of DAYS) {
    const times = hours.weekly
      .filter((w) => w.day === day)
      .map((w) => `${w.from}–${w.to}`)
      .join(', ');
    if (times) byTimes.set(times, [...(byTimes.get(times) ?? []), name.slice(0, 3)]);
  }
  const parts = [...byTimes].map(([times, days]) =>
    days.length > 2 ? `${days[0]}–${days.at(-1)} ${times}` : `${days.join(', ')} ${times}`,
  );
  return `${parts.join('; ')} · ${hours.timeZone.replaceAll('_', ' ')}`;
}

interface HoursEditorProps {
  value: BusinessHours | null;
  onChange: (hours: BusinessHours | null) => void;
}

export function HoursEditor({ value, onChange }: HoursEditorProps) {
  const id = useId();
  const [holiday, setHoliday] = useState('');
  const hours = value;
  const set = (patch: Partial<BusinessHours>) => hours && onChange({ ...hours, ...patch });
  const weekly = hours?.weekly ?? [];

  return (
    <fieldset className="hours" data-testid="hours-editor">
      <legend className="field-label">Business hours</legend>
      <label className="check">
        <input
          type="checkbox"
          checked={hours !== null}
          onChange={(event) => onChange(event.target.checked ? (value ?? defaultHours()) : null)}
        />
        Set opening hours (outside them, chats go to the offline form and the queue waits for opening)
      </label>
      {hours && (
        <>
          <label className="field" htmlFor={`${id}-tz`}>
            <span className="field-label">Time zone</span>
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
            {DAYS.map(([day, name]) => {
              const mine = weekly.map((w, i) => ({ ...w, i })).filter((w) => w.day === day);
              return (
                <div key={day} className="hours-day" data-testid={`hours-day-${day}`}>
                  <span className="hours-day-name">{name}</span>
                  <div className="hours-intervals">
                    {mine.length === 0 && <span className="muted">Closed</span>}
                    {mine.map((w) => (
                      <span key={w.i} className="hours-interval">
                        <input
                          type="time"
                          className="input input-time"
                          aria-label={`${name} opens at`}
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
                          aria-label={`${name} closes at`}
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
                          className="button button-small button-danger-quiet"
                          aria-label={`Remove ${name} ${w.from}–${w.to}`}
                          onClick={() => set({ weekly: weekly.filter((_, j) => j !== w.i) })}
                        >
                          Remove
                        </button>
                      </span>
                    ))}
                  </div>
                  <button
                    type="button"
                    className="button button-small"
                    aria-label={`Add hours on ${name}`}
                    onClick={() => set({ weekly: [...weekly, { day, from: '09:00', to: '17:00' }] })}
                  >
                    <PlusIcon />
                    Add
                  </button>
                </div>
              );
            })}
          </div>
          <p className="field-hint">
            Hours that end at or before they start run overnight (22:00–06:00). Closing at 00:00 means
            midnight.
          </p>
          <div className="hours-holidays">
            <label className="field" htmlFor={`${id}-holiday`}>
              <span className="field-label">Holidays (closed all day)</span>
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
                  Add holiday
                </button>
              </span>
            </label>
            {hours.holidays.length > 0 ? (
              <ul className="chips" aria-label="Holidays">
                {hours.holidays.map((d) => (
                  <li key={d} className="chip">
                    {d}
                    <button
                      type="button"
                      className="chip-remove"
                      aria-label={`Remove holiday ${d}`}
                      onClick={() => set({ holidays: hours.holidays.filter((x) => x !== d) })}
                    >
                      ×
                    </button>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">No holidays yet.</p>
            )}
          </div>
        </>
      )}
    </fieldset>
  );
}
