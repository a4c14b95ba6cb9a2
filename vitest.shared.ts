import { playwright } from '@vitest/browser-playwright';

/** Debian's Chromium, never a downloaded browser; only --disable-gpu/--disable-quic are not Playwright defaults. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export const chromiumBrowser = {
  enabled: true,
  headless: true,
  provider: playwright({
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
  }),
  instances: [{ browser: 'chromium' as const }],
};

/** Every package writes vitest's JSON report so scripts/test-all.mjs can sum the results. */
export const reporters = { reporters: ['default', 'json'], outputFile: { json: 'test-results.json' } };
