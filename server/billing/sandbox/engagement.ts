import { and, asc, eq, lte } from "drizzle-orm";
import { DateTime } from "luxon";
import type { Db } from "@/server/db/client";
import { customers, sandboxCustomers, sandboxEngagements, type SandboxEngagement } from "@/server/db/schema";
import { completeCardUpdate } from "@/server/recovery/card-update";
import { MINUTE, HOUR } from "@/server/recovery/clock";
import { setSandboxClock, workspaceNow, type Executor } from "@/server/recovery/context";
import type { DeliveredEmail, RecoveryDeps } from "@/server/recovery/ports";
import { planningZone } from "@/server/recovery/schedule";
import { recordLinkVisit, recordOpen } from "@/server/messaging/tracking";
import { unitRandom } from "./model";
import { saveSandboxCard } from "./simulate";

/**
 * The sandbox's simulated customers: what a customer the model plays does
 * about a dunning email. Deterministic: every choice is a function of the
 * sandbox seed and the email, so the same run plays out the same way.
 *
 * - Opens: 45% of friendly emails, 50% of reminders, 55% of urgent ones, 60%
 *   of final notices. The customer opens it from 5 minutes to about a day and
 *   a half after it arrived, and not at night (before 07:00 or from 23:00 in
 *   their timezone an open waits for the morning).
 * - Clicks, of those who opened: 30%; 45% when only a new card can help (hard,
 *   revoked, authentication declines); 10% more per later step (a final notice
 *   gets more action than a first note). Within 20 minutes of opening.
 * - Card updates, of those who clicked: 65%, a few minutes after the click.
 *   The card they enter pays in 85% of updates (4242 4242 4242 4242), is short
 *   of funds in 10% (4000 0000 0000 9995), and asks for 3-D Secure in 5%
 *   (4000 0027 6000 3184).
 *
 * Only customers marked `simulated` in `sandbox_customers` are played (the
 * ones the sandbox generated); a customer simulated for an address someone
 * typed is played by that person through the outbox.
 */
export type EngagementPlan = { openAt: Date | null; clickAt: Date | null; updateAt: Date | null; cardNumber: string | null };

const openRate = { friendly: 0.45, reminder: 0.5, urgent: 0.55, final: 0.6 } as const;
const needsNewCard = new Set(["hard", "revoked", "needs_authentication"]);

export const engagementCards = { pays: "4242424242424242", insufficientFunds: "4000000000009995", authentication: "4000002760003184" } as const;

export function planEngagement(args: {
  seed: string;
  messageId: string;
  sentAt: Date;
  timezone: string;
  step: DeliveredEmail["step"];
  declineCategory: string;
}): EngagementPlan {
  const r = (what: string) => unitRandom(`${args.seed}:engage:${args.messageId}:${what}`);
  const none: EngagementPlan = { openAt: null, clickAt: null, updateAt: null, cardNumber: null };
  if (r("open") >= openRate[args.step.tone]) return none;
  const delay = 5 * MINUTE + r("open-delay") ** 2 * 36 * HOUR;
  const openAt = awake(new Date(args.sentAt.getTime() + delay), args.timezone, r("wake"));

  const clickBase = needsNewCard.has(args.declineCategory) ? 0.45 : 0.3;
  const clickRate = Math.min(0.9, clickBase * (1 + 0.1 * Math.max(0, args.step.index - 1)));
  if (r("click") >= clickRate) return { ...none, openAt };
  const clickAt = new Date(openAt.getTime() + 30_000 + r("click-delay") * 20 * MINUTE);

  if (r("update") >= 0.65) return { ...none, openAt, clickAt };
  const updateAt = new Date(clickAt.getTime() + MINUTE + r("update-delay") * 7 * MINUTE);
  const card = r("card");
  const cardNumber = card < 0.85 ? engagementCards.pays : card < 0.95 ? engagementCards.insufficientFunds : engagementCards.authentication;
  return { openAt, clickAt, updateAt, cardNumber };
}

/** People read their email in the day: an open between 23:00 and 07:00 local moves to the morning. */
function awake(at: Date, timezone: string, jitter: number): Date {
  const local = DateTime.fromJSDate(at, { zone: planningZone(timezone) });
  if (local.hour >= 7 && local.hour < 23) return at;
  const morning = (local.hour >= 23 ? local.plus({ days: 1 }) : local).set({ hour: 7, minute: 0, second: 0, millisecond: 0 });
  return morning.plus({ minutes: Math.floor(jitter * 120) }).toJSDate();
}

/** The sandbox provider's `emailDelivered`: plans what a simulated customer does about the email. Idempotent per email. */
export async function planSandboxEngagement(db: Db, seed: string, email: DeliveredEmail): Promise<void> {
  const [customer] = await db
    .select({ timezone: customers.timezone, simulated: sandboxCustomers.simulated })
    .from(customers)
    .innerJoin(sandboxCustomers, eq(sandboxCustomers.customerId, customers.id))
    .where(and(eq(customers.id, email.customerId), eq(customers.workspaceId, email.workspaceId)));
  if (!customer?.simulated) return;
  const plan = planEngagement({
    seed,
    messageId: email.messageId,
    sentAt: email.sentAt,
    timezone: customer.timezone,
    step: email.step,
    declineCategory: email.declineCategory,
  });
  const base = { workspaceId: email.workspaceId, customerId: email.customerId, threadId: email.threadId, messageId: email.messageId, linkId: email.linkId };
  const rows = [
    plan.openAt ? { ...base, kind: "open" as const, dueAt: plan.openAt } : null,
    plan.clickAt ? { ...base, kind: "click" as const, dueAt: plan.clickAt } : null,
    plan.updateAt ? { ...base, kind: "card_update" as const, dueAt: plan.updateAt, cardNumber: plan.cardNumber } : null,
  ].filter((row) => row !== null);
  if (rows.length > 0) await db.insert(sandboxEngagements).values(rows).onConflictDoNothing();
}

/** The earliest thing a simulated customer of the workspace still has to do, up to `until`. */
export async function nextSandboxEngagement(db: Executor, workspaceId: string, until: Date): Promise<SandboxEngagement | null> {
  const [next] = await db
    .select()
    .from(sandboxEngagements)
    .where(and(eq(sandboxEngagements.workspaceId, workspaceId), eq(sandboxEngagements.status, "pending"), lte(sandboxEngagements.dueAt, until)))
    .orderBy(asc(sandboxEngagements.dueAt), asc(sandboxEngagements.kind))
    .limit(1);
  return next ?? null;
}

/**
 * Plays one engagement at its time, through the same code a real customer's
 * open, click and card update go through. Taken once (a guarded update), so
 * two advancing tabs never play it twice.
 */
export async function playSandboxEngagement(deps: RecoveryDeps, engagement: SandboxEngagement): Promise<string | null> {
  const [taken] = await deps.db
    .update(sandboxEngagements)
    .set({ status: "done", attempts: engagement.attempts + 1 })
    .where(and(eq(sandboxEngagements.id, engagement.id), eq(sandboxEngagements.status, "pending")))
    .returning({ id: sandboxEngagements.id });
  if (!taken) return null;
  const now = await workspaceNow(deps, engagement.workspaceId);
  if (engagement.dueAt.getTime() > now.getTime()) await setSandboxClock(deps.db, engagement.workspaceId, engagement.dueAt);
  let result: string;
  let skipped = false;
  try {
    switch (engagement.kind) {
      case "open":
        await recordOpen(deps, { messageId: engagement.messageId });
        result = "opened the email";
        break;
      case "click":
        if (!engagement.linkId) throw new Error("no link to follow");
        await recordLinkVisit(deps, { linkId: engagement.linkId });
        result = "followed the card-update link";
        break;
      case "card_update":
        ({ result, skipped } = await updateCard(deps, engagement));
        break;
    }
  } catch (error) {
    // A simulated customer who hits an error gives up, like a real one: logged, never retried.
    result = `gave up: ${error instanceof Error ? error.message : String(error)}`;
    skipped = true;
    deps.logger.warn("A simulated customer's action failed", { engagementId: engagement.id, error: result });
  }
  await deps.db
    .update(sandboxEngagements)
    .set({ result, status: skipped ? "skipped" : "done" })
    .where(eq(sandboxEngagements.id, engagement.id));
  return result;
}

async function updateCard(deps: RecoveryDeps, engagement: SandboxEngagement): Promise<{ result: string; skipped: boolean }> {
  if (!engagement.linkId || !engagement.cardNumber) return { result: "nothing to enter", skipped: true };
  const now = await workspaceNow(deps, engagement.workspaceId);
  const saved = await saveSandboxCard(deps, {
    workspaceId: engagement.workspaceId,
    customerId: engagement.customerId,
    number: engagement.cardNumber,
    expiry: `12/${now.getUTCFullYear() + 3}`,
    cvc: "123",
  });
  if (!saved.ok) throw new Error(Object.values(saved.errors).join(" "));
  const done = await completeCardUpdate(deps, { linkId: engagement.linkId, paymentMethodRef: saved.paymentMethodRef, paymentMethodLabel: saved.label });
  if (done.state !== "completed") return { result: `did not update the card: the link was ${done.state}`, skipped: true };
  const paid = done.invoices.filter((i) => i.outcome === "paid").length;
  return { result: `put a new card on file (${saved.label}); ${paid} of ${done.invoices.length} invoices paid`, skipped: false };
}
