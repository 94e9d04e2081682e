import { and, eq, sql } from "drizzle-orm";
import {
  customers,
  dunningThreads,
  invoices,
  paymentAttempts,
  recoveryCases,
  scheduledActions,
  sequenceVersions,
  subscriptions,
  workspaces,
  type RecoveryCase,
} from "@/server/db/schema";
import { assignCohort } from "./cohort";
import { addTimeline, moneyLabel, workspaceNow, type Executor } from "./context";
import { attemptDeclineColumns, classifyDecline, type Classification, type DeclineInput } from "./decline";
import { getActiveSequenceVersion } from "./sequences";
import { closeThreadIfDone, lockThreadOfCase } from "./threads";
import { planCase, planThreadEmails, type PlannedAction } from "./planner";
import type { RecoveryDeps } from "./ports";
import type { Policy } from "./policy";

export type PaymentFailedEvent = {
  workspaceId: string;
  provider: "sandbox" | "stripe";
  /** The provider's event id (or the sandbox simulation's): a repeated event changes nothing. */
  eventKey: string;
  /** When the charge failed. Defaults to the workspace's now. */
  occurredAt?: Date;
  customer: { externalId: string; email: string | null; name: string | null; timezone?: string | null; locale?: string | null };
  subscription?: { externalId: string; planName?: string | null; amount?: number | null; currency?: string | null } | null;
  invoice: { externalId: string; number?: string | null; amountDue: number; currency: string; hostedUrl?: string | null };
  decline: DeclineInput;
  /** The first failure, or a later failure of the provider's own retry. */
  source: "initial" | "provider_retry";
  /** Real money or not (Stripe's `livemode`); the sandbox is never live. Defaults from the provider. */
  livemode?: boolean;
  providerRef?: string | null;
};

export type PaymentFailedResult =
  | { result: "opened"; caseId: string; threadId: string; status: RecoveryCase["status"]; classification: Classification }
  | { result: "updated"; caseId: string; threadId: string; classification: Classification }
  | { result: "ignored"; reason: string; caseId?: string };

/**
 * A charge failed. Opens a recovery case for the invoice (or records the new
 * attempt on the open one), classifies the decline, assigns the cohort once per
 * customer, and writes the plan: retries per case, emails per customer thread,
 * the grace and final-action stage changes. Idempotent on the event and on the
 * invoice: a repeated or concurrent event never opens a second case.
 */
export async function recordPaymentFailure(deps: RecoveryDeps, event: PaymentFailedEvent): Promise<PaymentFailedResult> {
  const classification = classifyDecline(event.decline);
  if (!classification.known) {
    deps.logger.warn("Unknown decline code: using the conservative default", {
      workspaceId: event.workspaceId,
      code: classification.code,
      invoice: event.invoice.externalId,
    });
  }
  const outcome = await deps.db.transaction(async (tx) => {
    const now = event.occurredAt ?? (await workspaceNow(deps, event.workspaceId, tx));
    // Serialise failures of one customer: the thread (one per customer) and the
    // case (one per invoice) are decided under this lock.
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${`${event.workspaceId}:${event.provider}:${event.customer.externalId}`}))`);

    const customer = await upsertCustomer(tx, event);
    const subscriptionId = event.subscription ? await upsertSubscription(tx, event, customer.id) : null;
    const invoice = await upsertInvoice(tx, event, customer.id, subscriptionId);
    if (invoice.status === "paid" || invoice.status === "void") {
      return { result: "ignored", reason: `The invoice is already ${invoice.status}` } as const;
    }

    const [existing] = await tx
      .select()
      .from(recoveryCases)
      .where(and(eq(recoveryCases.workspaceId, event.workspaceId), eq(recoveryCases.invoiceId, invoice.id)));
    if (existing) {
      if (existing.status !== "open") {
        return { result: "ignored", reason: `The case is already ${existing.status}`, caseId: existing.id } as const;
      }
      const recorded = await recordAttempt(tx, event, existing, classification, now);
      if (!recorded) return { result: "ignored", reason: "This failure was already recorded", caseId: existing.id } as const;
      await applyNewDecline(tx, existing, classification, now, event.source === "provider_retry" ? "billing" : "reclaim");
      return { result: "updated", caseId: existing.id, threadId: existing.threadId, classification } as const;
    }

    const version = await getActiveSequenceVersion(tx, event.workspaceId);
    const [workspace] = await tx.select({ salt: workspaces.cohortSalt }).from(workspaces).where(eq(workspaces.id, event.workspaceId));
    if (!workspace) throw new Error(`Workspace ${event.workspaceId} not found`);

    let cohort = customer.cohort;
    if (!cohort) {
      cohort = assignCohort(workspace.salt, customer.externalId, version.policy.holdoutPercent);
      await tx.update(customers).set({ cohort }).where(eq(customers.id, customer.id));
    }

    // Join the customer's open thread, or start one with the current policy.
    let [thread] = await tx
      .select()
      .from(dunningThreads)
      .where(
        and(
          eq(dunningThreads.workspaceId, event.workspaceId),
          eq(dunningThreads.customerId, customer.id),
          eq(dunningThreads.status, "open"),
        ),
      )
      .for("update");
    const newThread = !thread;
    if (!thread) {
      [thread] = await tx
        .insert(dunningThreads)
        .values({ workspaceId: event.workspaceId, customerId: customer.id, sequenceVersionId: version.id, cohort, openedAt: now })
        .returning();
    }
    if (!thread) throw new Error("The dunning thread was not created");
    const [threadVersion] = await tx.select().from(sequenceVersions).where(eq(sequenceVersions.id, thread.sequenceVersionId));
    const policy: Policy = (threadVersion ?? version).policy;

    const terminal =
      classification.category === "do_not_contact" ? "silenced" : classification.category === "revoked" ? "cancelled" : null;
    const [opened] = await tx
      .insert(recoveryCases)
      .values({
        workspaceId: event.workspaceId,
        threadId: thread.id,
        customerId: customer.id,
        invoiceId: invoice.id,
        sequenceVersionId: thread.sequenceVersionId,
        cohort,
        status: terminal ?? "open",
        declineCategory: classification.category,
        declineKind: classification.kind,
        declineCode: classification.code,
        adviceCode: classification.adviceCode,
        amount: invoice.amountDue,
        currency: invoice.currency,
        livemode: event.livemode ?? event.provider !== "sandbox",
        needsAttention: terminal !== null,
        openedAt: now,
        closedAt: terminal ? now : null,
      })
      .returning();
    if (!opened) throw new Error("The recovery case was not created");
    await recordAttempt(tx, event, opened, classification, now);

    const amount = moneyLabel(invoice.amountDue, invoice.currency);
    await addTimeline(tx, {
      workspaceId: event.workspaceId,
      threadId: thread.id,
      caseId: opened.id,
      at: now,
      actor: "billing",
      kind: "payment_failed",
      summary: `Payment of ${amount} for invoice ${invoice.number ?? invoice.externalId} failed: ${classification.code}.`,
      outcome: classification.category,
      data: { code: classification.code, adviceCode: classification.adviceCode, category: classification.category, source: event.source },
    });
    await addTimeline(tx, {
      workspaceId: event.workspaceId,
      threadId: thread.id,
      caseId: opened.id,
      at: now,
      actor: "reclaim",
      kind: "classified",
      summary: `Classified as ${classification.category.replaceAll("_", " ")} (${classification.kind.replaceAll("_", " ")}): ${classification.explanation}`,
      data: { known: classification.known },
    });

    if (terminal) {
      await addTimeline(tx, {
        workspaceId: event.workspaceId,
        threadId: thread.id,
        caseId: opened.id,
        at: now,
        actor: "reclaim",
        kind: terminal,
        summary:
          terminal === "silenced"
            ? "Silenced: no retry and no message for a do-not-contact decline. Flagged for the merchant to review."
            : "The customer asked their bank to stop payments: treated as a cancellation, not dunned. Flagged for the merchant.",
      });
      await closeThreadIfDone(tx, thread.id, now);
      return { result: "opened", caseId: opened.id, threadId: thread.id, status: opened.status, classification } as const;
    }

    await addTimeline(tx, {
      workspaceId: event.workspaceId,
      threadId: thread.id,
      caseId: opened.id,
      at: now,
      actor: "reclaim",
      kind: "cohort",
      summary: cohortSummary(cohort, policy.holdoutPercent),
      outcome: cohort,
    });

    const planned: PlannedAction[] = planCase({ policy, classification, cohort, openedAt: now, timezone: customer.timezone, caseId: opened.id });
    if (newThread && cohort === "treatment") {
      const firstRetryAt = planned.find((a) => a.kind === "retry")?.dueAt ?? null;
      planned.push(...planThreadEmails({ policy, openedAt: now, timezone: customer.timezone, threadId: thread.id, firstRetryAt }));
    } else if (!newThread) {
      await addTimeline(tx, {
        workspaceId: event.workspaceId,
        threadId: thread.id,
        caseId: opened.id,
        at: now,
        actor: "reclaim",
        kind: "joined_thread",
        summary: "The customer already has a recovery under way: this invoice shares its emails, and one card update pays both.",
      });
    }
    if (planned.length > 0) {
      await tx
        .insert(scheduledActions)
        .values(
          planned.map((a) => ({
            workspaceId: event.workspaceId,
            threadId: thread.id,
            caseId: a.caseId,
            kind: a.kind,
            step: a.step,
            dueAt: a.dueAt,
            idempotencyKey: a.idempotencyKey,
          })),
        )
        .onConflictDoNothing();
    }
    return { result: "opened", caseId: opened.id, threadId: thread.id, status: opened.status, classification } as const;
  });
  if (outcome.result !== "ignored") await deps.hooks.threadPlanned({ workspaceId: event.workspaceId, threadId: outcome.threadId });
  return outcome;
}

async function upsertCustomer(tx: Executor, event: PaymentFailedEvent) {
  const c = event.customer;
  const [row] = await tx
    .insert(customers)
    .values({
      workspaceId: event.workspaceId,
      provider: event.provider,
      externalId: c.externalId,
      email: c.email,
      name: c.name,
      timezone: c.timezone ?? "UTC",
      locale: c.locale ?? "en-US",
    })
    .onConflictDoUpdate({
      target: [customers.workspaceId, customers.provider, customers.externalId],
      set: {
        email: sql`coalesce(excluded.email, ${customers.email})`,
        // A failure event never renames a known customer (customer.updated does that).
        name: sql`coalesce(${customers.name}, excluded.name)`,
        timezone: c.timezone ? sql`excluded.timezone` : sql`${customers.timezone}`,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  if (!row) throw new Error("The customer was not saved");
  return row;
}

async function upsertSubscription(tx: Executor, event: PaymentFailedEvent, customerId: string): Promise<string> {
  const s = event.subscription!;
  const [row] = await tx
    .insert(subscriptions)
    .values({
      workspaceId: event.workspaceId,
      customerId,
      provider: event.provider,
      externalId: s.externalId,
      planName: s.planName ?? null,
      amount: s.amount ?? null,
      currency: s.currency ?? null,
      status: "past_due",
    })
    .onConflictDoUpdate({
      target: [subscriptions.workspaceId, subscriptions.provider, subscriptions.externalId],
      set: { status: sql`case when ${subscriptions.status} = 'active' then 'past_due'::subscription_status else ${subscriptions.status} end`, updatedAt: sql`now()` },
    })
    .returning({ id: subscriptions.id });
  if (!row) throw new Error("The subscription was not saved");
  return row.id;
}

async function upsertInvoice(tx: Executor, event: PaymentFailedEvent, customerId: string, subscriptionId: string | null) {
  const i = event.invoice;
  const [row] = await tx
    .insert(invoices)
    .values({
      workspaceId: event.workspaceId,
      customerId,
      subscriptionId,
      provider: event.provider,
      externalId: i.externalId,
      number: i.number ?? null,
      amountDue: i.amountDue,
      currency: i.currency.toLowerCase(),
      hostedUrl: i.hostedUrl ?? null,
      status: "open",
    })
    .onConflictDoUpdate({
      target: [invoices.workspaceId, invoices.provider, invoices.externalId],
      set: { hostedUrl: sql`coalesce(excluded.hosted_url, ${invoices.hostedUrl})` },
    })
    .returning();
  if (!row) throw new Error("The invoice was not saved");
  return row;
}

/** Records the attempt once per event; false when this event was seen before. */
async function recordAttempt(
  tx: Executor,
  event: PaymentFailedEvent,
  recoveryCase: Pick<RecoveryCase, "id" | "livemode">,
  c: Classification,
  at: Date,
): Promise<boolean> {
  const rows = await tx
    .insert(paymentAttempts)
    .values({
      workspaceId: event.workspaceId,
      caseId: recoveryCase.id,
      livemode: recoveryCase.livemode,
      source: event.source,
      outcome: "failed",
      ...attemptDeclineColumns(event.decline, c),
      providerRef: event.providerRef ?? null,
      dedupeKey: `event:${event.eventKey}`,
      at,
    })
    .onConflictDoNothing()
    .returning({ id: paymentAttempts.id });
  return rows.length > 0;
}

/**
 * A later failure on an open case: keep the latest decline, and when it says a
 * retry cannot work any more (a hard or fraud decline), cancel the retries left.
 */
export async function applyNewDecline(
  tx: Executor,
  recoveryCase: RecoveryCase,
  c: Classification,
  at: Date,
  actor: "billing" | "reclaim",
): Promise<void> {
  await tx
    .update(recoveryCases)
    .set({ declineCategory: c.category, declineKind: c.kind, declineCode: c.code, adviceCode: c.adviceCode, lastAttemptAt: at })
    .where(eq(recoveryCases.id, recoveryCase.id));
  await addTimeline(tx, {
    workspaceId: recoveryCase.workspaceId,
    threadId: recoveryCase.threadId,
    caseId: recoveryCase.id,
    at,
    actor,
    kind: "payment_failed",
    summary: `Payment failed again: ${c.code} (${c.category.replaceAll("_", " ")}).`,
    outcome: c.category,
    data: { code: c.code, adviceCode: c.adviceCode },
  });
  if (!c.retryable) {
    const cancelled = await tx
      .update(scheduledActions)
      .set({ status: "cancelled", completedAt: at, lastError: `No more retries after ${c.code}` })
      .where(and(eq(scheduledActions.caseId, recoveryCase.id), eq(scheduledActions.kind, "retry"), eq(scheduledActions.status, "pending")))
      .returning({ id: scheduledActions.id });
    if (cancelled.length > 0) {
      await addTimeline(tx, {
        workspaceId: recoveryCase.workspaceId,
        threadId: recoveryCase.threadId,
        caseId: recoveryCase.id,
        at,
        actor: "reclaim",
        kind: "retries_stopped",
        summary: `Stopped ${cancelled.length} planned ${cancelled.length === 1 ? "retry" : "retries"}: ${c.explanation}`,
      });
    }
  }
  if (c.category === "do_not_contact" || c.category === "revoked") {
    // From now on nothing may reach this customer about this invoice: close the
    // case like one opened with this decline, and the thread if it was the last.
    const status = c.category === "do_not_contact" ? "silenced" : "cancelled";
    await lockThreadOfCase(tx, recoveryCase.id);
    const stopped = await tx
      .update(recoveryCases)
      .set({ status, needsAttention: true, closedAt: at })
      .where(and(eq(recoveryCases.id, recoveryCase.id), eq(recoveryCases.status, "open")))
      .returning({ id: recoveryCases.id });
    if (stopped.length > 0) {
      await tx
        .update(scheduledActions)
        .set({ status: "cancelled", completedAt: at, lastError: `Stopped after ${c.code}` })
        .where(and(eq(scheduledActions.caseId, recoveryCase.id), eq(scheduledActions.status, "pending")));
      await addTimeline(tx, {
        workspaceId: recoveryCase.workspaceId,
        threadId: recoveryCase.threadId,
        caseId: recoveryCase.id,
        at,
        actor: "reclaim",
        kind: status,
        summary:
          status === "silenced"
            ? `Silenced after a do-not-contact decline (${c.code}): no more retries or messages. Flagged for the merchant to review.`
            : `The customer asked their bank to stop payments (${c.code}): treated as a cancellation, dunning stopped. Flagged for the merchant.`,
      });
      await closeThreadIfDone(tx, recoveryCase.threadId, at);
    }
  }
}

/** The timeline's words for the group a case was put in. */
export function cohortSummary(cohort: "treatment" | "holdout", holdoutPercent: number): string {
  return cohort === "holdout"
    ? `Holdout group (${holdoutPercent}% of customers): Reclaim sends no message and makes no retry, and tracks the invoice like any other to measure the lift.`
    : "Treatment group: Reclaim works on this invoice.";
}
