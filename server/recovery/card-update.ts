import { and, asc, eq, inArray, isNull, lt, or } from "drizzle-orm";
import { cardUpdateLinks, customers, invoices, type CardUpdateLink, paymentAttempts, recoveryCases, scheduledActions, sequenceVersions, subscriptions } from "@/server/db/schema";
import { resolveCardUpdateLink, resolveCardUpdateLinkById, type LinkState } from "./card-update-links";
import { markCaseRecovered, sendReceipts, type RecoveredCase } from "./close";
import { addTimeline, workspaceNow } from "./context";
import { attemptDeclineColumns, classifyDecline } from "./decline";
import { applyNewDecline } from "./open-case";
import type { RecoveryDeps } from "./ports";
import { planRetries, retryGroupFor } from "./schedule";

export type InvoicePaymentResult = {
  caseId: string;
  invoiceNumber: string;
  amount: number;
  currency: string;
  outcome: "paid" | "failed" | "requires_action" | "already_settled";
  /** For the customer: what happened and what to do next. */
  message: string;
  /** Where to authenticate, when the bank asks for it. */
  actionUrl: string | null;
};

export type CardUpdateAttribution = { linkId: string | null; emailDay: number | null; messageKey: string | null; via: "card_update" | "card_updater" };

/**
 * The customer's card changed: charge every open invoice of the thread at
 * once, one idempotent charge per invoice (the Inngest driver runs the same
 * function as one step per invoice). A paid invoice closes its case as
 * recovered with the attribution given; a failed one keeps its case open with
 * the new decline, and gets retries again when the new card's decline allows.
 */
export async function payCaseAfterCardUpdate(
  deps: RecoveryDeps,
  args: { caseId: string; attribution: CardUpdateAttribution; idempotencyKey: string },
): Promise<{ result: InvoicePaymentResult; recovered: RecoveredCase | null }> {
  const [row] = await deps.db
    .select({ recoveryCase: recoveryCases, invoice: invoices, policy: sequenceVersions.policy, timezone: customers.timezone })
    .from(recoveryCases)
    .innerJoin(invoices, eq(invoices.id, recoveryCases.invoiceId))
    .innerJoin(customers, eq(customers.id, recoveryCases.customerId))
    .innerJoin(sequenceVersions, eq(sequenceVersions.id, recoveryCases.sequenceVersionId))
    .where(eq(recoveryCases.id, args.caseId));
  if (!row) throw new Error(`Case ${args.caseId} not found`);
  const { recoveryCase, invoice } = row;
  const base = {
    caseId: recoveryCase.id,
    invoiceNumber: invoice.number ?? invoice.externalId,
    amount: invoice.amountDue,
    currency: invoice.currency,
    actionUrl: null,
  };
  if (recoveryCase.status !== "open") {
    return { result: { ...base, outcome: "already_settled", message: "Already settled." }, recovered: null };
  }
  const at = await workspaceNow(deps, recoveryCase.workspaceId);
  const billing = await deps.billing(recoveryCase.workspaceId);
  const charge = await billing.retryInvoice({
    workspaceId: recoveryCase.workspaceId,
    invoiceExternalId: invoice.externalId,
    idempotencyKey: args.idempotencyKey,
    at,
  });
  return deps.db.transaction(async (tx) => {
    const classification = charge.outcome === "failed" ? classifyDecline(charge.decline) : null;
    await tx
      .insert(paymentAttempts)
      .values({
        workspaceId: recoveryCase.workspaceId,
        caseId: recoveryCase.id,
        source: args.attribution.via,
        outcome: charge.outcome,
        ...attemptDeclineColumns(charge.outcome === "failed" ? charge.decline : null, classification),
        providerRef: charge.providerRef,
        dedupeKey: `card-update:${args.idempotencyKey}`,
        at,
        livemode: recoveryCase.livemode,
      })
      .onConflictDoNothing();
    if (charge.outcome === "succeeded") {
      const recovered = await markCaseRecovered(tx, {
        caseId: recoveryCase.id,
        at,
        via: args.attribution.via,
        emailDay: args.attribution.emailDay,
        messageKey: args.attribution.messageKey,
      });
      return { result: { ...base, outcome: "paid", message: "Paid with the new card." }, recovered };
    }
    if (charge.outcome === "requires_action") {
      await addTimeline(tx, {
        workspaceId: recoveryCase.workspaceId,
        threadId: recoveryCase.threadId,
        caseId: recoveryCase.id,
        at,
        actor: "billing",
        kind: "requires_action",
        summary: "The bank asked the customer to authenticate the payment with the new card.",
        outcome: "requires_action",
      });
      return {
        result: {
          ...base,
          outcome: "requires_action",
          message: "Your bank needs you to confirm this payment.",
          actionUrl: charge.hostedUrl ?? invoice.hostedUrl,
        },
        recovered: null,
      };
    }
    const c = classification ?? classifyDecline({});
    await applyNewDecline(tx, recoveryCase, c, at, "billing");
    // The new card failed softly: plan retries again if none are left.
    const group = c.retryable ? retryGroupFor(c.category, c.kind) : null;
    const [pendingRetry] = await tx
      .select({ id: scheduledActions.id })
      .from(scheduledActions)
      .where(and(eq(scheduledActions.caseId, recoveryCase.id), eq(scheduledActions.kind, "retry"), eq(scheduledActions.status, "pending")))
      .limit(1);
    if (group && !pendingRetry && recoveryCase.cohort === "treatment" && !row.policy.outreachOnly) {
      const times = planRetries({
        rule: row.policy.retries[group],
        openedAt: at,
        timezone: row.timezone,
        retryHourLocal: row.policy.retryHourLocal,
        windowDays: Math.max(1, Math.ceil((recoveryCase.openedAt.getTime() + row.policy.windowDays * 86_400_000 - at.getTime()) / 86_400_000)),
      });
      if (times.length > 0) {
        await tx
          .insert(scheduledActions)
          .values(
            times.map((dueAt, i) => ({
              workspaceId: recoveryCase.workspaceId,
              threadId: recoveryCase.threadId,
              caseId: recoveryCase.id,
              kind: "retry" as const,
              step: `retry:new-card-${i + 1}`,
              dueAt,
              idempotencyKey: `${recoveryCase.id}:${args.idempotencyKey}:retry:${i + 1}`,
            })),
          )
          .onConflictDoNothing();
      }
    }
    return {
      result: { ...base, outcome: "failed", message: `The new card was declined too: ${c.customerReason}. Try another card.` },
      recovered: null,
    };
  });
}

export type CardUpdateResult =
  | { state: "completed"; invoices: InvoicePaymentResult[] }
  /** Another submission through the same link is being processed right now. */
  | { state: "busy" }
  | { state: Exclude<LinkState, "valid"> };

/** How long one submission holds a link (real time); a crashed one frees it after this. */
export const LINK_PROCESSING_MS = 60_000;

/**
 * Completes a card update made through a link: makes the new payment method
 * the default on the customer and their subscriptions, and charges every open
 * invoice at once. One submission at a time holds the link, so a double
 * submit cannot charge twice; every charge also carries a key derived from the
 * link, the payment method and the invoice. The link is spent once nothing is
 * left to pay; after a declined card the customer can try another one with it.
 */
export async function completeCardUpdate(
  deps: RecoveryDeps,
  args: ({ token: string } | { linkId: string }) & { paymentMethodRef: string; paymentMethodLabel: string },
): Promise<CardUpdateResult> {
  const nowFor = (workspaceId: string) => workspaceNow(deps, workspaceId);
  const resolve = () =>
    "token" in args ? resolveCardUpdateLink(deps.db, args.token, nowFor) : resolveCardUpdateLinkById(deps.db, args.linkId, nowFor);
  const resolved = await resolve();
  if (resolved.state !== "valid" || !resolved.link || !resolved.customer) return { state: resolved.state as Exclude<LinkState, "valid"> };
  const { link, customer } = resolved;
  const realNow = deps.clock.now();
  const held = await deps.db
    .update(cardUpdateLinks)
    .set({ processingUntil: new Date(realNow.getTime() + LINK_PROCESSING_MS) })
    .where(
      and(
        eq(cardUpdateLinks.id, link.id),
        isNull(cardUpdateLinks.usedAt),
        or(isNull(cardUpdateLinks.processingUntil), lt(cardUpdateLinks.processingUntil, realNow)),
      ),
    )
    .returning({ id: cardUpdateLinks.id });
  if (held.length === 0) {
    const again = await resolve();
    return again.state === "valid" ? { state: "busy" } : { state: again.state as Exclude<LinkState, "valid"> };
  }
  try {
    return await chargeWithNewCard(deps, {
      link,
      customerExternalId: customer.externalId,
      paymentMethodRef: args.paymentMethodRef,
      paymentMethodLabel: args.paymentMethodLabel,
    });
  } finally {
    await deps.db.update(cardUpdateLinks).set({ processingUntil: null }).where(eq(cardUpdateLinks.id, link.id));
  }
}

async function chargeWithNewCard(
  deps: RecoveryDeps,
  args: { link: CardUpdateLink; customerExternalId: string; paymentMethodRef: string; paymentMethodLabel: string },
): Promise<CardUpdateResult> {
  const { link } = args;
  const at = await workspaceNow(deps, link.workspaceId);
  const open = await openCasesOfThread(deps, link.threadId);

  const billing = await deps.billing(link.workspaceId);
  await billing.setDefaultPaymentMethod({
    workspaceId: link.workspaceId,
    customerExternalId: args.customerExternalId,
    paymentMethodRef: args.paymentMethodRef,
    subscriptionExternalIds: [...new Set(open.map((o) => o.subscriptionExternalId).filter((s): s is string => Boolean(s)))],
  });
  await addTimeline(deps.db, {
    workspaceId: link.workspaceId,
    threadId: link.threadId,
    at,
    actor: "customer",
    kind: "card_updated",
    summary: `The customer put a new card on file (${args.paymentMethodLabel})${link.emailDay != null ? ` from the link in the email of day ${link.emailDay}` : ""}. Charging ${open.length} open ${open.length === 1 ? "invoice" : "invoices"} now.`,
    data: { linkId: link.id, emailDay: link.emailDay },
    dedupeKey: `card-updated:${link.id}:${args.paymentMethodRef}`,
  });

  const outcomes = await chargeOpenCases(deps, {
    workspaceId: link.workspaceId,
    threadId: link.threadId,
    caseIds: open.map((o) => o.caseId),
    attribution: { linkId: link.id, emailDay: link.emailDay, messageKey: link.messageKey, via: "card_update" },
    keyPrefix: `card-update:${link.id}:${args.paymentMethodRef}`,
    at,
    paymentMethodLabel: args.paymentMethodLabel,
  });
  if (outcomes.settled) {
    await deps.db.update(cardUpdateLinks).set({ usedAt: at }).where(and(eq(cardUpdateLinks.id, link.id), isNull(cardUpdateLinks.usedAt)));
  }
  deps.logger.info("Card update completed", {
    linkId: link.id,
    invoices: outcomes.results.length,
    paid: outcomes.results.filter((o) => o.outcome === "paid").length,
  });
  return { state: "completed", invoices: outcomes.results };
}

/** The open cases of a customer's thread, oldest first, with their subscriptions. */
async function openCasesOfThread(deps: RecoveryDeps, threadId: string) {
  return deps.db
    .select({ caseId: recoveryCases.id, subscriptionExternalId: subscriptions.externalId })
    .from(recoveryCases)
    .innerJoin(invoices, eq(invoices.id, recoveryCases.invoiceId))
    .leftJoin(subscriptions, eq(subscriptions.id, invoices.subscriptionId))
    .where(and(eq(recoveryCases.threadId, threadId), eq(recoveryCases.status, "open")))
    .orderBy(asc(recoveryCases.openedAt));
}

/**
 * Charges each of the cases' invoices at once (one idempotent charge each, keyed from `keyPrefix`),
 * sends one receipt for what was paid, and tells the scheduler when the thread is settled.
 */
async function chargeOpenCases(
  deps: RecoveryDeps,
  args: {
    workspaceId: string;
    threadId: string;
    caseIds: string[];
    attribution: CardUpdateAttribution;
    keyPrefix: string;
    at: Date;
    paymentMethodLabel: string | null;
  },
): Promise<{ results: InvoicePaymentResult[]; settled: boolean }> {
  const outcomes = await Promise.all(
    args.caseIds.map((caseId) =>
      payCaseAfterCardUpdate(deps, { caseId, attribution: args.attribution, idempotencyKey: `${args.keyPrefix}:${caseId}` }),
    ),
  );
  const recovered = outcomes.map((o) => o.recovered).filter((r): r is RecoveredCase => r !== null);
  if (recovered.length > 0) await sendReceipts(deps, recovered, args.at, `receipt:${args.keyPrefix}`, args.paymentMethodLabel);
  const settled = outcomes.every((o) => o.result.outcome === "paid" || o.result.outcome === "already_settled");
  if (settled) await deps.hooks.threadClosed({ workspaceId: args.workspaceId, threadId: args.threadId });
  return { results: outcomes.map((o) => o.result), settled };
}

/**
 * The customer's card on file changed outside Reclaim's card-update page: the card network updated
 * it (Stripe's card account updater: the same payment method with a new number or expiry, `via`
 * card_updater), or the customer or merchant set another default card at the provider (`via`
 * card_update). A hard decline on the old card may not hold any more, so every open invoice of the
 * customer is charged again at once, before anything else is sent (the outreach waits on the
 * outcome: a paid invoice cancels the messages, a new decline re-plans by its own kind), and a
 * recovery is credited to `via`. Idempotent per event.
 */
export async function recordCardChanged(
  deps: RecoveryDeps,
  args: {
    workspaceId: string;
    provider: "sandbox" | "stripe";
    customerExternalId: string;
    eventKey: string;
    paymentMethodLabel: string;
    via: "card_update" | "card_updater";
  },
): Promise<{ results: InvoicePaymentResult[] }> {
  const cases = await deps.db
    .select({ caseId: recoveryCases.id, threadId: recoveryCases.threadId })
    .from(recoveryCases)
    .innerJoin(customers, eq(customers.id, recoveryCases.customerId))
    .where(
      and(
        eq(customers.workspaceId, args.workspaceId),
        eq(customers.provider, args.provider),
        eq(customers.externalId, args.customerExternalId),
        eq(recoveryCases.status, "open"),
      ),
    )
    .orderBy(asc(recoveryCases.openedAt));
  if (cases.length === 0) return { results: [] };
  const at = await workspaceNow(deps, args.workspaceId);
  const results: InvoicePaymentResult[] = [];
  for (const threadId of [...new Set(cases.map((c) => c.threadId))]) {
    const caseIds = cases.filter((c) => c.threadId === threadId).map((c) => c.caseId);
    if (args.via === "card_updater") {
      await deps.db.update(recoveryCases).set({ cardUpdaterResult: "updated" }).where(inArray(recoveryCases.id, caseIds));
    }
    const what =
      args.via === "card_updater"
        ? `The card network updated the customer's card on file (${args.paymentMethodLabel}).`
        : `A new default card was set for the customer at the billing provider (${args.paymentMethodLabel}).`;
    await addTimeline(deps.db, {
      workspaceId: args.workspaceId,
      threadId,
      at,
      actor: "billing",
      kind: args.via === "card_updater" ? "card_updater" : "card_updated",
      summary: `${what} Charging ${caseIds.length} open ${caseIds.length === 1 ? "invoice" : "invoices"} again now.`,
      dedupeKey: `card-changed:${args.eventKey}:${threadId}`,
    });
    const outcome = await chargeOpenCases(deps, {
      workspaceId: args.workspaceId,
      threadId,
      caseIds,
      attribution: { linkId: null, emailDay: null, messageKey: null, via: args.via },
      keyPrefix: `card-changed:${args.eventKey}`,
      at,
      paymentMethodLabel: args.paymentMethodLabel,
    });
    results.push(...outcome.results);
  }
  return { results };
}
