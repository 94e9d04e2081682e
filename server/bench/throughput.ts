import { sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import { rowsOf } from "@/server/recovery/actions";
import { setSandboxClock } from "@/server/recovery/context";
import { classifyDecline } from "@/server/recovery/decline";
import type { BillingProvider, Notifier } from "@/server/recovery/ports";
import { getActiveSequenceVersion } from "@/server/recovery/sequences";
import { createLocalDriver, type LocalDriver } from "@/server/scheduler/local-driver";
import { buildDeps, createBenchWorkspace } from "./deps";
import { cpuMark, cpuSince, timed, type CpuSample, type Profile } from "./instrument";

/** createLocalDriver's defaults, which the app runs with (server/startup.ts, the worker command); the baseline uses the same batch. */
export const DRIVER_OPTIONS = { pollMs: 500, batchSize: 50, concurrency: 8 } as const;

/** The decline the seeded cases opened with, and the card's: a soft generic decline, retried once. */
export const SEED_DECLINE = "generic_decline";

export type SeededSet = { workspaceId: string; count: number; seedMs: number };

/**
 * `count` open cases of one sandbox workspace, each with a customer (with a sandbox card that
 * declines with generic_decline, like Stripe's 4000000000000002), a subscription, an open
 * invoice, a dunning thread and one scheduled retry due now by the workspace's test clock.
 * Set-based: one insert ... select from generate_series per table.
 */
export async function seedDueRetries(db: Db, label: string, count: number): Promise<SeededSet> {
  const started = performance.now();
  const workspace = await createBenchWorkspace(db, label);
  const ws = workspace.id;
  const version = await getActiveSequenceVersion(db, ws);
  const now = new Date();
  // A sandbox workspace runs on its test clock (see recovery/context.ts): pin it to now.
  await setSandboxClock(db, ws, now);
  const openedAt = new Date(now.getTime() - 24 * 3_600_000);
  const dueAt = new Date(now.getTime() - 60_000);
  const c = classifyDecline({ code: "card_declined", declineCode: SEED_DECLINE });
  if (!c.retryable) throw new Error(`${SEED_DECLINE} is no longer retryable`);
  const key = (prefix: string) => sql`md5(${`${prefix}:${ws}:`} || g)::uuid::text`;
  const series = sql`generate_series(1, ${count}) as g`;
  await db.execute(sql`
    insert into customers (id, workspace_id, provider, external_id, email, name, timezone, locale, cohort, default_payment_method_ref)
    select ${key("cus")}, ${ws}, 'sandbox', 'cus_bench_' || g, 'cus_bench_' || g || '@example.com', 'Customer ' || g,
           'UTC', 'en-US', 'treatment', 'pm_sbx_' || substr(md5(${`pm:${ws}:`} || g), 1, 20)
    from ${series}`);
  await db.execute(sql`
    insert into sandbox_payment_methods (id, workspace_id, customer_id, brand, last4, exp_month, exp_year, fails_with)
    select 'pm_sbx_' || substr(md5(${`pm:${ws}:`} || g), 1, 20), ${ws}, ${key("cus")}, 'visa', '0002', 12, 2030, ${SEED_DECLINE}
    from ${series}`);
  await db.execute(sql`
    insert into subscriptions (id, workspace_id, customer_id, provider, external_id, plan_name, amount, currency, status)
    select ${key("sub")}, ${ws}, ${key("cus")}, 'sandbox', 'sub_bench_' || g, 'Pro', 4900, 'usd', 'past_due'
    from ${series}`);
  await db.execute(sql`
    insert into invoices (id, workspace_id, customer_id, subscription_id, provider, external_id, number, amount_due, currency, status)
    select ${key("inv")}, ${ws}, ${key("cus")}, ${key("sub")}, 'sandbox', 'in_bench_' || g, 'INV-' || g, 4900, 'usd', 'open'
    from ${series}`);
  await db.execute(sql`
    insert into dunning_threads (id, workspace_id, customer_id, sequence_version_id, cohort, status, opened_at)
    select ${key("thr")}, ${ws}, ${key("cus")}, ${version.id}, 'treatment', 'open', ${openedAt.toISOString()}::timestamptz
    from ${series}`);
  await db.execute(sql`
    insert into recovery_cases (id, workspace_id, thread_id, customer_id, invoice_id, sequence_version_id, cohort, status,
                                decline_category, decline_kind, decline_code, advice_code, amount, currency, opened_at)
    select ${key("case")}, ${ws}, ${key("thr")}, ${key("cus")}, ${key("inv")}, ${version.id}, 'treatment', 'open',
           ${c.category}, ${c.kind}, ${c.code}, ${c.adviceCode}, 4900, 'usd', ${openedAt.toISOString()}::timestamptz
    from ${series}`);
  await db.execute(sql`
    insert into scheduled_actions (id, workspace_id, thread_id, case_id, kind, step, due_at, status, idempotency_key)
    select ${key("act")}, ${ws}, ${key("thr")}, ${key("case")}, 'retry', 'retry:1', ${dueAt.toISOString()}::timestamptz, 'pending', ${key("case")} || ':retry:1'
    from ${series}`);
  await db.execute(sql`analyze`);
  return { workspaceId: ws, count, seedMs: performance.now() - started };
}

export type DriverRun = {
  drivers: number;
  actions: number;
  ms: number;
  perSecond: number;
  ticks: number;
  /** True when the time limit stopped the loops before the queue was empty. */
  capped: boolean;
  cpu: CpuSample;
  /** "done/failed" (charge outcome) -> count, from the rows afterwards. */
  outcomes: Map<string, number>;
  stillDue: number;
  errors: number;
  firstErrors: string[];
};

function timedBilling(billing: BillingProvider, profile: Profile): BillingProvider {
  return {
    name: billing.name,
    retryInvoice: (args) => timed(profile, "billing.retryInvoice (sandbox: charge)", () => billing.retryInvoice(args)),
    getInvoiceStatus: (args) => timed(profile, "billing.getInvoiceStatus (sandbox)", () => billing.getInvoiceStatus(args)),
    setDefaultPaymentMethod: (args) => timed(profile, "billing.setDefaultPaymentMethod", () => billing.setDefaultPaymentMethod(args)),
    applyFinalAction: (args) => timed(profile, "billing.applyFinalAction", () => billing.applyFinalAction(args)),
  };
}

function timedNotifier(notifier: Notifier, profile: Profile): Notifier {
  return {
    sendDunningEmail: (email) => timed(profile, "notifier.sendDunningEmail (render + outbox)", () => notifier.sendDunningEmail(email)),
    sendReceipt: (email) => timed(profile, "notifier.sendReceipt (render + outbox)", () => notifier.sendReceipt(email)),
  };
}

/** Runs `drivers` local drivers' tick() in loops at once until nothing is due. */
export async function runDrivers(
  db: Db,
  postgres: boolean,
  set: SeededSet,
  drivers: number,
  limitMs: number,
  profile: Profile | null = null,
): Promise<DriverRun> {
  const { deps, logger } = buildDeps(
    db,
    profile ? { wrapBilling: (b) => timedBilling(b, profile), wrapNotifier: (n) => timedNotifier(n, profile) } : {},
  );
  if (profile) {
    const lookup = deps.billing;
    deps.billing = (workspaceId) => timed(profile, "deps.billing(workspaceId) (workspace mode lookup)", () => lookup(workspaceId));
  }
  const list = Array.from({ length: drivers }, () => createLocalDriver(deps, DRIVER_OPTIONS));
  const { actions, ticks, capped, ms, cpu } = await tickUntilDone(db, postgres, set, list, limitMs);
  const rows = rowsOf<{ status: string; outcome: string | null; n: number }>(
    await db.execute(sql`/* bench */
      select status, coalesce(result->>'outcome', result->>'reason') as outcome, count(*)::int as n
      from scheduled_actions where workspace_id = ${set.workspaceId} group by 1, 2 order by 3 desc`),
  );
  const outcomes = new Map(rows.map((r) => [`${r.status}${r.outcome ? `/${r.outcome}` : ""}`, Number(r.n)] as const));
  const stillDue = rows.filter((r) => r.status === "pending" || r.status === "running").reduce((sum, r) => sum + Number(r.n), 0);
  return {
    drivers,
    actions,
    ms,
    perSecond: (actions / ms) * 1000,
    ticks,
    capped,
    cpu,
    outcomes,
    stillDue,
    errors: logger.errors,
    firstErrors: logger.firstErrors,
  };
}

/** Runs every driver's tick() in a loop at once until nothing is due (or the time limit), with CPU and wall time. */
async function tickUntilDone(db: Db, postgres: boolean, set: SeededSet, list: LocalDriver[], limitMs: number) {
  const maxTicks = Math.ceil(set.count / DRIVER_OPTIONS.batchSize) * 4 + 10;
  let actions = 0;
  let ticks = 0;
  let capped = false;
  const cpu0 = await cpuMark(db, postgres);
  const t0 = performance.now();
  await Promise.all(
    list.map(async (driver) => {
      for (let t = 0; t < maxTicks; t++) {
        if (performance.now() - t0 > limitMs) {
          capped = true;
          break;
        }
        const n = await driver.tick();
        ticks++;
        if (n === 0) break;
        actions += n;
      }
    }),
  );
  const ms = performance.now() - t0;
  const cpu = await cpuSince(db, postgres, cpu0);
  return { actions, ticks, capped, ms, cpu };
}

export type BaselineRun = { loops: number; actions: number; ms: number; perSecond: number; cpu: CpuSample };

/**
 * The floor under any scheduler: the same rows put back to pending, then claimed and completed
 * with plain SQL in batches of the driver's size (claim with FOR UPDATE SKIP LOCKED, then one
 * update to done), with `loops` loops at once, doing no work in between.
 */
export async function runBaseline(db: Db, postgres: boolean, set: SeededSet, loops: number): Promise<BaselineRun> {
  await db.execute(sql`
    update scheduled_actions set status = 'pending', run_count = 0, lease_until = null, completed_at = null, result = null
    where workspace_id = ${set.workspaceId}`);
  const batch = DRIVER_OPTIONS.batchSize;
  const maxRounds = Math.ceil(set.count / batch) * 4 + 10;
  let actions = 0;
  const cpu0 = await cpuMark(db, postgres);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: loops }, async () => {
      for (let round = 0; round < maxRounds; round++) {
        const now = new Date();
        const lease = new Date(now.getTime() + 5 * 60_000);
        const claimed = rowsOf<{ id: string }>(
          await db.execute(sql`
            update scheduled_actions set status = 'running', run_count = run_count + 1, lease_until = ${lease.toISOString()}::timestamptz
            where id in (
              select id from scheduled_actions
              where status = 'pending' and due_at <= ${now.toISOString()}::timestamptz
              order by due_at
              limit ${batch}
              for update skip locked
            )
            returning id`),
        );
        if (claimed.length === 0) break;
        const ids = claimed.map((r) => r.id);
        await db.execute(sql`
          update scheduled_actions set status = 'done', lease_until = null, completed_at = ${now.toISOString()}::timestamptz
          where id = any(${sql.param(ids)}::text[])`);
        actions += ids.length;
      }
    }),
  );
  const ms = performance.now() - t0;
  const cpu = await cpuSince(db, postgres, cpu0);
  return { loops, actions, ms, perSecond: (actions / ms) * 1000, cpu };
}

/**
 * The local driver's own machinery (claim with FOR UPDATE SKIP LOCKED, lease,
 * workspace clocks, concurrency, guarded batched completion) with the domain
 * work swapped for nothing: the same rows put back to pending and run through
 * createLocalDriver with `perform` answering "done" at once, which the driver
 * then completes as it completes real work. This isolates the scheduler's
 * overhead from what a retry costs.
 */
export async function runMachinery(db: Db, postgres: boolean, set: SeededSet, drivers: number, limitMs: number): Promise<DriverRun> {
  await db.execute(sql`
    update scheduled_actions set status = 'pending', run_count = 0, lease_until = null, completed_at = null, result = null
    where workspace_id = ${set.workspaceId}`);
  const { deps, logger } = buildDeps(db, {});
  const list = Array.from({ length: drivers }, () =>
    createLocalDriver(deps, { ...DRIVER_OPTIONS, perform: async () => ({ status: "done", result: { outcome: "machinery" } }) }),
  );
  const { actions, ticks, capped, ms, cpu } = await tickUntilDone(db, postgres, set, list, limitMs);
  return {
    drivers,
    actions,
    ms,
    perSecond: (actions / ms) * 1000,
    ticks,
    capped,
    cpu,
    outcomes: new Map(),
    stillDue: 0,
    errors: logger.errors,
    firstErrors: logger.firstErrors,
  };
}
