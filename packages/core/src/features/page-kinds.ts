/** The three kinds of page the UCI data counts separately. */
export type PageKind = 'administrative' | 'informational' | 'product';

export const PAGE_KINDS: readonly PageKind[] = ['administrative', 'informational', 'product'];

/** Numeric page kinds in the hot path: the index in PAGE_KINDS, or NO_KIND. */
export const NO_KIND = -1;

/**
 * Section labels mapped to page kinds when a site has not said otherwise: the shop's catalogue and
 * purchase funnel are product pages, content is informational, the customer's own pages administrative.
 */
export const DEFAULT_SECTION_KINDS: Readonly<Record<string, PageKind>> = Object.freeze({
  product: 'product',
  products: 'product',
  category: 'product',
  categories: 'product',
  collection: 'product',
  catalog: 'product',
  shop: 'product',
  search: 'product',
  cart: 'product',
  basket: 'product',
  checkout: 'product',
  confirmation: 'product',
  help: 'informational',
  faq: 'informational',
  support: 'informational',
  blog: 'informational',
  about: 'informational',
  news: 'informational',
  home: 'informational',
  account: 'administrative',
  login: 'administrative',
  signin: 'administrative',
  register: 'administrative',
  signup: 'administrative',
  contact: 'administrative',
  orders: 'administrative',
  profile: 'administrative',
});

/** A site's section-to-kind mapping, compiled for lookups (keys lower-cased). */
export interface SectionKinds {
  readonly byLabel: ReadonlyMap<string, number>;
  /** Kind of a page without any mapped label (the home page, say); NO_KIND counts it in no kind. */
  readonly unlabelled: number;
}

/**
 * Compiles a site's mapping: its own labels over the defaults (a label mapped to null is removed),
 * and the kind unlabelled pages count as.
 */
export function compileSectionKinds(
  custom: Readonly<Record<string, PageKind | null>> = {},
  unlabelled: PageKind | null = 'informational',
): SectionKinds {
  const byLabel = new Map<string, number>();
  for (const [label, kind] of Object.entries(DEFAULT_SECTION_KINDS))
    byLabel.set(label, PAGE_KINDS.indexOf(kind));
  for (const [label, kind] of Object.entries(custom)) {
    const key = label.trim().toLowerCase();
    if (kind === null) byLabel.delete(key);
    else byLabel.set(key, PAGE_KINDS.indexOf(kind));
  }
  return { byLabel, unlabelled: unlabelled === null ? NO_KIND : PAGE_KINDS.indexOf(unlabelled) };
}

/** Default mapping, shared by every site that has none of its own. */
export const DEFAULT_KINDS: SectionKinds = compileSectionKinds();

/** The kind of a page from its section labels: the first label the mapping knows decides. */
export function pageKindOf(sections: readonly string[], kinds: SectionKinds): number {
  for (let i = 0; i < sections.length; i++) {
    const label = sections[i]!;
    const kind = kinds.byLabel.get(label) ?? kinds.byLabel.get(label.toLowerCase());
    if (kind !== undefined) return kind;
  }
  return kinds.unlabelled;
}
