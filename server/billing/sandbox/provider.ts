import { and, eq, sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { customers, invoices, sandboxCharges, sandboxPaymentMethods } from "@/server/db/schema";
import type { BillingProvider, ChargeResult } from "@/server/recovery/ports";
import { planSandboxEngagement } from "./engagement";
import { retrySucceeds, sandboxDecline } from "./model";

/**
 * The embedded billing provider: simulated customers, invoices and cards in
 * Reclaim's own database. Charges are recorded under the caller's idempotency
 * key, so a repeated call returns the first result and never charges twice.
 */
export function createSandboxProvider(db: Db, options: { seed?: string } = {}): BillingProvider {
  const seed = options.seed ?? "reclaim-sandbox";
  return {
    name: "sandbox",

    emailDelivered: (email) => planSandboxEngagement(db, seed, email),

    async retryInvoice({ workspaceId, invoiceExternalId, idempotencyKey, at }): Promise<ChargeResult> {
      const [previous] = await db
        .select()
        .from(sandboxCharges)
        .where(and(eq(sandboxCharges.workspaceId, workspaceId), eq(sandboxCharges.idempotencyKey, idempotencyKey)));
      if (previous) return toResult(previous);

      const [row] = await db
        .select({ invoice: invoices, customer: customers, card: sandboxPaymentMethods })
        .from(invoices)
        .innerJoin(customers, eq(customers.id, invoices.customerId))
        .leftJoin(sandboxPaymentMethods, eq(sandboxPaymentMethods.id, customers.defaultPaymentMethodRef))
        .where(and(eq(invoices.workspaceId, workspaceId), eq(invoices.provider, "sandbox"), eq(invoices.externalId, invoiceExternalId)));
      if (!row) throw new Error(`Sandbox invoice ${invoiceExternalId} not found`);
      if (row.invoice.status === "paid") {
        return { outcome: "succeeded", providerRef: null };
      }
      const [{ attempts } = { attempts: 0 }] = await db
        .select({ attempts: sql<number>`count(*)::int` })
        .from(sandboxCharges)
        .where(and(eq(sandboxCharges.workspaceId, workspaceId), eq(sandboxCharges.invoiceId, row.invoice.id)));
      const failsWith = row.card ? row.card.failsWith : "generic_decline";
      const outcome = retrySucceeds({
        seed,
        invoiceKey: row.invoice.externalId,
        idempotencyKey,
        failsWith,
        at,
        timezone: row.customer.timezone,
        attempt: attempts + 1,
        typed: row.card?.typed ?? false,
      });
      const [charge] = await db
        .insert(sandboxCharges)
        .values({
          workspaceId,
          invoiceId: row.invoice.id,
          paymentMethodId: row.card?.id ?? null,
          idempotencyKey,
          outcome,
          declineCode: outcome === "failed" ? failsWith : outcome === "requires_action" ? "authentication_required" : null,
          amount: row.invoice.amountDue,
          currency: row.invoice.currency,
          at,
        })
        .onConflictDoNothing()
        .returning();
      if (!charge) {
        // A concurrent call with the same key won: answer what it answered.
        const [winner] = await db
          .select()
          .from(sandboxCharges)
          .where(and(eq(sandboxCharges.workspaceId, workspaceId), eq(sandboxCharges.idempotencyKey, idempotencyKey)));
        if (!winner) throw new Error("Sandbox charge vanished");
        return toResult(winner);
      }
      if (outcome === "succeeded") {
        await db.update(invoices).set({ status: "paid", paidAt: at }).where(eq(invoices.id, row.invoice.id));
      }
      return toResult(charge);
    },

    async getInvoiceStatus({ workspaceId, invoiceExternalId }) {
      const [row] = await db
        .select({ status: invoices.status })
        .from(invoices)
        .where(and(eq(invoices.workspaceId, workspaceId), eq(invoices.provider, "sandbox"), eq(invoices.externalId, invoiceExternalId)));
      if (!row) throw new Error(`Sandbox invoice ${invoiceExternalId} not found`);
      return row.status;
    },

    async setDefaultPaymentMethod({ workspaceId, customerExternalId, paymentMethodRef }) {
      const [card] = await db
        .select({ id: sandboxPaymentMethods.id })
        .from(sandboxPaymentMethods)
        .innerJoin(customers, eq(customers.id, sandboxPaymentMethods.customerId))
        .where(and(eq(sandboxPaymentMethods.id, paymentMethodRef), eq(customers.externalId, customerExternalId), eq(customers.workspaceId, workspaceId)));
      if (!card) throw new Error(`Sandbox card ${paymentMethodRef} does not belong to customer ${customerExternalId}`);
      await db
        .update(customers)
        .set({ defaultPaymentMethodRef: paymentMethodRef, updatedAt: sql`now()` })
        .where(and(eq(customers.workspaceId, workspaceId), eq(customers.provider, "sandbox"), eq(customers.externalId, customerExternalId)));
    },

    async applyFinalAction() {
      // The sandbox has no billing system behind it: the engine's own records
      // (subscription status, invoice status, timeline) are the whole effect.
    },
  };
}

function toResult(charge: typeof sandboxCharges.$inferSelect): ChargeResult {
  if (charge.outcome === "succeeded") return { outcome: "succeeded", providerRef: charge.id };
  if (charge.outcome === "requires_action") return { outcome: "requires_action", providerRef: charge.id, hostedUrl: null };
  return { outcome: "failed", providerRef: charge.id, decline: sandboxDecline(charge.declineCode ?? "generic_decline") };
}
