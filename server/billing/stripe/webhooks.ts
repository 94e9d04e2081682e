import { and, eq, sql } from "drizzle-orm";
import Stripe from "stripe";
import { z } from "zod";
import type { Db } from "@/server/db/client";
import { billingConnections, webhookEvents, workspaces, type BillingConnection } from "@/server/db/schema";
import type { SecretKey } from "@/server/security/secrets";
import { webhookSecretOf, type StripePlatform } from "./connections";
import { HANDLED_EVENTS } from "./events";

/** How old a signed delivery may be (Stripe's own default): older ones are refused as replays. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type WebhookReply = { status: 200 | 400; body: { received?: true; duplicate?: true; ignored?: string; error?: string } };

export type ReceivedEvent = { id: string; workspaceId: string; status: "pending" | "ignored" };

const eventShape = z.object({
  id: z.string().regex(/^evt_\w+$/, "id must be an event id (evt_…)"),
  object: z.literal("event"),
  type: z.string().min(1).max(200),
  livemode: z.boolean(),
  created: z.number().int().positive(),
  account: z.string().optional(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
});

const workspaceIdShape = z.string().regex(/^[\w-]{1,64}$/);

/** A refused delivery: nothing stored, 400 so Stripe shows it as failed (and retries it, should the secret have been wrong). */
const refuse = (error: string): WebhookReply => ({ status: 400, body: { error } });

async function noteSignatureFailure(db: Db, connectionId: string) {
  await db
    .update(billingConnections)
    .set({ signatureFailures: sql`${billingConnections.signatureFailures} + 1`, lastSignatureFailureAt: sql`now()` })
    .where(eq(billingConnections.id, connectionId));
}

/**
 * One delivery to the Stripe webhook route: the raw body's signature is checked with the right secret
 * (that of the workspace named in the endpoint's URL, for a pasted key, or the platform's Connect
 * endpoint's, whose events name their account), the event is stored under its id before anything else (a second
 * delivery of the same id is acknowledged and ignored), and the reply is sent. Processing is the
 * scheduler's (process.ts), so Stripe gets its answer in milliseconds whatever the event asks for.
 *
 * Refused with 400, nothing stored: no or a bad signature, a timestamp older than five minutes, a
 * body that is not a Stripe event. Acknowledged and not stored: event types Reclaim does not act on,
 * events of an account no workspace is connected to. Stored as ignored (for the health figures): a
 * test-mode event on a live connection and the reverse, and events of a workspace still in sandbox mode.
 */
export async function receiveStripeWebhook(
  deps: { db: Db; secretKey: SecretKey; platform: StripePlatform },
  delivery: { rawBody: string; signature: string | null; workspaceId: string | null },
): Promise<{ reply: WebhookReply; event: ReceivedEvent | null }> {
  const { db } = deps;
  let connection: BillingConnection | null = null;
  let secret: string | null;
  if (delivery.workspaceId !== null) {
    if (!workspaceIdShape.safeParse(delivery.workspaceId).success) return { reply: refuse("No Stripe connection for the workspace in the endpoint URL."), event: null };
    [connection = null] = await db.select().from(billingConnections).where(eq(billingConnections.workspaceId, delivery.workspaceId));
    if (!connection) return { reply: refuse("No Stripe connection for the workspace in the endpoint URL."), event: null };
    if (connection.status !== "active") return { reply: refuse("This Stripe connection was disconnected in Reclaim: remove the endpoint in Stripe."), event: null };
    secret = webhookSecretOf(connection, deps.secretKey);
    if (!secret) return { reply: refuse("This workspace takes its events through the Connect endpoint (no workspace in the URL)."), event: null };
  } else {
    secret = deps.platform.connect?.webhookSecret ?? null;
    if (!secret) return { reply: refuse("No Connect endpoint is configured here: use the endpoint URL shown on the Integrations page."), event: null };
  }
  if (!delivery.signature) return { reply: refuse("Missing Stripe-Signature header."), event: null };

  let parsed: unknown;
  try {
    parsed = Stripe.webhooks.constructEvent(delivery.rawBody, delivery.signature, secret, SIGNATURE_TOLERANCE_SECONDS);
  } catch (error) {
    if (connection) await noteSignatureFailure(db, connection.id);
    const message = error instanceof Stripe.errors.StripeSignatureVerificationError ? error.message : "The body is not valid JSON.";
    return { reply: refuse(`Signature check failed: ${message}`), event: null };
  }
  const shape = eventShape.safeParse(parsed);
  if (!shape.success) return { reply: refuse(`Not a Stripe event: ${shape.error.issues[0]?.message ?? "unexpected shape"}.`), event: null };
  const event = shape.data;

  if (!connection) {
    if (!event.account) return { reply: refuse("A Connect event without an account."), event: null };
    [connection = null] = await db
      .select()
      .from(billingConnections)
      .where(
        and(
          eq(billingConnections.provider, "stripe"),
          eq(billingConnections.accountId, event.account),
          eq(billingConnections.status, "active"),
          eq(billingConnections.method, "oauth"),
        ),
      );
    if (!connection) return { reply: { status: 200, body: { received: true, ignored: "No workspace is connected to this account." } }, event: null };
  }

  await db
    .update(billingConnections)
    .set({ lastEventAt: sql`now()`, lastEventType: event.type })
    .where(eq(billingConnections.id, connection.id));
  if (!HANDLED_EVENTS.has(event.type)) {
    return { reply: { status: 200, body: { received: true, ignored: `Reclaim does not act on ${event.type}.` } }, event: null };
  }

  const [workspace] = await db.select({ mode: workspaces.mode }).from(workspaces).where(eq(workspaces.id, connection.workspaceId));
  const ignoredBecause =
    event.livemode !== connection.livemode
      ? event.livemode
        ? "A live-mode event on a test-mode connection."
        : "A test-mode event on a live connection."
      : workspace?.mode !== "live"
        ? "The workspace is in sandbox mode: switch it to live to act on Stripe events."
        : null;
  const [stored] = await db
    .insert(webhookEvents)
    .values({
      provider: "stripe",
      eventId: event.id,
      workspaceId: connection.workspaceId,
      connectionId: connection.id,
      type: event.type,
      livemode: event.livemode,
      account: event.account ?? null,
      createdAt: new Date(event.created * 1000),
      payload: parsed as Record<string, unknown>,
      status: ignoredBecause ? "ignored" : "pending",
      result: ignoredBecause,
      processedAt: ignoredBecause ? new Date() : null,
    })
    .onConflictDoNothing({ target: [webhookEvents.provider, webhookEvents.eventId] })
    .returning({ id: webhookEvents.id, status: webhookEvents.status });
  if (!stored) return { reply: { status: 200, body: { received: true, duplicate: true } }, event: null };
  return {
    reply: { status: 200, body: ignoredBecause ? { received: true, ignored: ignoredBecause } : { received: true } },
    event: { id: stored.id, workspaceId: connection.workspaceId, status: stored.status === "ignored" ? "ignored" : "pending" },
  };
}
