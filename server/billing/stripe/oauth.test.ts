import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { billingConnections } from "@/server/db/schema";
import { createWorkspace } from "@/server/queries/workspaces";
import { secretKeyFrom } from "@/server/security/secrets";
import { FakeStripe } from "@/server/testing/fake-stripe/server";
import { createTestUser, openTestDatabase } from "@/server/testing/database";
import type { StripePlatform } from "./connections";
import { finishStripeOAuth, readState, signState, startStripeOAuth } from "./oauth";

const database = await openTestDatabase();
const db = database.db;
const secretKey = secretKeyFrom(Buffer.alloc(32, 5).toString("base64"));
const AUTH = "oauth-test-secret-0123456789abcdef012345";
const fake = new FakeStripe({ livemode: true, account: { id: "acct_oauth_1", name: "OAuth Co" } });
let platform: StripePlatform;

beforeAll(async () => {
  await fake.start();
  platform = { apiUrl: fake.url, connect: { secretKey: "sk_live_platform", publishableKey: "pk_live_platform", clientId: "ca_platform", webhookSecret: "whsec_platform" } };
});
afterAll(() => fake.stop());

async function workspaceOf(label: string) {
  const owner = await createTestUser(database, label);
  const workspace = await createWorkspace(db, { name: `${label} Co`, ownerId: owner.id });
  return { owner, workspace };
}

function callback(started: { url: string }, extra: Record<string, string> = { code: "ac_valid" }) {
  const state = new URL(started.url).searchParams.get("state")!;
  return new URLSearchParams({ state, ...extra });
}

describe("Stripe Connect OAuth", () => {
  it("sends the merchant to Stripe with the platform's client id, the callback and a signed state", () => {
    const { url } = startStripeOAuth({ platform, appUrl: "https://reclaim.example.com", authSecret: AUTH, workspaceId: "w1", userId: "u1" });
    const parsed = new URL(url);
    expect(`${parsed.origin}${parsed.pathname}`).toBe(`${fake.url}/oauth/authorize`);
    expect(Object.fromEntries(parsed.searchParams)).toMatchObject({
      response_type: "code",
      client_id: "ca_platform",
      scope: "read_write",
      redirect_uri: "https://reclaim.example.com/api/stripe/oauth/callback",
    });
    expect(readState(AUTH, parsed.searchParams.get("state")!)).toMatchObject({ workspaceId: "w1", userId: "u1" });
    expect(readState("another-secret-0123456789abcdef0123456", parsed.searchParams.get("state")!)).toBeNull();
    const expired = signState(AUTH, { workspaceId: "w1", userId: "u1", nonce: "n", expires: Date.now() - 1 });
    expect(readState(AUTH, expired)).toBeNull();
  });

  it("refuses a callback from another browser or person, or for someone who may not connect billing", async () => {
    const { owner, workspace } = await workspaceOf("oauth-refused");
    const started = startStripeOAuth({ platform, appUrl: "http://localhost:3000", authSecret: AUTH, workspaceId: workspace.id, userId: owner.id });
    const base = { platform, authSecret: AUTH, authorize: async () => true };
    expect(await finishStripeOAuth(db, secretKey, { ...base, query: callback(started), cookieNonce: "other", userId: owner.id })).toMatchObject({ ok: false, message: expect.stringMatching(/another browser/) });
    expect(await finishStripeOAuth(db, secretKey, { ...base, query: callback(started), cookieNonce: started.nonce, userId: "someone-else" })).toMatchObject({ ok: false });
    expect(await finishStripeOAuth(db, secretKey, { ...base, authorize: async () => false, query: callback(started), cookieNonce: started.nonce, userId: owner.id })).toMatchObject({
      ok: false,
      message: "Your role cannot connect billing in this workspace.",
    });
    expect(
      await finishStripeOAuth(db, secretKey, { ...base, query: callback(started, { error: "access_denied", error_description: "The user denied your request" }), cookieNonce: started.nonce, userId: owner.id }),
    ).toMatchObject({ ok: false, message: "Stripe did not connect: The user denied your request." });
    expect(await finishStripeOAuth(db, secretKey, { ...base, query: callback(started, { code: "ac_wrong" }), cookieNonce: started.nonce, userId: owner.id })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/Stripe refused the connection: Authorization code does not exist/),
    });
    expect(await db.select().from(billingConnections).where(eq(billingConnections.workspaceId, workspace.id))).toEqual([]);
  });

  it("saves the connected account, with the token sealed, and keeps one account to one workspace", async () => {
    const { owner, workspace } = await workspaceOf("oauth-ok");
    const started = startStripeOAuth({ platform, appUrl: "http://localhost:3000", authSecret: AUTH, workspaceId: workspace.id, userId: owner.id });
    const outcome = await finishStripeOAuth(db, secretKey, { platform, authSecret: AUTH, authorize: async () => true, query: callback(started), cookieNonce: started.nonce, userId: owner.id });
    expect(outcome).toEqual({ ok: true, workspaceId: workspace.id, accountId: "acct_oauth_1" });
    const [row] = await db.select().from(billingConnections).where(eq(billingConnections.workspaceId, workspace.id));
    expect(row).toMatchObject({ method: "oauth", status: "active", accountId: "acct_oauth_1", accountName: "OAuth Co", livemode: true, publishableKey: "pk_live_platform" });
    expect(row!.secretSealed).toMatch(/^v1\./);
    expect(fake.requestsTo("POST", /^\/oauth\/token$/).at(-1)!.body).toEqual({ grant_type: "authorization_code", code: "ac_valid" });

    const second = await workspaceOf("oauth-second");
    const again = startStripeOAuth({ platform, appUrl: "http://localhost:3000", authSecret: AUTH, workspaceId: second.workspace.id, userId: second.owner.id });
    expect(await finishStripeOAuth(db, secretKey, { platform, authSecret: AUTH, authorize: async () => true, query: callback(again), cookieNonce: again.nonce, userId: second.owner.id })).toMatchObject({
      ok: false,
      message: expect.stringMatching(/already connected to another Reclaim workspace/),
    });
  });
});
