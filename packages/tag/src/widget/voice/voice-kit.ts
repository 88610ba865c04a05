import type { Pack } from '../i18n/i18n.ts';
import type { createCallController } from './call-view.ts';
import type { callbackForm } from './callback-form.ts';

/** What voice.js hands the widget: calls and the "Call me back" form. */
export interface VoiceKit {
  createCallController: typeof createCallController;
  callbackForm: typeof callbackForm;
}

/** voice.js calls `window.beckon._v(factory)`; the widget gives it the language it already loaded. */
export type VoiceFactory = (pack: Pack, mine: readonly string[]) => VoiceKit;
