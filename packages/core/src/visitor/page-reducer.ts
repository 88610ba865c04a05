import type { PageViewEvent } from '@beckon/protocol';
import { mergeMarketing } from './attr-reducer.ts';
import { Field } from './field-bits.ts';
import { classifySource } from './marketing-source.ts';
import type { PageState, VisitorState } from './visitor-shape.ts';

/** Caps that keep one visitor's section counters bounded whatever its tag sends. */
export const MAX_SECTION_NAMES = 200;

/** Everything after the host of a URL: `/checkout?x=1#y`. */
export function pathOf(url: string): string {
  const scheme = url.indexOf('://');
  if (scheme < 0) return url;
  for (let i = scheme + 3; i < url.length; i++) {
    const c = url.charCodeAt(i);
    if (c === 47) return url.slice(i);
    if (c === 63 || c === 35) return '/' + url.slice(i);
  }
  return '/';
}

/** A new page: restarts the page clock, counts the page and its sections, classifies the source once per session. */
export function applyPageView(state: VisitorState, event: PageViewEvent, now: number): number {
  let changed = Field.Page | Field.PageTime | Field.Session;
  if (state.pageViews === 0) {
    const attr = state.attrs.marketing;
    const fresh = attr !== undefined && attr.at >= state.sessionStartedAt ? attr.value : undefined;
    state.marketing = mergeMarketing(classifySource(event.url, event.referrer), fresh);
    changed |= Field.Marketing;
  }
  const sections = event.sections ?? [];
  const page: PageState = { url: event.url, path: pathOf(event.url), sections };
  if (event.title !== undefined) page.title = event.title;
  state.page = page;
  state.pageViews++;
  for (let i = 0; i < sections.length; i++) countSection(state, sections[i]!);
  state.pageStartedAt = now;
  state.visible = true;
  state.visibleSince = now;
  state.visibleMs = 0;
  state.pendingExposureId = null;
  return changed;
}

function countSection(state: VisitorState, section: string) {
  const n = state.sectionViews.get(section);
  if (n !== undefined) state.sectionViews.set(section, n + 1);
  else if (state.sectionViews.size < MAX_SECTION_NAMES) state.sectionViews.set(section, 1);
}

/** Labels the current page (single-page apps label after load); each new label counts the page once. */
export function applySections(state: VisitorState, sections: string[]): number {
  const page = state.page;
  if (page === null) return 0;
  for (const s of sections) if (!page.sections.includes(s)) countSection(state, s);
  page.sections = sections;
  return Field.Page | Field.Session;
}

/** Pauses or resumes the page clock, so time on page counts visible time only. */
export function applyVisibility(state: VisitorState, visible: boolean, now: number): number {
  if (visible === state.visible) return 0;
  if (visible) {
    state.visibleSince = now;
  } else if (now > state.visibleSince) {
    state.visibleMs += now - state.visibleSince;
  }
  state.visible = visible;
  return Field.PageTime;
}
