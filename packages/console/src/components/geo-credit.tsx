/** The credit DB-IP's licence (CC BY 4.0) asks of every page that shows or uses its locations. */
import { useT } from '../i18n/language-context.tsx';

export function GeoCredit() {
  const t = useT();
  return (
    <p className="geo-credit muted" data-testid="geo-credit">
      <a href="https://db-ip.com" target="_blank" rel="noreferrer">
        {t('IP Geolocation by DB-IP')}
      </a>
    </p>
  );
}
