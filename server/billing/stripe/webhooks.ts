import { and, eq, sql, type SQL } from "drizzle-orm";
import Stripe from "stripe";
import { z } from "zod";
import type { Db } from "@/server/db/client";
import { billingConnections, type BillingConnection } from "@/server/db/schema";
import { rowsOf } from "@/server/recovery/actions";
import type { SecretKey } from "@/server/security/secrets";
import { cachedConnection, rememberConnection } from "./connection-cache";
import { webhookSecretOf, type StripePlatform } from "./connections";
import { HANDLED_EVENTS } from "./events";

/** How old a signed delivery may be (Stripe's own default): older ones are refused as replays. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

export type WebhookReply = { status: 200 | 400; body: { received?: true; duplicate?: true; ignored?: string; error?: string } };

export type ReceivedEvent = { id: string; workspaceId: string };

const eventShape = z.object({
  id: z.string().regex(/^evt_\w+$/, "id must be an event id (evt_…)"),
  object: z.literal("event"),
  type: z.string().min(1).max(200),
  livemode: z.boolean(),
  created: z.number().int().positive(),
  account: z.string().optional(),
  // The object's own fields are the handlers' concern (typed by the SDK); here only that there is one.
  data: z.object({ object: z.custom<Record<string, unknown>>((v) => typeof v === "object" && v !== null && !Array.isArray(v), "data.object must be an object") }),
});

/** When this process last stamped each connection's health (see below). */
const lastStamp = new Map<string, number>();

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
 * events of an account no workspace is connected to. Everything else is stored as pending: whether
 * the workspace is live and the event's mode matches the connection's is decided when it is
 * processed, from the database as it is then (process.ts), never from this route's few-seconds
 * cache, so no event is dropped because a process had not yet seen a switch to live or a new key.
 */
export async function receiveStripeWebhook(
  deps: { db: Db; secretKey: SecretKey; platform: StripePlatform },
  delivery: { rawBody: string; signature: string | null; workspaceId: string | null },
): Promise<{ reply: WebhookReply; event: ReceivedEvent | null }> {
  const { db } = deps;
  // The connection and its opened secret, read once and kept a few seconds (connection-cache.ts): this is the hot
  // path of every delivery. Only the signature check depends on it; a stale secret is refused with a 400, which
  // Stripe delivers again later.
  const lookUp = async (key: string, where: SQL) => {
    const cached = cachedConnection(db, key);
    if (cached) return cached;
    const [row] = await db
      .select({ connection: billingConnections })
      .from(billingConnections)
      .where(where);
    if (!row) return null;
    const entry = { ...row, webhookSecret: row.connection.status === "active" ? webhookSecretOf(row.connection, deps.secretKey) : null };
    rememberConnection(db, key, entry);
    return entry;
  };
  let connection: BillingConnection | null = null;
  let secret: string | null;
  if (delivery.workspaceId !== null) {
    if (!workspaceIdShape.safeParse(delivery.workspaceId).success) return { reply: refuse("No Stripe connection for the workspace in the endpoint URL."), event: null };
    const row = await lookUp(`workspace:${delivery.workspaceId}`, eq(billingConnections.workspaceId, delivery.workspaceId));
    if (!row) return { reply: refuse("No Stripe connection for the workspace in the endpoint URL."), event: null };
    ({ connection } = row);
    if (connection.status !== "active") return { reply: refuse("This Stripe connection was disconnected in Reclaim: remove the endpoint in Stripe."), event: null };
    secret = row.webhookSecret;
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
    const row = await lookUp(
      `account:${event.account}`,
      and(
        eq(billingConnections.provider, "stripe"),
        eq(billingConnections.accountId, event.account),
        eq(billingConnections.status, "active"),
        eq(billingConnections.method, "oauth"),
      )!,
    );
    if (row) ({ connection } = row);
    if (!connection) return { reply: { status: 200, body: { received: true, ignored: "No workspace is connected to this account." } }, event: null };
  }

  // Health: the last event, kept to the second. At most one stamp a second per process, and the condition keeps
  // concurrent deliveries of other processes from queueing on the connection's row (an UPDATE whose WHERE fails
  // locks nothing).
  const nowMs = Date.now();
  if ((lastStamp.get(connection.id) ?? 0) < nowMs - 1000) {
    lastStamp.set(connection.id, nowMs);
    await db
      .update(billingConnections)
      .set({ lastEventAt: sql`now()`, lastEventType: event.type })
      .where(and(eq(billingConnections.id, connection.id), sql`(${billingConnections.lastEventAt} is null or ${billingConnections.lastEventAt} < now() - interval '1 second')`));
  }
  if (!HANDLED_EVENTS.has(event.type)) {
    return { reply: { status: 200, body: { received: true, ignored: `Reclaim does not act on ${event.type}.` } }, event: null };
  }

  // One plain statement (no query builder on this path): the row, or nothing when the id was seen before. The
  // payload is the body as Stripe signed it (verified above), not a re-serialisation of the parsed object.
  const id = crypto.randomUUID();
  const [stored] = rowsOf<{ id: string }>(
    await db.execute(sql`
      insert into webhook_events (id, provider, event_id, workspace_id, connection_id, type, livemode, account, created_at, payload, status, result, processed_at)
      values (${id}, 'stripe', ${event.id}, ${connection.workspaceId}, ${connection.id}, ${event.type}, ${event.livemode}, ${event.account ?? null},
        to_timestamp(${event.created}), ${delivery.rawBody}::jsonb, 'pending', null, null)
      on conflict (provider, event_id) do nothing
      returning id`),
  );
  if (!stored) return { reply: { status: 200, body: { received: true, duplicate: true } }, event: null };
  return {
    reply: { status: 200, body: { received: true } },
    event: { id: stored.id, workspaceId: connection.workspaceId },
  };
}
