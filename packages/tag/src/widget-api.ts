import type { EngageFrame, ExposureOutcome, IdentifyEvent } from '@beckon/protocol';

/** What the loader hands the widget: the one way back to the server. */
export interface WidgetHost {
  /** Reports what the visitor did with an exposure (shown, accepted, dismissed, clicked). */
  outcome(exposureId: string, outcome: ExposureOutcome): void;
  /** The page's last identify with a userHash (a signed-in user the site vouches for), if any. */
  identity?(): IdentifyEvent | undefined;
}

/** The lazily loaded widget: renders what the server asks to engage the visitor with. */
export interface Widget {
  /**
   * Shows an engagement; without one the widget only comes up (to bring back an open chat, a chat
   * a link names, or a signed-in user's conversation).
   */
  show(frame?: EngageFrame): void;
  /** Consent withdrawn: everything shown goes, the chat ends and nothing of it is kept. */
  stop?(): void;
}

/** `widget.js` calls `window.beckon._w(factory)` once it has loaded. */
export type WidgetFactory = (host: WidgetHost) => Widget;

/**
 * The `window.beckon` function once the loader runs: `beckon('visitorId')` answers the visitor's
 * id; any other call is a command, as `push` takes it (`beckon('consent', true)`).
 */
export interface BeckonApi {
  (what: 'visitorId'): string;
  (...command: unknown[]): void;
  push(...commands: unknown[][]): void;
  /** Loader version, so a second copy of the tag on the page stands down. */
  v: number;
  _w(factory: WidgetFactory): void;
}
