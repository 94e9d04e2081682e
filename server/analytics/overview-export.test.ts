/**
 * Every figure of the Overview, recomputed from its exported case rows (the CSV
 * file, parsed back), for a seeded sandbox history, on PGlite or Postgres
 * (TEST_DATABASE_URL). The recomputation below is written from the page's
 * definitions, independently of overview.ts's SQL.
 */
import crypto from "node:crypto";
import { parse } from "csv-parse/sync";
import { and, eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { outboxMessages, paymentAttempts, recoveryCases, workspaces, type Workspace } from "@/server/db/schema";
import { createWorkspace } from "@/server/queries/workspaces";
import { DAY } from "@/server/recovery/clock";
import { setSandboxClock } from "@/server/recovery/context";
import { seedHistory } from "@/server/seed/history";
import { createTestUser, openTestDatabase } from "@/server/testing/database";
import { collectCsv, parseMajorUnits } from "./csv";
import { attemptSourceOrder, getOverview, MAX_DAILY_BUCKETS, RECENT_LIMIT, type Overview } from "./overview";
import { attemptOutcomes, overviewCaseColumns, overviewCaseRowBatches } from "./overview-export";
import type { PeriodInput } from "./period";
import { resolvePeriod } from "./period";
import type { ReportScope } from "./scope";

const database = await openTestDatabase();
const db = database.db;
const NOW = new Date("2026-05-20T15:30:00Z");

let workspace: Workspace;

beforeAll(async () => {
  const owner = await createTestUser(database, "overview-export");
  workspace = await createWorkspace(db, { name: `Export ${crypto.randomBytes(3).toString("hex")}`, ownerId: owner.id });
  await setSandboxClock(db, workspace.id, NOW);
  await seedHistory(db, { workspaceId: workspace.id, months: 4, cases: 700, seed: "overview-export" });
}, 180_000);

// ---------------------------------------------------------------------------
// The file, parsed back
// ---------------------------------------------------------------------------

type FileRow = {
  caseId: string;
  threadId: string;
  customerId: string;
  cohort: string;
  status: string;
  stage: string;
  currency: string;
  amount: number;
  recoveredAmount: number;
  openedAt: number;
  closedAt: number | null;
  emailsSoFar: number;
  attempts: Record<string, number>;
  emailsSent: number;
  emailsOpened: number;
  emailsClicked: number;
};

async function exportedRows(scope: ReportScope): Promise<FileRow[]> {
  const text = await collectCsv(overviewCaseColumns, overviewCaseRowBatches(db, scope, 97));
  const records = parse(text.replace(/^\uFEFF/, ""), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return records.map((r) => {
    const currency = r.currency!;
    const attempts: Record<string, number> = {};
    for (const source of attemptSourceOrder) {
      for (const outcome of attemptOutcomes) attempts[`${source}:${outcome}`] = Number(r[`attempts_in_period_${source}_${outcome}`]);
    }
    return {
      caseId: r.case_id!,
      threadId: r.thread_id!,
      customerId: r.customer_id!,
      cohort: r.cohort!,
      status: r.status!,
      stage: r.stage!,
      currency: currency.toLowerCase(),
      amount: Number(parseMajorUnits(r.invoice_amount!, currency)),
      recoveredAmount: Number(parseMajorUnits(r.recovered_amount!, currency)),
      openedAt: Date.parse(r.opened_at!),
      closedAt: r.closed_at ? Date.parse(r.closed_at) : null,
      emailsSoFar: Number(r.thread_emails_so_far),
      attempts,
      emailsSent: Number(r.thread_emails_sent_in_period),
      emailsOpened: Number(r.thread_emails_opened),
      emailsClicked: Number(r.thread_emails_clicked),
    };
  });
}

// ---------------------------------------------------------------------------
// The Overview's definitions, applied to the rows
// ---------------------------------------------------------------------------

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

function recompute(rows: FileRow[], scope: ReportScope) {
  const from = scope.period.from.getTime();
  const to = scope.period.to.getTime();
  const prevFrom = scope.period.previous.from.getTime();
  const now = scope.now.getTime();
  const within = (t: number | null, a: number, b: number) => t !== null && t >= a && t < b;
  const open = rows.filter((r) => r.status === "open");
  const closedInPeriod = rows.filter((r) => within(r.closedAt, from, to));
  const openedInPeriod = rows.filter((r) => within(r.openedAt, from, to));

  const activity = new Map<string, number>();
  for (const r of rows) {
    const n = (r.closedAt !== null && r.closedAt >= prevFrom ? 1 : 0) + (r.openedAt >= from ? 1 : 0) + (r.status === "open" ? 1 : 0);
    if (n > 0) activity.set(r.currency, (activity.get(r.currency) ?? 0) + n);
  }
  const currencies = [...activity.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c);

  const recovered = currencies.flatMap((currency) => {
    const now = closedInPeriod.filter((r) => r.currency === currency && r.status === "recovered");
    const before = rows.filter((r) => r.currency === currency && r.status === "recovered" && within(r.closedAt, prevFrom, from));
    if (now.length === 0 && before.length === 0) return [];
    return [
      {
        currency,
        amount: sum(now.map((r) => r.recoveredAmount)),
        cases: now.length,
        holdoutAmount: sum(now.filter((r) => r.cohort === "holdout").map((r) => r.recoveredAmount)),
        previousAmount: sum(before.map((r) => r.recoveredAmount)),
        previousCases: before.length,
      },
    ];
  });

  const stepOf = (r: FileRow) =>
    r.cohort === "holdout" ? "holdout" : r.stage === "grace" ? "grace" : r.stage === "final" ? "final" : `emails:${r.emailsSoFar}`;
  const atRisk = currencies.flatMap((currency) => {
    const of = open.filter((r) => r.currency === currency);
    if (of.length === 0) return [];
    const steps: Record<string, { cases: number; amount: number }> = {};
    for (const r of of) {
      const step = (steps[stepOf(r)] ??= { cases: 0, amount: 0 });
      step.cases += 1;
      step.amount += r.amount;
    }
    return [{ currency, cases: of.length, amount: sum(of.map((r) => r.amount)), steps }];
  });

  const closed = { recovered: 0, lost: 0, silenced: 0, cancelled: 0, total: closedInPeriod.length };
  for (const r of closedInPeriod) closed[r.status as keyof typeof closed] += 1;

  const attempt = (source: string, outcome: string) => sum(rows.map((r) => r.attempts[`${source}:${outcome}`] ?? 0));
  const bySource = attemptSourceOrder
    .map((source) => ({
      source,
      succeeded: attempt(source, "succeeded"),
      failed: attempt(source, "failed"),
      requiresAction: attempt(source, "requires_action"),
    }))
    .map((b) => ({ ...b, total: b.succeeded + b.failed + b.requiresAction }))
    .filter((b) => b.total > 0);
  const retries = bySource.filter((b) => b.source !== "initial");

  const threads = new Map<string, FileRow>();
  for (const r of rows) threads.set(r.threadId, r);
  const emails = {
    sent: sum([...threads.values()].map((r) => r.emailsSent)),
    opened: sum([...threads.values()].map((r) => r.emailsOpened)),
    clicked: sum([...threads.values()].map((r) => r.emailsClicked)),
  };

  const newest = (statuses: string[]) =>
    closedInPeriod
      .filter((r) => statuses.includes(r.status))
      .sort((a, b) => b.closedAt! - a.closedAt! || (a.caseId < b.caseId ? 1 : a.caseId > b.caseId ? -1 : 0))
      .slice(0, RECENT_LIMIT)
      .map((r) => r.caseId);

  // At risk at the end of a bucket: cases opened before that moment and not closed by then. The
  // bucket holding now ends in the future: nothing has closed there yet, so that is what is open now.
  const size = scope.period.days > MAX_DAILY_BUCKETS ? 7 * DAY : DAY;
  const series = currencies.map((currency) => {
    const of = rows.filter((r) => r.currency === currency);
    const points = [];
    for (let start = from; start < to; start += size) {
      const end = Math.min(start + size, to);
      if (start > now) {
        points.push({ recovered: null, atRisk: null });
        continue;
      }
      points.push({
        recovered: sum(of.filter((r) => r.status === "recovered" && within(r.closedAt, start, end)).map((r) => r.recoveredAmount)),
        atRisk: sum(of.filter((r) => r.openedAt < end && (r.closedAt === null || r.closedAt >= end)).map((r) => r.amount)),
      });
    }
    return { currency, points };
  });

  return {
    currencies,
    recovered,
    atRisk,
    closed,
    opened: openedInPeriod.length,
    stillOpen: openedInPeriod.filter((r) => r.status === "open").length,
    active: { cases: open.length, customers: new Set(open.map((r) => r.customerId)).size, holdoutCases: open.filter((r) => r.cohort === "holdout").length },
    attempts: {
      total: sum(retries.map((b) => b.total)),
      succeeded: sum(retries.map((b) => b.succeeded)),
      failedRenewals: bySource.find((b) => b.source === "initial")?.failed ?? 0,
      bySource,
    },
    emails,
    recentRecoveries: newest(["recovered"]),
    recentFailures: newest(["lost", "silenced", "cancelled"]),
    series,
  };
}

function expectSame(o: Overview, rows: FileRow[], scope: ReportScope) {
  const r = recompute(rows, scope);
  expect(o.currencies).toEqual(r.currencies);
  expect(o.recovered.map(({ change: _change, ...x }) => x)).toEqual(r.recovered);
  expect(
    o.atRisk.map((a) => ({ currency: a.currency, cases: a.cases, amount: a.amount, steps: Object.fromEntries(a.steps.map((s) => [s.key, { cases: s.cases, amount: s.amount }])) })),
  ).toEqual(r.atRisk);
  expect(o.recoveryRate.closed).toEqual(r.closed);
  expect(o.recoveryRate.opened).toBe(r.opened);
  expect(o.recoveryRate.stillOpen).toBe(r.stillOpen);
  expect(o.active).toEqual(r.active);
  expect(o.attempts).toEqual(r.attempts);
  expect({ sent: o.emails.sent, opened: o.emails.opened, clicked: o.emails.clicked }).toEqual(r.emails);
  expect(o.recentRecoveries.map((c) => c.id)).toEqual(r.recentRecoveries);
  expect(o.recentFailures.map((c) => c.id)).toEqual(r.recentFailures);
  expect(o.series.currencies.map((c) => ({ currency: c.currency, points: c.points.map((p) => ({ recovered: p.recovered, atRisk: p.atRisk })) }))).toEqual(
    r.series,
  );
}

async function scopeFor(input: PeriodInput, livemode = false, now = NOW): Promise<ReportScope> {
  return { workspaceId: workspace.id, livemode, now, period: resolvePeriod(input, now) };
}

describe("the Overview's case rows export", () => {
  const periods: [string, PeriodInput][] = [
    ["the last 7 days", { preset: "7d" }],
    ["the last 30 days", { preset: "30d" }],
    ["the last 90 days (charted per day)", { preset: "90d" }],
    ["the last 365 days (charted per week, mostly before the history)", { preset: "365d" }],
    ["a past range, whose at-risk series needs the cases closed after it", { from: "2026-03-01", to: "2026-03-31" }],
  ];

  it.each(periods)("recomputes every figure for %s", async (_label, input) => {
    const scope = await scopeFor(input);
    const [overview, rows] = await Promise.all([getOverview(db, scope), exportedRows(scope)]);
    // The seeded history gives every figure something to count.
    expect(rows.length).toBeGreaterThan(0);
    if ("preset" in input && input.preset !== "7d") {
      expect(overview.recovered.length).toBeGreaterThan(0);
      expect(overview.attempts.total).toBeGreaterThan(0);
      expect(overview.emails.sent).toBeGreaterThan(0);
      expect(overview.emails.opened).toBeGreaterThan(0);
      expect(overview.recentFailures.length).toBeGreaterThan(0);
    }
    expect(overview.active.cases).toBeGreaterThan(0);
    expectSame(overview, rows, scope);
  });

  it("holds only the cases the Overview counts, once each, in opened order", async () => {
    const scope = await scopeFor({ preset: "30d" });
    const rows = await exportedRows(scope);
    expect(new Set(rows.map((r) => r.caseId)).size).toBe(rows.length);
    const opened = rows.map((r) => r.openedAt);
    expect(opened).toEqual([...opened].sort((a, b) => a - b));
    const all = await db.select().from(recoveryCases).where(eq(recoveryCases.workspaceId, workspace.id));
    const counted = all.filter(
      (c) =>
        c.status === "open" ||
        (c.closedAt !== null && c.closedAt >= scope.period.previous.from) ||
        c.openedAt >= scope.period.from,
    );
    expect(rows.map((r) => r.caseId).sort()).toEqual(counted.map((c) => c.id).sort());
    expect(counted.length).toBeLessThan(all.length);
  });

  it("keeps to the scope's mode, and recomputes a live workspace's figures", async () => {
    const sandboxScope = await scopeFor({ preset: "30d" });
    expect(await exportedRows({ ...sandboxScope, livemode: true })).toEqual([]);

    // The same history as a workspace's live history.
    const owner = await createTestUser(database, "overview-export-live");
    const live = await createWorkspace(db, { name: `Live ${crypto.randomBytes(3).toString("hex")}`, ownerId: owner.id });
    await setSandboxClock(db, live.id, NOW);
    await seedHistory(db, { workspaceId: live.id, months: 2, cases: 200, seed: "overview-export-live" });
    await db.update(workspaces).set({ mode: "live" }).where(eq(workspaces.id, live.id));
    await db.update(recoveryCases).set({ livemode: true }).where(eq(recoveryCases.workspaceId, live.id));
    // Its attempts and dunning emails take the mode with their cases, as the domain writes them.
    await db.update(paymentAttempts).set({ livemode: true }).where(eq(paymentAttempts.workspaceId, live.id));
    await db.update(outboxMessages).set({ livemode: true }).where(and(eq(outboxMessages.workspaceId, live.id), eq(outboxMessages.kind, "dunning")));
    const scope: ReportScope = { workspaceId: live.id, livemode: true, now: NOW, period: resolvePeriod({ preset: "30d" }, NOW) };
    const [overview, rows] = await Promise.all([getOverview(db, scope), exportedRows(scope)]);
    expect(overview.emails.sent).toBeGreaterThan(0);
    expectSame(overview, rows, scope);
    const sandboxIds = new Set((await exportedRows(sandboxScope)).map((r) => r.caseId));
    expect(rows.filter((r) => sandboxIds.has(r.caseId))).toEqual([]);
  });
});
