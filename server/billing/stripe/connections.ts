import { and, eq, sql } from "drizzle-orm";
import Stripe from "stripe";
import type { Db } from "@/server/db/client";
import { billingConnections, recoveryCases, scheduledActions, workspaces, type BillingConnection } from "@/server/db/schema";
import { addTimeline } from "@/server/recovery/context";
import { open, seal, type SecretKey } from "@/server/security/secrets";
import { createStripeClient, withRateLimitRetries } from "./client";
import { forgetConnection } from "./connection-cache";
import { createStripeProvider, type StripeAccess, type StripeBillingProvider } from "./provider";

/** The Stripe settings of this deployment (from the environment): where the API is, and the Connect platform when there is one. */
export type StripePlatform = {
  apiUrl: string | null;
  /** Stripe Connect: the platform's keys and client id (all set, or none). */
  connect: { secretKey: string; publishableKey: string; clientId: string; webhookSecret: string } | null;
};

/** What a restricted key must be allowed to do, as the Integrations page lists it; each is checked when the key is saved. */
export const REQUIRED_PERMISSIONS = [
  { resource: "Invoices", access: "Write", why: "read failed invoices, retry them, mark them uncollectible" },
  { resource: "Customers", access: "Write", why: "read customers, set the new card as their default" },
  { resource: "Subscriptions", access: "Write", why: "set the new card on the subscription, cancel or pause it at the end" },
  { resource: "SetupIntents", access: "Write", why: "let customers put a new card on file with Stripe Elements" },
  { resource: "PaymentIntents", access: "Read", why: "read why a payment was declined" },
  { resource: "Charges", access: "Read", why: "read the decline's outcome and advice codes" },
  { resource: "PaymentMethods", access: "Read", why: "show the customer which card is on file" },
] as const;

const context = (connectionId: string, column: "secret" | "webhook_secret") => `billing_connections:${connectionId}:${column}`;

export const keyLivemode = (key: string) => /^(sk|rk)_live_/.test(key);

/** The client and account to act on a connection's Stripe account with. */
export function stripeAccessFor(connection: BillingConnection, secretKey: SecretKey, platform: StripePlatform): StripeAccess {
  if (connection.status !== "active") throw new Error("This Stripe connection was disconnected: connect Stripe again under Integrations.");
  if (connection.method === "oauth") {
    if (!platform.connect) throw new Error("This workspace is connected through Stripe Connect, but this deployment has no Connect platform keys (STRIPE_SECRET_KEY…).");
    if (!connection.accountId) throw new Error("The Connect connection has no account id.");
    return { stripe: createStripeClient({ apiKey: platform.connect.secretKey, apiUrl: platform.apiUrl }), stripeAccount: connection.accountId };
  }
  if (!connection.secretSealed) throw new Error("The Stripe connection has no key: connect Stripe again under Integrations.");
  return { stripe: createStripeClient({ apiKey: open(secretKey, connection.secretSealed, context(connection.id, "secret")), apiUrl: platform.apiUrl }), stripeAccount: null };
}

export function stripeProviderFor(connection: BillingConnection, secretKey: SecretKey, platform: StripePlatform): StripeBillingProvider {
  return createStripeProvider(stripeAccessFor(connection, secretKey, platform));
}

/** The webhook signing secret of a pasted-key connection. */
export function webhookSecretOf(connection: BillingConnection, secretKey: SecretKey): string | null {
  return connection.webhookSecretSealed ? open(secretKey, connection.webhookSecretSealed, context(connection.id, "webhook_secret")) : null;
}

export async function getConnection(db: Db, workspaceId: string): Promise<BillingConnection | null> {
  const [row] = await db.select().from(billingConnections).where(eq(billingConnections.workspaceId, workspaceId));
  return row ?? null;
}

export type KeyCheck =
  | { ok: true; accountId: string | null; accountName: string | null; livemode: boolean }
  | { ok: false; field: "secretKey"; message: string };

/**
 * Tries the key against each kind of object Reclaim touches (a one-item list each: reads only, nothing
 * changes), so a key missing a permission is refused with the permission named, before anything is
 * saved. The account's id and name are read when the key may read them.
 */
export async function checkStripeKey(apiKey: string, platform: Pick<StripePlatform, "apiUrl">): Promise<KeyCheck> {
  const stripe = createStripeClient({ apiKey, apiUrl: platform.apiUrl });
  const probes: [string, () => Promise<unknown>][] = [
    ["Invoices", () => stripe.invoices.list({ limit: 1 })],
    ["Customers", () => stripe.customers.list({ limit: 1 })],
    ["Subscriptions", () => stripe.subscriptions.list({ limit: 1 })],
    ["SetupIntents", () => stripe.setupIntents.list({ limit: 1 })],
    ["PaymentIntents", () => stripe.paymentIntents.list({ limit: 1 })],
    ["Charges", () => stripe.charges.list({ limit: 1 })],
    ["PaymentMethods", () => stripe.paymentMethods.list({ limit: 1, type: "card" })],
  ];
  for (const [resource, probe] of probes) {
    try {
      await withRateLimitRetries(probe);
    } catch (error) {
      if (error instanceof Stripe.errors.StripeAuthenticationError) {
        return { ok: false, field: "secretKey", message: "Stripe did not accept this key: check that you copied all of it and that it was not rolled or deleted." };
      }
      if (error instanceof Stripe.errors.StripePermissionError) {
        return { ok: false, field: "secretKey", message: `This key may not use ${resource}. Edit the restricted key in Stripe to allow the permissions listed below, then paste it again.` };
      }
      if (error instanceof Stripe.errors.StripeConnectionError) {
        return { ok: false, field: "secretKey", message: "Reclaim could not reach Stripe to check the key. Try again in a moment." };
      }
      throw error;
    }
  }
  let accountId: string | null = null;
  let accountName: string | null = null;
  try {
    const account = await withRateLimitRetries(() => stripe.accounts.retrieveCurrent());
    accountId = account.id;
    accountName = account.settings?.dashboard?.display_name ?? account.business_profile?.name ?? null;
  } catch (error) {
    // A restricted key without the account permission: its events still come to the connection's own webhook URL.
    if (!(error instanceof Stripe.errors.StripePermissionError)) throw error;
  }
  return { ok: true, accountId, accountName, livemode: keyLivemode(apiKey) };
}

type ConnectionValues = Pick<BillingConnection, "method" | "accountId" | "accountName" | "livemode" | "publishableKey">;

/**
 * Saves a workspace's connection, replacing any earlier one on the same row (its id, and so its
 * sealed values' context, stays): active, health figures reset, secrets sealed for that row.
 */
async function saveConnection(
  db: Db,
  secretKey: SecretKey,
  workspaceId: string,
  values: ConnectionValues & { secret: string | null; webhookSecret: string | null },
): Promise<BillingConnection> {
  const [existing] = await db.select({ id: billingConnections.id }).from(billingConnections).where(eq(billingConnections.workspaceId, workspaceId));
  const id = existing?.id ?? crypto.randomUUID();
  const { secret, webhookSecret, ...rest } = values;
  const row = {
    ...rest,
    status: "active" as const,
    secretSealed: secret ? seal(secretKey, secret, context(id, "secret")) : null,
    webhookSecretSealed: webhookSecret ? seal(secretKey, webhookSecret, context(id, "webhook_secret")) : null,
    connectedAt: new Date(),
    disconnectedAt: null,
    disconnectReason: null,
    lastError: null,
    lastErrorAt: null,
    signatureFailures: 0,
    lastSignatureFailureAt: null,
  };
  const [saved] = await db
    .insert(billingConnections)
    .values({ id, workspaceId, ...row })
    .onConflictDoUpdate({ target: billingConnections.workspaceId, set: row })
    .returning();
  if (!saved) throw new Error("The connection was not saved");
  forgetConnection(db, workspaceId);
  return saved;
}

/** Saves a checked key and its webhook secret (sealed), replacing any earlier connection of the workspace. */
export function saveApiKeyConnection(
  db: Db,
  secretKey: SecretKey,
  args: { workspaceId: string; apiKey: string; webhookSecret: string; publishableKey: string; check: Extract<KeyCheck, { ok: true }> },
): Promise<BillingConnection> {
  return saveConnection(db, secretKey, args.workspaceId, {
    method: "api_key",
    accountId: args.check.accountId,
    accountName: args.check.accountName,
    livemode: args.check.livemode,
    publishableKey: args.publishableKey,
    secret: args.apiKey,
    webhookSecret: args.webhookSecret,
  });
}

/** Saves a Connect OAuth grant: the connected account, acted on with the platform's key; the access token is kept sealed. */
export function saveOAuthConnection(
  db: Db,
  secretKey: SecretKey,
  args: { workspaceId: string; accountId: string; accountName: string | null; livemode: boolean; accessToken: string | null; publishableKey: string },
): Promise<BillingConnection> {
  return saveConnection(db, secretKey, args.workspaceId, {
    method: "oauth",
    accountId: args.accountId,
    accountName: args.accountName,
    livemode: args.livemode,
    publishableKey: args.publishableKey,
    secret: args.accessToken,
    webhookSecret: null,
  });
}

/**
 * Stops all live activity of a workspace: the connection's secrets are dropped, the workspace goes
 * back to sandbox mode, and every pending action of its live cases is cancelled (the cases stay open,
 * with a timeline entry saying why nothing more happens). Webhooks for the connection are refused
 * from then on. Idempotent.
 */
export async function disconnectStripe(db: Db, args: { workspaceId: string; reason: string; at?: Date }): Promise<{ disconnected: boolean; cancelledActions: number }> {
  const at = args.at ?? new Date();
  const result = await db.transaction(async (tx) => {
    const [connection] = await tx
      .update(billingConnections)
      .set({ status: "disconnected", secretSealed: null, webhookSecretSealed: null, disconnectedAt: at, disconnectReason: args.reason })
      .where(and(eq(billingConnections.workspaceId, args.workspaceId), eq(billingConnections.status, "active")))
      .returning({ id: billingConnections.id });
    if (!connection) return { disconnected: false, cancelledActions: 0 };
    await tx.update(workspaces).set({ mode: "sandbox", updatedAt: sql`now()` }).where(eq(workspaces.id, args.workspaceId));
    const cancelled = await tx
      .update(scheduledActions)
      .set({ status: "cancelled", completedAt: at, lastError: `Stripe was disconnected: ${args.reason}` })
      .where(
        and(
          eq(scheduledActions.workspaceId, args.workspaceId),
          eq(scheduledActions.status, "pending"),
          sql`${scheduledActions.threadId} in (select ${recoveryCases.threadId} from ${recoveryCases} where ${recoveryCases.workspaceId} = ${args.workspaceId} and ${recoveryCases.livemode} and ${recoveryCases.status} = 'open')`,
        ),
      )
      .returning({ id: scheduledActions.id });
    const threads = await tx
      .selectDistinct({ threadId: recoveryCases.threadId })
      .from(recoveryCases)
      .where(and(eq(recoveryCases.workspaceId, args.workspaceId), eq(recoveryCases.livemode, true), eq(recoveryCases.status, "open")));
    for (const { threadId } of threads) {
      await addTimeline(tx, {
        workspaceId: args.workspaceId,
        threadId,
        at,
        actor: "reclaim",
        kind: "stripe_disconnected",
        summary: `Stripe was disconnected (${args.reason}): Reclaim stopped retrying and messaging. The case stays open until Stripe is connected again or the invoice is settled there.`,
        dedupeKey: `stripe-disconnected:${connection.id}:${at.toISOString()}`,
      });
    }
    return { disconnected: true, cancelledActions: cancelled.length };
  });
  // After the commit: this process's webhook route reads the connection afresh from now on.
  forgetConnection(db, args.workspaceId);
  return result;
}
