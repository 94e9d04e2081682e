/**
 * Stripe for real, end to end on the server: signed webhook deliveries (made by the fake Stripe with
 * Stripe's own signing scheme) through `receiveStripeWebhook`, processing by the scheduler's
 * `processDueWebhookEvents`, and the recovery domain acting through the Stripe provider, with the
 * real `stripe` SDK talking to a local server that speaks Stripe's API. Covers the failure-to-recovery
 * flow, duplicates and reordering, a retry that fails with a new decline code, Stripe's own retry,
 * the card updater, final actions, refused deliveries, and deauthorization.
 */
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  billingConnections,
  paymentAttempts,
  recoveryCases,
  scheduledActions,
  subscriptions,
  timelineEvents,
  webhookEvents,
  workspaces,
} from "@/server/db/schema";
import { claimAction, nextPendingAction, performAction } from "@/server/recovery/actions";
import { createCardUpdateLink } from "@/server/recovery/card-update-links";
import type { RecoveryDeps } from "@/server/recovery/ports";
import { secretKeyFrom } from "@/server/security/secrets";
import { FakeStripe } from "@/server/testing/fake-stripe/server";
import { createHarness, createScenarioWorkspace, openScenarioDatabase, type Harness, type ScenarioWorkspace } from "@/server/testing/recovery";
import { finishLiveCardUpdate, startLiveCardUpdate } from "./card-update-page";
import { createStripeClient } from "./client";
import { checkStripeKey, saveApiKeyConnection, saveOAuthConnection, type StripePlatform } from "./connections";
import { processDueWebhookEvents, type StripeRuntime } from "./process";
import { createStripeProvider, type StripeAccess } from "./provider";
import { scanDueConnections } from "./scan";
import { receiveStripeWebhook } from "./webhooks";

const database = await openScenarioDatabase();
const db = database.db;
const secretKey = secretKeyFrom(Buffer.alloc(32, 7).toString("base64"));
const WEBHOOK_SECRET = "whsec_test_reclaim_connection";
const CONNECT_SECRET = "whsec_test_reclaim_platform";
const API_KEY = "rk_live_reclaim_test_key";

const fake = new FakeStripe({ livemode: true, account: { id: "acct_merchant", name: "Acme Cloud" } });
let platform: StripePlatform;
let h: Harness;
let deps: RecoveryDeps;
let runtime: StripeRuntime;
let access: StripeAccess;
let ws: ScenarioWorkspace;
let connectionId: string;

beforeAll(async () => {
  await fake.start();
  platform = {
    apiUrl: fake.url,
    connect: { secretKey: "sk_live_platform", publishableKey: "pk_live_platform", clientId: "ca_platform", webhookSecret: CONNECT_SECRET },
  };
  h = createHarness(database, { start: new Date() });
  access = { stripe: createStripeClient({ apiKey: API_KEY, apiUrl: fake.url }), stripeAccount: null };
  const provider = createStripeProvider(access);
  deps = { ...h.deps, billing: async () => provider };
  runtime = { deps, secretKey, platform, access: () => access };
  ws = await createScenarioWorkspace(h, { label: "stripe-live", start: new Date() });
  const check = await checkStripeKey(API_KEY, platform);
  if (!check.ok) throw new Error(check.message);
  const connection = await saveApiKeyConnection(db, secretKey, { workspaceId: ws.id, apiKey: API_KEY, webhookSecret: WEBHOOK_SECRET, publishableKey: "pk_live_merchant", check });
  connectionId = connection.id;
  await db.update(workspaces).set({ mode: "live" }).where(eq(workspaces.id, ws.id));
}, 60_000);

afterAll(() => fake.stop());

/** Delivers an event to the route's logic as Stripe would (signed now), then lets the scheduler process what is due. */
async function deliver(event: Record<string, unknown>, options: { secret?: string; workspace?: string | null; timestamp?: number } = {}) {
  const { body, signature } = FakeStripe.sign(event, options.secret ?? WEBHOOK_SECRET, options.timestamp);
  const received = await receiveStripeWebhook({ db, secretKey, platform }, { rawBody: body, signature, workspaceId: options.workspace === undefined ? ws.id : options.workspace });
  await processDueWebhookEvents(runtime);
  return received;
}

async function caseOfInvoice(invoiceId: string) {
  const rows = await db.select().from(recoveryCases).where(eq(recoveryCases.workspaceId, ws.id));
  const invoices = await db.query.invoices.findMany({ where: (i, { eq: is }) => is(i.workspaceId, ws.id) });
  const local = invoices.find((i) => i.externalId === invoiceId);
  return local ? (rows.find((r) => r.invoiceId === local.id) ?? null) : null;
}

/** Runs the workspace's due actions up to `until`, each at its own time (the live workspace's clock is the harness's). */
async function runDueUntil(until: Date) {
  for (;;) {
    const next = await nextPendingAction(db, ws.id, until);
    if (!next) break;
    if (next.dueAt > h.clock.now()) h.clock.set(next.dueAt);
    const claimed = await claimAction(deps, next.id);
    if (claimed) await performAction(deps, claimed);
  }
  h.clock.set(until);
}

function failedRenewal(card: string, amount = 4900) {
  const { customer, paymentMethod } = fake.addCustomer({ email: `c${fake.customers.size}@example.com`, name: "Ada Lovelace", card });
  const subscription = fake.addSubscription(customer.id as string, { amount });
  const { invoice } = fake.renew(subscription.id as string);
  return { customer, paymentMethod: paymentMethod!, subscription, invoice };
}

describe("a failed renewal at Stripe, through the webhook", () => {
  it("opens a case with the decline read from the invoice's payments, once however often the event comes", async () => {
    const { invoice } = failedRenewal("4000000000009995");
    const event = fake.event("invoice.payment_failed", invoice);
    const first = await deliver(event);
    expect(first.reply).toEqual({ status: 200, body: { received: true } });
    const c = await caseOfInvoice(invoice.id as string);
    expect(c).toMatchObject({ status: "open", declineCode: "insufficient_funds", declineCategory: "soft", livemode: true, amount: 4900, currency: "usd" });
    const attempts = await db.select().from(paymentAttempts).where(eq(paymentAttempts.caseId, c!.id));
    expect(attempts).toHaveLength(1);
    expect(attempts[0]).toMatchObject({ source: "initial", outcome: "failed", declineCode: "insufficient_funds", adviceCode: "try_again_later", networkDeclineCode: "51", livemode: true });
    // Everything Stripe said of the decline is kept on the attempt: the error and the charge's outcome.
    expect(attempts[0]!.declineDetails).toEqual({
      code: "card_declined",
      declineCode: "insufficient_funds",
      adviceCode: "try_again_later",
      outcomeReason: "insufficient_funds",
      networkDeclineCode: "51",
      networkAdviceCode: "02",
      outcomeType: "issuer_declined",
      networkStatus: "declined_by_network",
      riskLevel: "normal",
      message: "The bank returned the decline code `insufficient_funds`.",
    });
    expect(attempts[0]!.providerRef).toMatch(/^pi_/);

    const again = await deliver(event);
    expect(again.reply).toEqual({ status: 200, body: { received: true, duplicate: true } });
    expect(await db.select().from(webhookEvents).where(eq(webhookEvents.eventId, event.id as string))).toHaveLength(1);
    expect(await db.select().from(paymentAttempts).where(eq(paymentAttempts.caseId, c!.id))).toHaveLength(1);

    const [connection] = await db.select().from(billingConnections).where(eq(billingConnections.id, connectionId));
    expect(connection).toMatchObject({ lastEventType: "invoice.payment_failed", signatureFailures: 0 });
  });

  it("retries through invoices.pay; a retry that fails with a new decline code changes the case's plan; Stripe's own retry then recovers it", async () => {
    const { invoice, paymentMethod } = failedRenewal("4000000000000002");
    await deliver(fake.event("invoice.payment_failed", invoice));
    const opened = (await caseOfInvoice(invoice.id as string))!;
    expect(opened.declineCode).toBe("generic_decline");
    const retries = await db.select().from(scheduledActions).where(and(eq(scheduledActions.caseId, opened.id), eq(scheduledActions.kind, "retry")));
    expect(retries.length).toBeGreaterThan(0);

    // The card now fails as expired (a hard decline): the next retry records it, and no retry is left.
    fake.updateCardAutomatically(paymentMethod.id as string, "4000000000000069");
    const firstRetry = retries.map((r) => r.dueAt).sort((a, b) => a.getTime() - b.getTime())[0]!;
    await runDueUntil(new Date(firstRetry.getTime() + 1000));
    const afterRetry = (await caseOfInvoice(invoice.id as string))!;
    expect(afterRetry).toMatchObject({ status: "open", declineCode: "expired_card", declineCategory: "hard" });
    const [retryAttempt] = await db
      .select()
      .from(paymentAttempts)
      .where(and(eq(paymentAttempts.caseId, opened.id), eq(paymentAttempts.source, "reclaim_retry")));
    expect(retryAttempt).toMatchObject({
      outcome: "failed",
      declineCode: "expired_card",
      networkDeclineCode: "54",
      declineDetails: { code: "expired_card", outcomeType: "issuer_declined", networkAdviceCode: "01", message: "The bank returned the decline code `expired_card`." },
    });
    const pays = fake.requestsTo("POST", new RegExp(`/v1/invoices/${invoice.id as string}/pay$`));
    expect(pays).toHaveLength(1);
    expect(pays[0]!.idempotencyKey).toMatch(/^reclaim:pay:/);
    const pending = await db
      .select()
      .from(scheduledActions)
      .where(and(eq(scheduledActions.caseId, opened.id), eq(scheduledActions.kind, "retry"), eq(scheduledActions.status, "pending")));
    expect(pending).toEqual([]);

    // Stripe's event for Reclaim's own charge is acknowledged and left alone: the retry recorded it.
    const ownAttempts = await db.select().from(paymentAttempts).where(eq(paymentAttempts.caseId, opened.id));
    await deliver(fake.event("invoice.payment_failed", fake.invoices.get(invoice.id as string)!, { idempotencyKey: pays[0]!.idempotencyKey }));
    expect(await db.select().from(paymentAttempts).where(eq(paymentAttempts.caseId, opened.id))).toHaveLength(ownAttempts.length);

    // The customer fixes their card at the bank; Stripe's Smart Retries collect the invoice.
    fake.updateCardAutomatically(paymentMethod.id as string, "4242424242424242");
    const { paid } = fake.smartRetry(invoice.id as string);
    expect(paid).toBe(true);
    await deliver(fake.event("invoice.paid", fake.invoices.get(invoice.id as string)!));
    expect(await caseOfInvoice(invoice.id as string)).toMatchObject({ status: "recovered", recoveredVia: "provider_retry", recoveredAmount: 4900 });
  });

  it("opens nothing when invoice.paid arrives before its invoice.payment_failed", async () => {
    const { invoice, paymentMethod } = failedRenewal("4000000000000002");
    const failed = fake.event("invoice.payment_failed", invoice);
    fake.updateCardAutomatically(paymentMethod.id as string, "4242424242424242");
    fake.smartRetry(invoice.id as string);
    await deliver(fake.event("invoice.paid", fake.invoices.get(invoice.id as string)!));
    await deliver(failed);
    expect(await caseOfInvoice(invoice.id as string)).toBeNull();
    const [stored] = await db.select().from(webhookEvents).where(eq(webhookEvents.eventId, failed.id as string));
    expect(stored).toMatchObject({ status: "ignored" });
  });

  it("retries every open invoice at once when the card network updates the card, and credits the card updater", async () => {
    const { customer, paymentMethod, invoice } = failedRenewal("4000000000000069");
    await deliver(fake.event("invoice.payment_failed", invoice));
    expect(await caseOfInvoice(invoice.id as string)).toMatchObject({ status: "open", declineCategory: "hard" });
    // Another invoice of the customer failed whose webhook never came: it is charged as well.
    const unreported = fake.renew(fake.addSubscription(customer.id as string, { amount: 2500 }).id as string).invoice;
    const method = fake.updateCardAutomatically(paymentMethod.id as string, "4242424242424242");
    await deliver(fake.event("payment_method.automatically_updated", { ...method, customer: customer.id }));
    expect(await caseOfInvoice(invoice.id as string)).toMatchObject({ status: "recovered", recoveredVia: "card_updater", cardUpdaterResult: "updated" });
    expect(await caseOfInvoice(unreported.id as string)).toMatchObject({ status: "recovered", recoveredVia: "card_updater", amount: 2500 });
    const pay = fake.requestsTo("POST", new RegExp(`/v1/invoices/${invoice.id as string}/pay$`));
    expect(pay).toHaveLength(1);
  });

  it("closes the case when the merchant voids the invoice in Stripe, and when the subscription is canceled there", async () => {
    const voided = failedRenewal("4000000000000002");
    await deliver(fake.event("invoice.payment_failed", voided.invoice));
    fake.invoices.get(voided.invoice.id as string)!.status = "void";
    await deliver(fake.event("invoice.voided", fake.invoices.get(voided.invoice.id as string)!));
    expect(await caseOfInvoice(voided.invoice.id as string)).toMatchObject({ status: "cancelled" });

    const canceled = failedRenewal("4000000000000002");
    await deliver(fake.event("invoice.payment_failed", canceled.invoice));
    const subscription = fake.subscriptions.get(canceled.subscription.id as string)!;
    subscription.status = "canceled";
    await deliver(fake.event("customer.subscription.deleted", subscription));
    expect(await caseOfInvoice(canceled.invoice.id as string)).toMatchObject({ status: "cancelled" });
    const [local] = await db.select().from(subscriptions).where(eq(subscriptions.externalId, canceled.subscription.id as string));
    expect(local!.status).toBe("canceled");
    const c = (await caseOfInvoice(canceled.invoice.id as string))!;
    const left = await db.select().from(scheduledActions).where(and(eq(scheduledActions.threadId, c.threadId), eq(scheduledActions.status, "pending")));
    expect(left).toEqual([]);
  });

  it("applies the final action on Stripe at the end of the window, and ignores Stripe's event for it", async () => {
    const { invoice, subscription } = failedRenewal("4000000000000069");
    await deliver(fake.event("invoice.payment_failed", invoice));
    const c = (await caseOfInvoice(invoice.id as string))!;
    const [final] = await db.select().from(scheduledActions).where(and(eq(scheduledActions.caseId, c.id), eq(scheduledActions.kind, "final_action")));
    await runDueUntil(new Date(final!.dueAt.getTime() + 1000));
    expect(await caseOfInvoice(invoice.id as string)).toMatchObject({ status: "lost" });
    // The default policy's final action cancels the subscription.
    const cancels = fake.requestsTo("DELETE", new RegExp(`/v1/subscriptions/${subscription.id as string}$`));
    expect(cancels).toHaveLength(1);
    expect(cancels[0]!.idempotencyKey).toMatch(/^reclaim:final:cancel:/);
    expect(fake.subscriptions.get(subscription.id as string)!.status).toBe("canceled");
    const result = await deliver(fake.event("customer.subscription.deleted", fake.subscriptions.get(subscription.id as string)!, { idempotencyKey: cancels[0]!.idempotencyKey }));
    expect(result.reply.status).toBe(200);
    expect(await caseOfInvoice(invoice.id as string)).toMatchObject({ status: "lost" });
  }, 60_000);
});

describe("deliveries the route refuses or leaves alone", () => {
  it("refuses a bad signature, a stale timestamp and a body that is not an event with 400, storing nothing", async () => {
    const { invoice } = failedRenewal("4000000000000002");
    const event = fake.event("invoice.payment_failed", invoice);
    const before = (await db.select().from(webhookEvents)).length;
    const [connectionBefore] = await db.select().from(billingConnections).where(eq(billingConnections.id, connectionId));

    const wrongSecret = await deliver(event, { secret: "whsec_someone_else" });
    expect(wrongSecret.reply.status).toBe(400);
    expect(wrongSecret.reply.body.error).toMatch(/Signature check failed/);
    const stale = await deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect(stale.reply.status).toBe(400);
    expect(stale.reply.body.error).toMatch(/tolerance/);
    const noSignature = await receiveStripeWebhook({ db, secretKey, platform }, { rawBody: JSON.stringify(event), signature: null, workspaceId: ws.id });
    expect(noSignature.reply).toEqual({ status: 400, body: { error: "Missing Stripe-Signature header." } });
    const notJson = FakeStripe.sign(event, WEBHOOK_SECRET);
    const garbled = await receiveStripeWebhook({ db, secretKey, platform }, { rawBody: "{not json", signature: notJson.signature.replace(/v1=[0-9a-f]+/, `v1=${"0".repeat(64)}`), workspaceId: ws.id });
    expect(garbled.reply.status).toBe(400);
    const notAnEvent = { ...event, id: "nope", object: "invoice" };
    const shape = await deliver(notAnEvent);
    expect(shape.reply.status).toBe(400);
    const unknown = await deliver(event, { workspace: "00000000-0000-4000-8000-000000000000" });
    expect(unknown.reply).toEqual({ status: 400, body: { error: "No Stripe connection for the workspace in the endpoint URL." } });

    expect((await db.select().from(webhookEvents)).length).toBe(before);
    expect(await caseOfInvoice(invoice.id as string)).toBeNull();
    const [connectionAfter] = await db.select().from(billingConnections).where(eq(billingConnections.id, connectionId));
    expect(connectionAfter!.signatureFailures).toBe(connectionBefore!.signatureFailures + 3);
  });

  it("acknowledges event types it does not act on without storing them, and keeps test-mode events out of a live connection", async () => {
    const { invoice } = failedRenewal("4000000000000002");
    const other = await deliver(fake.event("invoice.created", invoice));
    expect(other.reply).toEqual({ status: 200, body: { received: true, ignored: "Reclaim does not act on invoice.created." } });
    const testMode = fake.event("invoice.payment_failed", { ...invoice, livemode: false }, { livemode: false });
    const result = await deliver(testMode);
    expect(result.reply).toEqual({ status: 200, body: { received: true } });
    const [stored] = await db.select().from(webhookEvents).where(eq(webhookEvents.eventId, testMode.id as string));
    expect(stored).toMatchObject({ status: "ignored", result: "A test-mode event on a live connection." });
    expect(await caseOfInvoice(invoice.id as string)).toBeNull();
  });
});

describe("Stripe Connect", () => {
  it("maps a Connect event's account to its workspace, and stops all live activity when the merchant removes Reclaim", async () => {
    const connectWs = await createScenarioWorkspace(h, { label: "stripe-connect", start: new Date() });
    await saveOAuthConnection(db, secretKey, { workspaceId: connectWs.id, accountId: "acct_connected_1", accountName: "Connected Co", livemode: true, accessToken: "sk_live_token", publishableKey: "pk_live_platform" });
    await db.update(workspaces).set({ mode: "live" }).where(eq(workspaces.id, connectWs.id));
    const { invoice } = failedRenewal("4000000000000002");
    const received = await deliver(fake.event("invoice.payment_failed", invoice, { account: "acct_connected_1" }), { secret: CONNECT_SECRET, workspace: null });
    expect(received.event?.workspaceId).toBe(connectWs.id);
    const [c] = await db.select().from(recoveryCases).where(eq(recoveryCases.workspaceId, connectWs.id));
    expect(c).toMatchObject({ status: "open" });
    const pendingBefore = await db.select().from(scheduledActions).where(and(eq(scheduledActions.workspaceId, connectWs.id), eq(scheduledActions.status, "pending")));
    expect(pendingBefore.length).toBeGreaterThan(0);

    const unknownAccount = await deliver(fake.event("invoice.payment_failed", invoice, { account: "acct_nobody" }), { secret: CONNECT_SECRET, workspace: null });
    expect(unknownAccount.reply).toEqual({ status: 200, body: { received: true, ignored: "No workspace is connected to this account." } });

    await deliver(fake.event("account.application.deauthorized", { id: "ca_platform", object: "application", name: "Reclaim" }, { account: "acct_connected_1" }), { secret: CONNECT_SECRET, workspace: null });
    const [connection] = await db.select().from(billingConnections).where(eq(billingConnections.workspaceId, connectWs.id));
    expect(connection).toMatchObject({ status: "disconnected", secretSealed: null });
    expect(connection!.disconnectReason).toMatch(/deauthorized/);
    const [workspace] = await db.select().from(workspaces).where(eq(workspaces.id, connectWs.id));
    expect(workspace!.mode).toBe("sandbox");
    expect(await db.select().from(scheduledActions).where(and(eq(scheduledActions.workspaceId, connectWs.id), eq(scheduledActions.status, "pending")))).toEqual([]);
    const notes = await db.select().from(timelineEvents).where(and(eq(timelineEvents.threadId, c!.threadId), eq(timelineEvents.kind, "stripe_disconnected")));
    expect(notes).toHaveLength(1);

    // After that, the account's events reach no workspace.
    const after = await deliver(fake.event("invoice.paid", invoice, { account: "acct_connected_1" }), { secret: CONNECT_SECRET, workspace: null });
    expect(after.reply.body.ignored).toBe("No workspace is connected to this account.");
  });
});

describe("Stripe Connect before going live", () => {
  it("acts on a deauthorization even while the workspace is still in the sandbox", async () => {
    const sandboxWs = await createScenarioWorkspace(h, { label: "stripe-connect-sandbox", start: new Date() });
    await saveOAuthConnection(db, secretKey, { workspaceId: sandboxWs.id, accountId: "acct_connected_2", accountName: null, livemode: true, accessToken: null, publishableKey: "pk_live_platform" });
    const event = fake.event("account.application.deauthorized", { id: "ca_platform", object: "application", name: "Reclaim" }, { account: "acct_connected_2" });
    await deliver(event, { secret: CONNECT_SECRET, workspace: null });
    const [connection] = await db.select().from(billingConnections).where(eq(billingConnections.workspaceId, sandboxWs.id));
    expect(connection).toMatchObject({ status: "disconnected" });
    const [stored] = await db.select().from(webhookEvents).where(eq(webhookEvents.eventId, event.id as string));
    expect(stored).toMatchObject({ status: "processed" });
  });
});

describe("the card-update page on Stripe (server side)", () => {
  async function linkFor(invoiceId: string) {
    const c = (await caseOfInvoice(invoiceId))!;
    const { token } = await createCardUpdateLink(deps, {
      workspaceId: ws.id,
      threadId: c.threadId,
      customerId: c.customerId,
      emailDay: 0,
      messageKey: null,
      expiresAt: new Date(h.clock.now().getTime() + 7 * 86_400_000),
    });
    return { token, c };
  }

  it("creates a SetupIntent on the customer, reads the confirmed card back from Stripe, makes it the default and pays every open invoice", async () => {
    const { invoice, customer, subscription } = failedRenewal("4000000000000069");
    await deliver(fake.event("invoice.payment_failed", invoice));
    const { token } = await linkFor(invoice.id as string);
    // A second subscription of the customer failed too, but its webhook never arrived.
    const unreported = fake.renew(fake.addSubscription(customer.id as string, { amount: 1500 }).id as string).invoice;
    expect(unreported.status).toBe("open");
    expect(await caseOfInvoice(unreported.id as string)).toBeNull();

    const session = await startLiveCardUpdate(deps, { token, attemptId: "view-1" });
    expect(session).toMatchObject({ ok: true, publishableKey: "pk_live_merchant", stripeAccount: null });
    if (!session.ok) throw new Error("no session");
    expect(session.clientSecret).toMatch(/^seti_/);
    // The same page view asking again gets the same SetupIntent (Stripe's idempotency replay).
    expect(await startLiveCardUpdate(deps, { token, attemptId: "view-1" })).toMatchObject({ setupIntentId: session.setupIntentId });

    // Before the customer confirmed anything, nothing is charged.
    expect(await finishLiveCardUpdate(deps, { token, setupIntentId: session.setupIntentId })).toMatchObject({ ok: false, reason: "failed" });
    expect(fake.requestsTo("POST", new RegExp(`/v1/invoices/${invoice.id as string}/pay$`))).toHaveLength(0);

    fake.confirmSetupIntent(session.setupIntentId, "4242424242424242");
    const outcome = await finishLiveCardUpdate(deps, { token, setupIntentId: session.setupIntentId });
    expect(outcome).toMatchObject({
      ok: true,
      cardLabel: "visa ending in 4242",
      result: { state: "completed", invoices: [{ outcome: "paid" }, { outcome: "paid" }] },
    });
    expect(fake.invoices.get(unreported.id as string)!.status).toBe("paid");
    expect(await caseOfInvoice(unreported.id as string)).toMatchObject({ status: "recovered", recoveredVia: "card_update", amount: 1500 });
    const newCard = fake.setupIntents.get(session.setupIntentId)!.payment_method as string;
    expect((fake.customers.get(customer.id as string)!.invoice_settings as { default_payment_method: string }).default_payment_method).toBe(newCard);
    expect(fake.subscriptions.get(subscription.id as string)!.default_payment_method).toBe(newCard);
    const pays = fake.requestsTo("POST", new RegExp(`/v1/invoices/${invoice.id as string}/pay$`));
    expect(pays).toHaveLength(1);
    expect(pays[0]!.idempotencyKey).toMatch(/^reclaim:pay:/);
    expect(await caseOfInvoice(invoice.id as string)).toMatchObject({ status: "recovered", recoveredVia: "card_update" });

    // Stripe's setup_intent.succeeded for it comes too: the link is spent, nothing more happens.
    const result = await deliver(fake.event("setup_intent.succeeded", fake.setupIntents.get(session.setupIntentId)!));
    expect(result.reply.status).toBe(200);
    expect(fake.requestsTo("POST", new RegExp(`/v1/invoices/${invoice.id as string}/pay$`))).toHaveLength(1);
    expect(await startLiveCardUpdate(deps, { token, attemptId: "view-2" })).toEqual({ ok: false, reason: "link", state: "used" });
  });

  it("sends the customer to the invoice's page to authenticate when the bank asks, and lets them try another card after a refusal", async () => {
    const { invoice } = failedRenewal("4000000000000002");
    await deliver(fake.event("invoice.payment_failed", invoice));
    const { token } = await linkFor(invoice.id as string);

    const first = await startLiveCardUpdate(deps, { token, attemptId: "a" });
    if (!first.ok) throw new Error("no session");
    fake.confirmSetupIntent(first.setupIntentId, "4000000000000127");
    expect(await finishLiveCardUpdate(deps, { token, setupIntentId: first.setupIntentId })).toMatchObject({ ok: false, reason: "failed", message: expect.stringMatching(/Try another card/) });

    const second = await startLiveCardUpdate(deps, { token, attemptId: "b" });
    if (!second.ok) throw new Error("no session");
    fake.confirmSetupIntent(second.setupIntentId, "4000002760003184");
    const outcome = await finishLiveCardUpdate(deps, { token, setupIntentId: second.setupIntentId });
    expect(outcome).toMatchObject({
      ok: true,
      result: { state: "completed", invoices: [{ outcome: "requires_action", actionUrl: invoice.hosted_invoice_url }] },
    });
    expect(await caseOfInvoice(invoice.id as string)).toMatchObject({ status: "open" });
  });

  it("takes no card for a link of another workspace's thread or a made-up SetupIntent", async () => {
    expect(await startLiveCardUpdate(deps, { token: "not-a-real-token", attemptId: "x" })).toEqual({ ok: false, reason: "link", state: "not_found" });
    const { invoice } = failedRenewal("4000000000000002");
    await deliver(fake.event("invoice.payment_failed", invoice));
    const { token } = await linkFor(invoice.id as string);
    expect(await finishLiveCardUpdate(deps, { token, setupIntentId: "pm_not_a_setup" })).toMatchObject({ ok: false, reason: "failed" });
    // A SetupIntent of another customer, even confirmed, pays nothing here.
    const other = fake.addCustomer({ card: "4242424242424242" });
    const foreign = await createStripeProvider(access).startCardUpdate({ customerExternalId: other.customer.id as string, idempotencyKey: "foreign", metadata: {} });
    fake.confirmSetupIntent(foreign.setupIntentId, "4242424242424242");
    expect(await finishLiveCardUpdate(deps, { token, setupIntentId: foreign.setupIntentId })).toMatchObject({ ok: false, reason: "failed", message: expect.stringMatching(/another customer/) });
    expect(fake.requestsTo("POST", new RegExp(`/v1/invoices/${invoice.id as string}/pay$`))).toHaveLength(0);
  });
});

describe("the overdue-invoice scan", () => {
  it("opens a case for each failed open invoice no webhook told of, once, and leaves known ones alone", async () => {
    const missed = failedRenewal("4000000000009995");
    const known = failedRenewal("4000000000000002");
    await deliver(fake.event("invoice.payment_failed", known.invoice));
    const paid = fake.addCustomer({ card: "4242424242424242" });
    fake.renew(fake.addSubscription(paid.customer.id as string, { amount: 1500 }).id as string);
    await db.update(billingConnections).set({ scannedAt: null }).where(eq(billingConnections.id, connectionId));

    const [result] = await scanDueConnections(runtime);
    expect(result).toMatchObject({ workspaceId: ws.id, error: null });
    expect(result!.opened).toBeGreaterThanOrEqual(1);
    expect(await caseOfInvoice(missed.invoice.id as string)).toMatchObject({ status: "open", declineCode: "insufficient_funds", livemode: true });
    const knownCase = await caseOfInvoice(known.invoice.id as string);
    expect(await db.select().from(paymentAttempts).where(eq(paymentAttempts.caseId, knownCase!.id))).toHaveLength(1);

    // Not due again for six hours; when it is, nothing new opens.
    expect(await scanDueConnections(runtime)).toEqual([]);
    const later = await scanDueConnections(runtime, { now: new Date(Date.now() + 7 * 3_600_000) });
    expect(later).toEqual([expect.objectContaining({ opened: 0, error: null })]);
    const cases = await db.select().from(recoveryCases).where(eq(recoveryCases.workspaceId, ws.id));
    expect(new Set(cases.map((c) => c.invoiceId)).size).toBe(cases.length);
  });

  it("keeps a failed scan on the connection's health and tries again later", async () => {
    await db.update(billingConnections).set({ scannedAt: null, lastError: null }).where(eq(billingConnections.id, connectionId));
    fake.failNext(10, 500, /^\/v1\/invoices$/);
    const [result] = await scanDueConnections(runtime);
    expect(result!.error).toBeTruthy();
    const [connection] = await db.select().from(billingConnections).where(eq(billingConnections.id, connectionId));
    expect(connection!.lastError).toMatch(/^Overdue-invoice scan:/);
    fake.clearFaults();
  });
});
