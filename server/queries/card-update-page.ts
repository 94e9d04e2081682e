import { and, asc, eq } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { invoices, recoveryCases } from "@/server/db/schema";

/** An invoice the customer still owes, as the hosted card-update page shows it. */
export type OpenInvoice = {
  caseId: string;
  /** The merchant's invoice number, or the provider's id when the invoice has none. */
  invoiceNumber: string;
  /** Integer minor units of `currency`. */
  amount: number;
  currency: string;
};

/**
 * The open invoices of a dunning thread: the ones a card update through the
 * thread's link charges (the same cases, in the same order, as
 * `completeCardUpdate`).
 */
export async function listOpenInvoicesOfThread(db: Db, args: { workspaceId: string; threadId: string }): Promise<OpenInvoice[]> {
  const rows = await db
    .select({
      caseId: recoveryCases.id,
      number: invoices.number,
      externalId: invoices.externalId,
      amount: invoices.amountDue,
      currency: invoices.currency,
    })
    .from(recoveryCases)
    .innerJoin(invoices, eq(invoices.id, recoveryCases.invoiceId))
    .where(
      and(
        eq(recoveryCases.workspaceId, args.workspaceId),
        eq(recoveryCases.threadId, args.threadId),
        eq(recoveryCases.status, "open"),
      ),
    )
    .orderBy(asc(recoveryCases.openedAt));
  return rows.map((r) => ({ caseId: r.caseId, invoiceNumber: r.number ?? r.externalId, amount: r.amount, currency: r.currency }));
}
