/**
 * The report part of `npm run bench` (BENCH_PARTS=reports to run it alone): the Overview page's and
 * the Reports page's queries on Postgres with a million cases (BENCH_REPORT_CASES), median and p95
 * over BENCH_REPORT_RUNS runs, beside a baseline of the same aggregates written as one plain SQL
 * statement, run alternately in the same run. Target: each page's queries under 300 ms p95.
 *
 * The history is generated in a throwaway database of its own (report-data.ts; BENCH_DATABASE_URL is
 * not used for this part, since the generator drops and rebuilds constraints), which is dropped at
 * the end. Before timing, each page's figures are checked once against its baseline's: the bench
 * fails if they differ.
 */
import postgres from "postgres";
import { sql } from "drizzle-orm";
import { openDatabase, type Db } from "@/server/db/client";
import { getJournalSummary } from "@/server/analytics/journal";
import { getLiftReport, liftCells } from "@/server/analytics/lift";
import { getOverview, RECENT_LIMIT } from "@/server/analytics/overview";
import { resolvePeriod, type PeriodPreset } from "@/server/analytics/period";
import { reportScope, type ReportScope } from "@/server/analytics/scope";
import { loadLine, type BenchConfig } from "./config";
import { preparePostgres } from "./postgres-admin";
import { compareOverview, compareReports, OVERVIEW_BASELINE, overviewParams, REPORTS_BASELINE, reportsParams, type RawRunner } from "./report-baselines";
import { generateReportData } from "./report-data";
import { fmt, pad, padLeft, summarize, type Summary } from "./stats";

export const REPORT_TARGET_MS = 300;
const WARMUP_RUNS = 2;
/** The page's queries' latest rows (the journal section shows ten). */
const JOURNAL_LATEST = 10;

export type Page = "overview" | "reports";
export type ReportFigure = { page: Page; preset: PeriodPreset; app: Summary; baseline: Summary; met: boolean };
export type ReportsOutcome = { skipped: string | null; generationMs: number; cases: number; figures: ReportFigure[] };

/** What each page asks for: the overview at its default (30 days) and a year; the reports at theirs (90 days) and a year. */
export const REPORT_SCENARIOS: { page: Page; preset: PeriodPreset }[] = [
  { page: "overview", preset: "30d" },
  { page: "overview", preset: "365d" },
  { page: "reports", preset: "90d" },
  { page: "reports", preset: "365d" },
];

type Workspace = { id: string; mode: "live" | "sandbox" };

/** The Overview page's queries, as its router runs them: the scope (the workspace's now), then `getOverview`. */
export async function overviewPage(db: Db, workspace: Workspace, preset: PeriodPreset) {
  return getOverview(db, await reportScope(db, workspace, { preset }));
}

/** The Reports page's queries, as it runs them: the lift and journal procedures at once, each resolving its scope. */
export async function reportsPage(db: Db, workspace: Workspace, preset: PeriodPreset) {
  return Promise.all([
    reportScope(db, workspace, { preset }).then((scope) => getLiftReport(db, scope)),
    reportScope(db, workspace, { preset }).then((scope) => getJournalSummary(db, scope)),
  ]);
}

export const runOverviewBaseline = (raw: RawRunner, scope: ReportScope) => raw(OVERVIEW_BASELINE, overviewParams(scope, RECENT_LIMIT));
export const runReportsBaseline = (raw: RawRunner, scope: ReportScope) => raw(REPORTS_BASELINE, reportsParams(scope, JOURNAL_LATEST));

/** Checks once, on one fixed scope, that the app and the baseline give the same figures; the problems found. */
export async function checkSameFigures(db: Db, raw: RawRunner, page: Page, scope: ReportScope): Promise<string[]> {
  if (page === "overview") {
    const [app, [row]] = await Promise.all([getOverview(db, scope), runOverviewBaseline(raw, scope)]);
    return compareOverview(app, row ?? {});
  }
  const [cells, lift, journal, [row]] = await Promise.all([
    liftCells(db, scope),
    getLiftReport(db, scope),
    getJournalSummary(db, scope, JOURNAL_LATEST),
    runReportsBaseline(raw, scope),
  ]);
  return compareReports(cells, lift, journal, row ?? {});
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

export async function runReportsBench(config: BenchConfig, out: (line?: string) => void): Promise<ReportsOutcome> {
  const cases = config.reportCases;
  out();
  out(`== Report queries on Postgres: ${cases.toLocaleString("en-US")} cases (BENCH_REPORT_CASES), ${config.reportRuns} timed runs each (BENCH_REPORT_RUNS) ==`);
  const prepared = await preparePostgres(config.adminUrl, null, `reclaim_bench_reports_${process.pid}`);
  if (!prepared.ok) {
    out(`   SKIPPED: ${prepared.reason} (set ADMIN_DATABASE_URL)`);
    return { skipped: prepared.reason, generationMs: 0, cases, figures: [] };
  }
  try {
    // The app's own pool size (openDatabase's default): the overview's queries run side by side on it.
    const database = await openDatabase({ driver: "postgres", url: prepared.db.url });
    const client = postgres(prepared.db.url, { max: 1, onnotice: () => {} });
    try {
      out(`   fresh database, dropped at the end; ${loadLine()}`);
      const data = await generateReportData(database.db, {
        cases,
        now: new Date(),
        tag: "bench",
        bulk: true,
        log: (line) => out(`     ${line}`),
      });
      const rows = Object.entries(data.rows)
        .map(([table, n]) => `${table} ${n.toLocaleString("en-US")}`)
        .join(", ");
      out(`   generated in ${fmt(data.ms / 1000, 1)} s (set-based SQL, constraints and indexes rebuilt after the load, then VACUUM ANALYZE): ${rows}`);
      out(`   ${loadLine()}`);

      const [workspace] = (await database.db.execute(sql`select id, mode::text as mode from workspaces where id = ${data.workspaceId}`)) as unknown as Workspace[];
      if (!workspace) throw new Error("the measured workspace is missing");
      // The baseline's connection: JIT off like the app's report queries (it would compile for longer than it runs).
      await client`set jit = off`;
      const raw: RawRunner = async (text, params) => (await client.unsafe(text, params)) as unknown as Record<string, unknown>[];

      const figures: ReportFigure[] = [];
      for (const { page, preset } of REPORT_SCENARIOS) {
        const scope: ReportScope = { workspaceId: workspace.id, livemode: workspace.mode === "live", now: new Date(), period: resolvePeriod({ preset }, new Date()) };
        const problems = await checkSameFigures(database.db, raw, page, scope);
        if (problems.length > 0) {
          throw new Error(`the ${page} baseline (${preset}) does not give the app's figures:\n  ${problems.join("\n  ")}`);
        }
        const app = () => (page === "overview" ? overviewPage(database.db, workspace, preset) : reportsPage(database.db, workspace, preset));
        const baseline = () => {
          const now = new Date();
          const s: ReportScope = { ...scope, now, period: resolvePeriod({ preset }, now) };
          return page === "overview" ? runOverviewBaseline(raw, s) : runReportsBaseline(raw, s);
        };
        for (let i = 0; i < WARMUP_RUNS; i++) {
          await app();
          await baseline();
        }
        const appMs: number[] = [];
        const baseMs: number[] = [];
        for (let i = 0; i < config.reportRuns; i++) {
          // Alternate which goes first, so neither always runs on the other's warm cache.
          if (i % 2 === 0) {
            appMs.push(await timed(app));
            baseMs.push(await timed(baseline));
          } else {
            baseMs.push(await timed(baseline));
            appMs.push(await timed(app));
          }
        }
        const figure = { page, preset, app: summarize(appMs), baseline: summarize(baseMs), met: false };
        figure.met = figure.app.p95 < REPORT_TARGET_MS;
        figures.push(figure);
        out(`   ${page} ${preset}: same figures as the baseline; app median ${fmt(figure.app.median)} ms, p95 ${fmt(figure.app.p95)} ms; ${loadLine()}`);
      }
      printTable(figures, out);
      return { skipped: null, generationMs: data.ms, cases, figures };
    } finally {
      await client.end({ timeout: 5 });
      await database.close();
    }
  } finally {
    await prepared.db.drop();
  }
}

const PAGE_QUERIES: Record<Page, string> = {
  overview: "Overview page: scope + getOverview (8 queries side by side)",
  reports: "Reports page: 2 x scope + getLiftReport + getJournalSummary",
};

export function printTable(figures: ReportFigure[], out: (line?: string) => void): void {
  out();
  out(
    `   ${pad("page (queries)", 62)} ${pad("period", 6)} ${padLeft("median", 9)} ${padLeft("p95", 9)} ${padLeft("base med", 9)} ${padLeft("base p95", 9)} ${padLeft("ratio", 6)}  target p95 < ${REPORT_TARGET_MS} ms`,
  );
  for (const f of figures) {
    out(
      `   ${pad(PAGE_QUERIES[f.page], 62)} ${pad(f.preset, 6)} ${padLeft(fmt(f.app.median), 9)} ${padLeft(fmt(f.app.p95), 9)} ${padLeft(fmt(f.baseline.median), 9)} ${padLeft(fmt(f.baseline.p95), 9)} ${padLeft(fmt(f.app.median / f.baseline.median, 2), 6)}  ${f.met ? "met" : "NOT met"}`,
    );
  }
  out(
    "   (ms; ratio = app median / baseline median: below 1 the app's queries, run side by side, are faster than the one plain statement; the baseline is one hand-written SQL statement with the same aggregates, on its own connection, JIT off)",
  );
}
