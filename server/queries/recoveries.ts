import { and, asc, desc, eq, inArray, isNull, ne, or, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import {
  caseStatuses,
  customers,
  dunningThreads,
  invoices,
  outboxMessages,
  paymentAttempts,
  recoveryCases,
  scheduledActions,
  subscriptions,
  timelineEvents,
  type CaseStatus,
} from "@/server/db/schema";
import { classifyDecline, knownDeclineCodes } from "@/server/recovery/decline";

/** Cases per page of the recoveries list. */
export const RECOVERIES_PAGE_SIZE = 50;

/**
 * A workspace's recovery cases, newest first, with what the list shows of
 * their customer and invoice. Keyset-paginated: `cursor` is the id of the last
 * case of the previous page (a cursor from another workspace matches nothing).
 */
export async function listRecoveryCases(
  db: Db,
  {
    workspaceId,
    status,
    cursor,
    limit = RECOVERIES_PAGE_SIZE,
  }: { workspaceId: string; status?: CaseStatus; cursor?: string; limit?: number },
) {
  const rows = await db
    .select({
      id: recoveryCases.id,
      status: recoveryCases.status,
      stage: recoveryCases.stage,
      cohort: recoveryCases.cohort,
      declineCode: recoveryCases.declineCode,
      declineCategory: recoveryCases.declineCategory,
      amount: recoveryCases.amount,
      currency: recoveryCases.currency,
      retryCount: recoveryCases.retryCount,
      needsAttention: recoveryCases.needsAttention,
      openedAt: recoveryCases.openedAt,
      closedAt: recoveryCases.closedAt,
      recoveredVia: recoveryCases.recoveredVia,
      customerName: customers.name,
      customerEmail: customers.email,
      invoiceNumber: invoices.number,
      invoiceExternalId: invoices.externalId,
    })
    .from(recoveryCases)
    .innerJoin(customers, and(eq(customers.id, recoveryCases.customerId), eq(customers.workspaceId, workspaceId)))
    .innerJoin(invoices, and(eq(invoices.id, recoveryCases.invoiceId), eq(invoices.workspaceId, workspaceId)))
    .where(
      and(
        eq(recoveryCases.workspaceId, workspaceId),
        status ? eq(recoveryCases.status, status) : undefined,
        // Compared as a pair on the database's own values: exact, whatever the timestamps' precision.
        cursor
          ? sql`(${recoveryCases.openedAt}, ${recoveryCases.id}) < (select c.opened_at, c.id from recovery_cases c where c.id = ${cursor} and c.workspace_id = ${workspaceId})`
          : undefined,
      ),
    )
    .orderBy(desc(recoveryCases.openedAt), desc(recoveryCases.id))
    .limit(limit + 1);
  const items = rows.slice(0, limit);
  return { items, nextCursor: rows.length > limit ? (items.at(-1)?.id ?? null) : null };
}

export type RecoveryCaseListItem = Awaited<ReturnType<typeof listRecoveryCases>>["items"][number];

/** How many cases of the workspace are in each status (every status present, zero when none). */
export async function countRecoveryCasesByStatus(db: Db, { workspaceId }: { workspaceId: string }): Promise<Record<CaseStatus, number>> {
  const rows = await db
    .select({ status: recoveryCases.status, count: sql<number>`count(*)::int` })
    .from(recoveryCases)
    .where(eq(recoveryCases.workspaceId, workspaceId))
    .groupBy(recoveryCases.status);
  const counts = Object.fromEntries(caseStatuses.map((s) => [s, 0])) as Record<CaseStatus, number>;
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

/**
 * One case with everything its page explains: customer, invoice, subscription,
 * the charge attempts, the plan (the case's own actions and its thread's
 * emails) and the timeline (the case's events and its thread's shared ones).
 * Null when the case is not in the workspace.
 */
export async function getRecoveryCase(db: Db, { workspaceId, caseId }: { workspaceId: string; caseId: string }) {
  const [row] = await db
    .select({ recoveryCase: recoveryCases, customer: customers, invoice: invoices, subscription: subscriptions, thread: dunningThreads })
    .from(recoveryCases)
    .innerJoin(customers, and(eq(customers.id, recoveryCases.customerId), eq(customers.workspaceId, workspaceId)))
    .innerJoin(invoices, and(eq(invoices.id, recoveryCases.invoiceId), eq(invoices.workspaceId, workspaceId)))
    .innerJoin(dunningThreads, and(eq(dunningThreads.id, recoveryCases.threadId), eq(dunningThreads.workspaceId, workspaceId)))
    .leftJoin(subscriptions, and(eq(subscriptions.id, invoices.subscriptionId), eq(subscriptions.workspaceId, workspaceId)))
    .where(and(eq(recoveryCases.workspaceId, workspaceId), eq(recoveryCases.id, caseId)));
  if (!row) return null;
  const { recoveryCase, customer, invoice, subscription, thread } = row;

  const [attempts, actions, timeline, siblings] = await Promise.all([
    db
      .select({
        id: paymentAttempts.id,
        at: paymentAttempts.at,
        source: paymentAttempts.source,
        outcome: paymentAttempts.outcome,
        declineCode: paymentAttempts.declineCode,
        adviceCode: paymentAttempts.adviceCode,
        declineCategory: paymentAttempts.declineCategory,
        providerRef: paymentAttempts.providerRef,
      })
      .from(paymentAttempts)
      .where(and(eq(paymentAttempts.workspaceId, workspaceId), eq(paymentAttempts.caseId, recoveryCase.id)))
      .orderBy(asc(paymentAttempts.at), asc(paymentAttempts.id)),
    db
      .select({
        id: scheduledActions.id,
        kind: scheduledActions.kind,
        step: scheduledActions.step,
        dueAt: scheduledActions.dueAt,
        status: scheduledActions.status,
        result: scheduledActions.result,
        lastError: scheduledActions.lastError,
        runCount: scheduledActions.runCount,
        completedAt: scheduledActions.completedAt,
        caseId: scheduledActions.caseId,
      })
      .from(scheduledActions)
      .where(
        and(
          eq(scheduledActions.workspaceId, workspaceId),
          or(
            eq(scheduledActions.caseId, recoveryCase.id),
            and(eq(scheduledActions.threadId, recoveryCase.threadId), eq(scheduledActions.kind, "email")),
          ),
        ),
      )
      .orderBy(asc(scheduledActions.dueAt), asc(scheduledActions.createdAt)),
    db
      .select({
        id: timelineEvents.id,
        at: timelineEvents.at,
        actor: timelineEvents.actor,
        kind: timelineEvents.kind,
        summary: timelineEvents.summary,
        outcome: timelineEvents.outcome,
        caseId: timelineEvents.caseId,
        data: timelineEvents.data,
        seq: timelineEvents.seq,
      })
      .from(timelineEvents)
      .where(
        and(
          eq(timelineEvents.workspaceId, workspaceId),
          or(
            eq(timelineEvents.caseId, recoveryCase.id),
            and(eq(timelineEvents.threadId, recoveryCase.threadId), isNull(timelineEvents.caseId)),
          ),
        ),
      )
      .orderBy(asc(timelineEvents.at), asc(timelineEvents.seq)),
    db
      .select({
        id: recoveryCases.id,
        status: recoveryCases.status,
        amount: recoveryCases.amount,
        currency: recoveryCases.currency,
        invoiceNumber: invoices.number,
        invoiceExternalId: invoices.externalId,
      })
      .from(recoveryCases)
      .innerJoin(invoices, eq(invoices.id, recoveryCases.invoiceId))
      .where(
        and(
          eq(recoveryCases.workspaceId, workspaceId),
          eq(recoveryCases.threadId, recoveryCase.threadId),
          ne(recoveryCases.id, recoveryCase.id),
        ),
      )
      .orderBy(asc(recoveryCases.openedAt)),
  ]);

  const classification = classifyDecline({ declineCode: recoveryCase.declineCode, adviceCode: recoveryCase.adviceCode });
  return {
    recoveryCase,
    customer: {
      id: customer.id,
      name: customer.name,
      email: customer.email,
      timezone: customer.timezone,
      externalId: customer.externalId,
      provider: customer.provider,
    },
    invoice: {
      id: invoice.id,
      number: invoice.number,
      externalId: invoice.externalId,
      amountDue: invoice.amountDue,
      currency: invoice.currency,
      status: invoice.status,
      hostedUrl: invoice.hostedUrl,
      paidAt: invoice.paidAt,
    },
    subscription: subscription ? { status: subscription.status, planName: subscription.planName } : null,
    thread: { id: thread.id, status: thread.status, openedAt: thread.openedAt, closedAt: thread.closedAt },
    decline: {
      label: knownDeclineCodes.find((k) => k.code === recoveryCase.declineCode)?.label ?? null,
      explanation: classification.explanation,
      retryable: classification.retryable,
      contactCustomer: classification.contactCustomer,
      needsNewPaymentMethod: classification.needsNewPaymentMethod,
    },
    attempts,
    actions: actions.map(({ result, ...action }) => ({ ...action, result: result ?? null, messageId: stringField(result, "messageId") })),
    timeline: timeline.map(({ data, seq: _seq, ...event }) => ({ ...event, messageId: stringField(data, "messageId") })),
    siblings,
  };
}

export type RecoveryCaseDetail = NonNullable<Awaited<ReturnType<typeof getRecoveryCase>>>;

function stringField(data: Record<string, unknown> | null | undefined, key: string): string | null {
  const value = data?.[key];
  return typeof value === "string" ? value : null;
}

/**
 * The workspace's next action that has not run yet, with whose it is (for
 * "Retry 1 of Ada Lovelace's invoice SBX-1A2B3C, due …"). Emails belong to the
 * customer's thread, not one case, so their case fields are null.
 */
export async function getNextPlannedAction(db: Db, { workspaceId }: { workspaceId: string }) {
  const [next] = await db
    .select({
      id: scheduledActions.id,
      kind: scheduledActions.kind,
      step: scheduledActions.step,
      dueAt: scheduledActions.dueAt,
      status: scheduledActions.status,
      caseId: scheduledActions.caseId,
      customerName: customers.name,
      customerEmail: customers.email,
      invoiceNumber: invoices.number,
    })
    .from(scheduledActions)
    .innerJoin(dunningThreads, eq(dunningThreads.id, scheduledActions.threadId))
    .innerJoin(customers, eq(customers.id, dunningThreads.customerId))
    .leftJoin(recoveryCases, eq(recoveryCases.id, scheduledActions.caseId))
    .leftJoin(invoices, eq(invoices.id, recoveryCases.invoiceId))
    .where(and(eq(scheduledActions.workspaceId, workspaceId), inArray(scheduledActions.status, ["pending", "running"])))
    .orderBy(asc(scheduledActions.dueAt), asc(scheduledActions.createdAt))
    .limit(1);
  return next ?? null;
}

/**
 * The newest messages Reclaim sent for the workspace (the sandbox outbox). A
 * recovery email also has the domain time it went out at (the sandbox clock's
 * time, from the timeline entry that recorded it) and its case, when it
 * concerned one invoice.
 */
export async function listWorkspaceOutbox(db: Db, { workspaceId, limit = 20 }: { workspaceId: string; limit?: number }) {
  const sentBy = (column: "at" | "case_id") =>
    sql.raw(
      `(select t.${column} from timeline_events t where t.workspace_id = outbox_messages.workspace_id and t.data->>'messageId' = outbox_messages.id order by t.at limit 1)`,
    );
  return db
    .select({
      id: outboxMessages.id,
      to: outboxMessages.to,
      subject: outboxMessages.subject,
      kind: outboxMessages.kind,
      channel: outboxMessages.channel,
      createdAt: outboxMessages.createdAt,
      sentAt: sql<Date | null>`${sentBy("at")}`.mapWith(timelineEvents.at),
      caseId: sql<string | null>`${sentBy("case_id")}`,
      firstOpenedAt: outboxMessages.firstOpenedAt,
      firstClickedAt: outboxMessages.firstClickedAt,
    })
    .from(outboxMessages)
    .where(eq(outboxMessages.workspaceId, workspaceId))
    .orderBy(desc(outboxMessages.createdAt), desc(outboxMessages.id))
    .limit(limit);
}

/** One email of the workspace's outbox, or null when it is not this workspace's. */
export async function getWorkspaceOutboxMessage(db: Db, { workspaceId, messageId }: { workspaceId: string; messageId: string }) {
  const [message] = await db
    .select()
    .from(outboxMessages)
    .where(and(eq(outboxMessages.workspaceId, workspaceId), eq(outboxMessages.id, messageId)));
  return message ?? null;
}
