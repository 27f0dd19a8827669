// A Playwright suite written as a team on Clerk writes one with
// @clerk/testing, run against examples/react on localclerk. Only the
// environment differs from a run against a Clerk development instance:
// APP_URL, VITE_CLERK_PUBLISHABLE_KEY, CLERK_SECRET_KEY and CLERK_API_URL
// (the lines examples/react/api writes to .env.local), and CHROMIUM, the
// browser to drive (Debian's chromium; Playwright's own download is not
// needed).
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: './tests',
  globalSetup: './global-setup.mjs',
  fullyParallel: true,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  outputDir: process.env.PLAYWRIGHT_OUTPUT || 'test-results',
  use: {
    baseURL: process.env.APP_URL,
    browserName: 'chromium',
    launchOptions: {
      executablePath: process.env.CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--disable-background-networking',
        '--disable-component-update', '--disable-sync', '--no-first-run'],
    },
    trace: 'off',
  },
});
