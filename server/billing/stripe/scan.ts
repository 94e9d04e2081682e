import { and, eq, isNull, lt, or, sql } from "drizzle-orm";
import type Stripe from "stripe";
import { billingConnections, invoices, recoveryCases, workspaces, type BillingConnection } from "@/server/db/schema";
import { recordPaymentFailure } from "@/server/recovery/open-case";
import type { RecoveryDeps } from "@/server/recovery/ports";
import { withRateLimitRetries } from "./client";
import { stripeAccessFor } from "./connections";
import type { StripeRuntime } from "./process";
import { latestInvoicePayment, type StripeAccess } from "./provider";

/** How often each live connection is scanned for overdue invoices no webhook told Reclaim of. */
export const SCAN_INTERVAL_MS = 6 * 60 * 60 * 1000;
/** At most this many open invoices are read per scan (the rest waits for the next one). */
export const SCAN_MAX_INVOICES = 1_000;

export type ScanResult = { connectionId: string; workspaceId: string; seen: number; opened: number; skipped: number; error: string | null };

/**
 * Finds open invoices charged automatically whose payment already failed (attempt_count > 0) and
 * opens a case for each one Reclaim does not know yet: deliveries that were missed, and invoices
 * that failed before the account was connected. Read-only at Stripe; the domain's one-case-per-invoice
 * rule keeps a scan that races a webhook from opening anything twice. With `customer`, only that
 * customer's invoices are read (before their new card is charged: see `catchUpCustomerInvoices`).
 */
export async function scanOverdueInvoices(
  deps: RecoveryDeps,
  connection: Pick<BillingConnection, "id" | "workspaceId">,
  access: StripeAccess,
  filter: { customer?: string } = {},
): Promise<ScanResult> {
  const result: ScanResult = { connectionId: connection.id, workspaceId: connection.workspaceId, seen: 0, opened: 0, skipped: 0, error: null };
  const options = access.stripeAccount ? { stripeAccount: access.stripeAccount } : {};
  const candidates: Stripe.Invoice[] = [];
  const params: Stripe.InvoiceListParams = { status: "open", collection_method: "charge_automatically", limit: 100, ...(filter.customer ? { customer: filter.customer } : {}) };
  for await (const invoice of access.stripe.invoices.list(params, options)) {
    result.seen++;
    if (invoice.attempt_count > 0) candidates.push(invoice);
    if (result.seen >= SCAN_MAX_INVOICES) break;
  }
  if (candidates.length === 0) return result;
  const known = new Set(
    (
      await deps.db
        .select({ externalId: invoices.externalId })
        .from(invoices)
        .innerJoin(recoveryCases, eq(recoveryCases.invoiceId, invoices.id))
        .where(and(eq(invoices.workspaceId, connection.workspaceId), eq(invoices.provider, "stripe"), sql`${invoices.externalId} in ${candidates.map((i) => i.id)}`))
    ).map((r) => r.externalId),
  );
  for (const invoice of candidates) {
    const customerId = typeof invoice.customer === "string" ? invoice.customer : (invoice.customer?.id ?? null);
    if (known.has(invoice.id) || !customerId) {
      result.skipped++;
      continue;
    }
    const latest = await latestInvoicePayment(access, invoice.id);
    const subscription = invoice.parent?.subscription_details?.subscription ?? null;
    const subscriptionId = typeof subscription === "string" ? subscription : (subscription?.id ?? null);
    const opened = await recordPaymentFailure(deps, {
      workspaceId: connection.workspaceId,
      provider: "stripe",
      // One key per invoice and attempt: a later scan of the same failure changes nothing.
      eventKey: `scan:${invoice.id}:${invoice.attempt_count}`,
      customer: { externalId: customerId, email: invoice.customer_email ?? null, name: invoice.customer_name ?? null },
      subscription: subscriptionId ? { externalId: subscriptionId, amount: invoice.amount_due, currency: invoice.currency } : null,
      invoice: { externalId: invoice.id, number: invoice.number, amountDue: invoice.amount_remaining, currency: invoice.currency, hostedUrl: invoice.hosted_invoice_url ?? null },
      decline: latest.decline ?? { code: null },
      source: invoice.attempt_count > 1 ? "provider_retry" : "initial",
      livemode: invoice.livemode,
      providerRef: latest.paymentIntentId,
    });
    if (opened.result === "opened") result.opened++;
    else result.skipped++;
  }
  return result;
}

/**
 * Before a customer's new card is charged: opens cases for their failed open invoices Reclaim has
 * not heard of yet, so that "every open invoice" is charged, not only the ones a webhook reported.
 * A failure here charges what is known and leaves the rest to the periodic scan (and to Stripe's
 * own collection, which uses the new default card); it never stops the card update itself.
 */
export async function catchUpCustomerInvoices(
  deps: RecoveryDeps,
  args: { workspaceId: string; connectionId: string; access: StripeAccess; customerExternalId: string },
): Promise<ScanResult | null> {
  try {
    return await withRateLimitRetries(() =>
      scanOverdueInvoices(deps, { id: args.connectionId, workspaceId: args.workspaceId }, args.access, { customer: args.customerExternalId }),
    );
  } catch (error) {
    deps.logger.warn("Could not read the customer's open invoices before charging the new card", {
      workspaceId: args.workspaceId,
      customer: args.customerExternalId,
      error: error instanceof Error ? error.message : String(error),
    });
    return null;
  }
}

/**
 * Scans the live connections that are due (never scanned, or not for SCAN_INTERVAL_MS), each claimed
 * by moving its `scanned_at` first, so two workers never scan one account at once. A failure is kept
 * on the connection's health and tried again at the next interval.
 */
export async function scanDueConnections(runtime: StripeRuntime, options: { limit?: number; now?: Date } = {}): Promise<ScanResult[]> {
  const { db } = runtime.deps;
  const now = options.now ?? new Date();
  const dueBefore = new Date(now.getTime() - SCAN_INTERVAL_MS);
  const due = await db
    .select({ connection: billingConnections })
    .from(billingConnections)
    .innerJoin(workspaces, eq(workspaces.id, billingConnections.workspaceId))
    .where(and(eq(billingConnections.status, "active"), eq(workspaces.mode, "live"), or(isNull(billingConnections.scannedAt), lt(billingConnections.scannedAt, dueBefore))))
    .limit(options.limit ?? 5);
  const results: ScanResult[] = [];
  for (const { connection } of due) {
    const claimed = await db
      .update(billingConnections)
      .set({ scannedAt: now })
      .where(
        and(
          eq(billingConnections.id, connection.id),
          connection.scannedAt ? eq(billingConnections.scannedAt, connection.scannedAt) : isNull(billingConnections.scannedAt),
        ),
      )
      .returning({ id: billingConnections.id });
    if (claimed.length === 0) continue;
    try {
      const access = runtime.access ? runtime.access(connection) : stripeAccessFor(connection, runtime.secretKey, runtime.platform);
      results.push(await withRateLimitRetries(() => scanOverdueInvoices(runtime.deps, connection, access)));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await db.update(billingConnections).set({ lastError: `Overdue-invoice scan: ${message}`, lastErrorAt: now }).where(eq(billingConnections.id, connection.id));
      runtime.deps.logger.warn("The overdue-invoice scan failed", { connectionId: connection.id, error: message });
      results.push({ connectionId: connection.id, workspaceId: connection.workspaceId, seen: 0, opened: 0, skipped: 0, error: message });
    }
  }
  return results;
}
