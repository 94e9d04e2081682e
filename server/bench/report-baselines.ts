/**
 * The report bench's baselines: the aggregates of each page written by hand as ONE plain SQL
 * statement (CTEs, one round trip, JIT off like the app), run through the driver directly, and the
 * check that they give exactly the app's figures, so the comparison is between two ways of
 * computing the same thing.
 *
 * Overview: the same groupings as `getOverview` (cases closed since the previous period by
 * currency, status, cohort and bucket; cases opened in the period by currency and bucket; open
 * cases by currency, stage, cohort and emails received; attempts in the period by source and
 * outcome; dunning emails sent in the period; the ten newest recoveries and failures; whether the
 * mode has any case). Live mode only (the measured workspace is live): emails are the outbox's.
 * Independent of the app's stored counters: the open step counts the thread's `email_sent`
 * entries (where the app reads `dunning_threads.emails_sent`) and the emails take their mode from
 * their thread's cases (where the app reads `outbox_messages.livemode`), so the equality check
 * also checks those columns.
 *
 * Reports: the lift report's cells (per sequence, cohort, currency: cases, recovered by the report
 * time, open, Σ amount, Σ amount²) and sequence list, and the journal's totals per currency and
 * its ten newest payments.
 */
import type { Overview } from "@/server/analytics/overview";
import type { JournalSummary } from "@/server/analytics/journal";
import type { LiftCell, LiftReport } from "@/server/analytics/lift";
import type { ReportScope } from "@/server/analytics/scope";
import { DAY } from "@/server/recovery/clock";

/** Runs one statement with $n parameters and returns its rows (postgres-js `unsafe`, PGlite `query`). */
export type RawRunner = (text: string, params: (string | number | boolean)[]) => Promise<Record<string, unknown>[]>;

const iso = (d: Date) => d.toISOString();

/** The bucket size the overview uses for a period (days, or weeks above 92 days), as in `seriesBuckets`. */
const bucketSeconds = (days: number) => (days > 92 ? 7 : 1) * (DAY / 1000);

export const OVERVIEW_BASELINE = `
with closed as (
  select currency, status::text as status, cohort::text as cohort,
    case when closed_at < $3::timestamptz then null when closed_at >= $4::timestamptz then $4::timestamptz
      else date_bin(($6 || ' seconds')::interval, closed_at, $3::timestamptz) end as bucket,
    count(*)::int as cases, sum(amount)::float8 as amount,
    coalesce(sum(recovered_amount) filter (where status = 'recovered'), 0)::float8 as recovered
  from recovery_cases
  where workspace_id = $1 and livemode = $2::boolean and closed_at >= $5::timestamptz
  group by 1, 2, 3, 4
), opened as (
  select currency, case when opened_at >= $4::timestamptz then $4::timestamptz
      else date_bin(($6 || ' seconds')::interval, opened_at, $3::timestamptz) end as bucket,
    count(*)::int as cases, (count(*) filter (where status = 'open'))::int as still_open, sum(amount)::float8 as amount
  from recovery_cases
  where workspace_id = $1 and livemode = $2::boolean and opened_at >= $3::timestamptz
  group by 1, 2
), open_cases as (
  select c.currency, c.stage::text as stage, c.cohort::text as cohort, c.amount, c.customer_id, coalesce(e.n, 0) as emails
  from recovery_cases c
  left join lateral (
    select count(*)::int as n from timeline_events t where t.thread_id = c.thread_id and t.kind = 'email_sent'
  ) e on c.cohort = 'treatment' and c.stage = 'past_due'
  where c.workspace_id = $1 and c.livemode = $2::boolean and c.status = 'open'
), attempts as (
  select a.source, a.outcome, count(*)::int as n
  from payment_attempts a join recovery_cases c on c.id = a.case_id
  where a.workspace_id = $1 and a.at >= $3::timestamptz and a.at < $4::timestamptz and c.livemode = $2::boolean
  group by 1, 2
), emails as (
  select count(*)::int as sent, count(m.first_opened_at)::int as opened, count(m.first_clicked_at)::int as clicked
  from outbox_messages m
  where m.workspace_id = $1 and m.kind = 'dunning' and m.status = 'sent'
    and coalesce(m.sent_at, m.created_at) >= $3::timestamptz and coalesce(m.sent_at, m.created_at) < $4::timestamptz
    and exists (select 1 from recovery_cases c where c.thread_id = m.metadata->>'threadId' and c.livemode = $2::boolean)
), recent as (
  select * from (
    select 'recovered' as list, c.id, c.closed_at from recovery_cases c
    where c.workspace_id = $1 and c.livemode = $2::boolean and c.status = 'recovered'
      and c.closed_at >= $3::timestamptz and c.closed_at < $4::timestamptz
    order by c.closed_at desc, c.id desc limit $7::int
  ) r
  union all
  select * from (
    select 'failed', c.id, c.closed_at from recovery_cases c
    where c.workspace_id = $1 and c.livemode = $2::boolean and c.status in ('lost', 'silenced', 'cancelled')
      and c.closed_at >= $3::timestamptz and c.closed_at < $4::timestamptz
    order by c.closed_at desc, c.id desc limit $7::int
  ) f
)
select
  (select coalesce(json_agg(closed), '[]') from closed) as closed,
  (select coalesce(json_agg(opened), '[]') from opened) as opened,
  (select coalesce(json_agg(s), '[]') from (
    select currency, stage, cohort, emails, count(*)::int as cases, sum(amount)::float8 as amount from open_cases group by 1, 2, 3, 4) s) as open_steps,
  (select json_build_object('cases', count(*), 'customers', count(distinct customer_id), 'holdout', count(*) filter (where cohort = 'holdout'))
    from open_cases) as active,
  (select coalesce(json_agg(attempts), '[]') from attempts) as attempts,
  (select row_to_json(emails) from emails) as emails,
  (select coalesce(json_agg(json_build_object('list', list, 'id', id) order by list, closed_at desc, id desc), '[]') from recent) as recent,
  exists (select 1 from recovery_cases where workspace_id = $1 and livemode = $2::boolean) as has_cases
`;

export function overviewParams(scope: ReportScope, recentLimit: number): (string | number | boolean)[] {
  const p = scope.period;
  return [scope.workspaceId, scope.livemode, iso(p.from), iso(p.to), iso(p.previous.from), String(bucketSeconds(p.days)), recentLimit];
}

export const REPORTS_BASELINE = `
with cells as (
  select v.sequence_id, c.cohort::text as cohort, upper(c.currency) as currency, count(*)::int as cases,
    (count(*) filter (where c.status = 'recovered' and c.closed_at <= $5::timestamptz))::int as recovered,
    (count(*) filter (where c.status = 'open'))::int as open,
    coalesce(sum(c.recovered_amount::int8) filter (where c.status = 'recovered' and c.closed_at <= $5::timestamptz), 0)::text as amount,
    coalesce(sum(c.recovered_amount::int8 * c.recovered_amount) filter (where c.status = 'recovered' and c.closed_at <= $5::timestamptz), 0)::text as squares
  from recovery_cases c join sequence_versions v on v.id = c.sequence_version_id
  where c.workspace_id = $1 and c.livemode = $2::boolean and c.opened_at >= $3::timestamptz and c.opened_at < $4::timestamptz
  group by 1, 2, 3
), seqs as (
  select s.id, s.name, (v.policy->>'holdoutPercent')::int as holdout_percent
  from sequences s left join sequence_versions v on v.sequence_id = s.id and v.version = s.current_version
  where s.workspace_id = $1
), totals as (
  select upper(currency) as currency, count(*)::int as payments, coalesce(sum(recovered_amount::int8), 0)::text as amount
  from recovery_cases
  where workspace_id = $1 and livemode = $2::boolean and status = 'recovered'
    and closed_at >= $3::timestamptz and closed_at < $4::timestamptz and closed_at <= $5::timestamptz
  group by 1
), latest as (
  select c.id, c.closed_at, cu.external_id as customer, coalesce(i.number, i.external_id) as invoice, su.external_id as subscription
  from recovery_cases c
  join customers cu on cu.id = c.customer_id
  join invoices i on i.id = c.invoice_id
  left join subscriptions su on su.id = i.subscription_id
  where c.workspace_id = $1 and c.livemode = $2::boolean and c.status = 'recovered'
    and c.closed_at >= $3::timestamptz and c.closed_at < $4::timestamptz and c.closed_at <= $5::timestamptz
  order by c.closed_at desc, c.id desc limit $6::int
)
select
  (select coalesce(json_agg(cells), '[]') from cells) as cells,
  (select coalesce(json_agg(seqs), '[]') from seqs) as sequences,
  (select coalesce(json_agg(totals), '[]') from totals) as totals,
  (select coalesce(json_agg(latest order by closed_at desc, id desc), '[]') from latest) as latest
`;

export function reportsParams(scope: ReportScope, latestCount: number): (string | number | boolean)[] {
  const p = scope.period;
  return [scope.workspaceId, scope.livemode, iso(p.from), iso(p.to), iso(scope.now), latestCount];
}

// ---------------------------------------------------------------------------------------------
// Equality checks

/** json columns arrive parsed (postgres-js) or as text (some drivers). */
function json<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

class Mismatch {
  readonly problems: string[] = [];
  same(what: string, app: unknown, baseline: unknown): void {
    const a = JSON.stringify(app);
    const b = JSON.stringify(baseline);
    if (a !== b) this.problems.push(`${what}: app ${a.slice(0, 300)} vs baseline ${b.slice(0, 300)}`);
  }
}

type ClosedJson = { currency: string; status: string; cohort: string; bucket: string | null; cases: number; amount: number; recovered: number };
type OpenedJson = { currency: string; bucket: string; cases: number; still_open: number; amount: number };
type StepJson = { currency: string; stage: string; cohort: string; emails: number; cases: number; amount: number };

const sortBy = <T>(rows: T[], key: (r: T) => string) => [...rows].sort((a, b) => key(a).localeCompare(key(b)));

/** Problems found comparing `getOverview`'s figures with the baseline row (empty: the same). */
export function compareOverview(app: Overview, row: Record<string, unknown>): string[] {
  const m = new Mismatch();
  const to = app.period.to.getTime();
  const closed = json<ClosedJson[]>(row.closed);
  const opened = json<OpenedJson[]>(row.opened);
  const steps = json<StepJson[]>(row.open_steps);
  const inPeriod = (bucket: string | null) => bucket !== null && new Date(bucket).getTime() < to;
  const currencies = [...new Set([...closed.map((r) => r.currency), ...opened.map((r) => r.currency), ...steps.map((r) => r.currency)])];

  const recovered = currencies
    .map((currency) => {
      const rows = closed.filter((r) => r.currency === currency && r.status === "recovered");
      const current = rows.filter((r) => inPeriod(r.bucket));
      const previous = rows.filter((r) => r.bucket === null);
      const sum = (list: ClosedJson[], f: (r: ClosedJson) => number) => list.reduce((s, r) => s + f(r), 0);
      return {
        currency,
        amount: sum(current, (r) => r.recovered),
        cases: sum(current, (r) => r.cases),
        holdoutAmount: sum(
          current.filter((r) => r.cohort === "holdout"),
          (r) => r.recovered,
        ),
        previousAmount: sum(previous, (r) => r.recovered),
        previousCases: sum(previous, (r) => r.cases),
      };
    })
    .filter((r) => r.cases > 0 || r.previousCases > 0);
  m.same(
    "recovered per currency",
    sortBy(
      app.recovered.map(({ currency, amount, cases, holdoutAmount, previousAmount, previousCases }) => ({
        currency,
        amount,
        cases,
        holdoutAmount,
        previousAmount,
        previousCases,
      })),
      (r) => r.currency,
    ),
    sortBy(recovered, (r) => r.currency),
  );

  const closedCounts: Record<string, number> = { recovered: 0, lost: 0, silenced: 0, cancelled: 0 };
  for (const r of closed) if (inPeriod(r.bucket)) closedCounts[r.status] = (closedCounts[r.status] ?? 0) + r.cases;
  const { total: _total, ...appClosed } = app.recoveryRate.closed;
  m.same("closed cases by status", appClosed, closedCounts);
  const openedIn = opened.filter((r) => new Date(r.bucket).getTime() < to);
  m.same(
    "opened, still open",
    { opened: app.recoveryRate.opened, stillOpen: app.recoveryRate.stillOpen },
    { opened: openedIn.reduce((s, r) => s + r.cases, 0), stillOpen: openedIn.reduce((s, r) => s + r.still_open, 0) },
  );

  const stepKey = (r: StepJson) =>
    r.cohort === "holdout" ? "holdout" : r.stage === "grace" ? "grace" : r.stage === "final" ? "final" : `emails:${r.emails}`;
  const baseSteps = new Map<string, { cases: number; amount: number }>();
  for (const r of steps) {
    const key = `${r.currency} ${stepKey(r)}`;
    const s = baseSteps.get(key) ?? { cases: 0, amount: 0 };
    s.cases += r.cases;
    s.amount += r.amount;
    baseSteps.set(key, s);
  }
  const appSteps = app.atRisk.flatMap((a) => a.steps.map((s) => [`${a.currency} ${s.key}`, { cases: s.cases, amount: s.amount }] as const));
  m.same("at risk by currency and step", Object.fromEntries(sortBy(appSteps, ([k]) => k)), Object.fromEntries(sortBy([...baseSteps], ([k]) => k)));
  m.same("active recoveries", { cases: app.active.cases, customers: app.active.customers, holdout: app.active.holdoutCases }, json(row.active));

  const attempts = json<{ source: string; outcome: string; n: number }[]>(row.attempts);
  const bySource = app.attempts.bySource.map((b) => ({ source: b.source, total: b.total, succeeded: b.succeeded, failed: b.failed, requiresAction: b.requiresAction }));
  const baseBySource = bySource.map((b) => {
    const of = attempts.filter((a) => a.source === b.source);
    const n = (outcome: string) => of.filter((a) => a.outcome === outcome).reduce((s, a) => s + a.n, 0);
    return { source: b.source, total: of.reduce((s, a) => s + a.n, 0), succeeded: n("succeeded"), failed: n("failed"), requiresAction: n("requires_action") };
  });
  m.same("attempts by source", bySource, baseBySource);
  m.same("attempts in all", attempts.reduce((s, a) => s + a.n, 0), app.attempts.bySource.reduce((s, b) => s + b.total, 0));
  const emails = json<{ sent: number; opened: number; clicked: number }>(row.emails);
  m.same("emails", { sent: app.emails.sent, opened: app.emails.opened, clicked: app.emails.clicked }, emails);

  const recent = json<{ list: string; id: string }[]>(row.recent);
  m.same("recent recoveries", app.recentRecoveries.map((r) => r.id), recent.filter((r) => r.list === "recovered").map((r) => r.id));
  m.same("recent failures", app.recentFailures.map((r) => r.id), recent.filter((r) => r.list === "failed").map((r) => r.id));
  m.same("has cases", app.hasCases, row.has_cases);

  // The recovered-revenue chart, bucket by bucket.
  for (const series of app.series.currencies) {
    const base = series.points.map((p) =>
      closed
        .filter((r) => r.currency === series.currency && r.status === "recovered" && r.bucket !== null && new Date(r.bucket).getTime() === p.start.getTime())
        .reduce((s, r) => s + r.recovered, 0),
    );
    m.same(`recovered per ${app.series.unit} (${series.currency})`, series.points.map((p) => p.recovered ?? 0), base);
  }
  return m.problems;
}

type CellJson = { sequence_id: string; cohort: string; currency: string; cases: number; recovered: number; open: number; amount: string; squares: string };

/** Problems found comparing the lift cells, lift report and journal summary with the baseline row. */
export function compareReports(cells: LiftCell[], lift: LiftReport, journal: JournalSummary, row: Record<string, unknown>): string[] {
  const m = new Mismatch();
  const key = (c: { sequenceId: string; cohort: string; currency: string }) => `${c.sequenceId} ${c.cohort} ${c.currency}`;
  const base = json<CellJson[]>(row.cells).map((c) => ({
    sequenceId: c.sequence_id,
    cohort: c.cohort,
    currency: c.currency,
    cases: c.cases,
    recovered: c.recovered,
    open: c.open,
    amount: c.amount,
    squares: c.squares,
  }));
  const app = cells.map((c) => ({
    sequenceId: c.sequenceId,
    cohort: c.cohort,
    currency: c.currency,
    cases: c.cases,
    recovered: c.recovered,
    open: c.open,
    amount: c.recoveredAmount.toString(),
    squares: c.recoveredAmountSquares.toString(),
  }));
  m.same("lift cells", sortBy(app, key), sortBy(base, key));
  const total = (cohort: string, f: (c: (typeof base)[number]) => number) => base.filter((c) => c.cohort === cohort).reduce((s, c) => s + f(c), 0);
  for (const cohort of ["treatment", "holdout"] as const) {
    m.same(
      `lift report ${cohort} totals`,
      lift.overall[cohort],
      { cases: total(cohort, (c) => c.cases), recovered: total(cohort, (c) => c.recovered), open: total(cohort, (c) => c.open) },
    );
  }
  const seqs = json<{ id: string; name: string; holdout_percent: number | null }[]>(row.sequences);
  m.same(
    "sequences of the workspace",
    lift.sequences.map((s) => s.key).sort(),
    [...new Set(base.map((c) => c.sequenceId))].filter((id) => seqs.some((s) => s.id === id)).sort(),
  );
  const totals = json<{ currency: string; payments: number; amount: string }[]>(row.totals);
  m.same(
    "journal totals",
    journal.totals.map((t) => ({ currency: t.currency, payments: t.payments, amount: t.amount.toString() })),
    sortBy(totals, (t) => t.currency),
  );
  const latest = json<{ id: string }[]>(row.latest);
  m.same("journal latest payments", journal.latest.map((r) => r.caseId), latest.map((r) => r.id));
  return m.problems;
}
