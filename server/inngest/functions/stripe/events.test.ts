import { InngestTestEngine } from "@inngest/test";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createStripeClient } from "@/server/billing/stripe/client";
import { saveApiKeyConnection } from "@/server/billing/stripe/connections";
import type { StripeRuntime } from "@/server/billing/stripe/process";
import { billingConnections, webhookEvents, workspaces } from "@/server/db/schema";
import { secretKeyFrom } from "@/server/security/secrets";
import { createHarness, createScenarioWorkspace, openScenarioDatabase } from "@/server/testing/recovery";
import { createStripeEventFunction, createStripeSweep } from "./events";

const database = await openScenarioDatabase();
const db = database.db;
let runtime: StripeRuntime;
let workspaceId: string;
let connectionId: string;

beforeAll(async () => {
  const h = createHarness(database, { start: new Date() });
  const secretKey = secretKeyFrom(Buffer.alloc(32, 8).toString("base64"));
  const ws = await createScenarioWorkspace(h, { label: "inngest-stripe", start: new Date() });
  workspaceId = ws.id;
  await db.update(workspaces).set({ mode: "live" }).where(eq(workspaces.id, ws.id));
  const connection = await saveApiKeyConnection(db, secretKey, {
    workspaceId: ws.id,
    apiKey: "rk_live_inngest",
    webhookSecret: "whsec_inngest",
    publishableKey: "pk_live_inngest",
    check: { ok: true, accountId: "acct_inngest", accountName: "Inngest Co", livemode: true },
  });
  connectionId = connection.id;
  // Scanned a moment ago: not due for the overdue scan (the scan itself is tested in live.scenario.test.ts).
  await db.update(billingConnections).set({ scannedAt: new Date() }).where(eq(billingConnections.id, connection.id));
  // invoice.paid of an invoice Reclaim never saw: processed without a call to Stripe (nothing to close).
  runtime = { deps: h.deps, secretKey, platform: { apiUrl: "http://127.0.0.1:9", connect: null }, access: () => ({ stripe: createStripeClient({ apiKey: "rk_live_inngest", apiUrl: "http://127.0.0.1:9" }), stripeAccount: null }) };
});

async function storeEvent(eventId: string) {
  const [row] = await db
    .insert(webhookEvents)
    .values({
      provider: "stripe",
      eventId,
      workspaceId,
      connectionId,
      type: "invoice.paid",
      livemode: true,
      createdAt: new Date(),
      payload: { id: eventId, object: "event", type: "invoice.paid", livemode: true, created: 1, request: null, data: { object: { id: `in_${eventId}`, object: "invoice", status: "paid", amount_paid_off_stripe: 0, status_transitions: { paid_at: null } } } },
    })
    .returning();
  return row!;
}

describe("stripe-event-process", () => {
  it("processes the stored event it is told of, once however often it runs", async () => {
    const stored = await storeEvent("evt_inngest_once");
    const run = () =>
      new InngestTestEngine({ function: createStripeEventFunction(async () => runtime), events: [{ name: "reclaim/stripe.event.received", data: { eventId: stored.id } }] }).execute();
    const first = await run();
    expect(first.error).toBeUndefined();
    expect(first.result).toEqual({ status: "ignored", result: "No open case for this invoice" });
    expect((await run()).result).toEqual({ status: "not-due" });
    const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, stored.id));
    expect(row).toMatchObject({ status: "ignored", runCount: 1 });
  });
});

describe("stripe-sweep", () => {
  it("processes what is due that no function run took, and scans no account that is not due", async () => {
    const stored = await storeEvent("evt_inngest_sweep");
    const { result, error } = await new InngestTestEngine({
      function: createStripeSweep(async () => runtime, { maxRounds: 1 }),
      events: [{ name: "inngest/scheduled.timer", data: { cron: "* * * * *" } }],
    }).execute();
    expect(error).toBeUndefined();
    expect(result).toEqual({ processed: 1, scans: [] });
    const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, stored.id));
    expect(row).toMatchObject({ status: "ignored", runCount: 1 });
  });
});
