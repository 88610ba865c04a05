// W5 weight: bytes a visitor's browser downloads for the tag and widget, and an agent's for the console.
import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { CONSOLE_BUDGET_GZIP_BYTES, consoleWeight } from '../../../packages/console/bundle-weight.ts';
import type { BenchOptions, BenchResult } from '../types.ts';
import { measureUiBundle } from './mobile-bundle.ts';

const ROOT = new URL('../../../', import.meta.url);
const gz = (file: URL) => gzipSync(readFileSync(file), { level: 9 }).length;

export default async function run(opts: BenchOptions): Promise<BenchResult> {
  const tag = new URL('packages/tag/dist/', ROOT);
  for (const f of ['loader.js', 'widget.js', 'voice.js']) {
    if (!existsSync(new URL(f, tag))) throw new Error(`packages/tag/dist/${f} is missing: run npm run build`);
  }
  const loader = gz(new URL('loader.js', tag));
  const widget = gz(new URL('widget.js', tag));
  // Calls and the callback form: fetched by the widget only when a visitor first uses them.
  const voice = gz(new URL('voice.js', tag));
  const consoleBytes = consoleWeight(new URL('packages/console/dist/', ROOT).pathname);
  const inbox = consoleBytes.signInAndInboxJs;
  // The React Native drop-in UI with the SDK under it, React and React Native left to the app (W14).
  const { ui_bundle_gzip_bytes: reactNative } = await measureUiBundle();
  opts.log(
    `loader ${loader} B, widget ${widget} B, voice ${voice} B, console JS ${consoleBytes.initialJs} B (+${consoleBytes.initialCss} B CSS), sign-in and inbox JS ${inbox} B, React Native UI ${reactNative} B, gzipped`,
  );
  return {
    workload: 'weight',
    loader_gzip_bytes: loader,
    loader_target_bytes: 3072,
    widget_gzip_bytes: widget,
    widget_target_bytes: 25600,
    voice_gzip_bytes: voice,
    voice_target_bytes: 8192,
    console_js_gzip_bytes: consoleBytes.initialJs,
    console_css_gzip_bytes: consoleBytes.initialCss,
    console_target_bytes: 256000,
    console_inbox_js_gzip_bytes: inbox,
    console_inbox_target_bytes: CONSOLE_BUDGET_GZIP_BYTES.signInAndInbox,
    react_native_ui_gzip_bytes: reactNative,
    loader_within_target: loader <= 3072,
    widget_within_target: widget <= 25600,
    voice_within_target: voice <= 8192,
    console_within_target: consoleBytes.initialJs <= 256000,
    console_inbox_within_target: inbox <= CONSOLE_BUDGET_GZIP_BYTES.signInAndInbox,
  };
}
