/** "Chrome on macOS" from a User-Agent header: enough for a person to recognise their device. */
import { t } from '../../../i18n/i18n.ts';

const BROWSERS: Array<[RegExp, string]> = [
  [/Edg\//, 'Edge'],
  [/OPR\/|Opera/, 'Opera'],
  [/Firefox\//, 'Firefox'],
  [/Chrome\/|CriOS\//, 'Chrome'],
  [/Safari\//, 'Safari'],
  [/curl\//, 'curl'],
];
const SYSTEMS: Array<[RegExp, string]> = [
  [/iPhone|iPad|iPod/, 'iOS'],
  [/Android/, 'Android'],
  [/Mac OS X|Macintosh/, 'macOS'],
  [/Windows/, 'Windows'],
  [/CrOS/, 'ChromeOS'],
  [/Linux/, 'Linux'],
];

export function describeDevice(userAgent: string | null): string {
  if (!userAgent) return t('Unknown device');
  const browser = BROWSERS.find(([re]) => re.test(userAgent))?.[1];
  const system = SYSTEMS.find(([re]) => re.test(userAgent))?.[1];
  if (browser && system) return t('{browser} on {os}', { browser, os: system });
  return browser ?? system ?? userAgent.slice(0, 40);
}

/** How a session signed in, in the console's language. */
export function describeMethod(method: string | null): string {
  switch (method) {
    case 'password+totp':
      return t('Password and app code');
    case 'password+recovery':
      return t('Password and recovery code');
    case 'oidc':
      return t('Single sign-on');
    default:
      return t('Password');
  }
}
