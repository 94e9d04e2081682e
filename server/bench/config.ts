import os from "node:os";

/** What the bench runs, from the environment (all optional). */
export type BenchConfig = {
  /** Failures submitted through recordPaymentFailure per database (BENCH_FAILURES, default 200). */
  failures: number;
  /** Pause between two failures in the paced run (BENCH_FAILURE_INTERVAL_MS, default 100 = 10 failures/s). */
  failureIntervalMs: number;
  /** Cases with one due retry for the throughput run on Postgres (BENCH_CASES, default 20,000). */
  cases: number;
  /** Same for PGlite (BENCH_PGLITE_CASES, default min(BENCH_CASES, 2,000): PGlite runs the whole database on this process's one thread). */
  pgliteCases: number;
  /** Extra cases run with per-query instrumentation (BENCH_PROFILE_CASES, default 600; PGlite at most a fifth of its cases). */
  profileCases: number;
  /** A driver run stops ticking after this long, and its rate is taken from what it did (BENCH_DRIVER_SECONDS, default 60). */
  driverSeconds: number;
  /** Baseline and machinery-only runs, alternating, whose medians are reported (BENCH_REPEATS, default 3): each is short. */
  repeats: number;
  /** Local drivers ticking at once on Postgres (BENCH_DRIVERS, default 2). PGlite always uses 1: it runs one query at a time. */
  postgresDrivers: number;
  /** Where to create the throw-away database (ADMIN_DATABASE_URL). */
  adminUrl: string;
  /** An existing database to use as is instead of creating one (BENCH_DATABASE_URL). It is not dropped. */
  benchUrl: string | null;
  /** Which databases to run (BENCH_ONLY=pglite|postgres). The report part runs on Postgres only. */
  only: "pglite" | "postgres" | null;
  /**
   * Which parts to run (BENCH_PARTS, comma-separated, default "loop,reports,webhooks"): `loop` is the
   * recovery loop (failure -> email latency, driver throughput) on PGlite and Postgres; `reports` the
   * overview and reports pages' queries on a generated Postgres history; `webhooks` Stripe webhook
   * acknowledgement latency and throughput on Postgres. `BENCH_PARTS=reports` runs that part alone.
   */
  parts: Set<BenchPart>;
  /** Live cases of the measured workspace in the report part (BENCH_REPORT_CASES, default 1,000,000). */
  reportCases: number;
  /** Timed runs of each page's queries and of its baseline, alternating, after a warm-up (BENCH_REPORT_RUNS, default 30). */
  reportRuns: number;
};

export const benchParts = ["loop", "reports", "webhooks"] as const;
export type BenchPart = (typeof benchParts)[number];

function positiveInt(name: string, fallback: number, min = 1): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be a whole number >= ${min} (got "${raw}")`);
  return value;
}

export function readConfig(): BenchConfig {
  const cases = positiveInt("BENCH_CASES", 20_000);
  const only = process.env.BENCH_ONLY?.trim() || null;
  if (only !== null && only !== "pglite" && only !== "postgres") throw new Error(`BENCH_ONLY must be "pglite" or "postgres" (got "${only}")`);
  const partList = (process.env.BENCH_PARTS?.trim() || benchParts.join(","))
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  for (const part of partList) {
    if (!(benchParts as readonly string[]).includes(part)) throw new Error(`BENCH_PARTS: unknown part "${part}" (use ${benchParts.join(", ")})`);
  }
  return {
    failures: positiveInt("BENCH_FAILURES", 200),
    failureIntervalMs: positiveInt("BENCH_FAILURE_INTERVAL_MS", 100, 0),
    cases,
    pgliteCases: positiveInt("BENCH_PGLITE_CASES", Math.min(cases, 2_000)),
    profileCases: positiveInt("BENCH_PROFILE_CASES", Math.min(600, cases), 0),
    driverSeconds: positiveInt("BENCH_DRIVER_SECONDS", 60),
    postgresDrivers: positiveInt("BENCH_DRIVERS", 2),
    repeats: positiveInt("BENCH_REPEATS", 3),
    adminUrl: process.env.ADMIN_DATABASE_URL?.trim() || "postgres://postgres@127.0.0.1:5432/postgres",
    benchUrl: process.env.BENCH_DATABASE_URL?.trim() || null,
    only,
    parts: new Set(partList as BenchPart[]),
    reportCases: positiveInt("BENCH_REPORT_CASES", 1_000_000, 100),
    reportRuns: positiveInt("BENCH_REPORT_RUNS", 30),
  };
}

export function loadLine(): string {
  return `load average ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(" / ")} (1/5/15 min) on ${os.cpus().length} CPUs`;
}

export function machineLine(): string {
  const cpus = os.cpus();
  const model = cpus[0]?.model.trim() ?? "unknown CPU";
  const memory = Math.round(os.totalmem() / 2 ** 30);
  return `${cpus.length} CPUs (${model}), ${memory} GiB RAM, node ${process.version}, ${os.type()} ${os.release()} ${os.arch()}`;
}
