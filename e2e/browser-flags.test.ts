import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchBrowser } from './helpers/browser.ts';
import { NO_MDNS } from './helpers/phone-media.ts';

/** The features Chromium says are off, as its version page prints them. */
async function disabledFeatures(browser: Browser): Promise<string[]> {
  const page = await browser.newPage();
  try {
    await page.goto('chrome://version/?show-variations-cmd');
    const text = (await page.locator('body').textContent()) ?? '';
    const list = /--disable-features="([^"]*)"/.exec(text)?.[1];
    assert.ok(list !== undefined, `no --disable-features on the version page:\n${text.slice(0, 2000)}`);
    return list.split(',');
  } finally {
    await page.close();
  }
}

describe('the test browser’s flags (Chromium)', { timeout: 60_000 }, () => {
  let browser: Browser;
  before(async () => {
    // The full Chromium: the popup is its own (the headless shell has no address bar).
    browser = await launchBrowser([NO_MDNS], { full: true });
  });
  after(async () => {
    await browser?.close();
  });

  it('a file that turns one more feature off keeps the omnibox popup off too', async () => {
    // Chromium keeps only the last --disable-features: without the merge, the phone files' list
    // turned the popup back on, two hidden renderers for every context they opened.
    const off = await disabledFeatures(browser);
    for (const feature of ['WebRtcHideLocalIpsWithMdns', 'WebUIOmniboxPopup', 'WebUIOmniboxAimPopup'])
      assert.ok(off.includes(feature), `${feature} is not off: ${off.join(', ')}`);
  });
});
