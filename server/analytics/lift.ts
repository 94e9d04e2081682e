/**
 * The holdout-lift report: did Reclaim's outreach recover more than the
 * customers would have paid anyway?
 *
 * Definitions (printed on the report page as well):
 * - Which cases: every recovery case OPENED in the period (by `opened_at`,
 *   whole UTC days), of the workspace and of its current mode only (live or
 *   sandbox, never both), whatever happened to it afterwards. This is an
 *   intention-to-treat comparison: a treatment case that was silenced or
 *   cancelled still counts in treatment, so both groups are defined the same
 *   way and by something decided before any outreach.
 * - Which outcome: recovered by the report time (`status = recovered` now:
 *   cases close on the workspace's clock, a sandbox's test clock, which the
 *   report's time follows and which only moves forward). Cases opened
 *   late in the period may still be open: they count as not recovered yet, in
 *   both groups alike, and the report says how many there are.
 * - Which group: the case's `cohort`, decided once per customer from a hash of
 *   the workspace's salt and the customer (see server/recovery/cohort.ts), so
 *   it is random with respect to anything about the customer and is the same
 *   for every invoice of that customer.
 * - Which sequence: the sequence of the version the case was planned with
 *   (`sequence_version_id`); holdout cases carry the version they would have
 *   followed.
 * - Which money: `recovered_amount` in the case's currency, integer minor
 *   units, unrecovered cases counting as 0. Each currency is compared on its
 *   own cases; nothing adds two currencies.
 *
 * The figures are computed in SQL as sufficient statistics (count, recovered
 * count, Σ amount, Σ amount²) per sequence version × cohort × currency, bigint
 * and numeric so nothing overflows, and the statistics in stats.ts are run on
 * them. The case-level rows of the CSV export hold every input of those sums,
 * so every figure can be recomputed from the file (lift.test.ts does exactly
 * that).
 */
import { and, asc, eq, gte, inArray, lt, sql, type SQL } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import {
  customers,
  invoices,
  recoveryCases,
  reportOpenedDays,
  sequences,
  sequenceVersions,
  type Cohort,
  type RecoveryChannel,
} from "@/server/db/schema";
import { day, money, type CsvColumn } from "./csv";
import { utcDay, type ReportScope } from "./scope";
import {
  compareProportions,
  incrementalRevenue,
  METHODS,
  REFERENCES,
  type IncrementalRevenue,
  type ProportionComparison,
  type StatsWarning,
} from "./stats";

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

/** Sufficient statistics of the cases of one sequence × cohort × currency. */
export type LiftCell = {
  sequenceId: string;
  sequenceName: string;
  cohort: Cohort;
  /** Upper-case ISO 4217 code. */
  currency: string;
  cases: number;
  recovered: number;
  /** Still open at the report time (outcome not known yet). */
  open: number;
  /** Σ recovered amount in minor units (0 for unrecovered cases). */
  recoveredAmount: bigint;
  /** Σ recovered amount², for the variance. */
  recoveredAmountSquares: bigint;
};

export type CohortTotals = { cases: number; recovered: number; open: number };

export type CohortMoney = CohortTotals & { recoveredAmount: bigint; recoveredAmountSquares: bigint };

export type CurrencyLift = {
  currency: string;
  treatment: CohortMoney;
  holdout: CohortMoney;
  incremental: IncrementalRevenue;
};

export type LiftSequence = { id: string; name: string; holdoutPercent: number | null; isDefault: boolean };

export type LiftComparison = {
  /** "overall", or the sequence id. */
  key: string;
  label: string;
  /** Null for the comparison over every sequence. */
  sequence: LiftSequence | null;
  treatment: CohortTotals;
  holdout: CohortTotals;
  rate: ProportionComparison;
  currencies: CurrencyLift[];
  /** Every small-sample warning of the rate and revenue comparisons, without repeats. */
  warnings: StatsWarning[];
};

export type LiftReport = {
  workspaceId: string;
  livemode: boolean;
  /** The report time: outcomes are as of this moment (a sandbox's test clock). */
  now: Date;
  period: ReportScope["period"];
  overall: LiftComparison;
  sequences: LiftComparison[];
  /** Every currency with cases in the period, sorted. */
  currencies: string[];
  /** Plain messages for whole-report conditions (no cases, no holdout…). */
  notices: string[];
  methods: typeof METHODS;
  references: typeof REFERENCES;
};

// ---------------------------------------------------------------------------
// Query
// ---------------------------------------------------------------------------

/** Cases of the report: the workspace, its mode, opened in the period. */
function casesInScope(scope: ReportScope): SQL {
  return and(
    eq(recoveryCases.workspaceId, scope.workspaceId),
    eq(recoveryCases.livemode, scope.livemode),
    gte(recoveryCases.openedAt, scope.period.from),
    lt(recoveryCases.openedAt, scope.period.to),
  )!;
}

/** Recovered by the report time: its status now (see "Which outcome" above). */
const recoveredByReportTime = eq(recoveryCases.status, "recovered");

/**
 * Sufficient statistics per sequence × cohort × currency, aggregated in SQL
 * from the opened cases' day totals (`report_opened_days`, kept by the
 * database with every case write: a year is some tens of thousands of rows
 * at a million cases), grouped first by sequence version, then joined to the
 * handful of versions and merged per sequence here.
 */
export async function liftCells(db: Db, scope: ReportScope): Promise<LiftCell[]> {
  const d = reportOpenedDays;
  const isRecovered = sql`${d.status} = 'recovered'`;
  const rows = await db
    .select({
      versionId: d.sequenceVersionId,
      cohort: d.cohort,
      currency: d.currency,
      cases: sql<string>`sum(${d.cases})::text`,
      recovered: sql<string>`coalesce(sum(${d.cases}) filter (where ${isRecovered}), 0)::text`,
      open: sql<string>`coalesce(sum(${d.cases}) filter (where ${d.status} = 'open'), 0)::text`,
      // Sums of int8 and numeric: no total can overflow.
      amount: sql<string>`coalesce(sum(${d.recoveredAmount}) filter (where ${isRecovered}), 0)::text`,
      squares: sql<string>`coalesce(sum(${d.recoveredSquares}) filter (where ${isRecovered}), 0)::text`,
    })
    .from(d)
    .where(
      and(
        eq(d.workspaceId, scope.workspaceId),
        eq(d.livemode, scope.livemode),
        gte(d.day, utcDay(scope.period.from)),
        lt(d.day, utcDay(scope.period.to)),
      ),
    )
    .groupBy(d.sequenceVersionId, d.cohort, d.currency)
    .having(sql`sum(${d.cases}) > 0`);
  if (rows.length === 0) return [];

  const versions = await db
    .select({ versionId: sequenceVersions.id, sequenceId: sequences.id, sequenceName: sequences.name })
    .from(sequenceVersions)
    .innerJoin(sequences, and(eq(sequences.id, sequenceVersions.sequenceId), eq(sequences.workspaceId, scope.workspaceId)))
    .where(
      and(eq(sequenceVersions.workspaceId, scope.workspaceId), inArray(sequenceVersions.id, [...new Set(rows.map((r) => r.versionId))])),
    );
  const sequenceOf = new Map(versions.map((v) => [v.versionId, v]));

  const cells = new Map<string, LiftCell>();
  for (const row of rows) {
    const sequence = sequenceOf.get(row.versionId);
    const sequenceId = sequence?.sequenceId ?? row.versionId;
    const currency = row.currency.toUpperCase();
    const key = `${sequenceId}\u0000${row.cohort}\u0000${currency}`;
    const cell = cells.get(key) ?? {
      sequenceId,
      sequenceName: sequence?.sequenceName ?? "Unknown sequence",
      cohort: row.cohort,
      currency,
      cases: 0,
      recovered: 0,
      open: 0,
      recoveredAmount: BigInt(0),
      recoveredAmountSquares: BigInt(0),
    };
    cell.cases += Number(row.cases);
    cell.recovered += Number(row.recovered);
    cell.open += Number(row.open);
    cell.recoveredAmount += BigInt(row.amount);
    cell.recoveredAmountSquares += BigInt(row.squares);
    cells.set(key, cell);
  }
  return [...cells.values()];
}

/** The workspace's sequences with the holdout share of their current version. */
async function listSequences(db: Db, workspaceId: string): Promise<LiftSequence[]> {
  const rows = await db
    .select({
      id: sequences.id,
      name: sequences.name,
      isDefault: sequences.isDefault,
      holdoutPercent: sql<number | null>`(${sequenceVersions.policy} ->> 'holdoutPercent')::int`,
    })
    .from(sequences)
    .leftJoin(sequenceVersions, and(eq(sequenceVersions.sequenceId, sequences.id), eq(sequenceVersions.version, sequences.currentVersion)))
    .where(eq(sequences.workspaceId, workspaceId))
    .orderBy(asc(sequences.name), asc(sequences.id));
  return rows.map((r) => ({ ...r, holdoutPercent: r.holdoutPercent === null ? null : Number(r.holdoutPercent) }));
}

// ---------------------------------------------------------------------------
// Figures
// ---------------------------------------------------------------------------

/** The scope text stats.ts puts in its messages for a comparison ("" for the overall one). */
export function statsScope(sequenceName: string | null): string {
  return sequenceName === null ? "" : `for the “${sequenceName}” sequence`;
}

const emptyMoney = (): CohortMoney => ({ cases: 0, recovered: 0, open: 0, recoveredAmount: BigInt(0), recoveredAmountSquares: BigInt(0) });

function addInto(target: CohortMoney, cell: LiftCell): void {
  target.cases += cell.cases;
  target.recovered += cell.recovered;
  target.open += cell.open;
  target.recoveredAmount += cell.recoveredAmount;
  target.recoveredAmountSquares += cell.recoveredAmountSquares;
}

/**
 * One comparison (every sequence, or one) from its cells: the recovery rate
 * over every currency (a count does not depend on the currency), and the
 * revenue per currency.
 */
export function compareCells(cells: LiftCell[], key: string, label: string, sequence: LiftSequence | null): LiftComparison {
  const scope = statsScope(sequence ? sequence.name : null);
  const totals = { treatment: emptyMoney(), holdout: emptyMoney() };
  const byCurrency = new Map<string, { treatment: CohortMoney; holdout: CohortMoney }>();
  for (const cell of cells) {
    addInto(totals[cell.cohort], cell);
    const entry = byCurrency.get(cell.currency) ?? { treatment: emptyMoney(), holdout: emptyMoney() };
    addInto(entry[cell.cohort], cell);
    byCurrency.set(cell.currency, entry);
  }

  const rate = compareProportions(
    {
      treatment: { n: totals.treatment.cases, successes: totals.treatment.recovered },
      holdout: { n: totals.holdout.cases, successes: totals.holdout.recovered },
    },
    { scope },
  );
  const currencies = [...byCurrency.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([currency, groups]): CurrencyLift => ({
      currency,
      treatment: groups.treatment,
      holdout: groups.holdout,
      incremental: incrementalRevenue(
        {
          currency,
          treatment: {
            n: groups.treatment.cases,
            sum: groups.treatment.recoveredAmount,
            sumOfSquares: groups.treatment.recoveredAmountSquares,
            recoveries: groups.treatment.recovered,
          },
          holdout: {
            n: groups.holdout.cases,
            sum: groups.holdout.recoveredAmount,
            sumOfSquares: groups.holdout.recoveredAmountSquares,
            recoveries: groups.holdout.recovered,
          },
        },
        { scope },
      ),
    }));

  const seen = new Set<string>();
  const warnings = [...rate.warnings, ...currencies.flatMap((c) => c.incremental.warnings)].filter((w) => {
    if (seen.has(w.message)) return false;
    seen.add(w.message);
    return true;
  });
  const strip = ({ cases, recovered, open }: CohortTotals): CohortTotals => ({ cases, recovered, open });
  return { key, label, sequence, treatment: strip(totals.treatment), holdout: strip(totals.holdout), rate, currencies, warnings };
}

/** The report's figures from its cells: pure, so the test can run it on cells recomputed from the CSV. */
export function buildLiftReport(scope: ReportScope, cells: LiftCell[], sequenceList: LiftSequence[]): LiftReport {
  const known = new Map(sequenceList.map((s) => [s.id, s]));
  const sequenceIds = [...new Set(cells.map((c) => c.sequenceId))];
  const perSequence = sequenceIds
    .map((id) => {
      const own = cells.filter((c) => c.sequenceId === id);
      const sequence = known.get(id) ?? { id, name: own[0]?.sequenceName ?? "Unknown sequence", holdoutPercent: null, isDefault: false };
      return compareCells(own, id, sequence.name, sequence);
    })
    .sort((a, b) => a.label.localeCompare(b.label) || a.key.localeCompare(b.key));
  const overall = compareCells(cells, "overall", "All sequences", null);
  const currencies = [...new Set(cells.map((c) => c.currency))].sort();

  const notices: string[] = [];
  const total = overall.treatment.cases + overall.holdout.cases;
  if (total === 0) {
    notices.push(
      "No recovery case was opened in this period, so there is nothing to compare yet. Choose a longer period, or wait for failed payments.",
    );
  } else {
    if (overall.holdout.cases === 0) {
      notices.push(
        "No case opened in this period is in the holdout group, so there is nothing to measure the lift against. " +
          "Check the holdout share in Sequences (a share of 0% sends everyone outreach), or choose a longer period.",
      );
    }
    if (overall.treatment.cases === 0) {
      notices.push("Every case opened in this period is in the holdout group, so there is no effect of Reclaim to measure.");
    }
    const open = overall.treatment.open + overall.holdout.open;
    if (open > 0) {
      notices.push(
        `${open} of the ${total} cases are still open, so their outcome is not known yet; they count as not recovered, in both groups alike. ` +
          "Rates and revenue will still change as they close.",
      );
    }
    if (currencies.length > 1) {
      notices.push(
        `Cases in this period are in ${currencies.length} currencies (${currencies.join(", ")}): revenue is compared per currency and never added across currencies.`,
      );
    }
  }

  return {
    workspaceId: scope.workspaceId,
    livemode: scope.livemode,
    now: scope.now,
    period: scope.period,
    overall,
    sequences: perSequence,
    currencies,
    notices,
    methods: METHODS,
    references: REFERENCES,
  };
}

/** The holdout-lift report of a workspace for a period. */
export async function getLiftReport(db: Db, scope: ReportScope): Promise<LiftReport> {
  const [cells, sequenceList] = await Promise.all([liftCells(db, scope), listSequences(db, scope.workspaceId)]);
  return buildLiftReport(scope, cells, sequenceList);
}

// ---------------------------------------------------------------------------
// Case rows (CSV)
// ---------------------------------------------------------------------------

export type LiftCaseRow = {
  caseId: string;
  openedAt: Date;
  cohort: Cohort;
  sequenceId: string;
  sequenceName: string;
  sequenceVersion: number;
  customerId: string;
  invoiceNumber: string;
  currency: string;
  amount: number;
  status: string;
  closedAt: Date | null;
  recovered: boolean;
  /** 0 unless recovered by the report time. */
  recoveredAmount: number;
  recoveredVia: RecoveryChannel | null;
};

type Cursor = { at: string; id: string };

/** One page of case rows after `after`, in (`opened_at`, id) order. */
async function fetchCaseRows(db: Db, scope: ReportScope, after: Cursor | null, limit: number) {
  const recovered = recoveredByReportTime;
  const cursor = after ? sql`(${recoveryCases.openedAt}, ${recoveryCases.id}) > (${after.at}::timestamptz, ${after.id})` : undefined;
  return db
    .select({
      caseId: recoveryCases.id,
      openedAt: recoveryCases.openedAt,
      // Postgres keeps microseconds, a JS Date milliseconds: the cursor keeps the exact value.
      cursorAt: sql<string>`${recoveryCases.openedAt}::text`,
      cohort: recoveryCases.cohort,
      sequenceId: sequences.id,
      sequenceName: sequences.name,
      sequenceVersion: sequenceVersions.version,
      customerId: customers.externalId,
      invoiceNumber: sql<string>`coalesce(${invoices.number}, ${invoices.externalId})`,
      currency: sql<string>`upper(${recoveryCases.currency})`,
      amount: recoveryCases.amount,
      status: recoveryCases.status,
      closedAt: recoveryCases.closedAt,
      recovered: sql<boolean>`(${recovered})`,
      recoveredAmount: sql<number>`case when ${recovered} then coalesce(${recoveryCases.recoveredAmount}, 0) else 0 end`,
      recoveredVia: sql<RecoveryChannel | null>`case when ${recovered} then ${recoveryCases.recoveredVia} end`,
    })
    .from(recoveryCases)
    .innerJoin(
      sequenceVersions,
      and(eq(sequenceVersions.id, recoveryCases.sequenceVersionId), eq(sequenceVersions.workspaceId, scope.workspaceId)),
    )
    .innerJoin(sequences, and(eq(sequences.id, sequenceVersions.sequenceId), eq(sequences.workspaceId, scope.workspaceId)))
    .innerJoin(customers, and(eq(customers.id, recoveryCases.customerId), eq(customers.workspaceId, scope.workspaceId)))
    .innerJoin(invoices, and(eq(invoices.id, recoveryCases.invoiceId), eq(invoices.workspaceId, scope.workspaceId)))
    .where(and(casesInScope(scope), cursor))
    .orderBy(asc(recoveryCases.openedAt), asc(recoveryCases.id))
    .limit(limit);
}

/** One row per case of the report, in `opened_at` order, `batchSize` at a time (keyset pagination). */
export async function* liftCaseRowBatches(db: Db, scope: ReportScope, batchSize = 5000): AsyncGenerator<LiftCaseRow[]> {
  let after: Cursor | null = null;
  for (;;) {
    const rows = await fetchCaseRows(db, scope, after, batchSize);
    if (rows.length === 0) return;
    yield rows.map(({ cursorAt: _cursor, ...row }) => ({
      ...row,
      recovered: row.recovered === true || (row.recovered as unknown) === "t",
      recoveredAmount: Number(row.recoveredAmount),
    }));
    if (rows.length < batchSize) return;
    const last = rows[rows.length - 1]!;
    after = { at: last.cursorAt, id: last.caseId };
  }
}

/** Every case row at once (tests, small workspaces). */
export async function listLiftCaseRows(db: Db, scope: ReportScope): Promise<LiftCaseRow[]> {
  const all: LiftCaseRow[] = [];
  for await (const batch of liftCaseRowBatches(db, scope)) all.push(...batch);
  return all;
}

export const liftCaseColumns: CsvColumn<LiftCaseRow>[] = [
  { header: "case_id", value: (r) => r.caseId },
  { header: "opened_at", value: (r) => r.openedAt },
  { header: "cohort", value: (r) => r.cohort },
  { header: "sequence_id", value: (r) => r.sequenceId },
  { header: "sequence_name", value: (r) => r.sequenceName },
  { header: "sequence_version", value: (r) => r.sequenceVersion },
  { header: "customer_id", value: (r) => r.customerId },
  { header: "invoice_number", value: (r) => r.invoiceNumber },
  { header: "currency", value: (r) => r.currency },
  { header: "invoice_amount", value: (r) => money(r.amount, r.currency) },
  { header: "status", value: (r) => r.status },
  { header: "closed_at", value: (r) => r.closedAt },
  { header: "recovered_by_report_time", value: (r) => r.recovered },
  { header: "recovered_amount", value: (r) => money(r.recoveredAmount, r.currency) },
  { header: "recovered_via", value: (r) => r.recoveredVia },
];

// ---------------------------------------------------------------------------
// Summary rows (CSV)
// ---------------------------------------------------------------------------

/**
 * One row per comparison over every currency (the recovery rate) and one per
 * comparison × currency (the money). Columns that do not apply to a row are
 * empty, never "NaN".
 */
export type LiftSummaryRow = {
  report: LiftReport;
  comparison: LiftComparison;
  /** Null: the recovery-rate row over every currency. */
  currency: CurrencyLift | null;
};

export function liftSummaryRows(report: LiftReport): LiftSummaryRow[] {
  return [report.overall, ...report.sequences].flatMap((comparison) => [
    { report, comparison, currency: null },
    ...comparison.currencies.map((currency) => ({ report, comparison, currency })),
  ]);
}

const lastDay = (period: { to: Date }) => new Date(period.to.getTime() - 24 * 60 * 60 * 1000);

const rateFigure = (r: LiftSummaryRow, pick: (rate: Extract<ProportionComparison, { status: "ok" | "degenerate" }>) => number) =>
  r.currency === null && r.comparison.rate.status !== "unavailable" ? pick(r.comparison.rate) : null;

const groupRate = (
  r: LiftSummaryRow,
  group: "treatment" | "holdout",
  pick: (g: NonNullable<ProportionComparison["treatment"]>) => number,
) => {
  const estimate = r.currency === null ? r.comparison.rate[group] : null;
  return estimate ? pick(estimate) : null;
};

const revenueFigure = (r: LiftSummaryRow, pick: (x: Extract<IncrementalRevenue, { status: "ok" }>) => number) =>
  r.currency && r.currency.incremental.status === "ok" ? pick(r.currency.incremental) : null;

const counts = (r: LiftSummaryRow, group: "treatment" | "holdout") => (r.currency ? r.currency[group] : r.comparison[group]);

function resultMessage(r: LiftSummaryRow): string {
  const result = r.currency ? r.currency.incremental : r.comparison.rate;
  return [result.message, ...result.warnings.map((w) => w.message)].filter(Boolean).join(" ");
}

export const liftSummaryColumns: CsvColumn<LiftSummaryRow>[] = [
  { header: "mode", value: (r) => (r.report.livemode ? "live" : "sandbox") },
  { header: "cases_opened_from", value: (r) => day(r.report.period.from) },
  { header: "cases_opened_to", value: (r) => day(lastDay(r.report.period)) },
  { header: "outcome_as_of", value: (r) => r.report.now },
  { header: "scope", value: (r) => (r.comparison.sequence ? "sequence" : "all_sequences") },
  { header: "sequence_id", value: (r) => r.comparison.sequence?.id ?? null },
  { header: "sequence_name", value: (r) => r.comparison.sequence?.name ?? null },
  { header: "measure", value: (r) => (r.currency ? "recovered_revenue" : "recovery_rate") },
  { header: "currency", value: (r) => r.currency?.currency ?? "all" },
  { header: "treatment_cases", value: (r) => counts(r, "treatment").cases },
  { header: "treatment_recovered", value: (r) => counts(r, "treatment").recovered },
  { header: "treatment_still_open", value: (r) => counts(r, "treatment").open },
  { header: "holdout_cases", value: (r) => counts(r, "holdout").cases },
  { header: "holdout_recovered", value: (r) => counts(r, "holdout").recovered },
  { header: "holdout_still_open", value: (r) => counts(r, "holdout").open },
  { header: "treatment_recovery_rate", value: (r) => groupRate(r, "treatment", (g) => g.rate) },
  { header: "treatment_rate_ci95_lower", value: (r) => groupRate(r, "treatment", (g) => g.interval.lower) },
  { header: "treatment_rate_ci95_upper", value: (r) => groupRate(r, "treatment", (g) => g.interval.upper) },
  { header: "holdout_recovery_rate", value: (r) => groupRate(r, "holdout", (g) => g.rate) },
  { header: "holdout_rate_ci95_lower", value: (r) => groupRate(r, "holdout", (g) => g.interval.lower) },
  { header: "holdout_rate_ci95_upper", value: (r) => groupRate(r, "holdout", (g) => g.interval.upper) },
  { header: "incremental_recovery_rate", value: (r) => rateFigure(r, (x) => x.difference) },
  { header: "incremental_rate_ci95_lower", value: (r) => rateFigure(r, (x) => x.differenceInterval.lower) },
  { header: "incremental_rate_ci95_upper", value: (r) => rateFigure(r, (x) => x.differenceInterval.upper) },
  { header: "rate_p_value", value: (r) => rateFigure(r, (x) => x.pValue) },
  {
    header: "treatment_recovered_amount",
    value: (r) => (r.currency ? money(r.currency.treatment.recoveredAmount, r.currency.currency) : null),
  },
  {
    header: "holdout_recovered_amount",
    value: (r) => (r.currency ? money(r.currency.holdout.recoveredAmount, r.currency.currency) : null),
  },
  {
    header: "incremental_revenue",
    value: (r) => (r.currency && r.currency.incremental.amount !== null ? money(r.currency.incremental.amount, r.currency.currency) : null),
  },
  {
    header: "incremental_revenue_ci95_lower",
    value: (r) =>
      r.currency && r.currency.incremental.status === "ok" ? money(r.currency.incremental.interval.lower, r.currency.currency) : null,
  },
  {
    header: "incremental_revenue_ci95_upper",
    value: (r) =>
      r.currency && r.currency.incremental.status === "ok" ? money(r.currency.incremental.interval.upper, r.currency.currency) : null,
  },
  { header: "revenue_p_value", value: (r) => revenueFigure(r, (x) => x.pValue) },
  { header: "result", value: (r) => (r.currency ? r.currency.incremental.status : r.comparison.rate.status) },
  {
    header: "too_small_to_conclude",
    value: (r) => (r.currency ? r.currency.incremental.warnings.length > 0 : r.comparison.rate.warnings.length > 0),
  },
  { header: "notes", value: resultMessage },
];
