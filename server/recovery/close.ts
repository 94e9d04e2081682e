import { and, eq, ne, sql } from "drizzle-orm";
import { customers, invoices, recoveryCases, scheduledActions, subscriptions, type RecoveryChannel } from "@/server/db/schema";
import { addTimeline, moneyLabel, workspaceNow, type Executor } from "./context";
import { closeThreadIfDone, lockThreadOfCase } from "./threads";
import type { RecoveryDeps } from "./ports";

/** How the timeline names the channel that recovered a case ("Recovered … through …"). */
export const channelLabels: Record<RecoveryChannel, string> = {
  reclaim_retry: "a retry by Reclaim",
  provider_retry: "the billing provider's own retry",
  card_update: "the customer's card update",
  card_updater: "the card network's automatic card update",
  out_of_band: "a payment outside Reclaim",
};

export type RecoveredCase = { caseId: string; threadId: string; customerId: string; cohort: "treatment" | "holdout"; amount: number; currency: string; invoiceNumber: string };

/**
 * Closes an open case as recovered: the invoice is paid, its pending actions
 * are cancelled (nothing can fire after this), the attribution is recorded,
 * and the thread closes when it was the customer's last open case. Returns
 * null when the case was not open (already closed by someone else).
 */
export async function markCaseRecovered(
  tx: Executor,
  args: {
    caseId: string;
    at: Date;
    via: RecoveryChannel;
    emailDay?: number | null;
    messageKey?: string | null;
    detail?: string;
  },
): Promise<RecoveredCase | null> {
  // Lock the customer's thread first: two invoices paid in overlapping
  // transactions would otherwise each see the other still open, and neither
  // would close the thread.
  await lockThreadOfCase(tx, args.caseId);
  const [closed] = await tx
    .update(recoveryCases)
    .set({
      status: "recovered",
      closedAt: args.at,
      recoveredAmount: sql`${recoveryCases.amount}`,
      recoveredVia: args.via,
      attributedEmailDay: args.emailDay ?? null,
      attributedMessageId: args.messageKey ?? null,
    })
    .where(and(eq(recoveryCases.id, args.caseId), eq(recoveryCases.status, "open")))
    .returning();
  if (!closed) return null;
  const [invoice] = await tx
    .update(invoices)
    .set({ status: "paid", paidAt: args.at })
    .where(eq(invoices.id, closed.invoiceId))
    .returning();
  await tx
    .update(scheduledActions)
    .set({ status: "cancelled", completedAt: args.at, lastError: "The case was recovered" })
    .where(and(eq(scheduledActions.caseId, closed.id), eq(scheduledActions.status, "pending")));
  if (invoice?.subscriptionId) {
    const [stillOpen] = await tx
      .select({ id: recoveryCases.id })
      .from(recoveryCases)
      .innerJoin(invoices, eq(invoices.id, recoveryCases.invoiceId))
      .where(
        and(
          eq(invoices.workspaceId, closed.workspaceId),
          eq(invoices.subscriptionId, invoice.subscriptionId),
          eq(recoveryCases.status, "open"),
          ne(recoveryCases.id, closed.id),
        ),
      )
      .limit(1);
    if (!stillOpen) await tx.update(subscriptions).set({ status: "active" }).where(eq(subscriptions.id, invoice.subscriptionId));
  }
  const attribution = args.emailDay != null ? `, after the email of day ${args.emailDay}` : "";
  await addTimeline(tx, {
    workspaceId: closed.workspaceId,
    threadId: closed.threadId,
    caseId: closed.id,
    at: args.at,
    actor: args.via === "card_update" ? "customer" : args.via === "reclaim_retry" ? "reclaim" : "billing",
    kind: "recovered",
    summary: `Recovered ${moneyLabel(closed.amount, closed.currency)} through ${channelLabels[args.via]}${attribution}.${args.detail ? ` ${args.detail}` : ""}`,
    outcome: "recovered",
    data: { via: args.via, emailDay: args.emailDay ?? null },
  });
  if (await closeThreadIfDone(tx, closed.threadId, args.at)) {
    await addTimeline(tx, {
      workspaceId: closed.workspaceId,
      threadId: closed.threadId,
      at: args.at,
      actor: "reclaim",
      kind: "thread_closed",
      summary: "Every failed invoice of this customer is settled: no further message will be sent.",
    });
  }
  return {
    caseId: closed.id,
    threadId: closed.threadId,
    customerId: closed.customerId,
    cohort: closed.cohort,
    amount: closed.amount,
    currency: closed.currency,
    invoiceNumber: invoice?.number ?? invoice?.externalId ?? closed.invoiceId,
  };
}

/**
 * The billing provider says an invoice was paid (its own retry, or paid some
 * other way). Closes the case if one is open; sends the receipt to treatment
 * customers. Idempotent.
 */
export async function recordInvoicePaid(
  deps: RecoveryDeps,
  args: { workspaceId: string; provider: "sandbox" | "stripe"; invoiceExternalId: string; via: "provider_retry" | "out_of_band" | "card_updater"; at?: Date },
): Promise<{ result: "recovered"; caseId: string } | { result: "ignored"; reason: string }> {
  const at = args.at ?? (await workspaceNow(deps, args.workspaceId));
  const recovered = await deps.db.transaction(async (tx) => {
    const [row] = await tx
      .select({ caseId: recoveryCases.id, status: recoveryCases.status })
      .from(invoices)
      .innerJoin(recoveryCases, eq(recoveryCases.invoiceId, invoices.id))
      .where(and(eq(invoices.workspaceId, args.workspaceId), eq(invoices.provider, args.provider), eq(invoices.externalId, args.invoiceExternalId)));
    if (!row) {
      // Paid before any failure was seen (events out of order): remember it, so a late failure opens nothing.
      await tx
        .update(invoices)
        .set({ status: "paid", paidAt: at })
        .where(and(eq(invoices.workspaceId, args.workspaceId), eq(invoices.provider, args.provider), eq(invoices.externalId, args.invoiceExternalId)));
      return null;
    }
    return markCaseRecovered(tx, { caseId: row.caseId, at, via: args.via });
  });
  if (!recovered) return { result: "ignored", reason: "No open case for this invoice" };
  await deps.hooks.threadClosed({ workspaceId: args.workspaceId, threadId: recovered.threadId });
  await sendReceipts(deps, [recovered], at, `receipt:${recovered.caseId}`, null);
  return { result: "recovered", caseId: recovered.caseId };
}

/** One receipt for the invoices just paid (never to holdout customers: Reclaim sends them nothing). */
export async function sendReceipts(
  deps: RecoveryDeps,
  recovered: RecoveredCase[],
  at: Date,
  idempotencyKey: string,
  paymentMethodLabel: string | null,
): Promise<void> {
  const treated = recovered.filter((r) => r.cohort === "treatment");
  const first = treated[0];
  if (!first) return;
  const [customer] = await deps.db.select().from(customers).where(eq(customers.id, first.customerId));
  if (!customer?.email) return;
  const { messageId } = await deps.notifier.sendReceipt({
    workspaceId: customer.workspaceId,
    idempotencyKey,
    to: customer.email,
    customerName: customer.name,
    locale: customer.locale,
    timezone: customer.timezone,
    paidAt: at,
    invoices: treated.map((r) => ({ invoiceNumber: r.invoiceNumber, amount: r.amount, currency: r.currency })),
    paymentMethodLabel,
  });
  await addTimeline(deps.db, {
    workspaceId: customer.workspaceId,
    threadId: first.threadId,
    caseId: treated.length === 1 ? first.caseId : null,
    at,
    actor: "reclaim",
    kind: "receipt_sent",
    summary: `Receipt sent to ${customer.email} for ${treated.map((r) => r.invoiceNumber).join(", ")}.`,
    data: { messageId },
    dedupeKey: `timeline:${idempotencyKey}`,
  });
}

/**
 * The billing provider closed an invoice without payment (voided it, or the merchant marked it
 * uncollectible there), or the subscription behind open invoices was canceled: their open cases
 * close (`cancelled` for a voided invoice or a canceled subscription, `lost` for an uncollectible
 * invoice), their pending actions are cancelled so no retry or message follows, and the thread
 * closes when nothing is left open. Idempotent: cases already closed are left as they are.
 */
export async function recordClosedByProvider(
  deps: RecoveryDeps,
  args: {
    workspaceId: string;
    provider: "sandbox" | "stripe";
    /** The invoice closed, or every open invoice of the subscription. */
    target: { invoiceExternalId: string } | { subscriptionExternalId: string };
    status: "cancelled" | "lost";
    /** For the timeline: what happened at the provider. */
    reason: string;
    at?: Date;
  },
): Promise<{ closed: string[] }> {
  const at = args.at ?? (await workspaceNow(deps, args.workspaceId));
  const invoiceStatus = args.status === "lost" ? ("uncollectible" as const) : ("void" as const);
  const scope =
    "invoiceExternalId" in args.target
      ? eq(invoices.externalId, args.target.invoiceExternalId)
      : sql`${invoices.subscriptionId} in (select ${subscriptions.id} from ${subscriptions} where ${subscriptions.workspaceId} = ${args.workspaceId} and ${subscriptions.provider} = ${args.provider} and ${subscriptions.externalId} = ${args.target.subscriptionExternalId})`;
  const open = await deps.db
    .select({ caseId: recoveryCases.id, threadId: recoveryCases.threadId, invoiceId: invoices.id, amount: recoveryCases.amount, currency: recoveryCases.currency })
    .from(recoveryCases)
    .innerJoin(invoices, eq(invoices.id, recoveryCases.invoiceId))
    .where(and(eq(invoices.workspaceId, args.workspaceId), eq(invoices.provider, args.provider), scope, eq(recoveryCases.status, "open")));
  const closed: string[] = [];
  const threadsClosed = new Set<string>();
  for (const c of open) {
    const done = await deps.db.transaction(async (tx) => {
      await lockThreadOfCase(tx, c.caseId);
      const [row] = await tx
        .update(recoveryCases)
        .set({ status: args.status, closedAt: at })
        .where(and(eq(recoveryCases.id, c.caseId), eq(recoveryCases.status, "open")))
        .returning({ id: recoveryCases.id });
      if (!row) return null;
      if ("invoiceExternalId" in args.target) await tx.update(invoices).set({ status: invoiceStatus }).where(eq(invoices.id, c.invoiceId));
      await tx
        .update(scheduledActions)
        .set({ status: "cancelled", completedAt: at, lastError: args.reason })
        .where(and(eq(scheduledActions.caseId, c.caseId), eq(scheduledActions.status, "pending")));
      await addTimeline(tx, {
        workspaceId: args.workspaceId,
        threadId: c.threadId,
        caseId: c.caseId,
        at,
        actor: "billing",
        kind: "closed_by_provider",
        summary: `${args.reason} The case of ${moneyLabel(c.amount, c.currency)} is closed as ${args.status}: no further retry or message.`,
        outcome: args.status,
      });
      return (await closeThreadIfDone(tx, c.threadId, at)) ? c.threadId : "";
    });
    if (done === null) continue;
    closed.push(c.caseId);
    if (done) threadsClosed.add(done);
  }
  for (const threadId of threadsClosed) await deps.hooks.threadClosed({ workspaceId: args.workspaceId, threadId });
  return { closed };
}
