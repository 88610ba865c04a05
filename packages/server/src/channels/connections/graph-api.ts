/** Meta's public Graph API root; a connection's `apiBaseUrl` replaces it. */
export const GRAPH_API_BASE = 'https://graph.facebook.com';
/** The Graph API version called when `BECKON_GRAPH_API_VERSION` is unset (Meta retires each after about two years). */
export const DEFAULT_GRAPH_API_VERSION = 'v21.0';

/** The Graph API's own reason in an error body (`error.error_data.details`, else `error.message`). */
export const graphError = (body: unknown): string | undefined => {
  const e = (body as { error?: { message?: string; error_data?: { details?: string } } })?.error;
  return e?.error_data?.details ?? e?.message;
};

/** The Graph API of one version on a connection's API root. */
export const graphRoot = (apiBaseUrl: string | null, version: string) =>
  `${(apiBaseUrl ?? GRAPH_API_BASE).replace(/\/+$/, '')}/${version}`;

/** A node of the Graph API (a page, a phone number, a user) on a connection's API root. */
export const graphNode = (apiBaseUrl: string | null, node: string, version: string) =>
  `${graphRoot(apiBaseUrl, version)}/${encodeURIComponent(node)}`;
