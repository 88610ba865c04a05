/** When a broadcast goes out: now, or at a date and time in the browser's time zone (never in the past). */
import { useId } from 'react';
import { formatDateTime } from '../../components/format.ts';
import { useT } from '../../i18n/language-context.tsx';
import { FormSection } from '../campaigns/form-section.tsx';
import { browserTimeZone } from '../settings/sites/time-zones.ts';
import { type BroadcastForm, sendAtOf } from './broadcast-form.ts';

interface Props {
  form: BroadcastForm;
  set: (patch: Partial<BroadcastForm>) => void;
  error?: string | null;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function SendTime({ form, set, error }: Props) {
  const t = useT();
  const id = useId();
  const at = sendAtOf(form);
  const today = new Date();
  const min = `${today.getFullYear()}-${pad(today.getMonth() + 1)}-${pad(today.getDate())}`;
  const errorId = `${id}-error`;
  return (
    <FormSection
      id="when"
      title={t('When')}
      description={t('Sending takes a while for a large segment: contacts are queued a page at a time.')}
    >
      <div className="form">
        <fieldset className="fieldset">
          <legend className="visually-hidden">{t('Send time')}</legend>
          <div className="segmented" data-testid="send-when">
            <label className="segmented-option">
              <input
                type="radio"
                name="when"
                checked={form.when === 'now'}
                onChange={() => set({ when: 'now' })}
              />
              <span>{t('Now')}</span>
            </label>
            <label className="segmented-option">
              <input
                type="radio"
                name="when"
                checked={form.when === 'later'}
                onChange={() => set({ when: 'later' })}
              />
              <span>{t('At a date and time')}</span>
            </label>
          </div>
        </fieldset>
        {form.when === 'later' && (
          <fieldset className="fieldset" aria-describedby={error ? errorId : `${id}-hint`}>
            <legend className="field-label">{t('Send at')}</legend>
            <div className="send-time-row">
              <label className="inline-field">
                <span>{t('Date')}</span>
                <input
                  type="date"
                  className="input"
                  min={min}
                  value={form.date}
                  aria-invalid={error ? true : undefined}
                  onChange={(e) => set({ date: e.target.value })}
                />
              </label>
              <label className="inline-field">
                <span>{t('Time')}</span>
                <input
                  type="time"
                  className="input input-time"
                  value={form.time}
                  aria-invalid={error ? true : undefined}
                  onChange={(e) => set({ time: e.target.value })}
                />
              </label>
            </div>
            {error ? (
              <p className="field-error" id={errorId} role="alert">
                {error}
              </p>
            ) : (
              <p className="field-hint" id={`${id}-hint`} data-testid="send-at-summary">
                {Number.isNaN(at)
                  ? t('Times are in {zone}.', { zone: browserTimeZone().replaceAll('_', ' ') })
                  : t('Goes out {when} ({zone}).', {
                      when: formatDateTime(new Date(at).toISOString()),
                      zone: browserTimeZone().replaceAll('_', ' '),
                    })}
              </p>
            )}
          </fieldset>
        )}
      </div>
    </FormSection>
  );
}
