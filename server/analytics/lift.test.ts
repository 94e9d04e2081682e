/**
 * The holdout-lift report on a seeded sandbox history (PGlite, or Postgres
 * with TEST_DATABASE_URL). The key test exports the case rows as CSV, parses
 * them back, recomputes every figure with stats.ts from sufficient statistics
 * summed from the file, and checks the report and its summary CSV against
 * them.
 */
import crypto from "node:crypto";
import { parse } from "csv-parse/sync";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  customers,
  dunningThreads,
  invoices,
  recoveryCases,
  sequences,
  sequenceVersions,
  workspaces,
  type CaseStatus,
  type Cohort,
  type RecoveryChannel,
  type Workspace,
} from "@/server/db/schema";
import { createWorkspace } from "@/server/queries/workspaces";
import { DAY } from "@/server/recovery/clock";
import { setSandboxClock } from "@/server/recovery/context";
import { defaultPolicy } from "@/server/recovery/policy";
import { createTestUser, openTestDatabase } from "@/server/testing/database";
import { collectCsv, parseMajorUnits, toCsv } from "./csv";
import {
  getLiftReport,
  liftCaseColumns,
  liftCaseRowBatches,
  liftSummaryColumns,
  liftSummaryRows,
  listLiftCaseRows,
  statsScope,
  type LiftComparison,
  type LiftReport,
} from "./lift";
import type { PeriodInput } from "./period";
import { reportScope } from "./scope";
import { compareProportions, incrementalRevenue } from "./stats";

const database = await openTestDatabase();
const db = database.db;

// ---------------------------------------------------------------------------
// Fixtures: a sandbox history written straight into the tables
// ---------------------------------------------------------------------------

const NOW = new Date("2026-03-31T12:00:00Z");

/** mulberry32: a small seeded generator, so the history is the same on every run. */
function seeded(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type SeedCase = {
  customer: string;
  customerName?: string | null;
  cohort: Cohort;
  versionId: string;
  currency: string;
  amount: number;
  openedAt: Date;
  status: CaseStatus;
  closedAt?: Date | null;
  recoveredAmount?: number | null;
  recoveredVia?: RecoveryChannel | null;
  livemode?: boolean;
};

type SeededWorkspace = { workspace: Workspace; standard: { id: string; v1: string; v2: string }; enterprise: { id: string; v1: string } };

async function seedWorkspace(label: string, options: { holdoutPercent?: number } = {}): Promise<SeededWorkspace> {
  const owner = await createTestUser(database, label);
  const workspace = await createWorkspace(db, { name: `${label} ${crypto.randomBytes(3).toString("hex")}`, ownerId: owner.id });
  await setSandboxClock(db, workspace.id, NOW);
  const policy = { ...defaultPolicy, holdoutPercent: options.holdoutPercent ?? 30 };
  const [standard] = await db
    .insert(sequences)
    .values({ workspaceId: workspace.id, name: "Standard recovery", isDefault: true, currentVersion: 2 })
    .returning();
  const [enterprise] = await db.insert(sequences).values({ workspaceId: workspace.id, name: "Enterprise", currentVersion: 1 }).returning();
  const versions = await db
    .insert(sequenceVersions)
    .values([
      { workspaceId: workspace.id, sequenceId: standard!.id, version: 1, policy },
      { workspaceId: workspace.id, sequenceId: standard!.id, version: 2, policy },
      { workspaceId: workspace.id, sequenceId: enterprise!.id, version: 1, policy: { ...policy, name: "Enterprise" } },
    ])
    .returning();
  return {
    workspace,
    standard: { id: standard!.id, v1: versions[0]!.id, v2: versions[1]!.id },
    enterprise: { id: enterprise!.id, v1: versions[2]!.id },
  };
}

/** Customers (one per distinct name), one closed thread per customer, one invoice and case per entry. */
async function insertCases(workspaceId: string, cases: SeedCase[]): Promise<string[]> {
  const customerIds = new Map<string, string>();
  const threadIds = new Map<string, string>();
  const customerRows = [];
  const threadRows = [];
  for (const c of cases) {
    if (customerIds.has(c.customer)) continue;
    const id = crypto.randomUUID();
    const threadId = crypto.randomUUID();
    customerIds.set(c.customer, id);
    threadIds.set(c.customer, threadId);
    customerRows.push({
      id,
      workspaceId,
      provider: c.livemode ? ("stripe" as const) : ("sandbox" as const),
      externalId: c.customer,
      name: c.customerName === undefined ? `Customer ${c.customer}` : c.customerName,
      email: `${c.customer}@example.com`,
      cohort: c.cohort,
    });
    threadRows.push({
      id: threadId,
      workspaceId,
      customerId: id,
      sequenceVersionId: c.versionId,
      cohort: c.cohort,
      status: "closed" as const,
      openedAt: c.openedAt,
    });
  }
  const invoiceRows = [];
  const caseRows = [];
  const caseIds: string[] = [];
  for (const c of cases) {
    const invoiceId = crypto.randomUUID();
    const caseId = crypto.randomUUID();
    caseIds.push(caseId);
    const externalId = `in_${crypto.randomBytes(6).toString("hex")}`;
    invoiceRows.push({
      id: invoiceId,
      workspaceId,
      customerId: customerIds.get(c.customer)!,
      provider: c.livemode ? ("stripe" as const) : ("sandbox" as const),
      externalId,
      number: `INV-${externalId.slice(3, 9).toUpperCase()}`,
      amountDue: c.amount,
      currency: c.currency,
      status: c.status === "recovered" ? ("paid" as const) : ("open" as const),
    });
    caseRows.push({
      id: caseId,
      workspaceId,
      threadId: threadIds.get(c.customer)!,
      customerId: customerIds.get(c.customer)!,
      invoiceId,
      sequenceVersionId: c.versionId,
      cohort: c.cohort,
      status: c.status,
      declineCategory: "soft",
      declineKind: "insufficient_funds",
      declineCode: "insufficient_funds",
      amount: c.amount,
      currency: c.currency,
      livemode: c.livemode ?? false,
      openedAt: c.openedAt,
      closedAt: c.closedAt ?? null,
      recoveredAmount: c.recoveredAmount ?? null,
      recoveredVia: c.recoveredVia ?? null,
    });
  }
  for (let i = 0; i < customerRows.length; i += 500) await db.insert(customers).values(customerRows.slice(i, i + 500));
  for (let i = 0; i < threadRows.length; i += 500) await db.insert(dunningThreads).values(threadRows.slice(i, i + 500));
  for (let i = 0; i < invoiceRows.length; i += 500) await db.insert(invoices).values(invoiceRows.slice(i, i + 500));
  for (let i = 0; i < caseRows.length; i += 500) await db.insert(recoveryCases).values(caseRows.slice(i, i + 500));
  return caseIds;
}

const channels: RecoveryChannel[] = ["reclaim_retry", "provider_retry", "card_update", "card_updater", "out_of_band"];

/**
 * A realistic mix over Jan–Mar 2026: ~30% of customers in the holdout, two
 * sequences (the standard one in two versions), USD and EUR in both groups
 * and GBP in treatment only, treatment recovering about twice as often, some
 * customers with two invoices, cases opened in the last weeks still open.
 */
function history(w: SeededWorkspace, seed: number, customersCount: number): SeedCase[] {
  const rand = seeded(seed);
  const out: SeedCase[] = [];
  for (let i = 0; i < customersCount; i++) {
    const cohort: Cohort = rand() < 0.3 ? "holdout" : "treatment";
    const enterprise = rand() < 0.25;
    const currency =
      cohort === "holdout" ? (rand() < 0.6 ? "usd" : "eur") : (["usd", "usd", "eur", "gbp"] as const)[Math.floor(rand() * 4)]!;
    const invoicesCount = rand() < 0.15 ? 2 : 1;
    const customer = `cus_${seed}_${i}`;
    for (let k = 0; k < invoicesCount; k++) {
      const openedAt = new Date(Date.UTC(2026, 0, 1) + Math.floor(rand() * 89 * DAY) + Math.floor(rand() * 1000) * 1000);
      const amount = enterprise ? 50_000 + Math.floor(rand() * 200) * 1000 : 900 + Math.floor(rand() * 100) * 100;
      const versionId = enterprise ? w.enterprise.v1 : openedAt < new Date("2026-02-15T00:00:00Z") ? w.standard.v1 : w.standard.v2;
      const age = (NOW.getTime() - openedAt.getTime()) / DAY;
      const r = rand();
      const recoveredShare = cohort === "treatment" ? 0.5 : 0.22;
      let status: CaseStatus;
      let closedAt: Date | null = null;
      let recoveredAmount: number | null = null;
      let recoveredVia: RecoveryChannel | null = null;
      const closesAfter = 1 + rand() * 27;
      if (r < 0.04) {
        status = "silenced";
        closedAt = openedAt;
      } else if (r < recoveredShare && closesAfter < age) {
        status = "recovered";
        closedAt = new Date(openedAt.getTime() + closesAfter * DAY);
        recoveredAmount = amount;
        recoveredVia =
          cohort === "holdout" ? (rand() < 0.5 ? "provider_retry" : "out_of_band") : channels[Math.floor(rand() * channels.length)]!;
      } else if (age < 31) {
        status = "open";
      } else {
        status = "lost";
        closedAt = new Date(openedAt.getTime() + 31 * DAY);
      }
      out.push({ customer, cohort, versionId, currency, amount, openedAt, status, closedAt, recoveredAmount, recoveredVia });
    }
  }
  return out;
}

async function report(workspace: Workspace, period: PeriodInput): Promise<LiftReport> {
  return getLiftReport(db, await reportScope(db, workspace, period));
}

const parseCsv = (text: string) => parse(text, { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];

// ---------------------------------------------------------------------------
// Recomputation from the exported case rows
// ---------------------------------------------------------------------------

type Sums = { cases: number; recovered: number; open: number; sum: bigint; squares: bigint };
const zero = (): Sums => ({ cases: 0, recovered: 0, open: 0, sum: BigInt(0), squares: BigInt(0) });

/** Sufficient statistics per (sequence or "overall") × cohort × currency (or "all"), from the CSV rows alone. */
function sumsFromCaseRows(rows: Record<string, string>[]) {
  const sums = new Map<string, Sums>();
  const names = new Map<string, string>();
  const add = (key: string, row: Record<string, string>) => {
    const s = sums.get(key) ?? zero();
    const amount = parseMajorUnits(row.recovered_amount!, row.currency!);
    s.cases += 1;
    s.recovered += row.recovered_by_report_time === "true" ? 1 : 0;
    s.open += row.status === "open" ? 1 : 0;
    s.sum += amount;
    s.squares += amount * amount;
    sums.set(key, s);
  };
  for (const row of rows) {
    names.set(row.sequence_id!, row.sequence_name!);
    for (const scope of ["overall", row.sequence_id!]) {
      add(`${scope}|${row.cohort}|all`, row);
      add(`${scope}|${row.cohort}|${row.currency}`, row);
    }
  }
  const get = (scope: string, cohort: Cohort, currency: string) => sums.get(`${scope}|${cohort}|${currency}`) ?? zero();
  return { get, names, currencies: [...new Set(rows.map((r) => r.currency!))].sort() };
}

function recompute(comparison: LiftComparison, sums: ReturnType<typeof sumsFromCaseRows>) {
  const scopeKey = comparison.sequence ? comparison.sequence.id : "overall";
  const name = comparison.sequence ? sums.names.get(comparison.sequence.id)! : null;
  const t = sums.get(scopeKey, "treatment", "all");
  const h = sums.get(scopeKey, "holdout", "all");
  const rate = compareProportions(
    { treatment: { n: t.cases, successes: t.recovered }, holdout: { n: h.cases, successes: h.recovered } },
    { scope: statsScope(name) },
  );
  const currencies = sums.currencies
    .map((currency) => ({ currency, t: sums.get(scopeKey, "treatment", currency), h: sums.get(scopeKey, "holdout", currency) }))
    .filter(({ t, h }) => t.cases + h.cases > 0)
    .map(({ currency, t, h }) => ({
      currency,
      t,
      h,
      incremental: incrementalRevenue(
        {
          currency,
          treatment: { n: t.cases, sum: t.sum, sumOfSquares: t.squares, recoveries: t.recovered },
          holdout: { n: h.cases, sum: h.sum, sumOfSquares: h.squares, recoveries: h.recovered },
        },
        { scope: statsScope(name) },
      ),
    }));
  return { t, h, rate, currencies };
}

const num = (cell: string | undefined) => (cell === undefined || cell === "" ? null : Number(cell));

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

let main: SeededWorkspace;
let seededCases: SeedCase[];
let liveCaseIds: string[];
let otherWorkspace: SeededWorkspace;

beforeAll(async () => {
  main = await seedWorkspace("Lift");
  seededCases = history(main, 7, 420);
  await insertCases(main.workspace.id, seededCases);
  // Live cases of the same workspace: never in its sandbox report.
  liveCaseIds = await insertCases(main.workspace.id, [
    {
      customer: "cus_live_1",
      cohort: "treatment",
      versionId: main.standard.v2,
      currency: "usd",
      amount: 99_900,
      openedAt: new Date("2026-03-10T00:00:00Z"),
      status: "recovered",
      closedAt: new Date("2026-03-12T00:00:00Z"),
      recoveredAmount: 99_900,
      recoveredVia: "card_update",
      livemode: true,
    },
    {
      customer: "cus_live_2",
      cohort: "holdout",
      versionId: main.standard.v2,
      currency: "chf",
      amount: 5_000,
      openedAt: new Date("2026-03-11T00:00:00Z"),
      status: "lost",
      closedAt: new Date("2026-03-30T00:00:00Z"),
      livemode: true,
    },
  ]);
  // Another workspace with a history of its own.
  otherWorkspace = await seedWorkspace("Other");
  await insertCases(otherWorkspace.workspace.id, history(otherWorkspace, 11, 60));
});

describe("the holdout-lift report", () => {
  it("every figure is the same when recomputed from the exported case rows", async () => {
    const period: PeriodInput = { preset: "90d" };
    const scope = await reportScope(db, main.workspace, period);
    const lift = await getLiftReport(db, scope);
    // Small batches, so the export pages through the keyset cursor many times.
    const casesCsv = await collectCsv(liftCaseColumns, liftCaseRowBatches(db, scope, 37));
    const rows = parseCsv(casesCsv);
    expect(new Set(rows.map((r) => r.case_id)).size).toBe(rows.length);
    expect(rows.length).toBe(lift.overall.treatment.cases + lift.overall.holdout.cases);
    const sums = sumsFromCaseRows(rows);
    expect(lift.currencies).toEqual(sums.currencies);
    expect(lift.sequences.map((s) => s.key).sort()).toEqual([...sums.names.keys()].sort());

    const summary = parseCsv(toCsv(liftSummaryColumns, liftSummaryRows(lift)));
    let checkedRows = 0;
    for (const comparison of [lift.overall, ...lift.sequences]) {
      const expected = recompute(comparison, sums);
      // Counts per cohort.
      expect(comparison.treatment).toEqual({ cases: expected.t.cases, recovered: expected.t.recovered, open: expected.t.open });
      expect(comparison.holdout).toEqual({ cases: expected.h.cases, recovered: expected.h.recovered, open: expected.h.open });
      // The recovery-rate comparison, every field (rates, intervals, difference, z, p-value, warnings, messages).
      expect(comparison.rate).toEqual(expected.rate);
      // Money per currency.
      expect(comparison.currencies.map((c) => c.currency)).toEqual(expected.currencies.map((c) => c.currency));
      for (const [i, figures] of comparison.currencies.entries()) {
        const want = expected.currencies[i]!;
        expect(figures.treatment.recoveredAmount).toBe(want.t.sum);
        expect(figures.holdout.recoveredAmount).toBe(want.h.sum);
        expect(figures.treatment.cases).toBe(want.t.cases);
        expect(figures.holdout.cases).toBe(want.h.cases);
        expect(figures.incremental).toEqual(want.incremental);
      }

      // The summary CSV says the same.
      const mine = summary.filter((r) => (comparison.sequence ? r.sequence_id === comparison.sequence.id : r.scope === "all_sequences"));
      const rateRow = mine.find((r) => r.measure === "recovery_rate")!;
      expect(num(rateRow.treatment_cases)).toBe(expected.t.cases);
      expect(num(rateRow.treatment_recovered)).toBe(expected.t.recovered);
      expect(num(rateRow.holdout_cases)).toBe(expected.h.cases);
      expect(num(rateRow.holdout_recovered)).toBe(expected.h.recovered);
      if (expected.rate.status !== "unavailable") {
        expect(num(rateRow.treatment_recovery_rate)).toBe(expected.rate.treatment.rate);
        expect(num(rateRow.holdout_recovery_rate)).toBe(expected.rate.holdout.rate);
        expect(num(rateRow.treatment_rate_ci95_lower)).toBe(expected.rate.treatment.interval.lower);
        expect(num(rateRow.holdout_rate_ci95_upper)).toBe(expected.rate.holdout.interval.upper);
        expect(num(rateRow.incremental_recovery_rate)).toBe(expected.rate.difference);
        expect(num(rateRow.incremental_rate_ci95_lower)).toBe(expected.rate.differenceInterval.lower);
        expect(num(rateRow.incremental_rate_ci95_upper)).toBe(expected.rate.differenceInterval.upper);
        expect(num(rateRow.rate_p_value)).toBe(expected.rate.pValue);
      }
      checkedRows++;
      for (const want of expected.currencies) {
        const row = mine.find((r) => r.measure === "recovered_revenue" && r.currency === want.currency)!;
        expect(num(row.treatment_cases)).toBe(want.t.cases);
        expect(num(row.holdout_cases)).toBe(want.h.cases);
        expect(num(row.treatment_recovered)).toBe(want.t.recovered);
        expect(parseMajorUnits(row.treatment_recovered_amount!, want.currency)).toBe(want.t.sum);
        expect(parseMajorUnits(row.holdout_recovered_amount!, want.currency)).toBe(want.h.sum);
        const inc = want.incremental;
        if (inc.status === "ok") {
          expect(parseMajorUnits(row.incremental_revenue!, want.currency)).toBe(BigInt(inc.amount));
          expect(parseMajorUnits(row.incremental_revenue_ci95_lower!, want.currency)).toBe(BigInt(inc.interval.lower));
          expect(parseMajorUnits(row.incremental_revenue_ci95_upper!, want.currency)).toBe(BigInt(inc.interval.upper));
          expect(num(row.revenue_p_value)).toBe(inc.pValue);
          expect(row.result).toBe("ok");
        } else {
          expect(row.incremental_revenue_ci95_lower).toBe("");
          expect(row.revenue_p_value).toBe("");
          expect(row.result).toBe("unavailable");
          expect(row.notes).toContain(inc.message);
        }
        checkedRows++;
      }
    }
    expect(summary.length).toBe(checkedRows);
    // Nothing in either file is NaN or Infinity.
    expect(casesCsv + toCsv(liftSummaryColumns, liftSummaryRows(lift))).not.toMatch(/NaN|Infinity/);
  });

  it("agrees with a count made in memory from the seeded history (by definition, not by SQL)", async () => {
    const lift = await report(main.workspace, { from: "2026-02-01", to: "2026-03-15" });
    const from = new Date("2026-02-01T00:00:00Z");
    const to = new Date("2026-03-16T00:00:00Z");
    const inPeriod = seededCases.filter((c) => c.openedAt >= from && c.openedAt < to);
    for (const cohort of ["treatment", "holdout"] as const) {
      const mine = inPeriod.filter((c) => c.cohort === cohort);
      expect(lift.overall[cohort].cases).toBe(mine.length);
      expect(lift.overall[cohort].recovered).toBe(mine.filter((c) => c.status === "recovered" && c.closedAt! <= NOW).length);
      expect(lift.overall[cohort].open).toBe(mine.filter((c) => c.status === "open").length);
      for (const figures of lift.overall.currencies) {
        const total = mine
          .filter((c) => c.currency.toUpperCase() === figures.currency && c.status === "recovered")
          .reduce((s, c) => s + BigInt(c.recoveredAmount ?? 0), BigInt(0));
        expect(figures[cohort].recoveredAmount).toBe(total);
      }
    }
    const enterprise = lift.sequences.find((s) => s.key === main.enterprise.id)!;
    expect(enterprise.label).toBe("Enterprise");
    expect(enterprise.treatment.cases + enterprise.holdout.cases).toBe(inPeriod.filter((c) => c.versionId === main.enterprise.v1).length);
    // Both versions of the standard sequence count as one sequence.
    const standard = lift.sequences.find((s) => s.key === main.standard.id)!;
    expect(standard.sequence?.holdoutPercent).toBe(30);
    expect(standard.treatment.cases + standard.holdout.cases).toBe(inPeriod.filter((c) => c.versionId !== main.enterprise.v1).length);
  });

  it("shows a treatment effect on this history, with a significant rate difference", async () => {
    const lift = await report(main.workspace, { preset: "90d" });
    expect(lift.overall.rate.status).toBe("ok");
    if (lift.overall.rate.status !== "ok") return;
    expect(lift.overall.rate.difference).toBeGreaterThan(0);
    expect(lift.overall.rate.differenceInterval.lower).toBeGreaterThan(0);
    expect(lift.overall.rate.pValue).toBeLessThan(0.05);
    expect(lift.notices.join(" ")).toMatch(/still open/);
    expect(lift.notices.join(" ")).toMatch(/3 currencies \(EUR, GBP, USD\)/);
  });

  it("a currency present in one cohort only gets a clear message, not NaN", async () => {
    const lift = await report(main.workspace, { preset: "90d" });
    const gbp = lift.overall.currencies.find((c) => c.currency === "GBP")!;
    expect(gbp.holdout.cases).toBe(0);
    expect(gbp.treatment.cases).toBeGreaterThan(0);
    expect(gbp.incremental.status).toBe("unavailable");
    expect(gbp.incremental.message).toMatch(/holdout group has no cases in GBP/);
    expect(JSON.stringify(lift, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))).not.toMatch(/NaN|Infinity|null,"upper"/);
  });
});

describe("scope", () => {
  it("never counts live cases in a sandbox report, nor sandbox cases in a live one", async () => {
    const sandbox = await listLiftCaseRows(db, await reportScope(db, main.workspace, { preset: "365d" }));
    expect(sandbox.some((r) => liveCaseIds.includes(r.caseId))).toBe(false);
    expect((await report(main.workspace, { preset: "365d" })).currencies).not.toContain("CHF");

    // The same workspace after going live: only its live cases.
    const live = { ...main.workspace, mode: "live" as const };
    await db.update(workspaces).set({ mode: "live" }).where(eq(workspaces.id, main.workspace.id));
    try {
      const scope = await reportScope(db, live, { from: "2026-03-01", to: "2026-03-31" });
      const lift = await getLiftReport(db, scope);
      expect(lift.livemode).toBe(true);
      expect(lift.overall.treatment).toEqual({ cases: 1, recovered: 1, open: 0 });
      expect(lift.overall.holdout).toEqual({ cases: 1, recovered: 0, open: 0 });
      expect(lift.currencies).toEqual(["CHF", "USD"]);
      expect((await listLiftCaseRows(db, scope)).map((r) => r.caseId).sort()).toEqual([...liveCaseIds].sort());
    } finally {
      await db.update(workspaces).set({ mode: "sandbox" }).where(eq(workspaces.id, main.workspace.id));
    }
  });

  it("never counts another workspace's cases", async () => {
    const mine = await listLiftCaseRows(db, await reportScope(db, main.workspace, { preset: "365d" }));
    const theirs = await listLiftCaseRows(db, await reportScope(db, otherWorkspace.workspace, { preset: "365d" }));
    expect(theirs.length).toBeGreaterThan(0);
    const mineIds = new Set(mine.map((r) => r.caseId));
    expect(theirs.some((r) => mineIds.has(r.caseId))).toBe(false);
    expect(mine.every((r) => r.sequenceId === main.standard.id || r.sequenceId === main.enterprise.id)).toBe(true);
    const lift = await report(otherWorkspace.workspace, { preset: "365d" });
    expect(lift.overall.treatment.cases + lift.overall.holdout.cases).toBe(theirs.length);
  });

  it("takes cases opened from the first day's midnight (UTC) up to, not including, the midnight after the last day", async () => {
    const w = await seedWorkspace("Bounds");
    const at = (iso: string) => new Date(iso);
    const base = { cohort: "treatment" as const, versionId: w.standard.v1, currency: "usd", amount: 1000, status: "lost" as const };
    await insertCases(w.workspace.id, [
      { ...base, customer: "before", openedAt: at("2026-02-28T23:59:59.999Z") },
      { ...base, customer: "first", openedAt: at("2026-03-01T00:00:00.000Z") },
      { ...base, customer: "last", openedAt: at("2026-03-10T23:59:59.999Z") },
      { ...base, customer: "after", openedAt: at("2026-03-11T00:00:00.000Z") },
    ]);
    const scope = await reportScope(db, w.workspace, { from: "2026-03-01", to: "2026-03-10" });
    expect((await listLiftCaseRows(db, scope)).map((r) => r.customerId)).toEqual(["first", "last"]);
    expect((await getLiftReport(db, scope)).overall.treatment.cases).toBe(2);
    // "Last 7 days" ends with the workspace's today (the test clock's).
    const week = await reportScope(db, w.workspace, { preset: "7d" });
    expect(week.period.to.toISOString()).toBe("2026-04-01T00:00:00.000Z");
    expect(week.period.from.toISOString()).toBe("2026-03-25T00:00:00.000Z");
  });
});

describe("edge cases", () => {
  it("no case at all: every comparison says so", async () => {
    const w = await seedWorkspace("Empty");
    const lift = await report(w.workspace, { preset: "30d" });
    expect(lift.overall.rate.status).toBe("unavailable");
    expect(lift.overall.rate.message).toMatch(/Neither group has any cases/);
    expect(lift.sequences).toEqual([]);
    expect(lift.currencies).toEqual([]);
    expect(lift.notices[0]).toMatch(/No recovery case was opened in this period/);
    expect(toCsv(liftSummaryColumns, liftSummaryRows(lift))).not.toMatch(/NaN/);
  });

  it("no holdout cases: a clear message instead of a comparison", async () => {
    const w = await seedWorkspace("No holdout", { holdoutPercent: 0 });
    await insertCases(
      w.workspace.id,
      history(w, 3, 40).map((c) => ({ ...c, cohort: "treatment" as const })),
    );
    const lift = await report(w.workspace, { preset: "90d" });
    expect(lift.overall.holdout.cases).toBe(0);
    expect(lift.overall.rate.status).toBe("unavailable");
    expect(lift.overall.rate.message).toMatch(/holdout group has no cases/);
    for (const c of lift.overall.currencies) expect(c.incremental.status).toBe("unavailable");
    expect(lift.notices.join(" ")).toMatch(/No case opened in this period is in the holdout group/);
    const summary = parseCsv(toCsv(liftSummaryColumns, liftSummaryRows(lift)));
    expect(summary[0]!.result).toBe("unavailable");
    expect(summary[0]!.rate_p_value).toBe("");
    expect(summary[0]!.notes).toMatch(/holdout group has no cases/);
  });

  it("zero recoveries: the rate test is undefined (p = 1) and revenue has no variation, said in words", async () => {
    const w = await seedWorkspace("Nothing recovered");
    await insertCases(
      w.workspace.id,
      history(w, 5, 80).map((c) => ({ ...c, status: "lost" as const, closedAt: c.openedAt, recoveredAmount: null, recoveredVia: null })),
    );
    const lift = await report(w.workspace, { preset: "90d" });
    expect(lift.overall.rate.status).toBe("degenerate");
    if (lift.overall.rate.status === "degenerate") expect(lift.overall.rate.pValue).toBe(1);
    expect(lift.overall.rate.message).toMatch(/No case in either group was recovered/);
    const usd = lift.overall.currencies.find((c) => c.currency === "USD")!;
    expect(usd.incremental.status).toBe("unavailable");
    expect(usd.incremental.reason).toBe("no-variation");
    expect(usd.incremental.amount).toBe(0);
  });

  it("small groups carry the too-small warning", async () => {
    const w = await seedWorkspace("Tiny");
    await insertCases(w.workspace.id, history(w, 9, 12));
    const lift = await report(w.workspace, { preset: "90d" });
    expect(lift.overall.warnings.some((x) => x.code === "small-group")).toBe(true);
    const summary = parseCsv(toCsv(liftSummaryColumns, liftSummaryRows(lift)));
    expect(summary[0]!.too_small_to_conclude).toBe("true");
    expect(summary[0]!.notes).toMatch(/too uncertain to conclude anything/);
  });
});

// Sanity of the fixture itself: the key test is only as good as the history it runs on.
it("the seeded history has both cohorts, several sequences and currencies, and open cases", () => {
  const cohorts = new Set(seededCases.map((c) => c.cohort));
  expect(cohorts).toEqual(new Set(["treatment", "holdout"]));
  expect(new Set(seededCases.map((c) => c.versionId)).size).toBe(3);
  expect(new Set(seededCases.map((c) => c.currency))).toEqual(new Set(["usd", "eur", "gbp"]));
  expect(seededCases.filter((c) => c.cohort === "holdout" && c.status === "recovered").length).toBeGreaterThanOrEqual(5);
  expect(seededCases.some((c) => c.status === "open")).toBe(true);
});
