// Debian's Chromium driven by playwright-core (no bundled browser download).
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

export interface BrowserHandle {
  browser: Browser;
  newContext(options?: Parameters<Browser['newContext']>[0]): Promise<BrowserContext>;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<BrowserHandle> {
  // launch() gives every run a fresh, throwaway user data dir of its own
  // (it refuses an explicit --user-data-dir), and each context is isolated.
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
    headless: true,
  });
  return {
    browser,
    newContext: (options) => browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 800 }, ...options }),
    close: () => browser.close(),
  };
}
