import type {
  AppStateEvent,
  PageViewEvent,
  ScreenEvent,
  VisibilityEvent,
  VisitorEvent,
} from '@beckon/protocol';
import type { VisitorState } from './visitor-shape.ts';

/**
 * An app's screens and foreground/background as the web's page views and visibility, so an app
 * session takes the same path as a web one (session, sections, time on page, purchase score,
 * segments). A screen's page URL is `app://<platform>/<name>?<params>`; its section is the page's.
 */

const APP_SCHEME = 'app://';

/** The page URL of an app screen: `app://ios/Checkout?step=2`. */
export function screenUrl(platform: string, name: string, params?: ScreenEvent['params']): string {
  let url = `${APP_SCHEME}${platform}/${encodeURIComponent(name)}`;
  if (params && Object.keys(params).length > 0) {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) q.append(k, String(v));
    url += `?${q.toString()}`;
  }
  return url;
}

/** The web event an app event stands for (fields a screen has beyond the known ones are dropped); others as they are. */
export function toWebEvent(event: VisitorEvent, platform: string): VisitorEvent {
  if (event.type === 'screen') return screenView(event, platform);
  if (event.type === 'app_state') return appVisibility(event);
  return event;
}

function screenView(e: ScreenEvent, platform: string): PageViewEvent {
  const view: PageViewEvent = {
    type: 'page_view',
    url: screenUrl(platform, e.name, e.params),
    title: e.name,
    ts: e.ts,
  };
  if (e.section !== undefined) view.sections = [e.section];
  return view;
}

function appVisibility(e: AppStateEvent): VisibilityEvent {
  return { type: 'visibility', visible: e.state === 'foreground', ts: e.ts };
}

/** True when a batch holds app events that must be translated first. */
export function hasAppEvents(events: readonly VisitorEvent[]): boolean {
  for (const e of events) if (e.type === 'screen' || e.type === 'app_state') return true;
  return false;
}

/** The app screen the visitor is on (undefined on a web page or before the first screen). */
export function currentScreen(
  state: VisitorState,
): { name: string; section: string | undefined } | undefined {
  const page = state.page;
  if (page === null || !page.url.startsWith(APP_SCHEME)) return undefined;
  return { name: page.title ?? '', section: page.sections[0] };
}
