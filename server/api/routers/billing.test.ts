/**
 * The billing router: connecting Stripe with a pasted key (checked against a local server that
 * speaks Stripe's API), the connection's health without any secret, going live deliberately,
 * disconnecting, and who may do each.
 */
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import type { ContextUser } from "@/server/api/trpc";
import { billingConnections, memberships, webhookEvents, workspaces, type Role } from "@/server/db/schema";
import { resetEnvCache } from "@/server/env";
import { createWorkspace } from "@/server/queries/workspaces";
import { FakeStripe } from "@/server/testing/fake-stripe/server";
import { createTestUser, openTestDatabase, testContext } from "@/server/testing/database";

const database = await openTestDatabase();
const db = database.db;
const fake = new FakeStripe({ livemode: true, account: { id: "acct_router", name: "Router Co" } });

let owner: ContextUser;
let workspaceId: string;
const callerFor = (user: ContextUser) => createCaller(testContext(database, user));
const keys = { apiKey: "rk_live_routerkey123", publishableKey: "pk_live_routerkey123", webhookSecret: "whsec_routersecret123" };

async function memberOf(role: Role) {
  const user = await createTestUser(database, role);
  await db.insert(memberships).values({ workspaceId, userId: user.id, role });
  return user;
}

async function failure(call: Promise<unknown>): Promise<TRPCError> {
  try {
    await call;
  } catch (error) {
    if (error instanceof TRPCError) return error;
    throw error;
  }
  throw new Error("the call succeeded");
}

beforeAll(async () => {
  await fake.start();
  process.env.STRIPE_API_URL = fake.url;
  process.env.RECLAIM_ENCRYPTION_KEY = Buffer.alloc(32, 9).toString("base64");
  resetEnvCache();
  owner = await createTestUser(database, "billing-owner");
  workspaceId = (await createWorkspace(db, { name: "Billing Co", ownerId: owner.id })).id;
});

afterAll(async () => {
  delete process.env.STRIPE_API_URL;
  delete process.env.RECLAIM_ENCRYPTION_KEY;
  resetEnvCache();
  await fake.stop();
});

describe("billing.connectWithKey", () => {
  it("refuses malformed keys field by field, and keys of different modes", async () => {
    const error = await failure(callerFor(owner).billing.connectWithKey({ workspaceId, apiKey: "pk_live_nope12345", publishableKey: "sk_live_x", webhookSecret: "secret" }));
    expect(error.code).toBe("BAD_REQUEST");
    const mixed = await failure(callerFor(owner).billing.connectWithKey({ workspaceId, ...keys, publishableKey: "pk_test_routerkey123" }));
    expect(mixed.message).toMatch(/test-mode key, but the secret key is for live mode/);
  });

  it("checks the key with Stripe first: a key without a permission is refused, naming it, and nothing is saved", async () => {
    fake.deny(/^\/v1\/setup_intents/, "rak_setup_intent_write");
    const result = await callerFor(owner).billing.connectWithKey({ workspaceId, ...keys });
    expect(result).toEqual({ ok: false, field: "secretKey", message: expect.stringMatching(/may not use SetupIntents/) });
    expect(await db.select().from(billingConnections).where(eq(billingConnections.workspaceId, workspaceId))).toEqual([]);
  });

  it("is for owners and admins only", async () => {
    for (const role of ["finance", "viewer"] as const) {
      const error = await failure(callerFor(await memberOf(role)).billing.connectWithKey({ workspaceId, ...keys }));
      expect(error.code).toBe("FORBIDDEN");
    }
  });
});

describe("a connected workspace", () => {
  it("saves a checked key sealed, and shows the connection's health to every member without any secret", async () => {
    const allowed = new FakeStripe({ livemode: true, account: { id: "acct_router", name: "Router Co" } });
    await allowed.start();
    process.env.STRIPE_API_URL = allowed.url;
    resetEnvCache();
    try {
      expect(await callerFor(owner).billing.connectWithKey({ workspaceId, ...keys })).toEqual({ ok: true, livemode: true, accountName: "Router Co" });
    } finally {
      await allowed.stop();
      process.env.STRIPE_API_URL = fake.url;
      resetEnvCache();
    }
    const [row] = await db.select().from(billingConnections).where(eq(billingConnections.workspaceId, workspaceId));
    expect(row!.secretSealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain(keys.apiKey);
    expect(JSON.stringify(row)).not.toContain(keys.webhookSecret);

    await db.insert(webhookEvents).values({
      provider: "stripe",
      eventId: "evt_router_1",
      workspaceId,
      connectionId: row!.id,
      type: "invoice.payment_failed",
      livemode: true,
      createdAt: new Date(),
      payload: {},
      status: "failed",
      result: "Stripe was unreachable",
    });
    const viewer = await memberOf("viewer");
    const seen = await callerFor(viewer).billing.connection({ workspaceId });
    expect(seen.connection).toMatchObject({ method: "api_key", status: "active", accountId: "acct_router", accountName: "Router Co", livemode: true });
    expect(seen.health).toMatchObject({ eventsLast24h: 1, failed: 1, waiting: 0, signatureFailures: 0 });
    expect(seen.webhookUrl).toBe(`http://localhost:3000/api/webhooks/stripe?workspace=${workspaceId}`);
    expect(seen.recentEvents).toEqual([expect.objectContaining({ eventId: "evt_router_1", status: "failed", result: "Stripe was unreachable" })]);
    expect(seen.handledEvents).toContain("invoice.payment_failed");
    const text = JSON.stringify(seen);
    for (const secret of [keys.apiKey, keys.webhookSecret, "v1."]) expect(text).not.toContain(secret);
  });

  it("goes live only deliberately: the name typed, a live-mode connection, an owner or admin", async () => {
    const viewer = await memberOf("viewer");
    expect((await failure(callerFor(viewer).billing.goLive({ workspaceId, confirmName: "Billing Co" }))).code).toBe("FORBIDDEN");
    expect(await callerFor(owner).billing.goLive({ workspaceId, confirmName: "billing co" })).toEqual({ ok: false, message: expect.stringMatching(/Type the workspace's name/) });
    await db.update(billingConnections).set({ livemode: false }).where(eq(billingConnections.workspaceId, workspaceId));
    expect(await callerFor(owner).billing.goLive({ workspaceId, confirmName: "Billing Co" })).toEqual({ ok: false, message: expect.stringMatching(/test-mode key/) });
    await db.update(billingConnections).set({ livemode: true }).where(eq(billingConnections.workspaceId, workspaceId));
    expect(await callerFor(owner).billing.goLive({ workspaceId, confirmName: "Billing Co" })).toEqual({ ok: true });
    const [workspace] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
    expect(workspace!.mode).toBe("live");
  });

  it("disconnects: back to sandbox, secrets gone; another member's workspace stays out of reach", async () => {
    const stranger = await createTestUser(database, "stranger");
    expect((await failure(callerFor(stranger).billing.connection({ workspaceId }))).code).toBe("NOT_FOUND");
    expect((await failure(callerFor(stranger).billing.disconnect({ workspaceId }))).code).toBe("NOT_FOUND");

    expect(await callerFor(owner).billing.disconnect({ workspaceId })).toMatchObject({ disconnected: true });
    const [row] = await db.select().from(billingConnections).where(eq(billingConnections.workspaceId, workspaceId));
    expect(row).toMatchObject({ status: "disconnected", secretSealed: null, webhookSecretSealed: null });
    const [workspace] = await db.select().from(workspaces).where(eq(workspaces.id, workspaceId));
    expect(workspace!.mode).toBe("sandbox");
    expect((await failure(callerFor(owner).billing.disconnect({ workspaceId }))).message).toBe("Stripe is not connected.");
  });
});
