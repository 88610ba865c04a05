/**
 * Entry of voice.js: calls and the callback form, loaded by the widget the first time a visitor
 * uses them (see `voice-loader.ts`). Most chats never call, so this stays out of widget.js.
 */
import { useLang } from '../i18n/i18n.ts';
import { createCallController } from './call-view.ts';
import { callbackForm } from './callback-form.ts';
import type { VoiceFactory } from './voice-kit.ts';

(window as unknown as { beckon: { _v(f: VoiceFactory): void } }).beckon._v((pack, mine) => {
  useLang(pack, mine);
  return { createCallController, callbackForm };
});
