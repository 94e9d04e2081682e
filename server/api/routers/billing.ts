import { TRPCError } from "@trpc/server";
import { and, desc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { router, workspaceProcedure, workspaceProcedureWith } from "@/server/api/trpc";
import {
  checkStripeKey,
  disconnectStripe,
  getConnection,
  REQUIRED_PERMISSIONS,
  saveApiKeyConnection,
} from "@/server/billing/stripe/connections";
import { createStripeClient } from "@/server/billing/stripe/client";
import { HANDLED_EVENTS } from "@/server/billing/stripe/events";
import { webhookEvents, workspaces } from "@/server/db/schema";
import { getSecretKey, stripePlatform } from "@/server/runtime";

const keyMode = (key: string) => (/_live_/.test(key) ? "live" : "test");

export const stripeKeyInput = z
  .object({
    apiKey: z
      .string()
      .trim()
      .regex(/^(rk|sk)_(live|test)_[A-Za-z0-9]{8,}$/, "Paste a restricted key (rk_live_… or rk_test_…), or a secret key (sk_…)."),
    publishableKey: z
      .string()
      .trim()
      .regex(/^pk_(live|test)_[A-Za-z0-9]{8,}$/, "Paste the account's publishable key (pk_live_… or pk_test_…): the card-update page needs it."),
    webhookSecret: z
      .string()
      .trim()
      .regex(/^whsec_[A-Za-z0-9+/=]{8,}$/, "Paste the signing secret (whsec_…) of the webhook endpoint you added in Stripe."),
  })
  .superRefine((value, ctx) => {
    if (keyMode(value.apiKey) !== keyMode(value.publishableKey)) {
      ctx.addIssue({ code: "custom", path: ["publishableKey"], message: `This is a ${keyMode(value.publishableKey)}-mode key, but the secret key is for ${keyMode(value.apiKey)} mode: use keys of the same mode.` });
    }
  });

/** The address Stripe should send a workspace's events to, for a pasted key. */
export const webhookUrlFor = (appUrl: string, workspaceId: string) => `${appUrl}/api/webhooks/stripe?workspace=${encodeURIComponent(workspaceId)}`;

export const billingRouter = router({
  /** The workspace's Stripe connection and its health, for the Integrations page. Never any secret. */
  connection: workspaceProcedure.query(async ({ ctx }) => {
    const connection = await getConnection(ctx.db, ctx.workspace.id);
    const since = new Date(Date.now() - 24 * 60 * 60 * 1000);
    const [counts] = await ctx.db
      .select({
        last24h: sql<number>`count(*) filter (where ${webhookEvents.receivedAt} >= ${since.toISOString()}::timestamptz)::int`,
        waiting: sql<number>`count(*) filter (where ${webhookEvents.status} in ('pending', 'processing'))::int`,
        failed: sql<number>`count(*) filter (where ${webhookEvents.status} = 'failed')::int`,
      })
      .from(webhookEvents)
      .where(eq(webhookEvents.workspaceId, ctx.workspace.id));
    const recent = await ctx.db
      .select({
        eventId: webhookEvents.eventId,
        type: webhookEvents.type,
        status: webhookEvents.status,
        result: webhookEvents.result,
        receivedAt: webhookEvents.receivedAt,
        livemode: webhookEvents.livemode,
      })
      .from(webhookEvents)
      .where(eq(webhookEvents.workspaceId, ctx.workspace.id))
      .orderBy(desc(webhookEvents.receivedAt))
      .limit(15);
    const platform = stripePlatform();
    return {
      connectAvailable: platform.connect !== null,
      webhookUrl: webhookUrlFor(ctx.appUrl, ctx.workspace.id),
      handledEvents: [...HANDLED_EVENTS],
      requiredPermissions: REQUIRED_PERMISSIONS,
      connection: connection
        ? {
            method: connection.method,
            status: connection.status,
            accountId: connection.accountId,
            accountName: connection.accountName,
            livemode: connection.livemode,
            connectedAt: connection.connectedAt,
            disconnectedAt: connection.disconnectedAt,
            disconnectReason: connection.disconnectReason,
          }
        : null,
      health: connection
        ? {
            lastEventAt: connection.lastEventAt,
            lastEventType: connection.lastEventType,
            eventsLast24h: Number(counts?.last24h ?? 0),
            waiting: Number(counts?.waiting ?? 0),
            failed: Number(counts?.failed ?? 0),
            signatureFailures: connection.signatureFailures,
            lastSignatureFailureAt: connection.lastSignatureFailureAt,
            lastError: connection.lastError,
            lastErrorAt: connection.lastErrorAt,
            providerRetriesSeenAt: connection.providerRetriesSeenAt,
            /** Stripe scheduled a retry of its own in the last 30 days: Smart Retries appear to be on. */
            providerRetriesRecent: connection.providerRetriesSeenAt !== null && connection.providerRetriesSeenAt.getTime() > Date.now() - 30 * 24 * 60 * 60 * 1000,
            scannedAt: connection.scannedAt,
          }
        : null,
      recentEvents: recent,
    };
  }),

  /**
   * Connects Stripe with a pasted restricted key: the key is tried against every kind of object
   * Reclaim touches before anything is saved, and refused with the missing permission named.
   */
  connectWithKey: workspaceProcedureWith("billing.manage")
    .input(stripeKeyInput)
    .mutation(async ({ ctx, input }) => {
      const check = await checkStripeKey(input.apiKey, stripePlatform());
      if (!check.ok) return { ok: false as const, field: check.field, message: check.message };
      const { apiKey, publishableKey, webhookSecret } = input;
      await saveApiKeyConnection(ctx.db, getSecretKey(), { workspaceId: ctx.workspace.id, apiKey, publishableKey, webhookSecret, check });
      return { ok: true as const, livemode: check.livemode, accountName: check.accountName };
    }),

  /** Stops all live activity: secrets dropped, back to sandbox mode, pending actions of live cases cancelled. */
  disconnect: workspaceProcedureWith("billing.manage").mutation(async ({ ctx }) => {
    const connection = await getConnection(ctx.db, ctx.workspace.id);
    if (!connection || connection.status !== "active") throw new TRPCError({ code: "BAD_REQUEST", message: "Stripe is not connected." });
    let deauthorized: boolean | null = null;
    const platform = stripePlatform();
    if (connection.method === "oauth" && platform.connect && connection.accountId) {
      // Also remove Reclaim's access on Stripe's side; a failure here must not keep the workspace connected.
      const stripe = createStripeClient({ apiKey: platform.connect.secretKey, apiUrl: platform.apiUrl });
      deauthorized = await stripe.oauth
        .deauthorize({ client_id: platform.connect.clientId, stripe_user_id: connection.accountId })
        .then(() => true)
        .catch(() => false);
    }
    const result = await disconnectStripe(ctx.db, { workspaceId: ctx.workspace.id, reason: `disconnected by ${ctx.user.email} in the console` });
    return { ...result, deauthorized };
  }),

  /**
   * Switches the workspace to live: from then on Reclaim acts on the connected Stripe account's
   * events with real money. Deliberate: the workspace's name must be typed, and a live-mode
   * connection must be active. Going back to sandbox is by disconnecting Stripe.
   */
  goLive: workspaceProcedureWith("billing.manage")
    .input(z.object({ confirmName: z.string().trim().max(100) }))
    .mutation(async ({ ctx, input }) => {
      if (ctx.workspace.mode === "live") return { ok: true as const };
      if (input.confirmName !== ctx.workspace.name) {
        return { ok: false as const, message: `Type the workspace's name, ${ctx.workspace.name}, exactly, to confirm.` };
      }
      const connection = await getConnection(ctx.db, ctx.workspace.id);
      if (!connection || connection.status !== "active") return { ok: false as const, message: "Connect Stripe first." };
      if (!connection.livemode) {
        return {
          ok: false as const,
          message: "The connected key is a test-mode key. Connect with live-mode keys (rk_live_…, pk_live_…) to go live; test mode is for checking the connection and its webhook.",
        };
      }
      await ctx.db.update(workspaces).set({ mode: "live", updatedAt: sql`now()` }).where(and(eq(workspaces.id, ctx.workspace.id), eq(workspaces.mode, "sandbox")));
      return { ok: true as const };
    }),
});

