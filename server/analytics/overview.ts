/**
 * The figures of the console's Overview page, aggregated in SQL.
 *
 * Every query is scoped to one workspace and one mode (`ReportScope`: live or
 * sandbox figures, never both) and groups money by currency: no figure adds
 * two currencies together. The definitions below are the ones the page prints
 * (`OVERVIEW_DEFINITIONS`), so the page says exactly what this file computes.
 *
 * Case figures (recovered, at risk, rates, active, the series) use only
 * columns of the case rows (status, amount, currency, recovered amount,
 * opened and closed times, cohort), so they can be recomputed from an export
 * of those rows; `overview.test.ts` does exactly that. Attempts and emails come
 * from their own tables.
 *
 * Speed (`BENCH_PARTS=reports npm run bench` runs these on a generated
 * million-case history, server/bench/reports.ts): the figures of a period
 * (cases closed, cases opened, attempts, emails) are read from the per-day
 * totals the database keeps with every write (server/db/schema/report-days.ts,
 * migration 0010): some tens of rows per day, so a year costs what a month
 * does. The buckets of the charts are whole UTC days or weeks from the
 * period's first day, so each is a sum of whole days. Only what is true now
 * is read from the rows: the open cases from the partial
 * `recovery_cases_report_open_idx` with their thread's `emails_sent` (a count
 * kept by the email action) from the open threads' partial
 * `dunning_threads_open_emails_idx` in a hash join (its cost follows the open
 * cases, not the history), and the ten newest closed cases from
 * `recovery_cases_report_closed_idx` read backwards. The series come from the
 * grouped rows with a running sum in JavaScript, not a query per bucket. The
 * queries run side by side, JIT off (see `getOverview`).
 *
 * Measured on a 2-CPU machine with 1,000,000 live cases over 400 days (3.3
 * million emails, 3.2 million attempts, another workspace and 20,000 sandbox
 * cases beside them), the page's queries as the router runs them, alone:
 * 30 days median 115 ms, 365 days 127 ms, almost all of it the open cases by
 * step (about 110 ms for 58,000 open cases). Before the per-day totals: 313 ms
 * and 1,800 ms (the closed and opened cases, attempts and emails each read
 * one index entry per row of the period).
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import type { CaseStatus, RecoveryChannel } from "@/server/db/schema";
import { DAY } from "@/server/recovery/clock";
import { utcDay, type ReportScope } from "./scope";

// ---------------------------------------------------------------------------
// Definitions (printed on the page)
// ---------------------------------------------------------------------------

export const OVERVIEW_DEFINITIONS = {
  scope:
    "Every figure belongs to this workspace and to one mode: a live workspace shows live figures only, a sandbox workspace sandbox figures only (on its test clock). Money is shown per currency and amounts in different currencies are never added together.",
  period:
    "A period is whole days in UTC: it starts at midnight UTC of its first day and ends at midnight UTC after its last day (that moment belongs to the next period). The previous period is the one of the same length just before it.",
  recovered:
    "Recovered revenue: the recovered amount of the cases that were recovered (paid) in the period, by the time they closed, in each currency, compared with the previous period (change in amount and in percent; “new” when nothing was recovered in that currency in the previous period). It includes holdout cases that paid without any outreach, shown apart.",
  atRisk:
    "At risk: the amount of the cases open now, in each currency, split by dunning step.",
  dunningStep:
    "Dunning step of an open case: in the grace period when its recovery window has ended; otherwise the number of dunning emails its customer has received in the current series (one series per customer, shared by all their open invoices), from “before the first email” up. Holdout cases get no emails and are shown as their own step.",
  recoveryRate:
    "Recovery rate: of the cases closed in the period, the share that was recovered. Every closed case counts: recovered, lost at the end of the window, silenced (a do-not-contact decline Reclaim may not act on) and cancelled (the customer stopped payments), so the rate does not improve when more cases are closed without recovery.",
  stillOpen: "Still open: of the cases opened in the period, the share that is open now.",
  active: "Active recoveries: the cases open now, and the customers they belong to.",
  attempts:
    "Payment attempts: charges of failed invoices made in the period: the renewal charge that failed, Reclaim's retries, the billing provider's own retries, and charges after a card update. The headline counts everything after the renewal charge.",
  emails:
    "Open and click rates: of the dunning emails sent in the period, the share opened (the open pixel loaded) and the share whose card-update link was followed, so far. Opens are only known where the mail client loads images, and some privacy proxies load every image, so the open rate is an indication; clicks are exact.",
  recent:
    "Recent recoveries: the newest cases recovered in the period. Recent failures: the newest cases closed without payment in the period (lost, silenced or cancelled).",
  series:
    "Charts: recovered revenue per day (per week for periods longer than 92 days), and the revenue at risk at the end of each day or week (for the current day or week, now).",
} as const;

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

export type Change = {
  /** Current minus previous, in minor units. */
  absolute: number;
  /** In percent of the previous amount; null when the previous amount was 0. */
  percent: number | null;
  /** Something now, nothing in the previous period. */
  isNew: boolean;
};

export type RecoveredRevenue = {
  currency: string;
  amount: number;
  cases: number;
  /** Part of `amount` from holdout cases (paid without outreach). */
  holdoutAmount: number;
  previousAmount: number;
  previousCases: number;
  change: Change;
};

export type StepKind = "emails" | "grace" | "final" | "holdout";
export type AtRiskStep = {
  /** "emails:0" (before the first email), "emails:2", "grace", "final", "holdout". */
  key: string;
  kind: StepKind;
  /** Emails received so far, for kind "emails". */
  emails: number | null;
  cases: number;
  amount: number;
};
export type AtRisk = { currency: string; amount: number; cases: number; steps: AtRiskStep[] };

export type ClosedStatus = Exclude<CaseStatus, "open">;
export type RecoveryRate = {
  closed: Record<ClosedStatus, number> & { total: number };
  /** Recovered over closed; null when nothing closed in the period. */
  rate: number | null;
  opened: number;
  stillOpen: number;
  /** Still open over opened; null when nothing was opened in the period. */
  stillOpenShare: number | null;
};

export type ActiveRecoveries = { cases: number; customers: number; holdoutCases: number };

export const attemptSourceOrder = ["initial", "reclaim_retry", "provider_retry", "card_update", "card_updater"] as const;
export type AttemptSource = (typeof attemptSourceOrder)[number];
export type AttemptsSummary = {
  /** Every attempt after the renewal charge (retries and card-update charges). */
  total: number;
  succeeded: number;
  /** Renewal charges that failed in the period. */
  failedRenewals: number;
  bySource: { source: AttemptSource; total: number; succeeded: number; failed: number; requiresAction: number }[];
};

export type EmailEngagement = { sent: number; opened: number; clicked: number; openRate: number | null; clickRate: number | null };

export type RecentCase = {
  id: string;
  status: CaseStatus;
  cohort: "treatment" | "holdout";
  amount: number;
  currency: string;
  recoveredAmount: number | null;
  recoveredVia: RecoveryChannel | null;
  declineCode: string;
  closedAt: Date;
  customerName: string | null;
  customerEmail: string | null;
  invoiceNumber: string;
};

export type SeriesPoint = {
  start: Date;
  /** Exclusive; the period's end for the last bucket. */
  end: Date;
  /** Null for a bucket that starts after now. */
  recovered: number | null;
  /** At the end of the bucket (now, for the bucket holding now); null for a bucket that starts after now. */
  atRisk: number | null;
};
export type CurrencySeries = { currency: string; points: SeriesPoint[] };
export type OverviewSeries = { unit: "day" | "week"; currencies: CurrencySeries[] };

export type Overview = {
  scope: { workspaceId: string; livemode: boolean; now: Date };
  period: { from: Date; to: Date; days: number; label: string; previous: { from: Date; to: Date } };
  /** Whether the workspace has any case in this mode at all (else the page shows what to do first). */
  hasCases: boolean;
  /** Currencies with any activity, most active first: the order every section uses. */
  currencies: string[];
  recovered: RecoveredRevenue[];
  atRisk: AtRisk[];
  recoveryRate: RecoveryRate;
  active: ActiveRecoveries;
  attempts: AttemptsSummary;
  emails: EmailEngagement;
  recentRecoveries: RecentCase[];
  recentFailures: RecentCase[];
  series: OverviewSeries;
};

/** Periods longer than this are charted per week. */
export const MAX_DAILY_BUCKETS = 92;
export const RECENT_LIMIT = 10;

// ---------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------

/** A database handle or the overview's read-only transaction. */
type Runner = Pick<Db, "execute">;

/** postgres-js returns an array, PGlite an object with `rows`. */
function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}

async function query<T>(db: Runner, statement: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(statement));
}

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const dayOf = (d: Date) => sql`${utcDay(d)}::date`;
/** The start of a per-day totals row's day, as a time: midnight UTC. */
const dayStart = sql`(day::timestamp at time zone 'UTC')`;
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));
const ratio = (part: number, whole: number) => (whole > 0 ? part / whole : null);
const toDate = (v: unknown) => (v instanceof Date ? v : new Date(String(v)));

export function changeBetween(current: number, previous: number): Change {
  return {
    absolute: current - previous,
    percent: previous > 0 ? ((current - previous) / previous) * 100 : null,
    isNew: previous === 0 && current > 0,
  };
}

/** Buckets of the charts: days, or weeks from the period's first day for long periods (the last may be shorter). */
export function seriesBuckets(period: { from: Date; to: Date; days: number }) {
  const unit: "day" | "week" = period.days > MAX_DAILY_BUCKETS ? "week" : "day";
  const size = unit === "day" ? DAY : 7 * DAY;
  const count = Math.max(1, Math.ceil((period.to.getTime() - period.from.getTime()) / size));
  const buckets = Array.from({ length: count }, (_, k) => {
    const start = new Date(period.from.getTime() + k * size);
    return { start, end: new Date(Math.min(start.getTime() + size, period.to.getTime())) };
  });
  return { unit, size, count, buckets };
}

/**
 * The bucket of a time column, in SQL, as the start of its bucket: null before
 * `from` (the previous period, where the query reaches there), `to` from `to`
 * on (the tail the running sums need). `date_bin` is plain integer arithmetic
 * on timestamps, and grouping on it (and on the enum columns, not their text)
 * lets Postgres hash-aggregate: several times faster than numeric epochs and a
 * sort, at a million cases.
 */
function bucketStart(column: SQL, from: Date, to: Date, sizeMs: number): SQL {
  return sql`case
    when ${column} < ${at(from)} then null
    when ${column} >= ${at(to)} then ${at(to)}
    else date_bin(${`${sizeMs / 1000} seconds`}::interval, ${column}, ${at(from)})
  end`;
}

/** The index of a bucket start from `bucketStart`: -1 before the period, `count` from its end on. */
function bucketIndex(value: unknown, period: { from: Date; to: Date }, sizeMs: number, count: number): number {
  if (value === null || value === undefined) return -1;
  const time = toDate(value).getTime();
  if (time >= period.to.getTime()) return count;
  return Math.min(count - 1, Math.round((time - period.from.getTime()) / sizeMs));
}

// ---------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------

type ClosedRow = { currency: string; status: ClosedStatus; cohort: string; bucket: number; cases: number; amount: number; recovered: number };

/** Cases closed since the previous period began, by currency, status, cohort and bucket (from the closed cases' day totals). */
async function closedSince(db: Runner, s: ReportScope, sizeMs: number, count: number): Promise<ClosedRow[]> {
  const { from, to, previous } = s.period;
  const rows = await query<Omit<ClosedRow, "bucket"> & { bucket: unknown }>(
    db,
    sql`select currency, status::text as status, cohort::text as cohort, ${bucketStart(dayStart, from, to, sizeMs)} as bucket,
        sum(cases)::int as cases,
        sum(amount)::float8 as amount,
        (coalesce(sum(recovered_amount) filter (where status = 'recovered'), 0))::float8 as recovered
      from report_closed_days
      where workspace_id = ${s.workspaceId} and livemode = ${s.livemode} and day >= ${dayOf(previous.from)}
      group by 1, 2, 3, 4`,
  );
  return rows.map((r) => ({ ...r, bucket: bucketIndex(r.bucket, s.period, sizeMs, count) }));
}

type OpenedRow = { currency: string; bucket: number; cases: number; still_open: number; amount: number };

/** Cases opened since the period began, by currency and bucket (from the opened cases' day totals). */
async function openedSince(db: Runner, s: ReportScope, sizeMs: number, count: number): Promise<OpenedRow[]> {
  const { from, to } = s.period;
  const rows = await query<Omit<OpenedRow, "bucket"> & { bucket: unknown }>(
    db,
    sql`select currency, ${bucketStart(dayStart, from, to, sizeMs)} as bucket,
        sum(cases)::int as cases,
        (coalesce(sum(cases) filter (where status = 'open'), 0))::int as still_open,
        sum(amount)::float8 as amount
      from report_opened_days
      where workspace_id = ${s.workspaceId} and livemode = ${s.livemode} and day >= ${dayOf(from)}
      group by 1, 2`,
  );
  return rows.map((r) => ({ ...r, bucket: bucketIndex(r.bucket, s.period, sizeMs, count) }));
}

type OpenRow = { total_row: number; currency: string; stage: string; cohort: string; emails: number; cases: number; amount: number; customers: number; holdout: number };

/**
 * Open cases by currency and dunning step, and (the row flagged `total_row`)
 * how many are open, for how many customers, how many in the holdout.
 *
 * The open cases are read from `recovery_cases_report_open_idx` alone (a
 * partial index of the open cases holding every column used here). The emails
 * a customer has received are their thread's `emails_sent` (the count of its
 * `email_sent` timeline entries, kept by the email action in the transaction
 * that writes the entry), used for the treatment cases before the grace
 * period (the others are bucketed by stage or cohort). A case is open only on
 * an open thread (a thread closes when its last case does), so the open
 * threads' counts are read from the partial `dunning_threads_open_emails_idx`
 * alone and hash-joined with the open cases: the cost follows the open cases
 * and threads, not the history, and the figure is the same on either clock.
 * (A left join: should a case ever be open on a closed thread it still
 * counts, at "before the first email".) Probing the thread's primary key per
 * open case, or hashing every thread of the workspace, cost 2 to 3 times more.
 */
function openByStep(db: Runner, s: ReportScope) {
  // Grouped by the enum columns (a hash aggregate), and the total row apart: a grouping set with
  // count(distinct) would sort every open case by text keys, which cost more than the rest together.
  return query<OpenRow>(
    db,
    sql`with o as materialized (
        select c.currency, c.stage, c.cohort, c.amount, c.customer_id,
          case when c.cohort = 'treatment' and c.stage = 'past_due' then coalesce(t.emails_sent, 0) else 0 end as emails
        from recovery_cases c
        left join dunning_threads t on t.id = c.thread_id and t.workspace_id = ${s.workspaceId} and t.status = 'open'
        where c.workspace_id = ${s.workspaceId} and c.livemode = ${s.livemode} and c.status = 'open'
      )
      select 0 as total_row, currency, stage::text as stage, cohort::text as cohort, emails,
        count(*)::int as cases, coalesce(sum(amount), 0)::float8 as amount, 0 as customers, 0 as holdout
      from o
      group by currency, stage, cohort, emails
      union all
      select 1, null, null, null, null, count(*)::int, coalesce(sum(amount), 0)::float8,
        (select count(*) from (select distinct customer_id from o) d)::int, (count(*) filter (where cohort = 'holdout'))::int
      from o`,
  );
}

async function hasAnyCase(db: Runner, s: ReportScope): Promise<boolean> {
  const [row] = await query<{ any: boolean }>(
    db,
    sql`select exists (select 1 from recovery_cases where workspace_id = ${s.workspaceId} and livemode = ${s.livemode}) as any`,
  );
  return row?.any === true;
}

/** Attempts made in the period (from the attempts' day totals; an attempt carries its case's mode). */
async function attemptsIn(db: Runner, s: ReportScope): Promise<AttemptsSummary> {
  const { from, to } = s.period;
  const rows = await query<{ source: AttemptSource; outcome: string; n: number }>(
    db,
    sql`select source, outcome, sum(attempts)::int as n
      from report_attempt_days
      where workspace_id = ${s.workspaceId} and livemode = ${s.livemode} and day >= ${dayOf(from)} and day < ${dayOf(to)}
      group by 1, 2`,
  );
  const bySource = attemptSourceOrder.map((source) => {
    const of = rows.filter((r) => r.source === source);
    const count = (outcome: string) => of.filter((r) => r.outcome === outcome).reduce((sum, r) => sum + num(r.n), 0);
    return {
      source,
      total: of.reduce((sum, r) => sum + num(r.n), 0),
      succeeded: count("succeeded"),
      failed: count("failed"),
      requiresAction: count("requires_action"),
    };
  });
  const after = bySource.filter((b) => b.source !== "initial");
  return {
    total: after.reduce((sum, b) => sum + b.total, 0),
    succeeded: after.reduce((sum, b) => sum + b.succeeded, 0),
    failedRenewals: bySource.find((b) => b.source === "initial")?.failed ?? 0,
    bySource: bySource.filter((b) => b.total > 0),
  };
}

/**
 * Dunning emails sent in the period, and how many of them were opened and
 * clicked so far (from the emails' day totals). When an email went out is its
 * outbox row's `sent_at` (its `created_at` for live emails from before that
 * column), on the workspace's clock (a sandbox's test clock), and its mode is
 * its thread's cases' (`livemode`, both written by the email action).
 */
async function emailsIn(db: Runner, s: ReportScope): Promise<EmailEngagement> {
  const { from, to } = s.period;
  const statement = sql`select coalesce(sum(sent), 0)::int as sent, coalesce(sum(opened), 0)::int as opened, coalesce(sum(clicked), 0)::int as clicked
    from report_email_days
    where workspace_id = ${s.workspaceId} and livemode = ${s.livemode} and day >= ${dayOf(from)} and day < ${dayOf(to)}`;
  const [row] = await query<{ sent: number; opened: number; clicked: number }>(db, statement);
  const sent = num(row?.sent);
  const opened = num(row?.opened);
  const clicked = num(row?.clicked);
  return { sent, opened, clicked, openRate: ratio(opened, sent), clickRate: ratio(clicked, sent) };
}

type RecentRow = {
  id: string;
  status: CaseStatus;
  cohort: "treatment" | "holdout";
  amount: number;
  currency: string;
  recovered_amount: number | null;
  recovered_via: RecoveryChannel | null;
  decline_code: string;
  closed_at: Date | string;
  customer_name: string | null;
  customer_email: string | null;
  invoice_number: string;
};

/**
 * The newest cases closed in the period with one of `statuses`: the closed
 * index read backwards until ten match, then their customer and invoice.
 */
async function recentClosed(db: Runner, s: ReportScope, statuses: ClosedStatus[]): Promise<RecentCase[]> {
  const { from, to } = s.period;
  // Constants of the code, not input: inlined so the planner sees the values.
  const wanted = sql.raw(statuses.map((st) => `'${st}'`).join(", "));
  const rows = await query<RecentRow>(
    db,
    sql`select c.id, c.status::text as status, c.cohort::text as cohort, c.amount, c.currency, c.recovered_amount,
        c.recovered_via::text as recovered_via, c.decline_code, c.closed_at,
        cu.name as customer_name, cu.email as customer_email, coalesce(i.number, i.external_id) as invoice_number
      from (
        select * from recovery_cases
        where workspace_id = ${s.workspaceId} and livemode = ${s.livemode}
          and closed_at >= ${at(from)} and closed_at < ${at(to)} and status in (${wanted})
        order by closed_at desc, id desc
        limit ${RECENT_LIMIT}
      ) c
      join customers cu on cu.id = c.customer_id and cu.workspace_id = ${s.workspaceId}
      join invoices i on i.id = c.invoice_id and i.workspace_id = ${s.workspaceId}
      order by c.closed_at desc, c.id desc`,
  );
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    cohort: r.cohort,
    amount: num(r.amount),
    currency: r.currency,
    recoveredAmount: r.recovered_amount === null ? null : num(r.recovered_amount),
    recoveredVia: r.recovered_via,
    declineCode: r.decline_code,
    closedAt: toDate(r.closed_at),
    customerName: r.customer_name,
    customerEmail: r.customer_email,
    invoiceNumber: r.invoice_number,
  }));
}

// ---------------------------------------------------------------------------
// Assembly
// ---------------------------------------------------------------------------

const stepOrder = (s: AtRiskStep) => (s.kind === "emails" ? (s.emails ?? 0) : s.kind === "grace" ? 1_000 : s.kind === "final" ? 1_001 : 1_002);

/**
 * Everything the Overview page shows, for one workspace, mode and period.
 *
 * The queries run at once, each on its own connection (Postgres) in a short
 * read-only transaction with JIT compilation off: they are short, and Postgres
 * would otherwise spend longer compiling them (seconds, at a million cases)
 * than running them. Running them side by side makes the page as slow as its
 * slowest query rather than the sum; the price is that they do not share one
 * snapshot, so a case that closes in the very milliseconds of a page load can
 * appear in two figures until the next load.
 */
export async function getOverview(db: Db, scope: ReportScope): Promise<Overview> {
  const { period, now } = scope;
  const { unit, size, count, buckets } = seriesBuckets(period);

  const alone = <T>(run: (tx: Runner) => Promise<T>) =>
    db.transaction(
      async (tx) => {
        await tx.execute(sql`set local jit = off`);
        return run(tx);
      },
      { accessMode: "read only" },
    );
  const [closed, opened, openRows, attempts, emails, recentRecoveries, recentFailures, hasCases] = await Promise.all([
    alone((tx) => closedSince(tx, scope, size, count)),
    alone((tx) => openedSince(tx, scope, size, count)),
    alone((tx) => openByStep(tx, scope)),
    alone((tx) => attemptsIn(tx, scope)),
    alone((tx) => emailsIn(tx, scope)),
    alone((tx) => recentClosed(tx, scope, ["recovered"])),
    alone((tx) => recentClosed(tx, scope, ["lost", "silenced", "cancelled"])),
    alone((tx) => hasAnyCase(tx, scope)),
  ]);
  const open = openRows.filter((r) => num(r.total_row) === 0);
  const total = openRows.find((r) => num(r.total_row) === 1);
  const active: ActiveRecoveries = { cases: num(total?.cases), customers: num(total?.customers), holdoutCases: num(total?.holdout) };
  const inPeriod = (bucket: number) => bucket >= 0 && bucket < count;

  // Currencies, most active first (by number of cases, never by amounts of different currencies).
  const activity = new Map<string, number>();
  const touch = (currency: string, n: number) => activity.set(currency, (activity.get(currency) ?? 0) + n);
  for (const r of closed) touch(r.currency, num(r.cases));
  for (const r of opened) touch(r.currency, num(r.cases));
  for (const r of open) touch(r.currency, num(r.cases));
  const currencies = [...activity.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);

  // Recovered revenue, per currency, against the previous period.
  const recovered: RecoveredRevenue[] = currencies.flatMap((currency) => {
    const rows = closed.filter((r) => r.currency === currency && r.status === "recovered");
    const current = rows.filter((r) => inPeriod(num(r.bucket)));
    const previous = rows.filter((r) => num(r.bucket) === -1);
    const amount = current.reduce((sum, r) => sum + num(r.recovered), 0);
    const previousAmount = previous.reduce((sum, r) => sum + num(r.recovered), 0);
    const cases = current.reduce((sum, r) => sum + num(r.cases), 0);
    const previousCases = previous.reduce((sum, r) => sum + num(r.cases), 0);
    if (cases === 0 && previousCases === 0) return [];
    return [
      {
        currency,
        amount,
        cases,
        holdoutAmount: current.filter((r) => r.cohort === "holdout").reduce((sum, r) => sum + num(r.recovered), 0),
        previousAmount,
        previousCases,
        change: changeBetween(amount, previousAmount),
      },
    ];
  });

  // At risk now, per currency, by dunning step.
  const atRisk: AtRisk[] = currencies.flatMap((currency) => {
    const rows = open.filter((r) => r.currency === currency);
    if (rows.length === 0) return [];
    const steps = new Map<string, AtRiskStep>();
    for (const r of rows) {
      const kind: StepKind = r.cohort === "holdout" ? "holdout" : r.stage === "grace" ? "grace" : r.stage === "final" ? "final" : "emails";
      const emails = kind === "emails" ? num(r.emails) : null;
      const key = kind === "emails" ? `emails:${emails}` : kind;
      const step = steps.get(key) ?? { key, kind, emails, cases: 0, amount: 0 };
      step.cases += num(r.cases);
      step.amount += num(r.amount);
      steps.set(key, step);
    }
    const list = [...steps.values()].sort((a, b) => stepOrder(a) - stepOrder(b));
    return [{ currency, amount: list.reduce((s, x) => s + x.amount, 0), cases: list.reduce((s, x) => s + x.cases, 0), steps: list }];
  });

  // Recovery rate and the share still open (counts of cases: no money involved).
  const closedCounts: Record<ClosedStatus, number> = { recovered: 0, lost: 0, silenced: 0, cancelled: 0 };
  for (const r of closed) if (inPeriod(num(r.bucket))) closedCounts[r.status] += num(r.cases);
  const closedTotal = Object.values(closedCounts).reduce((a, b) => a + b, 0);
  const openedInPeriod = opened.filter((r) => inPeriod(num(r.bucket)));
  const openedCount = openedInPeriod.reduce((sum, r) => sum + num(r.cases), 0);
  const stillOpen = openedInPeriod.reduce((sum, r) => sum + num(r.still_open), 0);
  const recoveryRate: RecoveryRate = {
    closed: { ...closedCounts, total: closedTotal },
    rate: ratio(closedCounts.recovered, closedTotal),
    opened: openedCount,
    stillOpen,
    stillOpenShare: ratio(stillOpen, openedCount),
  };

  // Series. At risk at a moment T = open now − opened since T + closed since T (amounts of one currency):
  // suffix sums over the buckets after T's bucket (the tail, from the period's end on, included).
  const series: CurrencySeries[] = currencies.map((currency) => {
    const openedBy = new Array<number>(count + 1).fill(0);
    const closedBy = new Array<number>(count + 1).fill(0);
    const recoveredBy = new Array<number>(count).fill(0);
    for (const r of opened) if (r.currency === currency && num(r.bucket) >= 0) openedBy[num(r.bucket)]! += num(r.amount);
    for (const r of closed) {
      if (r.currency !== currency || num(r.bucket) < 0) continue;
      closedBy[num(r.bucket)]! += num(r.amount);
      if (inPeriod(num(r.bucket))) recoveredBy[num(r.bucket)]! += num(r.recovered);
    }
    const openNow = atRisk.find((a) => a.currency === currency)?.amount ?? 0;
    const atEnd = new Array<number>(count).fill(0);
    let openedAfter = openedBy[count]!;
    let closedAfter = closedBy[count]!;
    for (let k = count - 1; k >= 0; k--) {
      atEnd[k] = openNow - openedAfter + closedAfter;
      openedAfter += openedBy[k]!;
      closedAfter += closedBy[k]!;
    }
    return {
      currency,
      points: buckets.map((b, k) => {
        const future = b.start.getTime() > now.getTime();
        return { start: b.start, end: b.end, recovered: future ? null : recoveredBy[k]!, atRisk: future ? null : atEnd[k]! };
      }),
    };
  });

  return {
    scope: { workspaceId: scope.workspaceId, livemode: scope.livemode, now },
    period: { from: period.from, to: period.to, days: period.days, label: period.label, previous: period.previous },
    hasCases,
    currencies,
    recovered,
    atRisk,
    recoveryRate,
    active,
    attempts,
    emails,
    recentRecoveries,
    recentFailures,
    series: { unit, currencies: series },
  };
}
