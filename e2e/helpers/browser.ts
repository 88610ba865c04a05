import { existsSync } from 'node:fs';
import { type Browser, chromium, type Locator, type Page } from 'playwright-core';

/** The Chromium a person runs (Debian's `chromium`). */
export const FULL_CHROMIUM_PATH = '/usr/bin/chromium';
/**
 * Chromium's headless shell (Debian's `chromium-headless-shell`), which Playwright itself runs for
 * headless Chromium: the same engine without the browser's windows and services. The e2e files
 * took 1,212 s of the machine's CPU with it against 1,509 s with the full Chromium (670 s of wall
 * time against 817 s). Without it, the full Chromium.
 */
const HEADLESS_SHELL_PATH = '/usr/bin/chromium-headless-shell';

export const CHROMIUM_PATH =
  process.env.CHROMIUM_PATH ?? (existsSync(HEADLESS_SHELL_PATH) ? HEADLESS_SHELL_PATH : FULL_CHROMIUM_PATH);

/**
 * The flags this machine needs: no sandbox, no GPU, no network chatter. And no omnibox popup:
 * headless Chromium (156) otherwise gives every window, so every browser context, two renderers
 * of its own for the address bar's popup (chrome://omnibox-popup.top-chrome/), which nobody sees.
 * They cost about 1 s of CPU per context opened and about 4 s per signed-in console.
 */
const BASE_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-dev-shm-usage',
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup',
];

const DISABLE_FEATURES = '--disable-features=';

/**
 * The base flags and `extra`, with every `--disable-features` list merged into one. Chromium keeps
 * only the last such flag (`chrome://version/?show-variations-cmd` shows what holds), so a test's
 * own list would turn the omnibox popup back on. It also overrides Playwright's list (HttpsUpgrades,
 * ThirdPartyStoragePartitioning, …): those stay as Chromium ships them, as in a shopper's browser;
 * with them off, a widget file's Chromium used no less CPU (21–22 s against 19–20 s).
 */
export function chromiumArgs(extra: string[] = []): string[] {
  const features = new Set<string>();
  const args: string[] = [];
  for (const arg of [...BASE_ARGS, ...extra]) {
    if (arg.startsWith(DISABLE_FEATURES))
      for (const f of arg.slice(DISABLE_FEATURES.length).split(',')) features.add(f);
    else args.push(arg);
  }
  return [...args, `${DISABLE_FEATURES}${[...features].join(',')}`];
}

export const CHROMIUM_ARGS = chromiumArgs();

/**
 * A Chromium for one test file. Under `npm test` the files share one browser that the runner
 * started (shared-browser.ts; each file gets its own contexts, and `close()` closes only those):
 * starting Chromium costs two seconds of CPU a file. A file that needs other flags, or runs on its
 * own, launches its own.
 *
 * `full`: the full Chromium, for what only it does as a person's browser does. The headless shell
 * denies desktop notifications without asking (`Notification.permission` is "denied", and a
 * DevTools override to "prompt" does not change it); the full one asks ("default").
 */
export async function launchBrowser(
  extraArgs: string[] = [],
  { full = false }: { full?: boolean } = {},
): Promise<Browser> {
  const shared = process.env.BECKON_TEST_BROWSER_WS;
  if (shared && extraArgs.length === 0 && !full) {
    try {
      return stillByDefault(await chromium.connect(shared, { timeout: 10_000 }));
    } catch {
      // The shared browser is gone (it crashed): this file launches its own.
    }
  }
  const executablePath = full ? FULL_CHROMIUM_PATH : CHROMIUM_PATH;
  return stillByDefault(await chromium.launch({ executablePath, args: chromiumArgs(extraArgs) }));
}

/**
 * Pages open as for a person who asked for less motion, unless a test says otherwise
 * (`reducedMotion: 'no-preference'`). A page left open with an endless animation (the live dot,
 * a connected visitor's pulse, typing dots) costs its renderer about an eighth of a core, and the
 * suite holds several such pages open at a time. The product honours the preference, so what the
 * tests check is what such a person sees.
 */
function stillByDefault(browser: Browser): Browser {
  const newContext = browser.newContext.bind(browser);
  const newPage = browser.newPage.bind(browser);
  browser.newContext = async (options = {}) => {
    const context = await newContext({ reducedMotion: 'reduce', ...options });
    const contextPage = context.newPage.bind(context);
    context.newPage = async () => {
      const page = await contextPage();
      skipShotsUnderCi(page);
      return page;
    };
    return context;
  };
  browser.newPage = async (options = {}) => {
    const page = await newPage({ reducedMotion: 'reduce', ...options });
    skipShotsUnderCi(page);
    return page;
  };
  return browser;
}

/** Where screenshots go (gitignored); tests save what a person would look at. */
export const SHOTS_DIR = new URL('../../screenshots/', import.meta.url).pathname;

/**
 * Under CI nobody opens the screenshots a test saves for people to look at, and a full-page
 * capture costs Chromium about a second of CPU: there, a screenshot into SHOTS_DIR only waits for
 * what it would have shown to be visible. `BECKON_SCREENSHOTS=1` saves them under CI too. A
 * screenshot a test reads (no path, or a path elsewhere) is always taken.
 */
const SKIP_SHOTS = process.env.CI === 'true' && process.env.BECKON_SCREENSHOTS !== '1';
let shotsPatched = !SKIP_SHOTS;

function skipShotsUnderCi(page: Page): void {
  if (shotsPatched) return;
  shotsPatched = true;
  const forPeople = (options?: { path?: string }) => options?.path?.startsWith(SHOTS_DIR) === true;
  const pageProto = Object.getPrototypeOf(page) as Page;
  const pageShot = pageProto.screenshot;
  pageProto.screenshot = function (this: Page, options) {
    return forPeople(options) ? Promise.resolve(Buffer.alloc(0)) : pageShot.call(this, options);
  };
  const locatorProto = Object.getPrototypeOf(page.locator('body')) as Locator;
  const locatorShot = locatorProto.screenshot;
  locatorProto.screenshot = async function (this: Locator, options) {
    if (!forPeople(options)) return locatorShot.call(this, options);
    await this.waitFor({ state: 'visible', timeout: options?.timeout });
    return Buffer.alloc(0);
  };
}

/**
 * Waits for `wait`; when it fails, the error also says what `report` found instead (what the page
 * showed, what the server kept), so a failed wait names the step that fell short.
 */
export async function orReport<T>(wait: Promise<T>, report: () => Promise<string>): Promise<T> {
  try {
    return await wait;
  } catch (err) {
    const found = await report().catch((e: unknown) => `(no report: ${String(e)})`);
    throw new Error(`${(err as Error).message}\n${found}`);
  }
}
