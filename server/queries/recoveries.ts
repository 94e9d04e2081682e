import { and, asc, desc, eq, gte, inArray, isNull, lt, ne, or, sql, type AnyColumn, type SQL } from "drizzle-orm";
import { z } from "zod";
import { periodInput } from "@/server/analytics/period";
import { difficultyInputsOf, difficultyScore } from "@/server/analytics/difficulty";
import type { Db } from "@/server/db/client";
import {
  caseStatuses,
  cohorts,
  customers,
  dunningThreads,
  invoices,
  outboxMessages,
  paymentAttempts,
  recoveryCases,
  recoveryChannels,
  scheduledActions,
  sequences,
  sequenceVersions,
  subscriptions,
  timelineEvents,
  type CaseStatus,
} from "@/server/db/schema";
import { DAY } from "@/server/recovery/clock";
import { classifyDecline, declineCategories, knownDeclineCodes } from "@/server/recovery/decline";

/** Cases per page of the recoveries list. */
export const RECOVERIES_PAGE_SIZE = 50;

/** The longest search text: longer than any name, email or invoice number worth typing. */
export const RECOVERY_SEARCH_MAX = 100;

/** A UTC day like 2026-01-31, with the reports' own rules and messages. */
const isoDay = periodInput.options[1].shape.from;

/** Postgres refuses a NUL in text, and nothing a person types or a provider names needs a control character. */
const noControlCharacters = (v: string) => [...v].every((ch) => ch.charCodeAt(0) >= 32 && ch.charCodeAt(0) !== 127);

/** The id of a row of Reclaim's (a case, a sequence, an email, a page cursor): what they are made of, so anything else is a clear refusal. */
export const recordId = (message: string) =>
  z
    .string({ message })
    .trim()
    .min(1, { message, abort: true })
    .max(100, { message, abort: true })
    .regex(/^[A-Za-z0-9_-]+$/, message);

const oneOf = (what: string, values: readonly string[]) => `Choose ${what}: ${values.join(", ")}.`;

/**
 * The filters of the recoveries list, field by field (the router and the page
 * both read them with these rules). Each field is optional; dates are whole
 * UTC days of the case's opening, both included.
 */
export const recoveryFilterShape = {
  status: z.enum(caseStatuses, { message: oneOf("a status", caseStatuses) }).optional(),
  declineCategory: z.enum(declineCategories, { message: oneOf("a decline category", declineCategories) }).optional(),
  declineCode: z
    .string({ message: "A decline code is text, like insufficient_funds." })
    .trim()
    .toLowerCase()
    // Stored codes are the provider's, trimmed and lower-cased (classifyDecline): any such text may be one, and
    // whether this workspace has it is checked against its cases.
    .min(1, { message: "A decline code is text, like insufficient_funds.", abort: true })
    .max(255, { message: "That is too long for a decline code.", abort: true })
    .refine(noControlCharacters, "A decline code cannot contain control characters.")
    .optional(),
  cohort: z.enum(cohorts, { message: oneOf("a cohort", cohorts) }).optional(),
  channel: z.enum(recoveryChannels, { message: oneOf("a recovery channel", recoveryChannels) }).optional(),
  sequenceId: recordId("Choose a sequence from the list.").optional(),
  from: isoDay.optional(),
  to: isoDay.optional(),
  q: z
    .string({ message: "Search for text." })
    .trim()
    .max(RECOVERY_SEARCH_MAX, `Search for at most ${RECOVERY_SEARCH_MAX} characters.`)
    // Postgres refuses a NUL in text; no name or invoice number has control characters.
    .refine(noControlCharacters, "Search text cannot contain control characters.")
    .transform((v) => (v === "" ? undefined : v))
    .optional(),
};

/** The start of a date range may not be after its end. */
export function checkDateOrder(value: { from?: string; to?: string }, ctx: z.RefinementCtx): void {
  if (value.from && value.to && value.from > value.to) {
    ctx.addIssue({ code: "custom", path: ["to"], message: "The start date must be on or before the end date." });
  }
}

export const recoveryFiltersInput = z.object(recoveryFilterShape).superRefine(checkDateOrder);
export type RecoveryCaseFilters = z.output<typeof recoveryFiltersInput>;

/** Whether Reclaim knows a decline code (its reference table, or "unknown" for a decline without a code). */
export const isKnownDeclineCode = (code: string) => code === "unknown" || knownDeclineCodes.some((k) => k.code === code);

/** `%`, `_` and `\` match themselves in a LIKE pattern, not any text. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const startOfDay = (day: string) => new Date(`${day}T00:00:00Z`);

/**
 * The conditions of the filters, on recovery_cases joined with its customer
 * and invoice (the search reads both). Every condition stays within the
 * workspace: a sequence of another workspace matches nothing.
 */
function filterConditions(db: Db, workspaceId: string, filters: Omit<RecoveryCaseFilters, "status">): SQL[] {
  const conditions: SQL[] = [eq(recoveryCases.workspaceId, workspaceId)];
  if (filters.declineCategory) conditions.push(eq(recoveryCases.declineCategory, filters.declineCategory));
  if (filters.declineCode) conditions.push(eq(recoveryCases.declineCode, filters.declineCode));
  if (filters.cohort) conditions.push(eq(recoveryCases.cohort, filters.cohort));
  if (filters.channel) conditions.push(eq(recoveryCases.recoveredVia, filters.channel));
  if (filters.sequenceId) {
    conditions.push(
      inArray(
        recoveryCases.sequenceVersionId,
        db
          .select({ id: sequenceVersions.id })
          .from(sequenceVersions)
          .where(and(eq(sequenceVersions.workspaceId, workspaceId), eq(sequenceVersions.sequenceId, filters.sequenceId))),
      ),
    );
  }
  if (filters.from) conditions.push(gte(recoveryCases.openedAt, startOfDay(filters.from)));
  if (filters.to) conditions.push(lt(recoveryCases.openedAt, new Date(startOfDay(filters.to).getTime() + DAY)));
  const q = filters.q?.trim();
  if (q) {
    const pattern = `%${escapeLike(q)}%`;
    const like = (column: AnyColumn) => sql`${column} ilike ${pattern} escape '\\'`;
    const search = or(
      like(customers.name),
      like(customers.email),
      like(customers.externalId),
      like(invoices.number),
      like(invoices.externalId),
    );
    if (search) conditions.push(search);
  }
  return conditions;
}

/**
 * A workspace's recovery cases, newest first, with what the list shows of
 * their customer and invoice, narrowed by the filters. Keyset-paginated:
 * `cursor` is the id of the last case of the previous page, and the next page
 * holds the matching cases strictly older than it in (opened_at, id) order, so
 * pages neither skip nor repeat a case whatever the filters (a cursor from
 * another workspace matches nothing).
 */
export async function listRecoveryCases(
  db: Db,
  {
    workspaceId,
    cursor,
    limit = RECOVERIES_PAGE_SIZE,
    ...filters
  }: { workspaceId: string; cursor?: string; limit?: number } & RecoveryCaseFilters,
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
        ...filterConditions(db, workspaceId, filters),
        filters.status ? eq(recoveryCases.status, filters.status) : undefined,
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

/**
 * How many cases of the workspace are in each status (every status present,
 * zero when none), among the cases the other filters match: the numbers the
 * status tabs show for the current filters.
 */
export async function countRecoveryCasesByStatus(
  db: Db,
  { workspaceId, ...filters }: { workspaceId: string } & Omit<RecoveryCaseFilters, "status">,
): Promise<Record<CaseStatus, number>> {
  const rows = await db
    .select({ status: recoveryCases.status, count: sql<number>`count(*)::int` })
    .from(recoveryCases)
    .innerJoin(customers, and(eq(customers.id, recoveryCases.customerId), eq(customers.workspaceId, workspaceId)))
    .innerJoin(invoices, and(eq(invoices.id, recoveryCases.invoiceId), eq(invoices.workspaceId, workspaceId)))
    .where(and(...filterConditions(db, workspaceId, filters)))
    .groupBy(recoveryCases.status);
  const counts = Object.fromEntries(caseStatuses.map((s) => [s, 0])) as Record<CaseStatus, number>;
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

/**
 * What the filter form offers: the workspace's sequences (the default first)
 * and the decline codes its cases have, with Reclaim's name for each known
 * code and how many cases have it.
 */
export async function getRecoveryFilterOptions(db: Db, { workspaceId }: { workspaceId: string }) {
  const [sequenceRows, codeRows] = await Promise.all([
    db
      .select({ id: sequences.id, name: sequences.name, isDefault: sequences.isDefault })
      .from(sequences)
      .where(eq(sequences.workspaceId, workspaceId))
      .orderBy(desc(sequences.isDefault), asc(sequences.name), asc(sequences.id)),
    db
      .select({ code: recoveryCases.declineCode, count: sql<number>`count(*)::int` })
      .from(recoveryCases)
      .where(eq(recoveryCases.workspaceId, workspaceId))
      .groupBy(recoveryCases.declineCode)
      .orderBy(asc(recoveryCases.declineCode)),
  ]);
  return {
    sequences: sequenceRows,
    declineCodes: codeRows.map((row) => {
      const known = knownDeclineCodes.find((k) => k.code === row.code);
      return { code: row.code, label: known?.label ?? null, category: known?.category ?? null, count: Number(row.count) };
    }),
  };
}

export type RecoveryFilterOptions = Awaited<ReturnType<typeof getRecoveryFilterOptions>>;

/** Whether any case of the workspace has this decline code (a code Reclaim does not know may still be one a provider sent). */
export async function declineCodeOccurs(db: Db, { workspaceId, code }: { workspaceId: string; code: string }): Promise<boolean> {
  const [row] = await db
    .select({ id: recoveryCases.id })
    .from(recoveryCases)
    .where(and(eq(recoveryCases.workspaceId, workspaceId), eq(recoveryCases.declineCode, code)))
    .limit(1);
  return row !== undefined;
}

/**
 * One case with everything its page explains: customer, invoice, subscription,
 * the charge attempts, the plan (the case's own actions and its thread's
 * emails) and the timeline (the case's events and its thread's shared ones).
 * Also its difficulty score (server/analytics/difficulty.ts), with an open
 * case's days counted to `now` (the workspace's now: a sandbox's test clock).
 * Null when the case is not in the workspace.
 */
export async function getRecoveryCase(
  db: Db,
  { workspaceId, caseId, now = new Date() }: { workspaceId: string; caseId: string; now?: Date },
) {
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
        declineDetails: paymentAttempts.declineDetails,
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
  const difficultyInputs = difficultyInputsOf({
    status: recoveryCase.status,
    recoveredVia: recoveryCase.recoveredVia,
    retryCount: recoveryCase.retryCount,
    openedAt: recoveryCase.openedAt,
    closedAt: recoveryCase.closedAt,
    now,
    attempts,
  });
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
    difficulty: { ...difficultyScore(difficultyInputs), inputs: difficultyInputs },
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
