import { pack } from '../i18n/i18n.ts';
import type { VoiceFactory, VoiceKit } from './voice-kit.ts';

declare const __VOICE_VERSION__: string;

/** The widget script's nonce, read while it runs: a page whose CSP allowed the widget allows voice.js too. */
const nonce = (document.currentScript as HTMLScriptElement | null)?.nonce;
let kit: Promise<VoiceKit> | undefined;

/**
 * Loads voice.js once, by its content hash (cached for a year), from the widget's own origin.
 * A failed load is tried again on the next use.
 */
export function loadVoice(origin: string): Promise<VoiceKit> {
  kit ??= new Promise((resolve, reject) => {
    (window as unknown as { beckon: { _v(f: VoiceFactory): void } }).beckon._v = (factory) =>
      resolve(factory(pack, navigator.languages));
    const s = document.createElement('script');
    s.src = `${origin}/t/voice.js?v=${__VOICE_VERSION__}`;
    if (nonce) s.nonce = nonce;
    s.onerror = () => {
      kit = undefined;
      reject(new Error('voice.js'));
    };
    document.head.append(s);
  });
  return kit;
}
