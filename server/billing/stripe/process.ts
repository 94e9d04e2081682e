import { and, eq, inArray, sql } from "drizzle-orm";
import type Stripe from "stripe";
import type { Db } from "@/server/db/client";
import { billingConnections, webhookEvents, workspaces, type BillingConnection, type WebhookEvent } from "@/server/db/schema";
import { rowsOf } from "@/server/recovery/actions";
import type { RecoveryDeps } from "@/server/recovery/ports";
import type { SecretKey } from "@/server/security/secrets";
import { stripeAccessFor, type StripePlatform } from "./connections";
import { handleStripeEvent, type HandlerOutcome } from "./events";
import type { StripeAccess } from "./provider";

export type StripeRuntime = {
  deps: RecoveryDeps;
  secretKey: SecretKey;
  platform: StripePlatform;
  /** How to reach a connection's account (tests hand in a client pointed at a local server). */
  access?: (connection: BillingConnection) => StripeAccess;
};

/** Tries of one event before it is left `failed` (with its last error, on the Integrations page). */
export const MAX_EVENT_RUNS = 8;
/** How long a claimed event is held; a worker that died lets it go after this. */
export const EVENT_LEASE_MS = 120_000;

/** 30 s, 1 min, 2 min … up to an hour between tries. */
export const eventBackoffMs = (runCount: number) => Math.min(60 * 60_000, 30_000 * 2 ** Math.max(0, runCount - 1));

/**
 * Claims up to `limit` due events (pending, or processing with a lapsed lease), oldest first by when
 * Stripe created them, with FOR UPDATE SKIP LOCKED: any number of workers never take one event twice.
 * Deliveries happen in real time, whatever a workspace's clock says, so leases and delays are on the
 * database's clock.
 */
export async function claimWebhookEvents(db: Db, limit: number): Promise<WebhookEvent[]> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      update webhook_events set status = 'processing', run_count = run_count + 1, due_at = now() + ${`${EVENT_LEASE_MS} milliseconds`}::interval
      where id in (
        select id from webhook_events
        where status in ('pending', 'processing') and due_at <= now()
        order by created_at, received_at
        limit ${limit}
        for update skip locked
      )
      returning id`),
  );
  if (rows.length === 0) return [];
  const claimed = await db
    .select()
    .from(webhookEvents)
    .where(inArray(webhookEvents.id, rows.map((r) => r.id)));
  return claimed.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** Claims one event by its row id when it is due (the Inngest function told of it); null when another worker has it or it is done. */
export async function claimWebhookEvent(db: Db, id: string): Promise<WebhookEvent | null> {
  const rows = rowsOf<{ id: string }>(
    await db.execute(sql`
      update webhook_events set status = 'processing', run_count = run_count + 1, due_at = now() + ${`${EVENT_LEASE_MS} milliseconds`}::interval
      where id = (select id from webhook_events where id = ${id} and status in ('pending', 'processing') and due_at <= now() for update skip locked)
      returning id`),
  );
  if (rows.length === 0) return null;
  const [event] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, id));
  return event ?? null;
}

async function finish(runtime: StripeRuntime, event: WebhookEvent, outcome: HandlerOutcome) {
  await runtime.deps.db
    .update(webhookEvents)
    .set({ status: outcome.status, result: outcome.result, processedAt: sql`now()` })
    .where(and(eq(webhookEvents.id, event.id), eq(webhookEvents.status, "processing"), eq(webhookEvents.runCount, event.runCount)));
}

/**
 * Processes one claimed event with its connection's Stripe account. A failure (Stripe unreachable, a
 * database error) puts it back with a growing delay, up to MAX_EVENT_RUNS tries; the last error is
 * kept on the event and on the connection's health. Returns what became of it.
 */
export async function processWebhookEvent(runtime: StripeRuntime, event: WebhookEvent): Promise<HandlerOutcome | { status: "retry" | "failed"; result: string }> {
  const { db } = runtime.deps;
  const [row] = event.connectionId
    ? await db
        .select({ connection: billingConnections, mode: workspaces.mode })
        .from(billingConnections)
        .innerJoin(workspaces, eq(workspaces.id, billingConnections.workspaceId))
        .where(eq(billingConnections.id, event.connectionId))
    : [];
  const connection = row?.connection;
  // Decided now, from the database as it is: the route stores every verified event without judging it. Losing
  // access to the account is acted on in any mode: it ends the connection itself.
  const notActedOn = !connection || connection.status !== "active"
    ? "The Stripe connection was disconnected before this event was processed."
    : event.type === "account.application.deauthorized"
      ? null
      : event.livemode !== connection.livemode
      ? event.livemode
        ? "A live-mode event on a test-mode connection."
        : "A test-mode event on a live connection."
      : row.mode !== "live"
        ? "The workspace is in sandbox mode: switch it to live to act on Stripe events."
        : null;
  if (notActedOn || !connection) {
    const outcome = { status: "ignored" as const, result: notActedOn ?? "No connection." };
    await finish(runtime, event, outcome);
    return outcome;
  }
  try {
    const access = runtime.access ? runtime.access(connection) : stripeAccessFor(connection, runtime.secretKey, runtime.platform);
    const outcome = await handleStripeEvent({ deps: runtime.deps, access, connection }, event.payload as unknown as Stripe.Event);
    await finish(runtime, event, outcome);
    return outcome;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const failed = event.runCount >= MAX_EVENT_RUNS;
    await db
      .update(webhookEvents)
      .set(
        failed
          ? { status: "failed", result: message, processedAt: sql`now()` }
          : { status: "pending", result: `Try ${event.runCount} failed: ${message}`, dueAt: sql`now() + ${`${eventBackoffMs(event.runCount)} milliseconds`}::interval` },
      )
      .where(and(eq(webhookEvents.id, event.id), eq(webhookEvents.status, "processing"), eq(webhookEvents.runCount, event.runCount)));
    await db.update(billingConnections).set({ lastError: `${event.type} ${event.eventId}: ${message}`, lastErrorAt: sql`now()` }).where(eq(billingConnections.id, connection.id));
    runtime.deps.logger.warn("Stripe event processing failed", { eventId: event.eventId, type: event.type, runCount: event.runCount, failed, error: message });
    return { status: failed ? "failed" : "retry", result: message };
  }
}

/** One round: claims what is due and processes it, a few at a time. Returns how many events were claimed. */
export async function processDueWebhookEvents(runtime: StripeRuntime, options: { limit?: number; concurrency?: number } = {}): Promise<number> {
  const claimed = await claimWebhookEvents(runtime.deps.db, options.limit ?? 50);
  let index = 0;
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency ?? 4, claimed.length) }, async () => {
      while (index < claimed.length) await processWebhookEvent(runtime, claimed[index++]!);
    }),
  );
  return claimed.length;
}
