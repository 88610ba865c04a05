/**
 * A tiny History-API router. The server returns index.html for every /console/* path, so the
 * console owns everything under its base; routes are written without the base ("/settings/sites").
 */
import { type AnchorHTMLAttributes, type MouseEvent, useEffect, useSyncExternalStore } from 'react';

const BASE = import.meta.env.BASE_URL.replace(/\/$/, ''); // "/console"
const NAVIGATE_EVENT = 'beckon:navigate';

/** The current path inside the console, always starting with "/" and without a trailing slash. */
function readPath(): string {
  let path = window.location.pathname;
  if (path === BASE || path.startsWith(BASE + '/')) path = path.slice(BASE.length);
  path = path.replace(/\/+$/, '');
  return path === '' ? '/' : path;
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(NAVIGATE_EVENT, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(NAVIGATE_EVENT, onChange);
  };
}

/** Re-renders the caller whenever the console path changes. */
export function usePath(): string {
  return useSyncExternalStore(subscribe, readPath, () => '/');
}

/** The full URL path for a console route, e.g. "/settings" → "/console/settings". */
export function href(to: string): string {
  return BASE + (to.startsWith('/') ? to : '/' + to);
}

export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = href(to);
  if (url === window.location.pathname) return;
  if (options.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(NAVIGATE_EVENT));
  if (!options.replace) window.scrollTo(0, 0);
}

interface LinkProps extends Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> {
  to: string;
}

/** A real anchor (open in new tab, copy link all work) that navigates in place on a plain click. */
export function Link({ to, onClick, ...rest }: LinkProps) {
  function handleClick(event: MouseEvent<HTMLAnchorElement>) {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey ||
      (rest.target && rest.target !== '_self')
    ) {
      return;
    }
    event.preventDefault();
    navigate(to);
  }
  return <a href={href(to)} onClick={handleClick} {...rest} />;
}

/** Whether `path` is `prefix` or below it ("/settings/sites" is under "/settings"). */
export function isUnder(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(prefix + '/');
}

/** Sends the browser to another console route, replacing the current history entry. */
export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
