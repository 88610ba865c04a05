/** An app session's platform and version ("iOS 3.2.0"), beside its device in the list and the visitor page. */
import type { VisitorSummary } from '../../api/types.ts';
import { useT } from '../../i18n/language-context.tsx';
import './app-badge.css';

const PLATFORMS = { ios: 'iOS', android: 'Android' } as const;

export function AppBadge({ app }: { app: VisitorSummary['app'] }) {
  const t = useT();
  if (!app) return null;
  return (
    <span
      className="tag tag-app"
      data-testid="visitor-app"
      title={t('In the app, version {version}', { version: app.version })}
    >
      {PLATFORMS[app.platform]} {app.version}
    </span>
  );
}

/** True for a page that is an app's screen (`app://ios/Cart?items=2`). */
export const isScreen = (url: string): boolean => url.startsWith('app://');

/** A screen's parameters as they read ("items=2"), or '' without any. */
export function screenParams(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? '' : decodeURIComponent(url.slice(q + 1).replace(/&/g, ' · '));
}
