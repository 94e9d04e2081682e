import { defineConfig, devices } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3100);
const baseURL = `http://localhost:${port}`;
const stripePort = Number(process.env.E2E_STRIPE_PORT ?? 12111);

// Debian's Chromium (the machines cannot download Playwright's own browsers).
const chromium = {
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
  ],
};

export default defineConfig({
  testDir: "./e2e",
  outputDir: "./test-results/e2e",
  fullyParallel: false,
  workers: 1,
  forbidOnly: Boolean(process.env.CI),
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"], ["html", { open: "never" }]] : "list",
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: chromium,
  },
  projects: [
    { name: "desktop", testIgnore: /phone\.spec\.ts/, use: { ...devices["Desktop Chrome"], viewport: { width: 1366, height: 900 }, launchOptions: chromium } },
    {
      name: "phone",
      testMatch: /phone\.spec\.ts/,
      use: { ...devices["Pixel 7"], launchOptions: chromium },
    },
  ],
  // A local server that speaks Stripe's API (Stripe cannot be reached from here), then the production build against a
  // fresh embedded database, with the sandbox outbox and dev mailbox on, talking to that Stripe.
  webServer: [
    {
      command: `npx tsx server/testing/fake-stripe/main.ts --port ${stripePort}`,
      url: `http://127.0.0.1:${stripePort}/_fake/health`,
      timeout: 60_000,
      reuseExistingServer: !process.env.CI,
      stdout: "pipe",
    },
    {
      command: `rm -rf .data/e2e && npx next build && npx next start -p ${port}`,
      url: `${baseURL}/api/health`,
      timeout: 300_000,
      reuseExistingServer: !process.env.CI,
      stdout: "pipe",
      env: {
        NODE_ENV: "production",
        NEXT_TELEMETRY_DISABLED: "1",
        RECLAIM_DATA_DIR: ".data/e2e",
        DATABASE_URL: "",
        RESEND_API_KEY: "",
        AUTH_SECRET: "e2e-only-secret-0123456789abcdef0123456789",
        RECLAIM_ENCRYPTION_KEY: "ZTJlLW9ubHkta2V5LTAxMjM0NTY3ODlhYmNkZWYwMTI=",
        APP_URL: baseURL,
        DEV_MAILBOX: "true",
        RECLAIM_SEED_DEMO: "true",
        STRIPE_API_URL: `http://127.0.0.1:${stripePort}`,
        // A Stripe Connect platform, so "Connect with Stripe" is offered (e2e/integrations.spec.ts).
        STRIPE_SECRET_KEY: "sk_test_e2ePlatformKey0123",
        STRIPE_PUBLISHABLE_KEY: "pk_test_e2ePlatformKey0123",
        STRIPE_CONNECT_CLIENT_ID: "ca_e2ePlatform0123",
        STRIPE_CONNECT_WEBHOOK_SECRET: "whsec_e2eConnectEndpoint0123",
      },
    },
  ],
});
