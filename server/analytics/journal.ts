/**
 * The recovered-revenue journal for the books: one row per recovered payment,
 * so receivables can post the receipts and revenue held back on past-due
 * subscriptions can be recognised when the payment cleared.
 *
 * - Which payments: recovery cases recovered (`status = recovered`) whose date
 *   paid (`closed_at`, set when the invoice was paid, on the workspace's clock)
 *   falls in the period, of the workspace and its current mode only.
 *   A case is one failed invoice, so one row is one paid invoice.
 * - Both cohorts: a holdout customer who paid on their own is still revenue;
 *   the `cohort` column tells them apart.
 * - Amounts are what was paid (`recovered_amount`), per currency; totals are
 *   per currency and never added across currencies.
 */
import { and, asc, desc, eq, gte, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { customers, invoices, recoveryCases, reportClosedDays, subscriptions, type Cohort, type RecoveryChannel } from "@/server/db/schema";
import { day, money, type CsvColumn } from "./csv";
import { utcDay, type ReportScope } from "./scope";

export type JournalRow = {
  caseId: string;
  paidAt: Date;
  customerId: string;
  customerName: string | null;
  invoiceNumber: string;
  invoiceId: string;
  subscriptionId: string | null;
  /** Minor units. */
  amount: number;
  /** Upper-case ISO 4217 code. */
  currency: string;
  channel: RecoveryChannel | null;
  cohort: Cohort;
};

export type JournalTotal = { currency: string; payments: number; amount: bigint };

export type JournalSummary = {
  totals: JournalTotal[];
  payments: number;
  /** The most recent payments, newest first, for the page. */
  latest: JournalRow[];
};

/** Recovered payments of the report: the workspace, its mode, paid in the period. */
function paymentsInScope(scope: ReportScope): SQL {
  return and(
    eq(recoveryCases.workspaceId, scope.workspaceId),
    eq(recoveryCases.livemode, scope.livemode),
    eq(recoveryCases.status, "recovered"),
    gte(recoveryCases.closedAt, scope.period.from),
    lt(recoveryCases.closedAt, scope.period.to),
  )!;
}

const rowFields = {
  caseId: recoveryCases.id,
  paidAt: recoveryCases.closedAt,
  customerId: customers.externalId,
  customerName: customers.name,
  invoiceNumber: sql<string>`coalesce(${invoices.number}, ${invoices.externalId})`,
  invoiceId: invoices.externalId,
  subscriptionId: subscriptions.externalId,
  amount: sql<number>`coalesce(${recoveryCases.recoveredAmount}, 0)`,
  currency: sql<string>`upper(${recoveryCases.currency})`,
  channel: recoveryCases.recoveredVia,
  cohort: recoveryCases.cohort,
};

function rowsQuery(db: Db, scope: ReportScope) {
  return db
    .select({ ...rowFields, cursorAt: sql<string>`${recoveryCases.closedAt}::text` })
    .from(recoveryCases)
    .innerJoin(customers, and(eq(customers.id, recoveryCases.customerId), eq(customers.workspaceId, scope.workspaceId)))
    .innerJoin(invoices, and(eq(invoices.id, recoveryCases.invoiceId), eq(invoices.workspaceId, scope.workspaceId)))
    .leftJoin(subscriptions, and(eq(subscriptions.id, invoices.subscriptionId), eq(subscriptions.workspaceId, scope.workspaceId)))
    .$dynamic();
}

type SelectedRow = Omit<JournalRow, "paidAt"> & { paidAt: Date | null; cursorAt: string };

// paidAt is never null here: only recovered cases with closed_at in the period are selected.
const toRow = ({ cursorAt: _cursor, ...row }: SelectedRow): JournalRow => ({ ...row, paidAt: row.paidAt!, amount: Number(row.amount) });

/** Count and total per currency of the journal's payments (from the closed cases' day totals, report_closed_days). */
export async function journalTotals(db: Db, scope: ReportScope): Promise<JournalTotal[]> {
  const d = reportClosedDays;
  const rows = await db
    .select({
      currency: sql<string>`upper(${d.currency})`,
      payments: sql<string>`sum(${d.cases})::text`,
      amount: sql<string>`sum(${d.recoveredAmount})::text`,
    })
    .from(d)
    .where(
      and(
        eq(d.workspaceId, scope.workspaceId),
        eq(d.livemode, scope.livemode),
        eq(d.status, "recovered"),
        gte(d.day, utcDay(scope.period.from)),
        lt(d.day, utcDay(scope.period.to)),
      ),
    )
    .groupBy(sql`upper(${d.currency})`)
    .having(sql`sum(${d.cases}) > 0`)
    .orderBy(sql`upper(${d.currency})`);
  return rows.map((r) => ({ currency: r.currency, payments: Number(r.payments), amount: BigInt(r.amount) }));
}

export async function getJournalSummary(db: Db, scope: ReportScope, latestCount = 10): Promise<JournalSummary> {
  const [totals, latest] = await Promise.all([
    journalTotals(db, scope),
    rowsQuery(db, scope).where(paymentsInScope(scope)).orderBy(desc(recoveryCases.closedAt), desc(recoveryCases.id)).limit(latestCount),
  ]);
  return { totals, payments: totals.reduce((n, t) => n + t.payments, 0), latest: latest.map(toRow) };
}

type Cursor = { at: string; id: string };

function fetchJournalRows(db: Db, scope: ReportScope, after: Cursor | null, limit: number) {
  const cursor = after ? sql`(${recoveryCases.closedAt}, ${recoveryCases.id}) > (${after.at}::timestamptz, ${after.id})` : undefined;
  return rowsQuery(db, scope)
    .where(and(paymentsInScope(scope), cursor))
    .orderBy(asc(recoveryCases.closedAt), asc(recoveryCases.id))
    .limit(limit);
}

/** Every payment of the journal in the order paid, `batchSize` at a time (keyset pagination). */
export async function* journalRowBatches(db: Db, scope: ReportScope, batchSize = 5000): AsyncGenerator<JournalRow[]> {
  let after: Cursor | null = null;
  for (;;) {
    const rows = await fetchJournalRows(db, scope, after, batchSize);
    if (rows.length === 0) return;
    yield rows.map(toRow);
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    after = { at: last.cursorAt, id: last.caseId };
  }
}

export async function listJournalRows(db: Db, scope: ReportScope): Promise<JournalRow[]> {
  const all: JournalRow[] = [];
  for await (const batch of journalRowBatches(db, scope)) all.push(...batch);
  return all;
}

export const journalColumns: CsvColumn<JournalRow>[] = [
  { header: "date_paid", value: (r) => day(r.paidAt) },
  { header: "paid_at", value: (r) => r.paidAt },
  { header: "customer_id", value: (r) => r.customerId },
  { header: "customer_name", value: (r) => r.customerName },
  { header: "invoice_number", value: (r) => r.invoiceNumber },
  { header: "invoice_id", value: (r) => r.invoiceId },
  { header: "subscription_id", value: (r) => r.subscriptionId },
  { header: "amount", value: (r) => money(r.amount, r.currency) },
  { header: "currency", value: (r) => r.currency },
  { header: "channel", value: (r) => r.channel },
  { header: "cohort", value: (r) => r.cohort },
  { header: "case_id", value: (r) => r.caseId },
];

/** What each `channel` value means, for the page and the README. */
export const channelDescriptions: Record<RecoveryChannel, string> = {
  reclaim_retry: "a retry Reclaim made",
  provider_retry: "the billing provider's own retry",
  card_update: "the customer put a new card on file through Reclaim's link",
  card_updater: "the card network updated the card automatically",
  out_of_band: "paid outside Reclaim (for example by bank transfer)",
};
