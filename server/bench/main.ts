/**
 * npm run bench: the recovery loop's latency (failure -> first email) and the local driver's
 * throughput against a bare claim/complete baseline, on PGlite and on Postgres (part `loop`); and
 * the Overview and Reports pages' queries at a million cases on Postgres against a one-statement
 * baseline (part `reports`, reports.ts). The report ends with a line per figure saying what it
 * measures. Parts, counts and limits: see config.ts (BENCH_* env; BENCH_PARTS=reports runs the
 * report part alone).
 */
import { openDatabase, type Database } from "@/server/db/client";
import { loadLine, machineLine, readConfig, type BenchConfig } from "./config";
import { explainSelects, instrumentQueries, newProfile, originOf, type Profile } from "./instrument";
import { BURST_SUBMITTERS, measureRender, runLatency, type LatencyRun } from "./latency";
import { preparePostgres, redact } from "./postgres-admin";
import { printTable, REPORT_TARGET_MS, runReportsBench, type ReportsOutcome } from "./reports";
import { printWebhookTable, runWebhookBench, WEBHOOK_RATE, WEBHOOK_SENDERS } from "./webhooks";
import { fmt, pad, padLeft } from "./stats";
import { DRIVER_OPTIONS, runBaseline, runDrivers, runMachinery, SEED_DECLINE, seedDueRetries, type BaselineRun, type DriverRun } from "./throughput";

const LATENCY_TARGET_MS = 1000;
const RATIO_TARGET = 0.5;

const out = (line = "") => console.log(line);
const secs = (ms: number) => `${fmt(ms / 1000, 1)} s`;
const met = (ok: boolean) => (ok ? "met" : "NOT met");

type Outcome = {
  name: string;
  latency: LatencyRun[];
  driver: DriverRun | null;
  baseline: BaselineRun | null;
  machinery?: DriverRun;
  skipped?: string;
};

function printLatency(run: LatencyRun, intervalMs: number): void {
  const how = run.label.endsWith("paced")
    ? `paced, one failure every ${intervalMs} ms`
    : `burst: ${BURST_SUBMITTERS} submitters at once (like concurrent webhook requests), each sending its next failure as soon as its call returned`;
  const l = run.latency;
  out(`   ${how}:`);
  out(
    `     failure -> email in outbox: median ${fmt(l.median)} ms, p95 ${fmt(l.p95)} ms, max ${fmt(l.max)} ms` +
      `   [target p95 < ${LATENCY_TARGET_MS} ms: ${met(l.p95 < LATENCY_TARGET_MS && run.delivered === run.failures)}]`,
  );
  out(
    `     recordPaymentFailure call itself: median ${fmt(run.call.median)} ms, p95 ${fmt(run.call.p95)} ms;` +
      ` ${run.delivered}/${run.failures} emails seen, ${run.outboxRows} outbox rows; ${secs(run.elapsedMs)} in all`,
  );
  if (run.errors > 0) out(`     ${run.errors} errors logged by the domain, first: ${run.firstErrors.join(" | ")}`);
}

function cpuLine(label: string, ms: number, cpu: { nodeMs: number; serverMs: number | null }, actions: number): string {
  const node = `node ${fmt((cpu.nodeMs / ms) * 100, 0)}% of a core (${fmt(cpu.nodeMs / actions, 2)} ms CPU/action)`;
  const server =
    cpu.serverMs === null ? "" : `, postgres backends ${fmt((cpu.serverMs / ms) * 100, 0)}% of a core (${fmt(cpu.serverMs / actions, 2)} ms CPU/action)`;
  return `     ${label}: ${node}${server}`;
}

function printProfile(profile: Profile, run: DriverRun, postgres: boolean): void {
  const n = Math.max(1, run.actions);
  const queries = [...profile.queries.entries()].sort((a, b) => b[1].totalMs - a[1].totalMs);
  const queryCount = queries.reduce((sum, [, s]) => sum + s.count, 0);
  const dbMs = queries.reduce((sum, [, s]) => sum + s.totalMs, 0);
  out(
    `   Where the time goes (profiling pass: ${run.actions.toLocaleString("en-US")} more cases, ${run.drivers} driver(s), every query timed;` +
      ` ${fmt(run.perSecond, 0)} actions/s with the timing on):`,
  );
  out(
    `     per action: ${fmt(queryCount / n, 1)} queries` +
      ` (${fmt(profile.transactions.count / n, 2)} transactions, each adding BEGIN and COMMIT round trips${postgres ? "" : " on a real server"}),` +
      ` so ${fmt(queryCount / n + (postgres ? (2 * profile.transactions.count) / n : 0), 1)} round trips;` +
      ` ${fmt(dbMs / n, 2)} ms summed query time; wall time per action ${fmt(run.ms / n, 3)} ms with up to ${DRIVER_OPTIONS.concurrency * run.drivers} in flight`,
  );
  out(cpuLine("CPU", run.ms, run.cpu, n));
  out(
    `     ${pad("query", 62)} ${padLeft("per action", 10)} ${padLeft("mean ms", 8)} ${padLeft("share", 6)}  made by` +
      (postgres ? " (client-side ms: waiting for a pooled connection + round trip + drizzle)" : " (ms include waiting for PGlite, which runs one query at a time)"),
  );
  for (const [label, s] of queries) {
    out(
      `     ${pad(label.length > 62 ? `${label.slice(0, 61)}…` : label, 62)} ${padLeft(fmt(s.count / n, 2), 10)} ${padLeft(fmt(s.totalMs / s.count, 2), 8)} ${padLeft(`${fmt((s.totalMs / dbMs) * 100, 0)}%`, 6)}  ${originOf(label)}`,
    );
  }
  out(`     ${pad("transactions (whole, incl. their queries)", 62)} ${padLeft(fmt(profile.transactions.count / n, 2), 10)} ${padLeft(fmt(profile.transactions.totalMs / Math.max(1, profile.transactions.count), 2), 8)}`);
  const phases = [...profile.phases.entries()].sort((a, b) => b[1].totalMs - a[1].totalMs);
  out(`     ${pad("calls out of the domain (wall ms, incl. their queries)", 62)} ${padLeft("per action", 10)} ${padLeft("mean ms", 8)}`);
  for (const [label, s] of phases) {
    out(`     ${pad(label, 62)} ${padLeft(fmt(s.count / n, 2), 10)} ${padLeft(fmt(s.totalMs / s.count, 2), 8)}`);
  }
}

/** The run with the median rate (the lower middle one of an even count). */
function medianRun<T extends { perSecond: number }>(runs: T[]): T {
  const sorted = [...runs].sort((a, b) => a.perSecond - b.perSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

async function benchDatabase(name: string, database: Database, config: BenchConfig, cases: number): Promise<Outcome> {
  const postgres = database.driver === "postgres";
  const drivers = postgres ? config.postgresDrivers : 1;
  const outcome: Outcome = { name, latency: [], driver: null, baseline: null };
  out();
  out(`== ${name} (${database.location}) ==`);
  out(`   ${loadLine()}`);
  out(
    `1. Failure -> first email: ${config.failures} expired_card failures through recordPaymentFailure (sandbox workspace, real clock,` +
      ` sandbox provider, real notifier into the outbox) while a started local driver runs (defaults: poll ${DRIVER_OPTIONS.pollMs} ms,` +
      ` batch ${DRIVER_OPTIONS.batchSize}, concurrency ${DRIVER_OPTIONS.concurrency}; hooks.threadPlanned -> driver.wake())`,
  );
  for (const mode of ["paced", "burst"] as const) {
    const run = await runLatency(database.db, {
      label: `${database.driver}-${mode}`,
      failures: config.failures,
      intervalMs: mode === "paced" ? config.failureIntervalMs : 0,
    });
    outcome.latency.push(run);
    printLatency(run, config.failureIntervalMs);
  }

  out(
    `2. Local driver throughput: ${cases.toLocaleString("en-US")} open cases with one retry due now (sandbox card declining with ${SEED_DECLINE});` +
      ` ${drivers} driver(s) calling tick() in a loop until nothing is due`,
  );
  const set = await seedDueRetries(database.db, `throughput-${database.driver}`, cases);
  out(`   seeded ${cases.toLocaleString("en-US")} customers/cards/subscriptions/invoices/threads/cases/actions in ${secs(set.seedMs)}`);
  const driver = await runDrivers(database.db, postgres, set, drivers, config.driverSeconds * 1000);
  outcome.driver = driver;
  out(`   driver:   ${driver.actions.toLocaleString("en-US")} actions in ${secs(driver.ms)} = ${fmt(driver.perSecond, 0)} actions/s (${driver.ticks} ticks)`);
  if (driver.capped) {
    out(
      `     stopped at the ${config.driverSeconds} s limit (BENCH_DRIVER_SECONDS) with ${driver.stillDue.toLocaleString("en-US")} still due:` +
        ` the rate is from the ${driver.actions.toLocaleString("en-US")} done`,
    );
  }
  out(cpuLine("CPU", driver.ms, driver.cpu, Math.max(1, driver.actions)));
  out(`     rows afterwards: ${[...driver.outcomes.entries()].map(([k, v]) => `${k} ${v.toLocaleString("en-US")}`).join(", ")}`);
  if (driver.stillDue > 0 && !driver.capped) out(`     WARNING: ${driver.stillDue} actions still pending or running`);
  if (driver.errors > 0) out(`     ${driver.errors} errors logged by the domain, first: ${driver.firstErrors.join(" | ")}`);
  // The baseline and machinery runs are short (well under a second on PGlite), so one sample is at the mercy of a GC
  // pause or a neighbour on the machine: they alternate BENCH_REPEATS times over the same rows, and the medians count.
  const baselines: BaselineRun[] = [];
  const machineries: DriverRun[] = [];
  for (let i = 0; i < config.repeats; i++) {
    baselines.push(await runBaseline(database.db, postgres, set, drivers));
    machineries.push(await runMachinery(database.db, postgres, set, drivers, config.driverSeconds * 1000));
  }
  const baseline = medianRun(baselines);
  const machinery = medianRun(machineries);
  const each = (runs: { perSecond: number }[]) => (runs.length > 1 ? `; median of ${runs.map((r) => fmt(r.perSecond, 0)).join(" / ")}` : "");
  outcome.baseline = baseline;
  out(
    `   baseline: ${baseline.actions.toLocaleString("en-US")} actions in ${secs(baseline.ms)} = ${fmt(baseline.perSecond, 0)} actions/s` +
      ` (${baseline.loops} loop(s) of claim ${DRIVER_OPTIONS.batchSize} + complete, plain SQL${each(baselines)})`,
  );
  out(cpuLine("CPU", baseline.ms, baseline.cpu, Math.max(1, baseline.actions)));
  const ratio = driver.perSecond / baseline.perSecond;
  out(`   ratio driver/baseline: ${fmt(ratio, 3)}   [target >= ${RATIO_TARGET}: ${met(ratio >= RATIO_TARGET)}]`);
  outcome.machinery = machinery;
  const machineryRatio = machinery.perSecond / baseline.perSecond;
  out(
    `   driver machinery only (same rows, createLocalDriver with the domain work swapped for answering "done"): ` +
      `${machinery.actions.toLocaleString("en-US")} actions in ${secs(machinery.ms)} = ${fmt(machinery.perSecond, 0)} actions/s${each(machineries)}, ` +
      `ratio to baseline ${fmt(machineryRatio, 3)}   [target >= ${RATIO_TARGET}: ${met(machineryRatio >= RATIO_TARGET)}]`,
  );
  out(cpuLine("CPU", machinery.ms, machinery.cpu, Math.max(1, machinery.actions)));

  const profileCases = postgres ? config.profileCases : Math.min(config.profileCases, Math.ceil(cases / 5));
  if (profileCases > 0) {
    const profileSet = await seedDueRetries(database.db, `profile-${database.driver}`, profileCases);
    const profile = newProfile();
    const stop = instrumentQueries(profile);
    let run: DriverRun;
    try {
      run = await runDrivers(database.db, postgres, profileSet, drivers, config.driverSeconds * 1000, profile);
    } finally {
      stop();
    }
    printProfile(profile, run, postgres);
    const plans = await explainSelects(database, profile);
    out(`   Query plans of those selects (EXPLAIN ANALYZE with parameters one action used; tables now hold the rows of all runs above):`);
    for (const p of plans.sort((a, b) => b.filteredRows - a.filteredRows)) {
      const flag = p.filteredRows >= 1000 ? "  <-- reads rows only to drop them: grows with the table" : "";
      out(`     ${pad(p.label.length > 62 ? `${p.label.slice(0, 61)}…` : p.label, 62)} ${padLeft(`${fmt(p.ms, 2)} ms`, 10)}  ${p.plan}${flag}`);
    }
  }
  return outcome;
}

async function main(): Promise<number> {
  const config = readConfig();
  const started = performance.now();
  out(`Reclaim bench`);
  out(`machine: ${machineLine()}`);
  out(`${loadLine()} (other processes on this machine share its CPUs and disk)`);
  const loop = config.parts.has("loop");
  const reports = config.parts.has("reports") && config.only !== "pglite";
  out(`parts: ${[...config.parts].join(", ")} (BENCH_PARTS)${config.parts.has("reports") && !reports ? "; reports skipped: BENCH_ONLY=pglite (they run on Postgres only)" : ""}`);
  if (loop) out(
    `counts: BENCH_FAILURES=${config.failures} (paced every ${config.failureIntervalMs} ms, then burst), BENCH_CASES=${config.cases}` +
      ` (PGlite ${config.pgliteCases}), profiling ${config.profileCases} cases, ${config.postgresDrivers} driver(s) on Postgres, 1 on PGlite,` +
      ` driver runs stop after ${config.driverSeconds} s, baseline and machinery-only runs ${config.repeats} times each (BENCH_REPEATS)`,
  );
  if (reports) {
    out(
      `report part: BENCH_REPORT_CASES=${config.reportCases} live cases in the measured workspace, BENCH_REPORT_RUNS=${config.reportRuns} timed runs per page and period`,
    );
  }
  const outcomes: Outcome[] = [];
  if (loop) await runLoop(config, outcomes);
  let reportOutcome: ReportsOutcome | null = null;
  if (reports) reportOutcome = await runReportsBench(config, out);
  const webhooks = config.parts.has("webhooks") && config.only !== "pglite";
  const webhookOutcome = webhooks ? await runWebhookBench(config, out) : null;

  out();
  out("== Summary ==");
  printSummary(outcomes);
  if (reportOutcome) {
    if (reportOutcome.skipped) out(`   Report queries: skipped (${reportOutcome.skipped})`);
    else {
      out(
        `   Report queries at ${reportOutcome.cases.toLocaleString("en-US")} cases (history generated in ${secs(reportOutcome.generationMs)}):` +
          ` target p95 < ${REPORT_TARGET_MS} ms met for ${reportOutcome.figures.filter((f) => f.met).length} of ${reportOutcome.figures.length}` +
          ` page/period pairs (${reportOutcome.figures.map((f) => `${f.page} ${f.preset} ${met(f.met)}`).join(", ")})`,
      );
      printTable(reportOutcome.figures, out);
    }
  }
  if (webhookOutcome) {
    if (webhookOutcome.skipped) out(`   Stripe webhooks: skipped (${webhookOutcome.skipped})`);
    else {
      out("   Stripe webhooks (acknowledgement with signature check and storage, on Postgres):");
      printWebhookTable(webhookOutcome, out);
    }
  }
  out();
  out("What the figures are:");
  if (loop) printLoopDefinitions();
  if (reports) printReportDefinitions();
  if (webhookOutcome && !webhookOutcome.skipped) printWebhookDefinitions();
  out(`${loadLine()} at the end; total bench time: ${secs(performance.now() - started)}`);
  return 0;
}

function printWebhookDefinitions(): void {
  out(
    `   webhook acknowledgement: from a sender's request to the response, for a signed invoice.paid delivery of about 4 KiB: the route's function receiveStripeWebhook (connection and workspace read, sealed secret opened, Stripe's SDK checking the signature, the event stored under its id, the health stamp) behind a plain Node HTTP server in this process; ${WEBHOOK_SENDERS} senders with keep-alive in a worker thread. Paced: ${WEBHOOK_RATE} events/s for 20 s, every 20th delivered twice. Next.js's own request handling is not included.`,
  );
  out(
    "   webhook bare baseline: a Node HTTP server in the same process that checks the same signature (HMAC-SHA256 of \"t.body\", 300 s tolerance) with node:crypto and inserts the same row (ON CONFLICT DO NOTHING) into a copy of webhook_events through postgres-js with the same pool size; sustained rate: as fast as the senders go for 10 s, app and bare alternating three times, medians.",
  );
  out(
    "   webhook integrity: after the runs, every event of the paced run is checked: stored once whatever the repeated deliveries, then processed by two concurrent processors (the scheduler's FOR UPDATE SKIP LOCKED claim) and finished after exactly one claim (run_count 1).",
  );
}

function printReportDefinitions(): void {
  out(
    "   report queries: wall time of one page's queries as its tRPC procedures run them (Overview: the scope's query, then getOverview's eight queries side by side, each in a read-only transaction on its own pooled connection; Reports: the lift and journal procedures at once, each with its scope), median and p95 over BENCH_REPORT_RUNS runs after 2 warm-up runs, on the generated history (report-data.ts) of one live workspace beside two other workspaces and sandbox rows.",
  );
  out(
    "   report baseline: the same aggregates as one hand-written SQL statement (CTEs) through the postgres driver on one connection, JIT off, run alternately with the app in the same run; checked once to give exactly the app's figures (recovered per currency, closed and opened counts, at-risk steps, attempts, emails, recent cases; lift cells, journal totals and latest payments). Ratio: app median / baseline median.",
  );
}

async function runLoop(config: BenchConfig, outcomes: Outcome[]): Promise<void> {
  const render = await measureRender();
  out(
    `rendering one day-0 dunning email (react-email: one render to HTML, the text derived from it) takes ${fmt(render.cpuMs, 1)} ms of CPU` +
      ` (${fmt(render.wallMs, 1)} ms wall) on the event loop the driver shares`,
  );

  if (config.only !== "postgres") {
    const database = await openDatabase({ driver: "pglite" });
    try {
      outcomes.push(await benchDatabase("PGlite", database, config, config.pgliteCases));
    } finally {
      await database.close();
    }
  }

  if (config.only !== "pglite") {
    const prepared = await preparePostgres(config.adminUrl, config.benchUrl);
    if (!prepared.ok) {
      out();
      out(`== Postgres: SKIPPED: ${prepared.reason} (set ADMIN_DATABASE_URL or BENCH_DATABASE_URL) ==`);
      outcomes.push({ name: "Postgres", latency: [], driver: null, baseline: null, skipped: prepared.reason });
    } else {
      try {
        const database = await openDatabase({ driver: "postgres", url: prepared.db.url });
        try {
          const label = `Postgres${prepared.db.created ? ", fresh database dropped at the end" : `, ${redact(prepared.db.url)} used as is (not dropped)`}`;
          outcomes.push(await benchDatabase(label, database, config, config.cases));
        } finally {
          await database.close();
        }
      } finally {
        await prepared.db.drop();
      }
    }
  }

}

function printSummary(outcomes: Outcome[]): void {
  for (const o of outcomes) {
    if (o.skipped) {
      out(`   ${o.name}: skipped (${o.skipped})`);
      continue;
    }
    const lat = o.latency.map((r) => `${r.label.split("-").at(-1)} p95 ${fmt(r.latency.p95)} ms`).join(", ");
    const ratio = o.driver && o.baseline ? o.driver.perSecond / o.baseline.perSecond : Number.NaN;
    out(
      `   ${o.name.split(",")[0]}: failure->email ${lat}; driver ${fmt(o.driver?.perSecond ?? Number.NaN, 0)}/s vs baseline` +
        ` ${fmt(o.baseline?.perSecond ?? Number.NaN, 0)}/s = ${fmt(ratio, 3)} (target ${RATIO_TARGET}: ${met(ratio >= RATIO_TARGET)})`,
    );
    if (o.machinery && o.baseline) {
      const m = o.machinery.perSecond / o.baseline.perSecond;
      out(`      driver machinery alone ${fmt(o.machinery.perSecond, 0)}/s = ${fmt(m, 3)} of the baseline (target ${RATIO_TARGET}: ${met(m >= RATIO_TARGET)})`);
    }
  }
}

function printLoopDefinitions(): void {
  out("   failure -> email: per failure, from just before recordPaymentFailure is called until the real notifier has written that customer's day-0 email to the outbox (the notifier is observed, the row counted afterwards); the driver wakes on hooks.threadPlanned as in the app. 5 warm-up failures are not counted.");
  out("   recordPaymentFailure call: how long the webhook-side call (classify, upsert customer/invoice, open case, plan) took; part of the latency above.");
  out("   driver actions/s: due retries performed by createLocalDriver's tick() (claim 50 with FOR UPDATE SKIP LOCKED, rows and their workspaces' clocks returned by the claim; perform 8 at once with the domain's runClaimedAction: re-read, sandbox charge, attempt + timeline; receipts for the ones that pay; then one guarded statement completes the batch) per wall-clock second.");
  out("   baseline actions/s: the same rows reset to pending, claimed and marked done with two plain SQL statements per batch of 50: the cost of the queue alone, no domain work. Median of BENCH_REPEATS runs, alternating with the machinery-only runs.");
  out("   ratio: driver / baseline; how much of the queue's speed the domain work leaves.");
  out("   driver machinery alone: the same local driver (claim, lease, workspace clocks, concurrency, batched guarded completion) with each action's domain work swapped for answering \"done\" at once: the scheduler's own overhead against the bare queue.");
  out("   CPU: CPU time of this Node process and (Postgres) of the server backends of the bench database, as a share of one core over the run; this machine has the cores listed above.");
}

process.exitCode = await main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  return 1;
});
