import { and, asc, eq, getTableColumns, inArray, lt, lte, or, sql } from "drizzle-orm";
import {
  customers,
  dunningThreads,
  invoices,
  paymentAttempts,
  recoveryCases,
  sandboxClocks,
  scheduledActions,
  sequenceVersions,
  subscriptions,
  type ScheduledAction,
} from "@/server/db/schema";
import { createCardUpdateLink } from "./card-update-links";
import { HOUR } from "./clock";
import { markCaseRecovered, sendReceipts } from "./close";
import { addTimeline, moneyLabel, workspaceNow, type Executor } from "./context";
import { attemptDeclineColumns, classifyDecline } from "./decline";
import { applyNewDecline } from "./open-case";
import { closeThreadIfDone, lockThreadOfCase } from "./threads";
import type { RecoveryDeps } from "./ports";
import type { FinalAction } from "./policy";
import { windowEndsAt } from "./schedule";

/** The outbox key of the email an email action sends (the card-update link keeps the action's key, to find its email). */
export const dunningMessageKey = (actionKey: string) => `email:${actionKey}`;

/** How long a claim holds (real time). A worker that dies gives its actions back when the lease lapses. */
export const LEASE_MS = 5 * 60_000;
/** Transient failures are retried this many times, with growing delays, before the action is marked failed. */
export const MAX_RUNS = 5;

const claimable = (now: Date) =>
  or(eq(scheduledActions.status, "pending"), and(eq(scheduledActions.status, "running"), lt(scheduledActions.leaseUntil, now)));

/**
 * Claims one action if it is still pending (or its claim lapsed). The guarded
 * update is the only way an action starts, so two workers never run it together.
 */
export async function claimAction(deps: Pick<RecoveryDeps, "db" | "clock">, actionId: string): Promise<ScheduledAction | null> {
  const now = deps.clock.now();
  const [claimed] = await deps.db
    .update(scheduledActions)
    .set({ status: "running", runCount: sql`${scheduledActions.runCount} + 1`, leaseUntil: new Date(now.getTime() + LEASE_MS) })
    .where(and(eq(scheduledActions.id, actionId), claimable(now)))
    .returning();
  return claimed ?? null;
}

/**
 * Claims up to `limit` actions that are due, oldest first, skipping rows other
 * workers hold (FOR UPDATE SKIP LOCKED), and returns their full rows: one
 * statement. A sandbox workspace's actions are due by its test clock
 * (`sandbox_clocks.now`); everything else by real time.
 */
export async function claimDueActions(deps: Pick<RecoveryDeps, "db" | "clock">, limit: number): Promise<ScheduledAction[]> {
  return (await claimDueWithClocks(deps, limit)).map((claimed) => claimed.action);
}

/** A claimed action and its workspace's clock as the claim read it. */
export type ClaimedAction = {
  action: ScheduledAction;
  /** The workspace's mode; null when the workspace is gone. */
  mode: "sandbox" | "live" | null;
  /** A sandbox workspace's test clock, null when it has none yet. */
  sandboxNow: Date | null;
};

/**
 * claimDueActions for a scheduler that performs what it claims: the same single
 * statement also returns each action's workspace clock, so the batch needs no
 * workspaceNow per action (see claimedNow).
 */
export async function claimDueWithClocks(deps: Pick<RecoveryDeps, "db" | "clock">, limit: number): Promise<ClaimedAction[]> {
  const now = deps.clock.now();
  // Raw SQL takes times as ISO strings: postgres-js does not serialise Date parameters here.
  const at = sql`${now.toISOString()}::timestamptz`;
  // The status literals (not parameters) let the planner use the partial index on due actions.
  const due = deps.db
    .select({ id: scheduledActions.id })
    .from(scheduledActions)
    .leftJoin(sandboxClocks, eq(sandboxClocks.workspaceId, scheduledActions.workspaceId))
    .where(
      sql`${scheduledActions.status} in ('pending', 'running')
        and (${scheduledActions.status} = 'pending' or ${scheduledActions.leaseUntil} < ${at})
        and ${scheduledActions.dueAt} <= coalesce(${sandboxClocks.now}, ${at})`,
    )
    .orderBy(asc(scheduledActions.dueAt))
    .limit(limit)
    .for("update", { of: scheduledActions, skipLocked: true });
  const claimed = await deps.db
    .update(scheduledActions)
    .set({ status: "running", runCount: sql`${scheduledActions.runCount} + 1`, leaseUntil: new Date(now.getTime() + LEASE_MS) })
    .where(inArray(scheduledActions.id, due))
    .returning({
      action: getTableColumns(scheduledActions),
      // Spelled out: drizzle leaves columns unqualified in RETURNING, where sandbox_clocks.workspace_id would shadow the row's.
      mode: sql<"sandbox" | "live" | null>`(select w.mode from workspaces w where w.id = scheduled_actions.workspace_id)`,
      sandboxNow: sql<Date | null>`(select c.now from sandbox_clocks c where c.workspace_id = scheduled_actions.workspace_id)`.mapWith(sandboxClocks.now),
    });
  // RETURNING keeps no order.
  return claimed.sort((a, b) => a.action.dueAt.getTime() - b.action.dueAt.getTime());
}

/**
 * The domain's "now" for a claimed action, as workspaceNow answers it: real time
 * for a live workspace (read when asked), the test clock for a sandbox one.
 */
export async function claimedNow(deps: Pick<RecoveryDeps, "db" | "clock">, claimed: ClaimedAction): Promise<Date> {
  if (claimed.mode === "live") return deps.clock.now();
  if (claimed.mode === "sandbox" && claimed.sandboxNow) return claimed.sandboxNow;
  // A sandbox workspace without a clock yet (workspaceNow starts it), or one that is gone (it throws).
  return workspaceNow(deps, claimed.action.workspaceId);
}

/** postgres-js returns an array, PGlite an object with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows: T[] }).rows ?? []);
}

/** The next action of a workspace that is not done, for "advance to the next action". */
export async function nextPendingAction(db: Executor, workspaceId: string, until?: Date): Promise<ScheduledAction | null> {
  const [next] = await db
    .select()
    .from(scheduledActions)
    .where(
      and(
        eq(scheduledActions.workspaceId, workspaceId),
        or(eq(scheduledActions.status, "pending"), eq(scheduledActions.status, "running")),
        until ? lte(scheduledActions.dueAt, until) : undefined,
      ),
    )
    .orderBy(asc(scheduledActions.dueAt), asc(scheduledActions.createdAt))
    .limit(1);
  return next ?? null;
}

type Outcome = { status: "done" | "skipped"; result: Record<string, unknown> };
/** What an action came to when it ran without an error. */
export type ActionOutcome = Outcome;
/** What performing an action came to: an outcome, or a failure that was handled (rescheduled, or failed for good). */
export type ActionResult = Outcome | { status: "failed" | "retrying"; error: string };

/**
 * Runs a claimed action: re-checks the case first (never message a customer who
 * has paid, never retry a closed case), calls the provider with the action's
 * idempotency key, writes the outcome to the timeline, and completes the claim.
 * A transient failure puts the action back with a delay; after MAX_RUNS it fails.
 */
export async function performAction(deps: RecoveryDeps, action: ScheduledAction): Promise<ActionResult> {
  const at = await workspaceNow(deps, action.workspaceId);
  try {
    const outcome = await run(deps, action, at);
    await completeAction(deps, action, outcome.status, outcome.result);
    return outcome;
  } catch (error) {
    return handleFailure(deps, action, at, error);
  }
}

/**
 * performAction for a scheduler that completes in batches: runs the claimed
 * action at `at` (the workspace's now) and handles a failure as performAction
 * does, but leaves a done or skipped outcome for the caller to write with
 * completeActions. Until then the action stays claimed: should the caller die
 * first, the lease lapses and the action runs again (its side effects are
 * idempotent by key).
 */
export async function runClaimedAction(deps: RecoveryDeps, action: ScheduledAction, at: Date): Promise<ActionResult> {
  try {
    return await run(deps, action, at);
  } catch (error) {
    return handleFailure(deps, action, at, error);
  }
}

/** A transient failure: back to pending with a growing delay, or failed for good (with a timeline entry) after MAX_RUNS. */
async function handleFailure(deps: RecoveryDeps, action: ScheduledAction, at: Date, error: unknown): Promise<ActionResult> {
  const message = error instanceof Error ? error.message : String(error);
  const retrying = action.runCount < MAX_RUNS;
  deps.logger.error(`Action ${action.step} failed${retrying ? ", will try again" : ""}`, { actionId: action.id, error: message });
  const guard = and(eq(scheduledActions.id, action.id), eq(scheduledActions.status, "running"), eq(scheduledActions.runCount, action.runCount));
  if (retrying) {
    const delay = 60_000 * 4 ** (action.runCount - 1);
    await deps.db
      .update(scheduledActions)
      .set({ status: "pending", leaseUntil: null, lastError: message, dueAt: new Date(at.getTime() + delay) })
      .where(guard);
  } else {
    await deps.db
      .update(scheduledActions)
      .set({ status: "failed", leaseUntil: null, lastError: message, completedAt: deps.clock.now() })
      .where(guard);
    await addTimeline(deps.db, {
      workspaceId: action.workspaceId,
      threadId: action.threadId,
      caseId: action.caseId,
      at,
      actor: "reclaim",
      kind: "action_failed",
      summary: `Could not ${describe(action)} after ${action.runCount} tries: ${message}`,
      outcome: "failed",
      dedupeKey: `failed:${action.id}`,
    });
  }
  return { status: retrying ? "retrying" : "failed", error: message };
}

/** Marks a claimed action finished, unless a newer run has claimed it since. */
export async function completeAction(
  deps: Pick<RecoveryDeps, "db" | "clock">,
  action: Pick<ScheduledAction, "id" | "runCount">,
  status: "done" | "skipped",
  result: Record<string, unknown>,
) {
  await completeActions(deps, [{ action, status, result }]);
}

export type Completion = {
  /** The claim being completed: its run count is the one the claim gave it. */
  action: Pick<ScheduledAction, "id" | "runCount">;
  status: "done" | "skipped";
  result: Record<string, unknown>;
};

/**
 * Marks claimed actions finished in one statement. Each row is guarded by its
 * claim: still running, under the same run count. A worker whose lease lapsed
 * and whose action was claimed again (run count + 1) cannot overwrite the newer
 * run. Returns the ids it completed.
 */
export async function completeActions(deps: Pick<RecoveryDeps, "db" | "clock">, completions: readonly Completion[]): Promise<string[]> {
  if (completions.length === 0) return [];
  // Four array parameters whatever the batch size; results go as JSON text, parsed by the server.
  const ids = completions.map((c) => c.action.id);
  const runCounts = completions.map((c) => c.action.runCount);
  const statuses = completions.map((c) => c.status);
  const results = completions.map((c) => JSON.stringify(c.result));
  const rows = await deps.db.execute(sql`
    update scheduled_actions as a
    set status = v.status, result = v.result::jsonb, lease_until = null, completed_at = ${deps.clock.now().toISOString()}::timestamptz
    from unnest(${sql.param(ids)}::text[], ${sql.param(runCounts)}::int[], ${sql.param(statuses)}::text[], ${sql.param(results)}::text[])
      as v(id, run_count, status, result)
    where a.id = v.id and a.status = 'running' and a.run_count = v.run_count
    returning a.id`);
  return rowsOf<{ id: string }>(rows).map((r) => r.id);
}

function describe(action: ScheduledAction): string {
  switch (action.kind) {
    case "retry":
      return `retry the payment (${action.step})`;
    case "email":
      return `send the email (${action.step})`;
    case "enter_grace":
      return "start the grace period";
    case "final_action":
      return "apply the final action";
  }
}

async function loadCase(deps: RecoveryDeps, caseId: string) {
  const [row] = await deps.db
    .select({ recoveryCase: recoveryCases, invoice: invoices, subscription: subscriptions, policy: sequenceVersions.policy })
    .from(recoveryCases)
    .innerJoin(invoices, eq(invoices.id, recoveryCases.invoiceId))
    .leftJoin(subscriptions, eq(subscriptions.id, invoices.subscriptionId))
    .innerJoin(sequenceVersions, eq(sequenceVersions.id, recoveryCases.sequenceVersionId))
    .where(eq(recoveryCases.id, caseId));
  return row ?? null;
}

async function run(deps: RecoveryDeps, action: ScheduledAction, at: Date): Promise<Outcome> {
  if (action.kind === "email") return sendEmail(deps, action, at);
  if (!action.caseId) return { status: "skipped", result: { reason: "no case" } };
  const loaded = await loadCase(deps, action.caseId);
  if (!loaded || loaded.recoveryCase.status !== "open") {
    return { status: "skipped", result: { reason: `case is ${loaded?.recoveryCase.status ?? "gone"}` } };
  }
  switch (action.kind) {
    case "retry":
      return retry(deps, action, loaded, at);
    case "enter_grace":
      return enterGrace(deps, action, loaded, at);
    case "final_action":
      return finalAction(deps, action, loaded, at);
  }
}

type Loaded = NonNullable<Awaited<ReturnType<typeof loadCase>>>;

async function retry(deps: RecoveryDeps, action: ScheduledAction, loaded: Loaded, at: Date): Promise<Outcome> {
  const { recoveryCase, invoice } = loaded;
  const billing = await deps.billing(action.workspaceId);
  // Re-read the invoice: the provider may have collected it meanwhile.
  const status = await billing.getInvoiceStatus({ workspaceId: action.workspaceId, invoiceExternalId: invoice.externalId });
  if (status !== "open" && status !== "paid") return { status: "skipped", result: { reason: `invoice is ${status}` } };
  // Also when it is paid: the same key answers with this action's own charge
  // if a crash came between charging and recording it; otherwise it was paid elsewhere.
  const charge = await billing.retryInvoice({
    workspaceId: action.workspaceId,
    invoiceExternalId: invoice.externalId,
    idempotencyKey: action.idempotencyKey,
    at,
  });
  if (status === "paid" && !(charge.outcome === "succeeded" && charge.providerRef)) {
    const paidElsewhere = await deps.db.transaction((tx) =>
      markCaseRecovered(tx, { caseId: recoveryCase.id, at, via: "out_of_band", detail: "Found paid before Reclaim's retry." }),
    );
    if (paidElsewhere) {
      await deps.hooks.threadClosed({ workspaceId: action.workspaceId, threadId: paidElsewhere.threadId });
      await sendReceipts(deps, [paidElsewhere], at, `receipt:${paidElsewhere.caseId}`, null);
    }
    return { status: "skipped", result: { reason: "invoice already paid" } };
  }
  const number = action.step.split(":")[1] ?? "?";
  const recovered = await deps.db.transaction(async (tx) => {
    const classification = charge.outcome === "failed" ? classifyDecline(charge.decline) : null;
    const inserted = await tx
      .insert(paymentAttempts)
      .values({
        workspaceId: action.workspaceId,
        caseId: recoveryCase.id,
        source: "reclaim_retry",
        outcome: charge.outcome,
        ...attemptDeclineColumns(charge.outcome === "failed" ? charge.decline : null, classification),
        providerRef: charge.providerRef,
        dedupeKey: `action:${action.id}`,
        at,
        livemode: recoveryCase.livemode,
      })
      .onConflictDoNothing()
      .returning({ id: paymentAttempts.id });
    if (inserted.length > 0) {
      await tx
        .update(recoveryCases)
        .set({ retryCount: sql`${recoveryCases.retryCount} + 1`, lastAttemptAt: at })
        .where(eq(recoveryCases.id, recoveryCase.id));
    }
    if (charge.outcome === "succeeded") {
      return markCaseRecovered(tx, { caseId: recoveryCase.id, at, via: "reclaim_retry", detail: `Retry ${number} succeeded.` });
    }
    if (charge.outcome === "failed" && classification) {
      await addTimeline(tx, {
        workspaceId: action.workspaceId,
        threadId: action.threadId,
        caseId: recoveryCase.id,
        at,
        actor: "reclaim",
        kind: "retry_failed",
        summary: `Retry ${number} of ${moneyLabel(invoice.amountDue, invoice.currency)} failed: ${classification.code}.`,
        outcome: "failed",
        dedupeKey: `retry:${action.id}`,
      });
      if (classification.code !== recoveryCase.declineCode || !classification.retryable) {
        await applyNewDecline(tx, recoveryCase, classification, at, "reclaim");
      }
    } else if (charge.outcome === "requires_action") {
      await addTimeline(tx, {
        workspaceId: action.workspaceId,
        threadId: action.threadId,
        caseId: recoveryCase.id,
        at,
        actor: "reclaim",
        kind: "retry_requires_action",
        summary: `Retry ${number} needs the customer to authenticate the payment: the emails send them to do so.`,
        outcome: "requires_action",
        dedupeKey: `retry:${action.id}`,
      });
      await applyNewDecline(tx, recoveryCase, classifyDecline({ declineCode: "authentication_required" }), at, "reclaim");
    }
    return null;
  });
  if (recovered) {
    await deps.hooks.threadClosed({ workspaceId: action.workspaceId, threadId: recovered.threadId });
    await sendReceipts(deps, [recovered], at, `receipt:${recovered.caseId}`, null);
  }
  return { status: "done", result: { outcome: charge.outcome } };
}

async function sendEmail(deps: RecoveryDeps, action: ScheduledAction, at: Date): Promise<Outcome> {
  const [thread] = await deps.db
    .select({ thread: dunningThreads, customer: customers, policy: sequenceVersions.policy })
    .from(dunningThreads)
    .innerJoin(customers, eq(customers.id, dunningThreads.customerId))
    .innerJoin(sequenceVersions, eq(sequenceVersions.id, dunningThreads.sequenceVersionId))
    .where(eq(dunningThreads.id, action.threadId));
  if (!thread || thread.thread.status !== "open") return { status: "skipped", result: { reason: "thread closed" } };
  if (thread.thread.cohort !== "treatment") return { status: "skipped", result: { reason: "holdout" } };
  const open = await deps.db
    .select({ recoveryCase: recoveryCases, invoice: invoices })
    .from(recoveryCases)
    .innerJoin(invoices, eq(invoices.id, recoveryCases.invoiceId))
    .where(and(eq(recoveryCases.threadId, action.threadId), eq(recoveryCases.status, "open")))
    .orderBy(asc(recoveryCases.openedAt));
  const lead = open[0];
  if (!lead) return { status: "skipped", result: { reason: "nothing left to pay" } };
  const { customer, policy } = thread;
  const index = Number(action.step.split(":")[1] ?? "1");
  const step = policy.emails[index - 1];
  if (!step) return { status: "skipped", result: { reason: "step no longer in policy" } };
  if (!customer.email) {
    await addTimeline(deps.db, {
      workspaceId: action.workspaceId,
      threadId: action.threadId,
      caseId: lead.recoveryCase.id,
      at,
      actor: "reclaim",
      kind: "email_skipped",
      summary: `Email ${index} not sent: the customer has no email address.`,
      dedupeKey: `email:${action.id}`,
    });
    return { status: "skipped", result: { reason: "no email address" } };
  }
  const finalActionAt = windowEndsAt({
    openedAt: thread.thread.openedAt,
    timezone: customer.timezone,
    windowDays: policy.windowDays + policy.graceDays,
  });
  const link = await createCardUpdateLink(deps, {
    workspaceId: action.workspaceId,
    threadId: action.threadId,
    customerId: customer.id,
    emailDay: step.day,
    messageKey: action.idempotencyKey,
    expiresAt: new Date(Math.max(finalActionAt.getTime(), at.getTime()) + 7 * 24 * HOUR),
  });
  const reason = classifyDecline({ declineCode: lead.recoveryCase.declineCode, adviceCode: lead.recoveryCase.adviceCode });
  const sent = await deps.notifier.sendDunningEmail({
    workspaceId: action.workspaceId,
    idempotencyKey: dunningMessageKey(action.idempotencyKey),
    threadId: action.threadId,
    livemode: lead.recoveryCase.livemode,
    sentAt: at,
    to: customer.email,
    customerName: customer.name,
    locale: customer.locale,
    timezone: customer.timezone,
    step: { ...step, index, total: policy.emails.length },
    reason: { category: reason.category, kind: reason.kind, customerReason: reason.customerReason },
    invoices: open.map((o) => ({ invoiceNumber: o.invoice.number ?? o.invoice.externalId, amount: o.invoice.amountDue, currency: o.invoice.currency })),
    updateUrl: link.url,
    finalActionAt,
    finalAction: policy.finalAction,
  });
  const billing = await deps.billing(action.workspaceId);
  // Planned once per email whatever the run: a re-run after a crash plans nothing twice.
  await billing.emailDelivered?.({
    workspaceId: action.workspaceId,
    customerId: customer.id,
    threadId: action.threadId,
    messageId: sent.messageId,
    linkId: link.link.id,
    sentAt: at,
    step: { index, total: policy.emails.length, tone: step.tone },
    declineCategory: reason.category,
  });
  // The entry and the thread's count of emails sent (the Overview's dunning step) in one transaction, the
  // count only when the entry is new: a re-run of this action (after a crash, or a late dead worker) finds
  // the entry under its dedupe key and counts nothing, and a crash before the commit leaves neither.
  await deps.db.transaction(async (tx) => {
    const recorded = await addTimeline(tx, {
      workspaceId: action.workspaceId,
      threadId: action.threadId,
      caseId: open.length === 1 ? lead.recoveryCase.id : null,
      at,
      actor: "reclaim",
      kind: "email_sent",
      summary: `Email ${index} of ${policy.emails.length} (day ${step.day}, ${step.tone}) sent to ${customer.email}: "${sent.subject ?? step.subject}".`,
      outcome: sent.duplicate ? "already_sent" : "sent",
      data: { messageId: sent.messageId, day: step.day, tone: step.tone },
      dedupeKey: `email:${action.id}`,
    });
    if (recorded) {
      await tx
        .update(dunningThreads)
        .set({ emailsSent: sql`${dunningThreads.emailsSent} + 1` })
        .where(eq(dunningThreads.id, action.threadId));
    }
  });
  return { status: "done", result: { messageId: sent.messageId, duplicate: sent.duplicate } };
}

async function enterGrace(deps: RecoveryDeps, action: ScheduledAction, loaded: Loaded, at: Date): Promise<Outcome> {
  await deps.db.transaction(async (tx) => {
    await tx.update(recoveryCases).set({ stage: "grace" }).where(eq(recoveryCases.id, loaded.recoveryCase.id));
    if (loaded.subscription) await tx.update(subscriptions).set({ status: "grace" }).where(eq(subscriptions.id, loaded.subscription.id));
    await addTimeline(tx, {
      workspaceId: action.workspaceId,
      threadId: action.threadId,
      caseId: loaded.recoveryCase.id,
      at,
      actor: "reclaim",
      kind: "stage_changed",
      summary: `The recovery window ended: grace period of ${loaded.policy.graceDays} days before the final action (${finalActionLabels[loaded.policy.finalAction]}).`,
      outcome: "grace",
      dedupeKey: `grace:${action.id}`,
    });
  });
  return { status: "done", result: { stage: "grace" } };
}

export const finalActionLabels: Record<FinalAction, string> = {
  cancel: "cancel the subscription",
  pause: "pause the subscription",
  mark_uncollectible: "mark the invoice uncollectible",
  leave_past_due: "leave the subscription past due",
};

async function finalAction(deps: RecoveryDeps, action: ScheduledAction, loaded: Loaded, at: Date): Promise<Outcome> {
  const finalAction = loaded.policy.finalAction;
  const billing = await deps.billing(action.workspaceId);
  await billing.applyFinalAction({
    workspaceId: action.workspaceId,
    action: finalAction,
    invoiceExternalId: loaded.invoice.externalId,
    subscriptionExternalId: loaded.subscription?.externalId ?? null,
    idempotencyKey: action.idempotencyKey,
  });
  const threadClosed = await deps.db.transaction(async (tx) => {
    await lockThreadOfCase(tx, loaded.recoveryCase.id);
    const [lost] = await tx
      .update(recoveryCases)
      .set({ status: "lost", stage: "final", closedAt: at })
      .where(and(eq(recoveryCases.id, loaded.recoveryCase.id), eq(recoveryCases.status, "open")))
      .returning({ id: recoveryCases.id });
    if (!lost) return false;
    await tx
      .update(scheduledActions)
      .set({ status: "cancelled", completedAt: at })
      .where(and(eq(scheduledActions.caseId, loaded.recoveryCase.id), eq(scheduledActions.status, "pending")));
    if (finalAction === "mark_uncollectible") await tx.update(invoices).set({ status: "uncollectible" }).where(eq(invoices.id, loaded.invoice.id));
    if (loaded.subscription) {
      const status = finalAction === "cancel" ? "canceled" : finalAction === "pause" ? "paused" : finalAction === "mark_uncollectible" ? "unpaid" : "past_due";
      await tx.update(subscriptions).set({ status }).where(eq(subscriptions.id, loaded.subscription.id));
    }
    await addTimeline(tx, {
      workspaceId: action.workspaceId,
      threadId: action.threadId,
      caseId: loaded.recoveryCase.id,
      at,
      actor: "reclaim",
      kind: "final_action",
      summary: `Not recovered: applied the final action, ${finalActionLabels[finalAction]}. The case is lost.`,
      outcome: "lost",
      dedupeKey: `final:${action.id}`,
    });
    return closeThreadIfDone(tx, action.threadId, at);
  });
  if (threadClosed) await deps.hooks.threadClosed({ workspaceId: action.workspaceId, threadId: action.threadId });
  return { status: "done", result: { finalAction } };
}
