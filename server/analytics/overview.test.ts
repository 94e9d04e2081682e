import crypto from "node:crypto";
import { eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createCaller } from "@/server/api/root";
import {
  customers,
  dunningThreads,
  invoices,
  outboxMessages,
  paymentAttempts,
  recoveryCases,
  timelineEvents,
  workspaces,
  type CaseStatus,
  type RecoveryCase,
  type Workspace,
} from "@/server/db/schema";
import { createWorkspace } from "@/server/queries/workspaces";
import { setSandboxClock } from "@/server/recovery/context";
import { getActiveSequenceVersion } from "@/server/recovery/sequences";
import { createTestUser, openTestDatabase, testContext } from "@/server/testing/database";
import type { ContextUser } from "@/server/api/trpc";
import { getOverview, seriesBuckets, type Overview } from "./overview";
import { resolvePeriod, type PeriodInput } from "./period";
import { reportScope, type ReportScope } from "./scope";

const database = await openTestDatabase();
const db = database.db;
const hex = () => crypto.randomBytes(5).toString("hex");
const t = (iso: string) => new Date(iso);

// The period under test: 1 to 10 March 2026 (UTC days), looked at on 12 March.
const PERIOD: PeriodInput = { from: "2026-03-01", to: "2026-03-10" };
const NOW = t("2026-03-12T09:00:00Z");
const FROM = t("2026-03-01T00:00:00Z");
const TO = t("2026-03-11T00:00:00Z");

// ---------------------------------------------------------------------------------------------
// Fixture builders: rows as the recovery domain writes them.

type Thread = { threadId: string; customerId: string; livemode: boolean };

async function newThread(ws: Workspace, opts: { livemode: boolean; cohort: "treatment" | "holdout"; openedAt: Date }): Promise<Thread> {
  const version = await getActiveSequenceVersion(db, ws.id);
  const [customer] = await db
    .insert(customers)
    .values({
      workspaceId: ws.id,
      provider: opts.livemode ? "stripe" : "sandbox",
      externalId: `cus_${hex()}`,
      email: `${hex()}@example.com`,
      name: `Customer ${hex()}`,
      cohort: opts.cohort,
    })
    .returning();
  const [thread] = await db
    .insert(dunningThreads)
    .values({ workspaceId: ws.id, customerId: customer!.id, sequenceVersionId: version.id, cohort: opts.cohort, openedAt: opts.openedAt })
    .returning();
  return { threadId: thread!.id, customerId: customer!.id, livemode: opts.livemode };
}

type CaseSpec = {
  currency: string;
  amount: number;
  openedAt: string;
  status?: CaseStatus;
  closedAt?: string;
  recoveredAmount?: number;
  cohort?: "treatment" | "holdout";
  stage?: "past_due" | "grace" | "final";
  livemode?: boolean;
  thread?: Thread;
};

async function newCase(ws: Workspace, spec: CaseSpec) {
  const livemode = spec.livemode ?? ws.mode === "live";
  const cohort = spec.cohort ?? "treatment";
  const thread = spec.thread ?? (await newThread(ws, { livemode, cohort, openedAt: t(spec.openedAt) }));
  const version = await getActiveSequenceVersion(db, ws.id);
  const status = spec.status ?? "open";
  const [invoice] = await db
    .insert(invoices)
    .values({
      workspaceId: ws.id,
      customerId: thread.customerId,
      provider: livemode ? "stripe" : "sandbox",
      externalId: `in_${hex()}`,
      number: `INV-${hex().toUpperCase()}`,
      amountDue: spec.amount,
      currency: spec.currency,
    })
    .returning();
  const [row] = await db
    .insert(recoveryCases)
    .values({
      workspaceId: ws.id,
      threadId: thread.threadId,
      customerId: thread.customerId,
      invoiceId: invoice!.id,
      sequenceVersionId: version.id,
      cohort,
      status,
      stage: spec.stage ?? "past_due",
      declineCategory: "soft",
      declineKind: "insufficient_funds",
      declineCode: "insufficient_funds",
      amount: spec.amount,
      currency: spec.currency,
      livemode,
      openedAt: t(spec.openedAt),
      closedAt: spec.closedAt ? t(spec.closedAt) : null,
      recoveredAmount: status === "recovered" ? (spec.recoveredAmount ?? spec.amount) : null,
      recoveredVia: status === "recovered" ? "reclaim_retry" : null,
    })
    .returning();
  return { ...row!, thread };
}

async function attempt(
  ws: Workspace,
  caseId: string,
  source: "initial" | "reclaim_retry" | "provider_retry" | "card_update",
  outcome: "succeeded" | "failed" | "requires_action",
  at: string,
) {
  const [{ livemode } = { livemode: false }] = await db.select({ livemode: recoveryCases.livemode }).from(recoveryCases).where(eq(recoveryCases.id, caseId));
  await db.insert(paymentAttempts).values({ workspaceId: ws.id, caseId, source, outcome, dedupeKey: `test:${hex()}`, at: t(at), livemode });
}

/**
 * A dunning email as the domain records it: the outbox row (created at real
 * time, sent at the workspace's time, with its thread's mode) and the thread's
 * `email_sent` timeline entry (at the workspace's time), counted on the thread
 * (`emails_sent`).
 */
async function email(
  ws: Workspace,
  thread: Thread,
  opts: { at: string; createdAt?: string; opened?: string; clicked?: string; kind?: string },
) {
  const sentAt = t(opts.at);
  const [message] = await db
    .insert(outboxMessages)
    .values({
      workspaceId: ws.id,
      transport: "outbox",
      idempotencyKey: `test:${hex()}`,
      kind: opts.kind ?? "dunning",
      to: "customer@example.com",
      from: "Reclaim <no-reply@reclaim.local>",
      subject: "Your payment failed",
      html: "<p>Hello</p>",
      text: "Hello",
      metadata: { threadId: thread.threadId, step: "1/6" },
      livemode: (opts.kind ?? "dunning") === "dunning" ? thread.livemode : null,
      trackingId: hex(),
      firstOpenedAt: opts.opened ? t(opts.opened) : null,
      openCount: opts.opened ? 1 : 0,
      firstClickedAt: opts.clicked ? t(opts.clicked) : null,
      clickCount: opts.clicked ? 1 : 0,
      // In a live workspace the outbox row is written milliseconds after the timeline's clock was read.
      createdAt: opts.createdAt ? t(opts.createdAt) : new Date(sentAt.getTime() + 5),
      sentAt: (opts.kind ?? "dunning") === "dunning" ? sentAt : null,
    })
    .returning();
  if ((opts.kind ?? "dunning") === "dunning") {
    await db.insert(timelineEvents).values({
      workspaceId: ws.id,
      threadId: thread.threadId,
      at: sentAt,
      actor: "reclaim",
      kind: "email_sent",
      summary: "Email sent",
      outcome: "sent",
      data: { messageId: message!.id },
      dedupeKey: `email:${hex()}`,
    });
    await db
      .update(dunningThreads)
      .set({ emailsSent: sql`${dunningThreads.emailsSent} + 1` })
      .where(eq(dunningThreads.id, thread.threadId));
  }
  return message!;
}

// ---------------------------------------------------------------------------------------------
// A hand-built history with known answers.

let user: ContextUser;
let live: Workspace;
let other: Workspace;
let sandbox: Workspace;
let empty: Workspace;
const c: Record<string, Awaited<ReturnType<typeof newCase>>> = {};

const liveScope = (): ReportScope => ({ workspaceId: live.id, livemode: true, now: NOW, period: resolvePeriod(PERIOD, NOW) });

beforeAll(async () => {
  user = await createTestUser(database, "overview");
  const make = async (name: string, mode: "live" | "sandbox") => {
    const ws = await createWorkspace(db, { name: `${name} ${hex()}`, ownerId: user.id });
    if (mode === "live") await db.update(workspaces).set({ mode: "live" }).where(eq(workspaces.id, ws.id));
    return { ...ws, mode };
  };
  live = await make("Overview live", "live");
  other = await make("Overview other", "live");
  sandbox = await make("Overview sandbox", "sandbox");
  empty = await make("Overview empty", "sandbox");

  // Live cases of the live workspace.
  c.c1 = await newCase(live, {
    currency: "usd",
    amount: 5000,
    openedAt: "2026-02-25T10:00:00Z",
    status: "recovered",
    closedAt: "2026-03-01T00:00:00.000Z",
  });
  c.c2 = await newCase(live, {
    currency: "usd",
    amount: 3000,
    openedAt: "2026-03-02T10:00:00Z",
    status: "recovered",
    closedAt: "2026-03-05T12:00:00Z",
  });
  c.c3 = await newCase(live, {
    currency: "usd",
    amount: 2000,
    openedAt: "2026-03-03T09:00:00Z",
    status: "recovered",
    closedAt: "2026-03-04T15:00:00Z",
    cohort: "holdout",
  });
  c.c4 = await newCase(live, {
    currency: "eur",
    amount: 10000,
    openedAt: "2026-02-20T10:00:00Z",
    status: "recovered",
    closedAt: "2026-02-25T10:00:00Z",
  });
  c.c5 = await newCase(live, {
    currency: "eur",
    amount: 4000,
    recoveredAmount: 3900,
    openedAt: "2026-03-01T00:00:00.000Z",
    status: "recovered",
    closedAt: "2026-03-06T10:00:00Z",
  });
  c.c6 = await newCase(live, {
    currency: "usd",
    amount: 7000,
    openedAt: "2026-02-10T10:00:00Z",
    status: "lost",
    stage: "final",
    closedAt: "2026-03-08T10:00:00Z",
  });
  c.c7 = await newCase(live, {
    currency: "usd",
    amount: 1000,
    openedAt: "2026-03-04T08:00:00Z",
    status: "silenced",
    closedAt: "2026-03-04T08:00:00Z",
  });
  c.c8 = await newCase(live, { currency: "gbp", amount: 2500, openedAt: "2026-03-09T08:00:00Z" });
  // Same customer as c2: one thread, so c9 has had c2's emails.
  c.c9 = await newCase(live, { currency: "usd", amount: 6000, openedAt: "2026-03-06T10:00:00Z", thread: c.c2.thread });
  c.c10 = await newCase(live, { currency: "usd", amount: 1500, openedAt: "2026-03-07T10:00:00Z", cohort: "holdout" });
  c.c11 = await newCase(live, { currency: "usd", amount: 8000, openedAt: "2026-02-05T10:00:00Z", stage: "grace" });
  c.c12 = await newCase(live, {
    currency: "jpy",
    amount: 1200,
    openedAt: "2026-03-02T10:00:00Z",
    status: "recovered",
    closedAt: "2026-03-11T00:00:00.000Z",
  });
  c.c13 = await newCase(live, { currency: "usd", amount: 900, openedAt: "2026-03-11T00:00:00.000Z" });
  c.c14 = await newCase(live, {
    currency: "eur",
    amount: 3000,
    openedAt: "2026-03-05T10:00:00Z",
    status: "cancelled",
    closedAt: "2026-03-07T10:00:00Z",
  });
  c.c15 = await newCase(live, {
    currency: "usd",
    amount: 2200,
    openedAt: "2026-02-15T10:00:00Z",
    status: "recovered",
    closedAt: "2026-02-19T00:00:00.000Z",
  });
  c.c16 = await newCase(live, {
    currency: "usd",
    amount: 400,
    openedAt: "2026-02-15T10:00:00Z",
    status: "recovered",
    closedAt: "2026-02-18T23:59:59.999Z",
  });
  c.c17 = await newCase(live, {
    currency: "cad",
    amount: 1000,
    openedAt: "2026-03-03T10:00:00Z",
    status: "recovered",
    closedAt: "2026-03-08T10:00:00Z",
  });
  c.c18 = await newCase(live, {
    currency: "chf",
    amount: 500,
    openedAt: "2026-02-19T10:00:00Z",
    status: "recovered",
    closedAt: "2026-02-27T10:00:00Z",
  });

  // Sandbox history the live workspace kept from before it went live: never in its live figures.
  c.s1 = await newCase(live, {
    currency: "usd",
    amount: 99999,
    openedAt: "2026-03-02T10:00:00Z",
    status: "recovered",
    closedAt: "2026-03-05T10:00:00Z",
    livemode: false,
  });
  c.s2 = await newCase(live, { currency: "usd", amount: 88888, openedAt: "2026-03-02T10:00:00Z", livemode: false });
  // Another workspace, same shapes: never counted.
  c.o1 = await newCase(other, {
    currency: "usd",
    amount: 77777,
    openedAt: "2026-03-02T10:00:00Z",
    status: "recovered",
    closedAt: "2026-03-05T10:00:00Z",
  });
  c.o2 = await newCase(other, { currency: "usd", amount: 66666, openedAt: "2026-03-02T10:00:00Z" });

  // Attempts: 8 in the period (3 renewal charges, 5 after), 3 outside it, and others' never.
  await attempt(live, c.c1.id, "initial", "failed", "2026-02-25T10:00:00Z");
  await attempt(live, c.c1.id, "reclaim_retry", "succeeded", "2026-03-01T00:00:00.000Z");
  await attempt(live, c.c2.id, "initial", "failed", "2026-03-02T10:00:00Z");
  await attempt(live, c.c2.id, "reclaim_retry", "failed", "2026-03-03T10:00:00Z");
  await attempt(live, c.c2.id, "card_update", "succeeded", "2026-03-05T12:00:00Z");
  await attempt(live, c.c6.id, "provider_retry", "failed", "2026-03-02T10:00:00Z");
  await attempt(live, c.c6.id, "reclaim_retry", "requires_action", "2026-03-07T10:00:00Z");
  await attempt(live, c.c9.id, "initial", "failed", "2026-03-06T10:00:00Z");
  await attempt(live, c.c12.id, "initial", "failed", "2026-03-02T10:00:00Z");
  await attempt(live, c.c12.id, "reclaim_retry", "succeeded", "2026-03-11T00:00:00.000Z");
  await attempt(live, c.c13.id, "initial", "failed", "2026-03-11T00:00:00.000Z");
  await attempt(live, c.s1.id, "reclaim_retry", "succeeded", "2026-03-05T10:00:00Z");
  await attempt(other, c.o1.id, "reclaim_retry", "succeeded", "2026-03-05T10:00:00Z");

  // Emails: 6 sent in the period, 3 opened, 2 clicked.
  await email(live, c.c8.thread, { at: "2026-03-09T10:00:00Z", opened: "2026-03-09T12:00:00Z", clicked: "2026-03-09T12:05:00Z" });
  await email(live, c.c8.thread, { at: "2026-03-10T10:00:00Z", opened: "2026-03-10T18:00:00Z" });
  await email(live, c.c2.thread, { at: "2026-03-02T10:00:00Z" });
  await email(live, c.c2.thread, { at: "2026-03-04T10:00:00Z", opened: "2026-03-04T11:00:00Z", clicked: "2026-03-05T11:59:00Z" });
  await email(live, c.c6.thread, { at: "2026-03-10T23:59:59.000Z" });
  await email(live, c.c1.thread, { at: "2026-03-11T00:00:00.000Z", createdAt: "2026-03-11T00:00:00.000Z", opened: "2026-03-11T01:00:00Z" });
  for (const day of ["05", "10", "15", "20", "25"])
    await email(live, c.c11.thread, { at: `2026-02-${day}T10:00:00Z`, opened: `2026-02-${day}T11:00:00Z` });
  await email(live, c.c11.thread, { at: "2026-03-01T00:00:00.000Z", createdAt: "2026-03-01T00:00:00.000Z" });
  await email(live, c.c8.thread, { at: "2026-03-05T10:00:00Z", kind: "receipt" });
  await email(live, c.s1.thread, { at: "2026-03-05T10:00:00Z", opened: "2026-03-05T11:00:00Z", clicked: "2026-03-05T11:00:00Z" });
  await email(other, c.o2.thread, { at: "2026-03-05T10:00:00Z", opened: "2026-03-05T11:00:00Z", clicked: "2026-03-05T11:00:00Z" });

  // The sandbox workspace, on its test clock.
  await setSandboxClock(db, sandbox.id, t("2026-03-10T12:00:00Z"));
  c.x1 = await newCase(sandbox, {
    currency: "usd",
    amount: 1000,
    openedAt: "2026-03-04T10:00:00Z",
    status: "recovered",
    closedAt: "2026-03-05T10:00:00Z",
  });
  c.x2 = await newCase(sandbox, { currency: "usd", amount: 2000, openedAt: "2026-02-20T10:00:00Z" });
  // Sent on the test clock in the period, written to the outbox at an unrelated real time: counted.
  await email(sandbox, c.x2.thread, { at: "2026-03-06T10:00:00Z", createdAt: "2026-11-22T08:00:00Z", opened: "2026-03-06T12:00:00Z" });
  // Sent on the test clock before the period, although its outbox row's real time falls inside it: not counted.
  await email(sandbox, c.x2.thread, { at: "2026-02-20T10:00:00Z", createdAt: "2026-03-05T10:00:00Z", opened: "2026-02-20T11:00:00Z" });
});

// ---------------------------------------------------------------------------------------------
// The same figures recomputed from the case rows alone (as exported), the direct way.

function fromCaseRows(rows: RecoveryCase[], scope: ReportScope) {
  const { from, to, previous } = scope.period;
  const mine = rows.filter((r) => r.workspaceId === scope.workspaceId && r.livemode === scope.livemode);
  const within = (d: Date | null, a: Date, b: Date) => d !== null && d >= a && d < b;
  const currencies = [...new Set(mine.map((r) => r.currency))];
  const sum = (list: RecoveryCase[], f: (r: RecoveryCase) => number) => list.reduce((s, r) => s + f(r), 0);
  const recovered = currencies
    .map((currency) => {
      const rec = mine.filter((r) => r.currency === currency && r.status === "recovered");
      const now = rec.filter((r) => within(r.closedAt, from, to));
      const before = rec.filter((r) => within(r.closedAt, previous.from, previous.to));
      return {
        currency,
        amount: sum(now, (r) => r.recoveredAmount ?? 0),
        cases: now.length,
        holdoutAmount: sum(
          now.filter((r) => r.cohort === "holdout"),
          (r) => r.recoveredAmount ?? 0,
        ),
        previousAmount: sum(before, (r) => r.recoveredAmount ?? 0),
        previousCases: before.length,
      };
    })
    .filter((r) => r.cases > 0 || r.previousCases > 0);
  const open = mine.filter((r) => r.status === "open");
  const atRisk = currencies
    .map((currency) => ({
      currency,
      amount: sum(
        open.filter((r) => r.currency === currency),
        (r) => r.amount,
      ),
      cases: open.filter((r) => r.currency === currency).length,
    }))
    .filter((r) => r.cases > 0);
  const closed = mine.filter((r) => within(r.closedAt, from, to));
  const opened = mine.filter((r) => within(r.openedAt, from, to));
  const { buckets } = seriesBuckets(scope.period);
  const series = currencies.map((currency) => ({
    currency,
    points: buckets.map((b) => {
      const mineC = mine.filter((r) => r.currency === currency);
      const future = b.start > scope.now;
      return {
        start: b.start,
        end: b.end,
        recovered: future
          ? null
          : sum(
              mineC.filter((r) => r.status === "recovered" && within(r.closedAt, b.start, b.end)),
              (r) => r.recoveredAmount ?? 0,
            ),
        atRisk: future
          ? null
          : sum(
              mineC.filter((r) => r.openedAt < b.end && (r.closedAt === null || r.closedAt >= b.end)),
              (r) => r.amount,
            ),
      };
    }),
  }));
  return {
    recovered,
    atRisk,
    closed: {
      recovered: closed.filter((r) => r.status === "recovered").length,
      lost: closed.filter((r) => r.status === "lost").length,
      silenced: closed.filter((r) => r.status === "silenced").length,
      cancelled: closed.filter((r) => r.status === "cancelled").length,
      total: closed.length,
    },
    opened: opened.length,
    stillOpen: opened.filter((r) => r.status === "open").length,
    active: {
      cases: open.length,
      customers: new Set(open.map((r) => r.customerId)).size,
      holdoutCases: open.filter((r) => r.cohort === "holdout").length,
    },
    series,
  };
}

const byCurrency = <T extends { currency: string }>(list: T[]) => [...list].sort((a, b) => a.currency.localeCompare(b.currency));

/** Every number anywhere in the overview is finite (no NaN, no Infinity). */
function allFinite(value: unknown): boolean {
  if (typeof value === "number") return Number.isFinite(value);
  if (value instanceof Date) return !Number.isNaN(value.getTime());
  if (Array.isArray(value)) return value.every(allFinite);
  if (value && typeof value === "object") return Object.values(value).every(allFinite);
  return true;
}

// ---------------------------------------------------------------------------------------------

describe("overview of a live workspace", () => {
  let o: Overview;
  beforeAll(async () => {
    o = await getOverview(db, liveScope());
  });

  it("recovered revenue per currency, counting a case recovered exactly at the start and not one at the end", () => {
    expect(byCurrency(o.recovered)).toEqual([
      {
        currency: "cad",
        amount: 1000,
        cases: 1,
        holdoutAmount: 0,
        previousAmount: 0,
        previousCases: 0,
        change: { absolute: 1000, percent: null, isNew: true },
      },
      {
        currency: "chf",
        amount: 0,
        cases: 0,
        holdoutAmount: 0,
        previousAmount: 500,
        previousCases: 1,
        change: { absolute: -500, percent: -100, isNew: false },
      },
      {
        currency: "eur",
        amount: 3900,
        cases: 1,
        holdoutAmount: 0,
        previousAmount: 10000,
        previousCases: 1,
        change: { absolute: -6100, percent: -61, isNew: false },
      },
      {
        currency: "usd",
        amount: 10000,
        cases: 3,
        holdoutAmount: 2000,
        previousAmount: 2200,
        previousCases: 1,
        change: { absolute: 7800, percent: (7800 / 2200) * 100, isNew: false },
      },
    ]);
    // The JPY case was recovered at the period's end (exclusive) and in no previous period.
    expect(o.recovered.find((r) => r.currency === "jpy")).toBeUndefined();
  });

  it("revenue at risk now per currency, by dunning step", () => {
    expect(byCurrency(o.atRisk)).toEqual([
      { currency: "gbp", amount: 2500, cases: 1, steps: [{ key: "emails:2", kind: "emails", emails: 2, cases: 1, amount: 2500 }] },
      {
        currency: "usd",
        amount: 16400,
        cases: 4,
        steps: [
          { key: "emails:0", kind: "emails", emails: 0, cases: 1, amount: 900 },
          // c9 shares c2's thread, which has had two emails.
          { key: "emails:2", kind: "emails", emails: 2, cases: 1, amount: 6000 },
          { key: "grace", kind: "grace", emails: null, cases: 1, amount: 8000 },
          { key: "holdout", kind: "holdout", emails: null, cases: 1, amount: 1500 },
        ],
      },
    ]);
  });

  it("recovery rate over every case closed in the period, and the share of opened cases still open", () => {
    expect(o.recoveryRate).toEqual({
      closed: { recovered: 5, lost: 1, silenced: 1, cancelled: 1, total: 8 },
      rate: 5 / 8,
      opened: 10,
      stillOpen: 3,
      stillOpenShare: 3 / 10,
    });
  });

  it("active recoveries", () => {
    expect(o.active).toEqual({ cases: 5, customers: 5, holdoutCases: 1 });
  });

  it("payment attempts in the period, by source", () => {
    expect(o.attempts).toEqual({
      total: 5,
      succeeded: 2,
      failedRenewals: 3,
      bySource: [
        { source: "initial", total: 3, succeeded: 0, failed: 3, requiresAction: 0 },
        { source: "reclaim_retry", total: 3, succeeded: 1, failed: 1, requiresAction: 1 },
        { source: "provider_retry", total: 1, succeeded: 0, failed: 1, requiresAction: 0 },
        { source: "card_update", total: 1, succeeded: 1, failed: 0, requiresAction: 0 },
      ],
    });
  });

  it("email open and click rates of the dunning emails sent in the period", () => {
    expect(o.emails).toEqual({ sent: 6, opened: 3, clicked: 2, openRate: 0.5, clickRate: 2 / 6 });
  });

  it("recent recoveries and failures of the period, newest first", () => {
    expect(o.recentRecoveries.map((r) => r.id)).toEqual([c.c17!.id, c.c5!.id, c.c2!.id, c.c3!.id, c.c1!.id]);
    expect(o.recentFailures.map((r) => [r.id, r.status])).toEqual([
      [c.c6!.id, "lost"],
      [c.c14!.id, "cancelled"],
      [c.c7!.id, "silenced"],
    ]);
    const first = o.recentRecoveries[0]!;
    expect(first).toMatchObject({
      currency: "cad",
      amount: 1000,
      recoveredAmount: 1000,
      recoveredVia: "reclaim_retry",
      status: "recovered",
    });
    expect(first.closedAt).toEqual(t("2026-03-08T10:00:00Z"));
    expect(first.invoiceNumber).toMatch(/^INV-/);
    expect(first.customerName).toMatch(/^Customer /);
  });

  it("daily series: recovered per day and at risk at the end of each day", () => {
    expect(o.series.unit).toBe("day");
    const usd = o.series.currencies.find((s) => s.currency === "usd")!;
    expect(usd.points).toHaveLength(10);
    expect(usd.points[0]!.start).toEqual(FROM);
    expect(usd.points[9]!.end).toEqual(TO);
    expect(usd.points.map((p) => p.recovered)).toEqual([5000, 0, 0, 2000, 3000, 0, 0, 0, 0, 0]);
    expect(usd.points.map((p) => p.atRisk)).toEqual([15000, 18000, 20000, 18000, 15000, 21000, 22500, 15500, 15500, 15500]);
    // JPY: open from 2 March to the period's end.
    const jpy = o.series.currencies.find((s) => s.currency === "jpy")!;
    expect(jpy.points.map((p) => p.atRisk)).toEqual([0, 1200, 1200, 1200, 1200, 1200, 1200, 1200, 1200, 1200]);
    expect(jpy.points.map((p) => p.recovered)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });

  it("every case figure is the same when recomputed from the case rows", async () => {
    const rows = await db.select().from(recoveryCases).where(eq(recoveryCases.workspaceId, live.id));
    const expected = fromCaseRows(rows, liveScope());
    expect(byCurrency(o.recovered).map(({ change: _change, ...r }) => r)).toEqual(byCurrency(expected.recovered));
    expect(byCurrency(o.atRisk).map(({ steps: _steps, ...r }) => r)).toEqual(byCurrency(expected.atRisk));
    for (const a of o.atRisk) {
      expect(a.steps.reduce((s, x) => s + x.amount, 0)).toBe(a.amount);
      expect(a.steps.reduce((s, x) => s + x.cases, 0)).toBe(a.cases);
    }
    expect(o.recoveryRate.closed).toEqual(expected.closed);
    expect(o.recoveryRate.opened).toBe(expected.opened);
    expect(o.recoveryRate.stillOpen).toBe(expected.stillOpen);
    expect(o.active).toEqual(expected.active);
    expect(byCurrency(o.series.currencies)).toEqual(byCurrency(expected.series));
  });

  it("keeps sandbox history and other workspaces out", () => {
    const json = JSON.stringify(o);
    for (const foreign of [c.s1!, c.s2!, c.o1!, c.o2!]) expect(json).not.toContain(foreign.id);
    for (const amount of [99999, 88888, 77777, 66666]) expect(json).not.toContain(String(amount));
    expect(o.currencies.slice().sort()).toEqual(["cad", "chf", "eur", "gbp", "jpy", "usd"]);
    expect(o.currencies[0]).toBe("usd");
    expect(o.hasCases).toBe(true);
  });

  it("the live workspace's sandbox figures are kept apart in their own scope", async () => {
    const s = await getOverview(db, { ...liveScope(), livemode: false });
    expect(s.recovered).toEqual([
      {
        currency: "usd",
        amount: 99999,
        cases: 1,
        holdoutAmount: 0,
        previousAmount: 0,
        previousCases: 0,
        change: { absolute: 99999, percent: null, isNew: true },
      },
    ]);
    expect(s.atRisk.map((a) => [a.currency, a.amount])).toEqual([["usd", 88888]]);
    expect(s.attempts.total).toBe(1);
    // The sandbox leftovers' email was sent on 5 March (in this test, the same time on both clocks).
    expect(s.emails).toMatchObject({ sent: 1, opened: 1, clicked: 1 });
  });

  it("compares with the previous period of the same length", async () => {
    // 19 to 28 February, against 9 to 18 February.
    const before = await getOverview(db, { ...liveScope(), period: resolvePeriod({ from: "2026-02-19", to: "2026-02-28" }, NOW) });
    expect(before.period.previous).toEqual({ from: t("2026-02-09T00:00:00Z"), to: t("2026-02-19T00:00:00Z") });
    expect(byCurrency(before.recovered).map((r) => [r.currency, r.amount, r.previousAmount])).toEqual([
      ["chf", 500, 0],
      ["eur", 10000, 0],
      ["usd", 2200, 400],
    ]);
  });
});

describe("overview of a sandbox workspace", () => {
  it("uses the test clock for the period and the emails' send times", async () => {
    const scope = await reportScope(db, sandbox, { preset: "7d" });
    expect(scope.now).toEqual(t("2026-03-10T12:00:00Z"));
    expect(scope.livemode).toBe(false);
    const o = await getOverview(db, scope);
    expect(o.period.from).toEqual(t("2026-03-04T00:00:00Z"));
    expect(o.period.to).toEqual(t("2026-03-11T00:00:00Z"));
    expect(o.recovered.map((r) => [r.currency, r.amount])).toEqual([["usd", 1000]]);
    expect(o.emails).toEqual({ sent: 1, opened: 1, clicked: 0, openRate: 1, clickRate: 0 });
    expect(o.atRisk).toEqual([
      { currency: "usd", amount: 2000, cases: 1, steps: [{ key: "emails:2", kind: "emails", emails: 2, cases: 1, amount: 2000 }] },
    ]);
    // Open all along, plus the case open from 4 to 5 March; today's point is the test clock's now.
    const usd = o.series.currencies[0]!;
    expect(usd.points.map((p) => p.atRisk)).toEqual([3000, 2000, 2000, 2000, 2000, 2000, 2000]);
  });

  it("is served by overview.summary to a member, in the workspace's own scope", async () => {
    const caller = createCaller(testContext(database, user));
    const o = await caller.overview.summary({ workspaceId: sandbox.id, period: { preset: "7d" } });
    expect(o.scope).toEqual({ workspaceId: sandbox.id, livemode: false, now: t("2026-03-10T12:00:00Z") });
    expect(o.recovered.map((r) => r.amount)).toEqual([1000]);
    const defaulted = await caller.overview.summary({ workspaceId: sandbox.id });
    expect(defaulted.period.days).toBe(30);
  });
});

describe("overview of an empty workspace", () => {
  it("gives zeros and empty lists, never NaN", async () => {
    const o = await getOverview(db, await reportScope(db, empty, { preset: "30d" }));
    expect(o.hasCases).toBe(false);
    expect(o.currencies).toEqual([]);
    expect(o.recovered).toEqual([]);
    expect(o.atRisk).toEqual([]);
    expect(o.recoveryRate).toEqual({
      closed: { recovered: 0, lost: 0, silenced: 0, cancelled: 0, total: 0 },
      rate: null,
      opened: 0,
      stillOpen: 0,
      stillOpenShare: null,
    });
    expect(o.active).toEqual({ cases: 0, customers: 0, holdoutCases: 0 });
    expect(o.attempts).toEqual({ total: 0, succeeded: 0, failedRenewals: 0, bySource: [] });
    expect(o.emails).toEqual({ sent: 0, opened: 0, clicked: 0, openRate: null, clickRate: null });
    expect(o.recentRecoveries).toEqual([]);
    expect(o.recentFailures).toEqual([]);
    expect(o.series).toEqual({ unit: "day", currencies: [] });
    expect(allFinite(o)).toBe(true);
  });

  it("the live workspace's overview has no NaN either", async () => {
    expect(allFinite(await getOverview(db, liveScope()))).toBe(true);
  });
});

describe("seriesBuckets", () => {
  it("charts up to 92 days per day and longer periods per week, the last week cut at the period's end", () => {
    const now = t("2026-03-10T12:00:00Z");
    expect(seriesBuckets(resolvePeriod({ preset: "90d" }, now))).toMatchObject({ unit: "day", count: 90 });
    const year = seriesBuckets(resolvePeriod({ preset: "365d" }, now));
    expect(year).toMatchObject({ unit: "week", count: 53 });
    const last = year.buckets.at(-1)!;
    expect(last.end).toEqual(t("2026-03-11T00:00:00Z"));
    expect(last.end.getTime() - last.start.getTime()).toBe(24 * 60 * 60 * 1000);
  });

  it("weekly series sum to the same recovered revenue as the headline", async () => {
    const o = await getOverview(db, { ...liveScope(), period: resolvePeriod({ from: "2025-12-01", to: "2026-03-10" }, NOW) });
    expect(o.series.unit).toBe("week");
    for (const r of o.recovered) {
      const points = o.series.currencies.find((s) => s.currency === r.currency)!.points;
      expect(points.reduce((s, p) => s + (p.recovered ?? 0), 0)).toBe(r.amount);
    }
    const usd = o.series.currencies.find((s) => s.currency === "usd")!;
    expect(usd.points.at(-1)!.atRisk).toBe(15500);
  });
});
