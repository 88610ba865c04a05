import { type Browser, chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The flags this machine needs: no sandbox, no GPU, no network chatter. And no omnibox popup:
 * headless Chromium (156) otherwise gives every window, so every browser context, two renderers
 * of its own for the address bar's popup (chrome://omnibox-popup.top-chrome/), which nobody sees.
 * They cost about 1 s of CPU per context opened and about 4 s per signed-in console.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-dev-shm-usage',
  '--disable-features=WebUIOmniboxPopup,WebUIOmniboxAimPopup',
];

/**
 * A Chromium for one test file. Under `npm test` the files share one browser that the runner
 * started (shared-browser.ts; each file gets its own contexts, and `close()` closes only those):
 * starting Chromium costs two seconds of CPU a file. A file that needs other flags, or runs on its
 * own, launches its own.
 */
export async function launchBrowser(extraArgs: string[] = []): Promise<Browser> {
  const shared = process.env.BECKON_TEST_BROWSER_WS;
  if (shared && extraArgs.length === 0) {
    try {
      return stillByDefault(await chromium.connect(shared, { timeout: 10_000 }));
    } catch {
      // The shared browser is gone (it crashed): this file launches its own.
    }
  }
  return stillByDefault(
    await chromium.launch({ executablePath: CHROMIUM_PATH, args: [...CHROMIUM_ARGS, ...extraArgs] }),
  );
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
  browser.newContext = (options = {}) => newContext({ reducedMotion: 'reduce', ...options });
  browser.newPage = (options = {}) => newPage({ reducedMotion: 'reduce', ...options });
  return browser;
}

/** Where screenshots go (gitignored); tests save what a person would look at. */
export const SHOTS_DIR = new URL('../../screenshots/', import.meta.url).pathname;
