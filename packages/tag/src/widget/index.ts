/** Entry of widget.js: loads the site's language, then registers with the loader, which hands over what to show. */
import type { BeckonApi, Widget } from '../widget-api.ts';
import { watchConsent } from './consent-watch.ts';
import { loadLang } from './i18n/lang-pack.ts';
import { createWidget, type WidgetSite } from './widget.ts';

/** The Beckon origin and the site key, from this script's own URL (`/t/widget.js?v=…&siteKey=…`). */
function site(): WidgetSite | null {
  const src = (document.currentScript as HTMLScriptElement | null)?.src;
  if (!src) return null;
  const url = new URL(src);
  const siteKey = url.searchParams.get('siteKey');
  return siteKey ? { origin: url.origin, siteKey } : null;
}

const api = (window as unknown as { beckon?: BeckonApi }).beckon;
const where = site();
if (api && typeof api._w === 'function') {
  let widget: Widget | undefined;
  // Engagements wait in the loader until the widget registers, so the first is drawn in the right language.
  void Promise.resolve(where && loadLang(where.origin, where.siteKey)).then(() =>
    api._w((host) => {
      widget = createWidget(host, where);
      return widget;
    }),
  );
  watchConsent(api, () => widget?.stop?.());
}
