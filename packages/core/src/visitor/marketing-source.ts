/** How a visit reached the site, in the usual analytics buckets. */
export type Channel =
  | 'direct'
  | 'search'
  | 'social'
  | 'email'
  | 'paid'
  | 'affiliate'
  | 'referral'
  | 'internal'
  | 'other';

/** Where the session came from: channel plus the UTM-style details when known. */
export interface MarketingSource {
  /** A `Channel` when classified here; a site's `marketing` attribute may name its own. */
  channel: Channel | (string & {});
  source?: string;
  medium?: string;
  campaign?: string;
}

const SEARCH =
  /(^|\.)(google|bing|yahoo|duckduckgo|baidu|yandex|ecosia|qwant|naver|seznam|startpage|brave)\./;
const SOCIAL =
  /(^|\.)(facebook|fb|instagram|twitter|x|t|linkedin|lnkd|pinterest|reddit|youtube|tiktok|snapchat|threads|mastodon|vk|weibo|whatsapp|telegram)\.(com|co|in|me|net|org|social|ru|cn)$/;
const MAIL = /(^|\.)(mail\.google|outlook\.(live|office)|mail\.yahoo|webmail|mail)\./;
const PAID_MEDIUM =
  /^(cpc|ppc|paid|paidsearch|paid_search|paid-search|cpm|cpv|cpa|display|banner|retargeting|paid_social|paidsocial)$/;
const CLICK_IDS = ['gclid', 'gbraid', 'wbraid', 'msclkid', 'fbclid', 'ttclid', 'dclid', 'li_fat_id'];

/** The host of a URL, lower-cased, or '' when there is none. */
export function hostOf(url: string | undefined): string {
  if (!url) return '';
  const start = url.indexOf('://');
  if (start < 0) return '';
  let end = start + 3;
  while (end < url.length) {
    const c = url.charCodeAt(end);
    if (c === 47 || c === 63 || c === 35 || c === 58) break; // / ? # :
    end++;
  }
  const host = url.slice(start + 3, end).toLowerCase();
  const at = host.lastIndexOf('@');
  return at >= 0 ? host.slice(at + 1) : host;
}

function queryParams(url: string): Map<string, string> {
  const out = new Map<string, string>();
  const q = url.indexOf('?');
  if (q < 0) return out;
  const hash = url.indexOf('#', q);
  const query = url.slice(q + 1, hash < 0 ? undefined : hash);
  for (const pair of query.split('&', 64)) {
    const eq = pair.indexOf('=');
    const rawKey = eq < 0 ? pair : pair.slice(0, eq);
    const rawValue = eq < 0 ? '' : pair.slice(eq + 1);
    try {
      const key = decodeURIComponent(rawKey.replaceAll('+', ' ')).toLowerCase();
      if (!out.has(key)) out.set(key, decodeURIComponent(rawValue.replaceAll('+', ' ')).slice(0, 256));
    } catch {
      // a malformed escape in someone's link is not our visitor's fault: skip the pair
    }
  }
  return out;
}

function channelOfMedium(medium: string): Channel | null {
  const m = medium.toLowerCase();
  if (PAID_MEDIUM.test(m)) return 'paid';
  if (m === 'email' || m === 'e-mail' || m === 'e_mail' || m === 'newsletter' || m === 'mail') return 'email';
  if (m === 'social' || m === 'social-network' || m === 'social-media' || m === 'sm' || m === 'social_media')
    return 'social';
  if (m === 'affiliate' || m === 'affiliates' || m === 'partner') return 'affiliate';
  if (m === 'organic' || m === 'seo') return 'search';
  if (m === 'referral' || m === 'referer' || m === 'link') return 'referral';
  return null;
}

/** The channel of a known mail, search or social host; null for any other site. */
function channelOfHost(host: string): Channel | null {
  if (MAIL.test(host)) return 'email';
  if (SEARCH.test(host)) return 'search';
  if (SOCIAL.test(host)) return 'social';
  return null;
}

/**
 * The channel a `utm_source` names: a known site ("google", "facebook.com"), a word that says how
 * the link was sent ("newsletter", "affiliate"), else `other` — a tagged link is a campaign of the
 * site's own, never a referral, whether or not the browser sent a referrer.
 */
function channelOfSource(source: string): Channel {
  const s = source.toLowerCase();
  const byHost = channelOfHost(s.includes('.') ? s : `${s}.com`);
  if (byHost) return byHost;
  const byWord = channelOfMedium(s);
  return byWord === 'email' || byWord === 'affiliate' ? byWord : 'other';
}

/**
 * Classifies a landing page URL and its referrer into a marketing source: UTM tags first (the
 * medium, then click ids, then the source), the referrer only for an untagged visit.
 */
export function classifySource(landingUrl: string, referrer: string | undefined): MarketingSource {
  const params = queryParams(landingUrl);
  const source = params.get('utm_source') || undefined;
  const medium = params.get('utm_medium') || undefined;
  const campaign = params.get('utm_campaign') || undefined;
  const refHost = hostOf(referrer);
  const pageHost = hostOf(landingUrl);
  let channel: Channel | null = null;
  if (medium) channel = channelOfMedium(medium);
  if (!channel && CLICK_IDS.some((k) => params.has(k))) channel = 'paid';
  if (!channel && source) channel = channelOfSource(source);
  if (!channel && medium) channel = 'other';
  if (!channel) {
    if (!refHost) channel = 'direct';
    else if (refHost === pageHost) channel = 'internal';
    else channel = channelOfHost(refHost) ?? 'referral';
  }
  const out: MarketingSource = { channel };
  const src = source ?? (refHost && refHost !== pageHost ? refHost : undefined);
  if (src) out.source = src;
  if (medium) out.medium = medium;
  if (campaign) out.campaign = campaign;
  return out;
}
