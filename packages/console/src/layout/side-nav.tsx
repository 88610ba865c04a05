import { LogoMark } from '../components/icons.tsx';
import { useT } from '../i18n/language-context.tsx';
import { isUnder, Link, usePath } from '../router/router.tsx';
import { useSession } from '../session/session-context.tsx';
import { useAttentionCount } from '../workspace/workspace-context.tsx';
import { NAV_ITEMS } from './nav-items.tsx';
import { useDisabledWebhooks } from './webhook-notice.ts';

/** The left navigation (a horizontal strip on narrow screens). */
export function SideNav() {
  const t = useT();
  const path = usePath();
  const attention = useAttentionCount();
  const disabledHooks = useDisabledWebhooks();
  const { user } = useSession();
  const items = NAV_ITEMS.filter((item) => !item.roles || item.roles.includes(user.role));
  return (
    <aside className="sidebar">
      <Link to="/visitors" className="brand" aria-label={t('Beckon home')}>
        <LogoMark />
        <span className="brand-name">Beckon</span>
      </Link>
      <nav className="nav" aria-label={t('Main')}>
        <ul className="nav-list">
          {items.map((item) => {
            const current = isUnder(path, item.path);
            return (
              <li key={item.path}>
                <Link
                  to={item.path}
                  className={current ? 'nav-link nav-link-current' : 'nav-link'}
                  aria-current={current ? 'page' : undefined}
                  data-testid={`nav-${item.path.slice(1)}`}
                >
                  {item.icon}
                  <span className={item.short ? 'nav-label nav-label-long' : 'nav-label'}>{item.label}</span>
                  {item.short && (
                    <span className="nav-label nav-label-short" aria-hidden="true">
                      {item.short}
                    </span>
                  )}
                  {item.path === '/settings' && disabledHooks > 0 && (
                    <span
                      className="nav-badge"
                      data-testid="nav-webhooks-off"
                      title={t('A webhook endpoint was turned off')}
                    >
                      !
                      <span className="visually-hidden">
                        {' '}
                        {t('a webhook endpoint was turned off for failing')}
                      </span>
                    </span>
                  )}
                  {item.path === '/conversations' && attention > 0 && (
                    <span className="nav-badge" data-testid="nav-attention">
                      {attention}
                      <span className="visually-hidden"> {t('waiting for you')}</span>
                    </span>
                  )}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
    </aside>
  );
}
