/** Create a site, or rename one and change its allowed origins, time zone, widget language and call recording. */
import {
  type SiteWidgetLanguage,
  WIDGET_LANGUAGE_NAMES,
  WIDGET_LANGUAGES,
} from '@beckon/protocol/widget-languages';
import { type FormEvent, useState } from 'react';
import { errorMessage } from '../../../api/http.ts';
import { createSite, updateSite } from '../../../api/sites.ts';
import type { Site } from '../../../api/types.ts';
import { Dialog, DialogFooter } from '../../../components/dialog.tsx';
import { Field } from '../../../components/field.tsx';
import { FormError } from '../../../components/form-error.tsx';
import { useT } from '../../../i18n/language-context.tsx';
import { formatOrigins, parseOrigins } from './origins.ts';
import { browserTimeZone, timeZonesWith } from './time-zones.ts';

interface SiteFormDialogProps {
  /** The site to edit; omitted to create a new one. */
  site?: Site;
  onSaved: (site: Site) => void;
  onClose: () => void;
}

export function SiteFormDialog({ site, onSaved, onClose }: SiteFormDialogProps) {
  const t = useT();
  const [name, setName] = useState(site?.name ?? '');
  const [originsText, setOriginsText] = useState(site ? formatOrigins(site.allowedOrigins) : '');
  const [timeZone, setTimeZone] = useState(site?.timeZone ?? browserTimeZone());
  const [anonymizeIp, setAnonymizeIp] = useState(site?.anonymizeIp ?? false);
  const [recordCalls, setRecordCalls] = useState(site?.recordCalls ?? false);
  const [widgetLanguage, setWidgetLanguage] = useState<SiteWidgetLanguage>(site?.widgetLanguage ?? 'auto');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [originsError, setOriginsError] = useState<string | null>(null);
  const [nameError, setNameError] = useState<string | null>(null);

  async function handleSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const trimmed = name.trim();
    const parsed = parseOrigins(originsText);
    setNameError(trimmed ? null : t('Give the site a name.'));
    setOriginsError(parsed.ok ? null : parsed.error);
    if (!trimmed || !parsed.ok) return;

    setBusy(true);
    setError(null);
    try {
      const input = {
        name: trimmed,
        allowedOrigins: parsed.origins,
        timeZone,
        anonymizeIp,
        recordCalls,
        widgetLanguage,
      };
      const saved = site ? await updateSite(site.id, input) : await createSite(input);
      onSaved(saved);
    } catch (caught) {
      setError(errorMessage(caught));
      setBusy(false);
    }
  }

  return (
    <Dialog
      title={site ? t('Edit {name}', { name: site.name }) : t('New site')}
      description={
        site
          ? t('The site key and snippet stay the same, so pages that already carry the tag keep working.')
          : t(
              'A site is a website or app that carries your tag. You get its snippet as soon as it is created.',
            )
      }
      onClose={onClose}
      busy={busy}
      testId="site-dialog"
    >
      <form onSubmit={handleSubmit} noValidate>
        <div className="dialog-body form">
          <Field label={t('Name')} error={nameError} hint={t('Shown to your team only, e.g. “Main store”.')}>
            {(props) => (
              <input
                {...props}
                className="input"
                name="name"
                autoComplete="off"
                maxLength={120}
                value={name}
                onChange={(event) => setName(event.target.value)}
              />
            )}
          </Field>
          <Field
            label={t('Allowed origins')}
            error={originsError}
            hint={t(
              'One per line, like https://shop.example.com. The tag only accepts visits from pages on these origins.',
            )}
          >
            {(props) => (
              <textarea
                {...props}
                className="input textarea mono"
                name="allowedOrigins"
                rows={4}
                spellCheck={false}
                autoCapitalize="off"
                placeholder="https://shop.example.com"
                value={originsText}
                onChange={(event) => setOriginsText(event.target.value)}
              />
            )}
          </Field>
          <Field label={t('Time zone')} hint={t('Reports count days in this time zone.')}>
            {(props) => (
              <select
                {...props}
                className="input select"
                name="timeZone"
                value={timeZone}
                onChange={(event) => setTimeZone(event.target.value)}
              >
                {timeZonesWith(timeZone).map((zone) => (
                  <option key={zone} value={zone}>
                    {zone.replaceAll('_', ' ')}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field
            label={t('Widget language')}
            hint={t(
              'Automatic follows the page’s language, then the visitor’s browser, then English. A fixed language wins over both.',
            )}
          >
            {(props) => (
              <select
                {...props}
                className="input select"
                name="widgetLanguage"
                value={widgetLanguage}
                onChange={(event) => setWidgetLanguage(event.target.value as SiteWidgetLanguage)}
              >
                <option value="auto">{t('Automatic (page, then browser)')}</option>
                {WIDGET_LANGUAGES.map((code) => (
                  <option key={code} value={code}>
                    {WIDGET_LANGUAGE_NAMES[code]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <label className="check">
            <input
              type="checkbox"
              name="anonymizeIp"
              checked={anonymizeIp}
              onChange={() => setAnonymizeIp(!anonymizeIp)}
            />
            {t('Anonymise visitor IP addresses (keep only their network: IPv4 /24, IPv6 /48)')}
          </label>
          <label className="check" data-testid="site-record-calls">
            <input
              type="checkbox"
              name="recordCalls"
              checked={recordCalls}
              onChange={(event) => setRecordCalls(event.target.checked)}
            />
            <span>
              {t('Record calls')}
              <span className="muted">
                {' '}
                {t(
                  'The visitor reads “This call is recorded” before the call starts, and the agent sees a recording sign. Recordings are kept with the conversation.',
                )}
              </span>
            </span>
          </label>
          <FormError message={error} />
        </div>
        <DialogFooter>
          <button type="button" className="button" onClick={onClose} disabled={busy}>
            {t('Cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={busy}>
            {busy ? t('Saving…') : site ? t('Save changes') : t('Create site')}
          </button>
        </DialogFooter>
      </form>
    </Dialog>
  );
}
