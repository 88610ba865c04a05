import {
  badParameter,
  MEDIA_HEADER_FORMATS,
  missingVariable,
  renderTemplate,
  type TemplateHeaderLocation,
  type TemplateValues,
  variablesOf,
  type WhatsAppTemplate,
} from '@beckon/protocol/whatsapp-templates';
import { AppError } from '../../errors.ts';
import type { ChannelConnection } from '../../store/channel-connections-repo.ts';
import type { StoredTemplate } from '../../store/whatsapp-templates-repo.ts';
import { graphRoot } from '../connections/graph-api.ts';
import { callProvider, type ProviderHttp } from '../connections/provider-http.ts';
import { graphError } from './whatsapp-channel.ts';

/** One component of a template as the Graph API lists it (`GET /{waba-id}/message_templates`). */
interface MetaComponent {
  type?: string;
  format?: string;
  text?: string;
  buttons?: { type?: string; text?: string; url?: string; phone_number?: string }[];
}

/** A template as the Graph API lists it. */
interface MetaTemplate {
  name?: string;
  language?: string;
  status?: string;
  category?: string;
  parameter_format?: string;
  components?: MetaComponent[];
}

/** Pages followed at most in one sync: 50 × 100 templates is far beyond Meta's per-account limit. */
const MAX_PAGES = 50;

/** A stored template as the console and the API show it: its parts, its variables, whether we can send it. */
export function templateView(t: StoredTemplate): WhatsAppTemplate {
  const components = Array.isArray(t.raw.components) ? (t.raw.components as MetaComponent[]) : [];
  const part = (type: string) => components.find((c) => c?.type?.toUpperCase() === type);
  const header = part('HEADER');
  const format = header?.format?.toUpperCase() ?? 'TEXT';
  const buttons = (part('BUTTONS')?.buttons ?? []).map((b) => ({
    type: String(b.type ?? ''),
    text: String(b.text ?? ''),
    ...(b.url ? { url: b.url } : {}),
    ...(b.phone_number ? { phoneNumber: b.phone_number } : {}),
  }));
  const headerText = header && format === 'TEXT' ? (header.text ?? '') : null;
  let unsupported: string | null = null;
  if (header && format !== 'TEXT' && format !== 'LOCATION' && !isMediaFormat(format))
    unsupported = `a ${format.toLowerCase()} header is not sent yet`;
  else if (buttons.some((b) => b.url && variablesOf(b.url).length > 0))
    unsupported = 'a link button with a variable is not sent yet';
  return {
    name: t.name,
    language: t.language,
    status: t.status,
    category: t.category,
    parameterFormat: String(t.raw.parameter_format).toUpperCase() === 'NAMED' ? 'named' : 'positional',
    header: header ? { format, text: headerText } : null,
    body: part('BODY')?.text ?? '',
    footer: part('FOOTER')?.text ?? null,
    buttons,
    variables: { header: variablesOf(headerText), body: variablesOf(part('BODY')?.text) },
    unsupported,
  };
}

const isMediaFormat = (f: string): f is (typeof MEDIA_HEADER_FORMATS)[number] =>
  (MEDIA_HEADER_FORMATS as readonly string[]).includes(f);

/** A template header's media or place, resolved to what Meta fetches (a link, never our ids). */
export type HeaderInput =
  | { media: { link: string; filename?: string | undefined; label?: string | undefined } }
  | { location: TemplateHeaderLocation };

/**
 * The header component of a media or location header, as the Cloud API documents it:
 * `{ type: "header", parameters: [{ type: "image", image: { link } }] }` (a document also names
 * its `filename`; a location gives `latitude`, `longitude`, `name`, `address`). Throws 400 when
 * the template's header needs what was not given, or was given what it has no place for.
 */
function headerComponent(
  t: WhatsAppTemplate,
  header: HeaderInput | undefined,
): { component: Record<string, unknown>; what: string | null } | null {
  const format = t.header?.format ?? 'TEXT';
  if (format === 'TEXT') {
    if (header)
      throw new AppError(400, 'template_header_unexpected', `${t.name} has no media or location header`);
    return null;
  }
  if (format === 'LOCATION') {
    if (!header || !('location' in header))
      throw new AppError(
        400,
        'template_header_missing',
        '/headerLocation: this template starts with a location: give its latitude and longitude',
      );
    const l = header.location;
    const location = {
      latitude: l.latitude,
      longitude: l.longitude,
      ...(l.name ? { name: l.name } : {}),
      ...(l.address ? { address: l.address } : {}),
    };
    return {
      component: { type: 'header', parameters: [{ type: 'location', location }] },
      what: l.name || `${l.latitude}, ${l.longitude}`,
    };
  }
  const kind = format.toLowerCase();
  if (!header || !('media' in header))
    throw new AppError(
      400,
      'template_header_missing',
      `/headerMedia: this template starts with a file (${kind}): upload one or give its link`,
    );
  const { link, filename, label } = header.media;
  const object = { link, ...(kind === 'document' && filename ? { filename } : {}) };
  return {
    component: { type: 'header', parameters: [{ type: kind, [kind]: object }] },
    what: label ?? filename ?? link,
  };
}

/**
 * Checks a send of template `t` with `values` (and its header's media or place): approved,
 * sendable by us, every variable filled and none that Meta would refuse. Answers the text agents
 * read and the Graph API's `template` object (`name`, `language.code`, `components` with their
 * parameters).
 */
export function templateMessage(
  t: WhatsAppTemplate,
  values: TemplateValues = {},
  header?: HeaderInput,
): { text: string; template: Record<string, unknown> } {
  if (t.status !== 'APPROVED')
    throw new AppError(409, 'template_not_approved', `the template ${t.name} is ${t.status}, not APPROVED`);
  if (t.unsupported) throw new AppError(409, 'template_not_supported', `${t.name}: ${t.unsupported}`);
  const missing = missingVariable(t, values);
  if (missing) throw new AppError(400, 'template_variable_missing', `/values: fill ${missing}`);
  const media = headerComponent(t, header);
  const components: Record<string, unknown>[] = media ? [media.component] : [];
  for (const part of ['header', 'body'] as const) {
    const names = t.variables[part];
    if (names.length === 0) continue;
    const parameters = names.map((name) => {
      const text = values[part]![name]!.trim();
      const bad = badParameter(text);
      if (bad) throw new AppError(400, 'invalid_template_value', `/values/${part}/${name}: ${bad}`);
      return t.parameterFormat === 'named'
        ? { type: 'text', parameter_name: name, text }
        : { type: 'text', text };
    });
    components.push({ type: part, parameters });
  }
  const trimmed: TemplateValues = {
    header: Object.fromEntries(Object.entries(values.header ?? {}).map(([k, v]) => [k, v.trim()])),
    body: Object.fromEntries(Object.entries(values.body ?? {}).map(([k, v]) => [k, v.trim()])),
  };
  return {
    text: renderTemplate(t, trimmed, media?.what ?? null),
    template: {
      name: t.name,
      language: { code: t.language },
      ...(components.length > 0 ? { components } : {}),
    },
  };
}

/**
 * Reads every template of the connection's WhatsApp Business Account from the Graph API
 * (`GET /{version}/{waba-id}/message_templates`), following its pages. Throws with the provider's
 * reason; a connection without its account id cannot list any.
 */
export async function fetchTemplates(
  conn: ChannelConnection,
  http: ProviderHttp,
  version: string,
): Promise<Omit<StoredTemplate, 'syncedAt'>[]> {
  const waba = conn.config.wabaId;
  if (!waba)
    throw new AppError(
      409,
      'waba_id_missing',
      'this connection has no WhatsApp Business Account id: add it to read its templates',
    );
  const base = graphRoot(conn.apiBaseUrl, version);
  const fields = 'name,language,status,category,components,parameter_format';
  let url: string | undefined =
    `${base}/${encodeURIComponent(waba)}/message_templates?fields=${fields}&limit=100`;
  const out: Omit<StoredTemplate, 'syncedAt'>[] = [];
  for (let page = 0; url && page < MAX_PAGES; page++) {
    const r: { data?: MetaTemplate[]; paging?: { next?: string } } | undefined = await callProvider(
      url,
      { method: 'GET', headers: { authorization: `Bearer ${conn.config.accessToken}` } },
      http,
      graphError,
    );
    for (const t of r?.data ?? []) {
      if (!t?.name || !t.language) continue;
      out.push({
        name: t.name,
        language: t.language,
        status: String(t.status ?? 'UNKNOWN').toUpperCase(),
        category: String(t.category ?? 'UNKNOWN').toUpperCase(),
        raw: { components: t.components ?? [], parameter_format: t.parameter_format ?? 'POSITIONAL' },
      });
    }
    // The next page lives on the same API root; a link elsewhere is not followed with our token.
    const next: string | undefined = r?.paging?.next;
    url = next?.startsWith(`${base}/`) ? next : undefined;
  }
  return out;
}
