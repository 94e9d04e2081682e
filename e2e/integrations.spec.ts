import crypto from "node:crypto";
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { screenshot, signIn, uniqueEmail } from "./helpers";

// The fake Stripe the app talks to in these tests (playwright.config.ts starts it).
const STRIPE = `http://127.0.0.1:${Number(process.env.E2E_STRIPE_PORT ?? 12111)}`;
const WEBHOOK_SECRET = "whsec_e2eSigningSecret0123";
// The platform's Connect endpoint secret (playwright.config.ts gives the app all four Connect variables).
const CONNECT_SECRET = "whsec_e2eConnectEndpoint0123";

const nav = (page: Page) => page.getByRole("navigation", { name: "Console" });

/** Posts an event to the app's webhook route as Stripe does: the raw body, signed with the endpoint's secret. */
async function deliver(request: APIRequestContext, endpoint: string, event: unknown, secret = WEBHOOK_SECRET) {
  const body = JSON.stringify(event);
  const t = Math.floor(Date.now() / 1000);
  const signature = `t=${t},v1=${crypto.createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
  return request.post(endpoint, { data: body, headers: { "content-type": "application/json", "stripe-signature": signature } });
}

test("a merchant connects Stripe with a restricted key, watches its events, goes live, sees a Stripe failure become a case, and disconnects", async ({
  page,
  request,
}) => {
  test.setTimeout(240_000);
  await signIn(page, uniqueEmail("stripe-owner"));
  await page.getByLabel("Business name").fill("Fenwick Stripe");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();

  await nav(page).getByRole("link", { name: "Integrations" }).click();
  await expect(page.getByRole("heading", { name: "Connect Stripe" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Permissions of the restricted key" })).toContainText("SetupIntents");
  const endpoint = await page.getByLabel("Webhook endpoint URL").inputValue();
  expect(endpoint).toMatch(/\/api\/webhooks\/stripe\?workspace=[\w-]+$/);
  await expect(page.getByRole("list", { name: "Events to send" })).toContainText("invoice.payment_failed");
  await screenshot(page, "integrations-connect");

  // Wrong keys are refused field by field before anything reaches Stripe.
  await page.getByLabel("Restricted key").fill("pk_live_notASecretKey123");
  await page.getByLabel("Publishable key").fill("pk_test_mismatch12345");
  await page.getByLabel("Webhook signing secret").fill("not-a-secret");
  await page.getByRole("button", { name: "Check and connect" }).click();
  await expect(page.getByText("Paste a restricted key (rk_live_… or rk_test_…), or a secret key (sk_…).")).toBeVisible();
  await expect(page.getByText(/Paste the signing secret \(whsec_…\)/)).toBeVisible();

  // Right keys: checked with Stripe, saved, and the page turns into the connection's health.
  await page.getByLabel("Restricted key").fill("rk_live_e2eRestrictedKey123");
  await page.getByLabel("Publishable key").fill("pk_live_e2ePublishableKey123");
  await page.getByLabel("Webhook signing secret").fill(WEBHOOK_SECRET);
  await page.getByRole("button", { name: "Check and connect" }).click();
  await expect(page.getByRole("heading", { name: "Health" })).toBeVisible();
  await expect(page.getByText("Fenwick Stripe Co")).toBeVisible();
  await expect(page.getByText("Live keys")).toBeVisible();
  await expect(page.getByText("None yet: add the webhook endpoint in Stripe.")).toBeVisible();
  await expect(page.getByText(/No event yet/)).toBeVisible();
  // No secret ever comes back to the browser.
  expect(await page.content()).not.toContain("rk_live_e2eRestrictedKey123");
  expect(await page.content()).not.toContain(WEBHOOK_SECRET);

  // A renewal fails at Stripe and Stripe tells the endpoint; while the workspace is in sandbox mode it is only recorded.
  const first = await (await request.post(`${STRIPE}/_fake/failed-renewal`, { data: "email=grace%40example.com&name=Grace%20Hopper&card=4000000000009995", headers: { "content-type": "application/x-www-form-urlencoded" } })).json();
  const acknowledged = await deliver(request, endpoint, first.event);
  expect(acknowledged.status()).toBe(200);
  expect(await acknowledged.json()).toEqual({ received: true });
  const forged = await deliver(request, endpoint, first.event, "whsec_someoneElse");
  expect(forged.status()).toBe(400);
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("cell", { name: /switch it to live/ })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole("cell", { name: /invoice\.payment_failed/ })).toBeVisible();
  await expect(page.locator("dt:text-is('Signature failures') + dd")).toContainText(/^1\s*last/);
  await expect(page.locator("dt:text-is('Events in the last 24 hours') + dd")).toHaveText("1");

  // Going live is deliberate: the workspace's name, typed.
  await page.getByLabel("Type Fenwick Stripe to confirm").fill("fenwick");
  await page.getByRole("button", { name: "Switch to live" }).click();
  await expect(page.getByText("Type the workspace's name, Fenwick Stripe, exactly, to confirm.")).toBeVisible();
  await page.getByLabel("Type Fenwick Stripe to confirm").fill("Fenwick Stripe");
  await page.getByRole("button", { name: "Switch to live" }).click();
  await expect(page.getByText("Live mode: real customers, real charges and real emails.")).toBeVisible();
  await screenshot(page, "integrations-live");

  // Now a failure at Stripe opens a case, with the decline read from the invoice's payments.
  const second = await (await request.post(`${STRIPE}/_fake/failed-renewal`, { data: "email=ada%40example.com&name=Ada%20Byron&card=4000000000009995&amount=2900", headers: { "content-type": "application/x-www-form-urlencoded" } })).json();
  expect((await deliver(request, endpoint, second.event)).status()).toBe(200);
  await nav(page).getByRole("link", { name: "Recoveries" }).click();
  await expect(page.getByRole("heading", { name: "Recoveries", level: 1 })).toBeVisible();
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("link", { name: /Ada Byron/ })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await page.getByRole("link", { name: /Ada Byron/ }).click();
  await expect(page.getByText(/insufficient_funds/).first()).toBeVisible();

  // Disconnecting stops live activity and returns the workspace to the sandbox.
  await nav(page).getByRole("link", { name: "Integrations" }).click();
  await page.getByRole("button", { name: "Disconnect Stripe" }).click();
  await page.getByRole("button", { name: "Yes, disconnect" }).click();
  await expect(page.getByRole("heading", { name: "Connect Stripe" })).toBeVisible();
  await expect(page.getByText(/Stripe was disconnected/)).toBeVisible();
  await expect(page.getByText(/Sandbox mode/).first()).toBeVisible();
  const refused = await deliver(request, endpoint, second.event);
  expect(refused.status()).toBe(400);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1)).toBe(true);
  await screenshot(page, "integrations-phone");
});

test("a merchant connects through Stripe Connect, the platform's endpoint routes the account's events, and Stripe's deauthorization disconnects", async ({
  page,
  request,
}) => {
  test.setTimeout(120_000);
  await signIn(page, uniqueEmail("connect-owner"));
  await page.getByLabel("Business name").fill("Fenwick Connect");
  await page.getByRole("button", { name: "Create workspace" }).click();
  await expect(page.getByRole("heading", { name: "Overview", level: 1 })).toBeVisible();
  await nav(page).getByRole("link", { name: "Integrations" }).click();

  // Stripe's authorize page (the fake approves at once) sends the browser back to Reclaim's callback.
  await page.getByRole("link", { name: "Connect with Stripe" }).click();
  await expect(page.getByText("Stripe is connected through Stripe Connect.")).toBeVisible();
  await expect(page.getByText("Connected through Stripe Connect.", { exact: true })).toBeVisible();
  await expect(page.getByText("acct_e2e")).toBeVisible();
  // No per-workspace endpoint to set up: the platform's Connect endpoint takes the account's events.
  await expect(page.getByLabel("Endpoint URL")).toHaveCount(0);

  const connectEndpoint = new URL("/api/webhooks/stripe", page.url()).toString();
  const failed = await (await request.post(`${STRIPE}/_fake/failed-renewal`, { data: "email=lin%40example.com&name=Lin%20Connect", headers: { "content-type": "application/x-www-form-urlencoded" } })).json();
  const routed = await deliver(request, connectEndpoint, { ...failed.event, account: "acct_e2e" }, CONNECT_SECRET);
  expect(routed.status()).toBe(200);
  const stranger = await deliver(request, connectEndpoint, { ...failed.event, id: `${failed.event.id}x`, account: "acct_nobody" }, CONNECT_SECRET);
  expect(await stranger.json()).toEqual({ received: true, ignored: "No workspace is connected to this account." });
  await expect(async () => {
    await page.reload();
    await expect(page.getByRole("cell", { name: new RegExp(failed.event.id) })).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });

  // The merchant removes Reclaim in Stripe: Stripe says so, and the workspace is disconnected.
  const gone = await deliver(request, connectEndpoint, { id: `evt_deauth_${Date.now()}`, object: "event", type: "account.application.deauthorized", livemode: true, created: Math.floor(Date.now() / 1000), account: "acct_e2e", data: { object: { id: "ca_e2e", object: "application", name: "Reclaim" } } }, CONNECT_SECRET);
  expect(gone.status()).toBe(200);
  await expect(async () => {
    await page.reload();
    await expect(page.getByText(/Stripe was disconnected.*deauthorized/)).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(page.getByRole("heading", { name: "Connect Stripe" })).toBeVisible();
});
