/**
 * The Analytics page's figures on a small hand-built history with known
 * answers, on PGlite, or on Postgres with TEST_DATABASE_URL: each figure is
 * checked against a value computed by hand, and all of them against the same
 * figures recomputed directly from the raw case rows. Scope isolation (another
 * workspace, the sandbox rows of a live workspace), an empty workspace and a
 * currency absent from a period are covered, and nothing is ever NaN.
 */
import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  customers,
  dunningThreads,
  invoices,
  outboxMessages,
  recoveryCases,
  sequences,
  sequenceVersions,
  workspaces,
  type CaseStatus,
  type RecoveryCase,
  type RecoveryChannel,
  type Workspace,
} from "@/server/db/schema";
import { createWorkspace } from "@/server/queries/workspaces";
import { dunningMessageKey } from "@/server/recovery/actions";
import { DAY } from "@/server/recovery/clock";
import { setSandboxClock } from "@/server/recovery/context";
import { defaultPolicy } from "@/server/recovery/policy";
import { getActiveSequenceVersion } from "@/server/recovery/sequences";
import { createTestUser, openTestDatabase } from "@/server/testing/database";
import { ATTRIBUTION_RULES, attributeRecovery } from "./attribution";
import {
  ANALYTICS_DEFINITIONS,
  DAY_BUCKETS,
  dayBucketIndex,
  daysSummary,
  getAnalytics,
  percentileDays,
  rateCell,
  type Analytics,
  type RateCell,
} from "./breakdown";
import { resolvePeriod, type PeriodInput } from "./period";
import { reportScope, type ReportScope } from "./scope";
import { MIN_CASES_PER_GROUP, wilsonInterval } from "./stats";

const database = await openTestDatabase();
const db = database.db;
const hex = () => crypto.randomBytes(5).toString("hex");
const t = (iso: string) => new Date(iso);

// 1 to 10 March 2026 (UTC days), looked at on 12 March.
const PERIOD: PeriodInput = { from: "2026-03-01", to: "2026-03-10" };
const NOW = t("2026-03-12T09:00:00Z");

/** Every number anywhere in the value is finite (no NaN, no Infinity). */
function assertFinite(value: unknown, where = "result"): void {
  if (typeof value === "number") {
    expect(Number.isFinite(value), `${where} is ${value}`).toBe(true);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => assertFinite(v, `${where}[${i}]`));
  } else if (value && typeof value === "object" && !(value instanceof Date)) {
    for (const [k, v] of Object.entries(value)) assertFinite(v, `${where}.${k}`);
  }
}

// ---------------------------------------------------------------------------------------------
// Pure helpers

describe("statistics of the page", () => {
  it("a rate cell: recovered over closed, the open ones apart, Wilson's interval, and too few below the floor", () => {
    const cell = rateCell({ opened: 5, closed: 4, recovered: 3 });
    expect(cell).toMatchObject({ opened: 5, closed: 4, recovered: 3, open: 1, rate: 0.75, tooFew: true });
    // Wilson 95%: (3 + z²/2)/(4 + z²) ± z/(4 + z²)·√(3·1/4 + z²/4), z = 1.959964.
    expect(cell.interval!.lower).toBeCloseTo(0.300642, 5);
    expect(cell.interval!.upper).toBeCloseTo(0.954413, 5);
    expect(rateCell({ opened: 40, closed: MIN_CASES_PER_GROUP, recovered: 12 }).tooFew).toBe(false);
    expect(rateCell({ opened: 40, closed: MIN_CASES_PER_GROUP - 1, recovered: 12 }).tooFew).toBe(true);
    const all = rateCell({ opened: 2, closed: 2, recovered: 2 });
    expect(all.interval!.upper).toBe(1);
    expect(all.interval!.lower).toBeCloseTo(0.34238, 4);
  });

  it("a group with nothing closed has no rate and no interval, not NaN", () => {
    const none = rateCell({ opened: 3, closed: 0, recovered: 0 });
    expect(none).toEqual({ opened: 3, closed: 0, recovered: 0, open: 3, rate: null, interval: null, tooFew: true });
    expect(rateCell({ opened: 0, closed: 0, recovered: 0 }).rate).toBeNull();
  });

  it("days fall in one bucket each, the buckets cover every whole day without gaps", () => {
    expect([0, 1, 2, 3, 4, 7, 8, 14, 15, 21, 22, 28, 29, 400].map((d) => DAY_BUCKETS[dayBucketIndex(d)]!.key)).toEqual([
      "0", "1", "2", "3", "4-7", "4-7", "8-14", "8-14", "15-21", "15-21", "22-28", "22-28", "29+", "29+",
    ]);
    expect(DAY_BUCKETS[dayBucketIndex(-2)]!.key).toBe("0");
    for (let i = 1; i < DAY_BUCKETS.length; i++) expect(DAY_BUCKETS[i]!.minDays).toBe(DAY_BUCKETS[i - 1]!.maxDays! + 1);
    expect(DAY_BUCKETS.at(-1)!.maxDays).toBeNull();
  });

  it("median and 90th percentile are nearest-rank whole days", () => {
    const h = new Map([
      [0, 3],
      [2, 1],
      [4, 1],
      [8, 1],
      [46, 1],
    ]);
    // 7 cases: the 4th (ceil 3.5) took 2 days, the 7th (ceil 6.3) 46.
    expect(percentileDays(h, 0.5)).toBe(2);
    expect(percentileDays(h, 0.9)).toBe(46);
    expect(daysSummary(h)).toEqual({ cases: 7, median: 2, p90: 46 });
    // An even count: the median is the lower middle case (rank n/2), not an average.
    expect(percentileDays(new Map([[1, 1], [5, 1]]), 0.5)).toBe(1);
    expect(daysSummary(new Map())).toEqual({ cases: 0, median: null, p90: null });
  });
});

// ---------------------------------------------------------------------------------------------
// Fixture builders: rows as the recovery domain writes them.

type Spec = {
  cohort?: "treatment" | "holdout";
  category: string;
  code: string;
  status?: CaseStatus;
  openedAt: string;
  closedAt?: string;
  amount: number;
  recoveredAmount?: number;
  currency: string;
  via?: RecoveryChannel;
  emailDay?: number;
  messageKey?: string;
  versionId?: string;
  livemode?: boolean;
};

async function newCase(ws: Workspace, spec: Spec): Promise<RecoveryCase> {
  const livemode = spec.livemode ?? ws.mode === "live";
  const cohort = spec.cohort ?? "treatment";
  const versionId = spec.versionId ?? (await getActiveSequenceVersion(db, ws.id)).id;
  const [customer] = await db
    .insert(customers)
    .values({ workspaceId: ws.id, provider: livemode ? "stripe" : "sandbox", externalId: `cus_${hex()}`, email: `${hex()}@example.com`, cohort })
    .returning();
  const [thread] = await db
    .insert(dunningThreads)
    .values({ workspaceId: ws.id, customerId: customer!.id, sequenceVersionId: versionId, cohort, openedAt: t(spec.openedAt) })
    .returning();
  const [invoice] = await db
    .insert(invoices)
    .values({
      workspaceId: ws.id,
      customerId: customer!.id,
      provider: livemode ? "stripe" : "sandbox",
      externalId: `in_${hex()}`,
      amountDue: spec.amount,
      currency: spec.currency,
    })
    .returning();
  const status = spec.status ?? "open";
  const recovered = status === "recovered";
  const [row] = await db
    .insert(recoveryCases)
    .values({
      workspaceId: ws.id,
      threadId: thread!.id,
      customerId: customer!.id,
      invoiceId: invoice!.id,
      sequenceVersionId: versionId,
      cohort,
      status,
      declineCategory: spec.category,
      declineKind: "test",
      declineCode: spec.code,
      amount: spec.amount,
      currency: spec.currency,
      livemode,
      openedAt: t(spec.openedAt),
      closedAt: spec.closedAt ? t(spec.closedAt) : null,
      recoveredAmount: recovered ? (spec.recoveredAmount ?? spec.amount) : null,
      recoveredVia: recovered ? (spec.via ?? "reclaim_retry") : null,
      attributedEmailDay: spec.emailDay ?? null,
      attributedMessageId: spec.messageKey ?? null,
    })
    .returning();
  return row!;
}

/** The outbox row of a dunning message, under the key the recovery domain gives it. */
async function message(ws: Workspace, actionKey: string, channel: "email" | "sms") {
  await db.insert(outboxMessages).values({
    workspaceId: ws.id,
    channel,
    transport: "outbox",
    idempotencyKey: dunningMessageKey(actionKey),
    kind: "dunning",
    to: channel === "sms" ? "+15550000000" : "customer@example.com",
    from: "Reclaim <no-reply@reclaim.local>",
    subject: "Your payment failed",
    html: "<p>Hello</p>",
    text: "Hello",
  });
}

// ---------------------------------------------------------------------------------------------
// A hand-built history with known answers.

let live: Workspace;
let other: Workspace;
let empty: Workspace;
let defaultSequence: { id: string; name: string };
let enterprise: { id: string; v1: string; v2: string };
let dormant: { id: string };
const c: Record<string, RecoveryCase> = {};

const liveScope = (input: PeriodInput = PERIOD, livemode = true): ReportScope => ({
  workspaceId: live.id,
  livemode,
  now: NOW,
  period: resolvePeriod(input, NOW),
});

beforeAll(async () => {
  const user = await createTestUser(database, "analytics");
  const make = async (name: string, mode: "live" | "sandbox") => {
    const ws = await createWorkspace(db, { name: `${name} ${hex()}`, ownerId: user.id });
    if (mode === "live") await db.update(workspaces).set({ mode: "live" }).where(eq(workspaces.id, ws.id));
    return { ...ws, mode };
  };
  live = await make("Analytics live", "live");
  other = await make("Analytics other", "live");
  empty = await make("Analytics empty", "sandbox");
  await setSandboxClock(db, empty.id, NOW);

  const version = await getActiveSequenceVersion(db, live.id);
  const [seq] = await db.select().from(sequences).where(eq(sequences.id, version.sequenceId));
  defaultSequence = { id: seq!.id, name: seq!.name };
  const [ent] = await db.insert(sequences).values({ workspaceId: live.id, name: "Enterprise", currentVersion: 2 }).returning();
  const [dor] = await db.insert(sequences).values({ workspaceId: live.id, name: "Dormant", currentVersion: 1 }).returning();
  const versions = await db
    .insert(sequenceVersions)
    .values([
      { workspaceId: live.id, sequenceId: ent!.id, version: 1, policy: { ...defaultPolicy, name: "Enterprise" } },
      { workspaceId: live.id, sequenceId: ent!.id, version: 2, policy: { ...defaultPolicy, name: "Enterprise" } },
      { workspaceId: live.id, sequenceId: dor!.id, version: 1, policy: { ...defaultPolicy, name: "Dormant" } },
    ])
    .returning();
  enterprise = { id: ent!.id, v1: versions[0]!.id, v2: versions[1]!.id };
  dormant = { id: dor!.id };

  const soft = { category: "soft", code: "insufficient_funds" };
  const hard = { category: "hard", code: "expired_card" };

  // Opened in the period.
  c.a1 = await newCase(live, { ...soft, status: "recovered", openedAt: "2026-03-02T10:00:00Z", closedAt: "2026-03-02T20:00:00Z", amount: 3000, currency: "usd", via: "reclaim_retry" });
  c.a2 = await newCase(live, {
    ...soft,
    status: "recovered",
    openedAt: "2026-03-03T10:00:00Z",
    closedAt: "2026-03-05T11:00:00Z",
    amount: 2000,
    currency: "usd",
    via: "card_update",
    emailDay: 3,
    messageKey: `a2:${hex()}:email:2`,
  });
  await message(live, c.a2.attributedMessageId!, "email");
  c.a3 = await newCase(live, { ...soft, status: "lost", openedAt: "2026-03-01T00:00:00.000Z", closedAt: "2026-03-09T10:00:00Z", amount: 1000, currency: "usd" });
  c.a4 = await newCase(live, { category: "soft", code: "generic_decline", openedAt: "2026-03-04T10:00:00Z", amount: 5000, currency: "eur", versionId: enterprise.v1 });
  c.a5 = await newCase(live, {
    ...hard,
    status: "recovered",
    openedAt: "2026-03-04T08:00:00Z",
    closedAt: "2026-03-09T07:59:00Z",
    amount: 4000,
    recoveredAmount: 3900,
    currency: "eur",
    via: "card_update",
    messageKey: `a5:${hex()}:sms:1`,
    versionId: enterprise.v2,
  });
  await message(live, c.a5.attributedMessageId!, "sms");
  c.a6 = await newCase(live, {
    ...hard,
    status: "recovered",
    openedAt: "2026-03-05T08:00:00Z",
    closedAt: "2026-03-05T12:00:00Z",
    amount: 1500,
    currency: "eur",
    via: "card_updater",
    versionId: enterprise.v2,
  });
  c.a7 = await newCase(live, { category: "do_not_contact", code: "stolen_card", status: "silenced", openedAt: "2026-03-06T10:00:00Z", closedAt: "2026-03-06T10:00:00Z", amount: 800, currency: "usd" });
  c.a8 = await newCase(live, {
    ...soft,
    cohort: "holdout",
    status: "recovered",
    openedAt: "2026-03-02T00:00:00.000Z",
    closedAt: "2026-03-10T23:59:59.999Z",
    amount: 2500,
    currency: "usd",
    via: "provider_retry",
  });
  c.a9 = await newCase(live, { ...soft, cohort: "holdout", status: "lost", openedAt: "2026-03-03T10:00:00Z", closedAt: "2026-03-09T10:00:00Z", amount: 1200, currency: "usd" });
  c.a10 = await newCase(live, { ...hard, cohort: "holdout", openedAt: "2026-03-07T10:00:00Z", amount: 900, currency: "eur" });
  // An advice code moved this generic decline to hard.
  c.a11 = await newCase(live, { category: "hard", code: "generic_decline", status: "cancelled", openedAt: "2026-03-08T10:00:00Z", closedAt: "2026-03-09T10:00:00Z", amount: 700, currency: "gbp" });
  // Opened at the period's end: the next period's.
  c.a12 = await newCase(live, { ...soft, openedAt: "2026-03-11T00:00:00.000Z", amount: 999, currency: "usd" });
  // Credited to its email link; an outbox row of another workspace under the same key must not be taken as its message.
  const foreignKey = `a13:${hex()}:email:1`;
  c.a13 = await newCase(live, {
    category: "needs_authentication",
    code: "authentication_required",
    status: "recovered",
    openedAt: "2026-03-06T10:00:00Z",
    closedAt: "2026-03-07T09:00:00Z",
    amount: 1100,
    currency: "gbp",
    via: "card_update",
    emailDay: 0,
    messageKey: foreignKey,
  });
  await message(other, foreignKey, "sms");
  // A currency with cases but nothing recovered.
  c.a14 = await newCase(live, { ...soft, status: "lost", openedAt: "2026-03-04T10:00:00Z", closedAt: "2026-03-08T10:00:00Z", amount: 500, currency: "chf" });

  // Recovered in the period, opened before it.
  c.b1 = await newCase(live, { ...soft, status: "recovered", openedAt: "2026-02-20T10:00:00Z", closedAt: "2026-03-01T00:00:00.000Z", amount: 6000, currency: "usd", via: "out_of_band" });
  c.b2 = await newCase(live, { ...hard, status: "recovered", openedAt: "2026-01-20T10:00:00Z", closedAt: "2026-03-07T10:00:00Z", amount: 1200, currency: "jpy", via: "card_update" });
  // Opened in the period, recovered at its end (the next period's revenue).
  c.b3 = await newCase(live, { ...soft, status: "recovered", openedAt: "2026-03-05T10:00:00Z", closedAt: "2026-03-11T00:00:00.000Z", amount: 10000, currency: "usd" });
  // Recovered just before the period.
  c.b4 = await newCase(live, { ...soft, status: "recovered", openedAt: "2026-02-25T10:00:00Z", closedAt: "2026-02-28T23:59:59.999Z", amount: 7000, currency: "usd" });

  // Sandbox history the live workspace kept from before it went live: never in its live figures.
  c.s1 = await newCase(live, { ...soft, status: "recovered", openedAt: "2026-03-02T10:00:00Z", closedAt: "2026-03-03T10:00:00Z", amount: 99999, currency: "usd", livemode: false });
  c.s2 = await newCase(live, { ...hard, openedAt: "2026-03-02T10:00:00Z", amount: 88888, currency: "usd", livemode: false });
  // Another workspace, same shapes: never counted.
  c.o1 = await newCase(other, { ...soft, status: "recovered", openedAt: "2026-03-02T10:00:00Z", closedAt: "2026-03-03T10:00:00Z", amount: 77777, currency: "usd" });
  c.o2 = await newCase(other, { ...hard, openedAt: "2026-03-02T10:00:00Z", amount: 66666, currency: "eur" });
});

// ---------------------------------------------------------------------------------------------
// The same figures recomputed from the raw case rows, the direct way.

async function fromRawRows(scope: ReportScope) {
  const rows = (await db.select().from(recoveryCases)).filter((r) => r.workspaceId === scope.workspaceId && r.livemode === scope.livemode);
  const messages = await db.select().from(outboxMessages);
  const versions = await db.select().from(sequenceVersions);
  const seqs = (await db.select().from(sequences)).filter((s) => s.workspaceId === scope.workspaceId);
  const { from, to } = scope.period;
  const within = (d: Date | null) => d !== null && d >= from && d < to;
  const opened = rows.filter((r) => within(r.openedAt));
  const recovered = rows.filter((r) => r.status === "recovered" && within(r.closedAt));
  const cell = (list: RecoveryCase[]): RateCell => {
    const closed = list.filter((r) => r.status !== "open");
    const won = closed.filter((r) => r.status === "recovered").length;
    return {
      opened: list.length,
      closed: closed.length,
      recovered: won,
      open: list.length - closed.length,
      rate: closed.length ? won / closed.length : null,
      interval: closed.length ? wilsonInterval(won, closed.length) : null,
      tooFew: closed.length < MIN_CASES_PER_GROUP,
    };
  };
  const declineTable = (key: (r: RecoveryCase) => string) =>
    Object.fromEntries(
      [...new Set(opened.map(key))].map((k) => {
        const mine = opened.filter((r) => key(r) === k);
        return [k, { treatment: cell(mine.filter((r) => r.cohort === "treatment")), holdout: cell(mine.filter((r) => r.cohort === "holdout")) }];
      }),
    );
  const days = (r: RecoveryCase) => Math.floor((r.closedAt!.getTime() - r.openedAt.getTime()) / DAY);
  const channelOf = (r: RecoveryCase) =>
    attributeRecovery({
      recoveredVia: r.recoveredVia,
      attributedEmailDay: r.attributedEmailDay,
      attributedMessageId: r.attributedMessageId,
      messageChannel:
        r.attributedMessageId === null
          ? null
          : (messages.find((m) => m.workspaceId === r.workspaceId && m.idempotencyKey === dunningMessageKey(r.attributedMessageId!))?.channel ?? null),
    });
  const currencies = [...new Set(recovered.map((r) => r.currency.toUpperCase()))];
  const revenue = Object.fromEntries(
    currencies.map((cur) => {
      const mine = recovered.filter((r) => r.currency.toUpperCase() === cur);
      const total = mine.reduce((s, r) => s + r.recoveredAmount!, 0);
      return [
        cur,
        {
          cases: mine.length,
          amount: total,
          channels: Object.fromEntries(
            ATTRIBUTION_RULES.map((rule) => {
              const of = mine.filter((r) => channelOf(r) === rule.channel);
              const amount = of.reduce((s, r) => s + r.recoveredAmount!, 0);
              return [rule.channel, { cases: of.length, amount, share: total > 0 ? amount / total : null }];
            }),
          ),
        },
      ];
    }),
  );
  const hist = (list: RecoveryCase[]) => {
    const h = new Map<number, number>();
    for (const r of list) h.set(days(r), (h.get(days(r)) ?? 0) + 1);
    return h;
  };
  const sorted = (list: RecoveryCase[]) => list.map(days).sort((a, b) => a - b);
  const nearestRank = (list: RecoveryCase[], p: number) => {
    const d = sorted(list);
    return d.length ? d[Math.ceil(p * d.length) - 1]! : null;
  };
  const sequenceOf = (r: RecoveryCase) => versions.find((v) => v.id === r.sequenceVersionId)!.sequenceId;
  const treated = opened.filter((r) => r.cohort === "treatment");
  const sequenceTable = Object.fromEntries(
    seqs.map((s) => {
      const mine = treated.filter((r) => sequenceOf(r) === s.id);
      const won = mine.filter((r) => r.status === "recovered");
      return [
        s.id,
        {
          cases: cell(mine),
          revenue: Object.fromEntries(
            [...new Set(won.map((r) => r.currency.toUpperCase()))].map((cur) => [
              cur,
              won.filter((r) => r.currency.toUpperCase() === cur).reduce((sum, r) => sum + r.recoveredAmount!, 0),
            ]),
          ),
          median: nearestRank(won, 0.5),
          p90: nearestRank(won, 0.9),
        },
      ];
    }),
  );
  return {
    openedCases: opened.length,
    recoveredCases: recovered.length,
    byCategory: declineTable((r) => r.declineCategory),
    byCode: declineTable((r) => r.declineCode),
    revenue,
    buckets: DAY_BUCKETS.map((b) => ({
      key: b.key,
      treatment: recovered.filter((r) => r.cohort === "treatment" && days(r) >= b.minDays && (b.maxDays === null || days(r) <= b.maxDays)).length,
      holdout: recovered.filter((r) => r.cohort === "holdout" && days(r) >= b.minDays && (b.maxDays === null || days(r) <= b.maxDays)).length,
    })),
    treatmentDays: { cases: recovered.filter((r) => r.cohort === "treatment").length, median: nearestRank(recovered.filter((r) => r.cohort === "treatment"), 0.5), p90: nearestRank(recovered.filter((r) => r.cohort === "treatment"), 0.9) },
    holdoutDays: daysSummaryCheck(hist(recovered.filter((r) => r.cohort === "holdout"))),
    sequences: sequenceTable,
  };
}

/** The holdout's summary straight from the list of days (a second, independent way). */
function daysSummaryCheck(h: Map<number, number>) {
  const list = [...h.entries()].flatMap(([d, n]) => Array<number>(n).fill(d)).sort((a, b) => a - b);
  const at = (p: number) => (list.length ? list[Math.ceil(p * list.length) - 1]! : null);
  return { cases: list.length, median: at(0.5), p90: at(0.9) };
}

function compareWithRaw(result: Analytics, raw: Awaited<ReturnType<typeof fromRawRows>>) {
  expect(result.openedCases).toBe(raw.openedCases);
  expect(result.recoveredCases).toBe(raw.recoveredCases);
  expect(Object.fromEntries(result.declines.byCategory.map((r) => [r.key, { treatment: r.treatment, holdout: r.holdout }]))).toEqual(raw.byCategory);
  expect(Object.fromEntries(result.declines.byCode.map((r) => [r.key, { treatment: r.treatment, holdout: r.holdout }]))).toEqual(raw.byCode);
  expect(
    Object.fromEntries(
      result.revenue.map((r) => [
        r.currency,
        { cases: r.cases, amount: r.amount, channels: Object.fromEntries(r.channels.map((ch) => [ch.channel, { cases: ch.cases, amount: ch.amount, share: ch.share }])) },
      ]),
    ),
  ).toEqual(raw.revenue);
  expect(result.days.buckets.map((b) => ({ key: b.key, treatment: b.treatment, holdout: b.holdout }))).toEqual(raw.buckets);
  expect(result.days.treatment).toEqual(raw.treatmentDays);
  expect(result.days.holdout).toEqual(raw.holdoutDays);
  expect(
    Object.fromEntries(
      result.sequences.map((s) => [
        s.sequenceId,
        { cases: s.cases, revenue: Object.fromEntries(s.revenue.map((r) => [r.currency, r.amount])), median: s.days.median, p90: s.days.p90 },
      ]),
    ),
  ).toEqual(raw.sequences);
}

// ---------------------------------------------------------------------------------------------

describe("analytics of a live workspace", () => {
  let result: Analytics;
  beforeAll(async () => {
    result = await getAnalytics(db, liveScope());
  });

  it("is scoped to the workspace, its mode and the period", () => {
    expect(result.scope).toEqual({ workspaceId: live.id, livemode: true, now: NOW });
    expect(result.period.from.toISOString()).toBe("2026-03-01T00:00:00.000Z");
    expect(result.period.to.toISOString()).toBe("2026-03-11T00:00:00.000Z");
    expect(result.hasCases).toBe(true);
    // a1–a11, a13, a14 and b3; not a12 (opened at the period's end), b1, b2, b4 (before), s*, o*.
    expect(result.openedCases).toBe(14);
    // a1, a2, a5, a6, a8, a13, b1, b2; not b3 (at the period's end), b4 (before), s1, o1.
    expect(result.recoveredCases).toBe(8);
    assertFinite(result);
  });

  it("recovery rate by decline category: recovered over closed, per cohort, open cases apart", () => {
    const row = (key: string) => result.declines.byCategory.find((r) => r.key === key)!;
    expect(result.declines.byCategory.map((r) => r.key)).toEqual(["soft", "hard", "do_not_contact", "needs_authentication"]);
    // soft, treatment: a1 ✓, a2 ✓, a3 lost, a4 open, b3 ✓, a14 lost.
    expect(row("soft").treatment).toMatchObject({ opened: 6, closed: 5, recovered: 3, open: 1, rate: 0.6, tooFew: true });
    expect(row("soft").treatment.interval!.lower).toBeCloseTo(wilsonInterval(3, 5).lower, 12);
    // soft, holdout: a8 ✓, a9 lost.
    expect(row("soft").holdout).toMatchObject({ opened: 2, closed: 2, recovered: 1, open: 0, rate: 0.5 });
    expect(row("soft").holdout.interval!.lower).toBeCloseTo(0.094531, 5);
    expect(row("soft").holdout.interval!.upper).toBeCloseTo(0.905469, 5);
    // hard: a5 ✓, a6 ✓, a11 cancelled; holdout a10 still open: no rate.
    expect(row("hard").treatment).toMatchObject({ opened: 3, closed: 3, recovered: 2, rate: 2 / 3 });
    expect(row("hard").holdout).toEqual({ opened: 1, closed: 0, recovered: 0, open: 1, rate: null, interval: null, tooFew: true });
    expect(row("do_not_contact").treatment).toMatchObject({ opened: 1, closed: 1, recovered: 0, rate: 0 });
    expect(row("do_not_contact").treatment.interval).toEqual({ lower: 0, upper: wilsonInterval(0, 1).upper });
    expect(row("do_not_contact").holdout.opened).toBe(0);
    expect(row("needs_authentication").treatment).toMatchObject({ opened: 1, closed: 1, recovered: 1, rate: 1 });
    expect(result.declines.total.treatment).toMatchObject({ opened: 11, closed: 10, recovered: 6, open: 1, rate: 0.6 });
    expect(result.declines.total.holdout).toMatchObject({ opened: 3, closed: 2, recovered: 1, open: 1, rate: 0.5 });
  });

  it("recovery rate by decline code, with the categories each code had", () => {
    const row = (key: string) => result.declines.byCode.find((r) => r.key === key)!;
    expect(result.declines.byCode.map((r) => r.key)).toEqual([
      "insufficient_funds",
      "expired_card",
      "generic_decline",
      "authentication_required",
      "stolen_card",
    ]);
    expect(row("insufficient_funds")).toMatchObject({
      categories: ["soft"],
      treatment: { opened: 5, closed: 5, recovered: 3, rate: 0.6 },
      holdout: { opened: 2, closed: 2, recovered: 1, rate: 0.5 },
    });
    // a4 soft and open, a11 hard and cancelled.
    expect(row("generic_decline")).toMatchObject({ categories: ["hard", "soft"], treatment: { opened: 2, closed: 1, recovered: 0, open: 1, rate: 0 } });
    expect(row("expired_card")).toMatchObject({ categories: ["hard"], treatment: { opened: 2, closed: 2, recovered: 2, rate: 1 }, holdout: { opened: 1, rate: null } });
  });

  it("recovered revenue by channel, per currency, by the attribution rules", () => {
    expect(result.revenue.map((r) => r.currency)).toEqual(["USD", "EUR", "GBP", "JPY"]);
    const figures = (currency: string) =>
      Object.fromEntries(result.revenue.find((r) => r.currency === currency)!.channels.map((ch) => [ch.channel, [ch.cases, ch.amount]]));
    // USD: a1 our retry 3000, a2 email 2000, a8 provider's retry 2500 (holdout), b1 outside 6000.
    expect(figures("USD")).toEqual({ our_retry: [1, 3000], provider_retry: [1, 2500], card_update: [0, 0], email: [1, 2000], sms: [0, 0], outside: [1, 6000] });
    const usd = result.revenue[0]!;
    expect(usd).toMatchObject({ cases: 4, amount: 13500, holdoutAmount: 2500 });
    expect(usd.channels.find((ch) => ch.channel === "provider_retry")).toMatchObject({ treatmentCases: 0, holdoutCases: 1, holdoutAmount: 2500 });
    expect(usd.channels.find((ch) => ch.channel === "outside")!.share).toBeCloseTo(6000 / 13500, 12);
    // EUR: a5 through an SMS's link (its outbox row says sms) 3900 of 4000, a6 card network updater 1500.
    expect(figures("EUR")).toEqual({ our_retry: [0, 0], provider_retry: [0, 0], card_update: [1, 1500], email: [0, 0], sms: [1, 3900], outside: [0, 0] });
    expect(result.revenue[1]).toMatchObject({ cases: 2, amount: 5400, holdoutAmount: 0 });
    // GBP: a13 from an email's link; the other workspace's SMS under the same key is not its message.
    expect(figures("GBP")).toMatchObject({ email: [1, 1100], sms: [0, 0] });
    // JPY: b2, a card update no message led to.
    expect(figures("JPY")).toMatchObject({ card_update: [1, 1200] });
    // CHF had cases but no recovery: not listed, rather than a row of zeros or NaN shares.
    expect(result.revenue.find((r) => r.currency === "CHF")).toBeUndefined();
    for (const r of result.revenue) {
      expect(r.channels.map((ch) => ch.channel)).toEqual(ATTRIBUTION_RULES.map((rule) => rule.channel));
      expect(r.channels.reduce((s, ch) => s + ch.amount, 0)).toBe(r.amount);
      expect(r.channels.reduce((s, ch) => s + (ch.share ?? 0), 0)).toBeCloseTo(1, 12);
    }
  });

  it("days to recovery: buckets, median and 90th percentile per cohort", () => {
    const buckets = Object.fromEntries(result.days.buckets.map((b) => [b.key, [b.treatment, b.holdout]]));
    // Treatment: a1 10 h, a6 4 h, a13 23 h → under 1 day; a2 2 d 1 h; a5 4 d 23 h 59 m; b1 8 d 14 h; b2 46 d.
    // Holdout: a8 8 d 23 h 59 m 59.999 s.
    expect(buckets).toEqual({
      "0": [3, 0],
      "1": [0, 0],
      "2": [1, 0],
      "3": [0, 0],
      "4-7": [1, 0],
      "8-14": [1, 1],
      "15-21": [0, 0],
      "22-28": [0, 0],
      "29+": [1, 0],
    });
    expect(result.days.treatment).toEqual({ cases: 7, median: 2, p90: 46 });
    expect(result.days.holdout).toEqual({ cases: 1, median: 8, p90: 8 });
  });

  it("sequences: treatment cases opened in the period, every version merged, zero rows kept", () => {
    expect(result.sequences.map((s) => s.name)).toEqual([defaultSequence.name, "Enterprise", "Dormant"]);
    const [standard, ent, dor] = result.sequences;
    // a1 ✓ 0 d, a2 ✓ 2 d, a3, a7, a11, a13 ✓ 0 d, a14, b3 ✓ 5 d; the holdout's a8–a10 left out.
    expect(standard).toMatchObject({ sequenceId: defaultSequence.id, isDefault: true, cases: { opened: 8, closed: 8, recovered: 4, open: 0, rate: 0.5 } });
    expect(standard!.revenue).toEqual([
      { currency: "USD", cases: 3, amount: 15000 },
      { currency: "GBP", cases: 1, amount: 1100 },
    ]);
    expect(standard!.days).toEqual({ cases: 4, median: 0, p90: 5 });
    // a4 (version 1, open), a5 ✓ 4 d and a6 ✓ 0 d (version 2).
    expect(ent).toMatchObject({ sequenceId: enterprise.id, isDefault: false, cases: { opened: 3, closed: 2, recovered: 2, open: 1, rate: 1 } });
    expect(ent!.revenue).toEqual([{ currency: "EUR", cases: 2, amount: 5400 }]);
    expect(ent!.days).toEqual({ cases: 2, median: 0, p90: 4 });
    expect(dor).toMatchObject({ sequenceId: dormant.id, cases: { opened: 0, closed: 0, rate: null, interval: null }, revenue: [], days: { cases: 0, median: null, p90: null } });
  });

  it("every figure matches its recomputation from the raw case rows", async () => {
    compareWithRaw(result, await fromRawRows(liveScope()));
  });

  it("says that several currencies are kept apart", () => {
    expect(result.notices).toEqual([
      "Recoveries in this period are in 4 currencies (USD, EUR, GBP, JPY): each is shown on its own and never added to another.",
    ]);
  });
});

describe("scope isolation and edge cases", () => {
  it("the live workspace's sandbox figures hold only its sandbox rows", async () => {
    const scope = liveScope(PERIOD, false);
    const sandbox = await getAnalytics(db, scope);
    expect(sandbox.openedCases).toBe(2);
    expect(sandbox.revenue).toHaveLength(1);
    expect(sandbox.revenue[0]).toMatchObject({ currency: "USD", cases: 1, amount: 99999 });
    expect(sandbox.days.treatment).toEqual({ cases: 1, median: 1, p90: 1 });
    compareWithRaw(sandbox, await fromRawRows(scope));
    assertFinite(sandbox);
  });

  it("another workspace's figures hold none of this one's", async () => {
    const scope: ReportScope = { workspaceId: other.id, livemode: true, now: NOW, period: resolvePeriod(PERIOD, NOW) };
    const theirs = await getAnalytics(db, scope);
    expect(theirs.openedCases).toBe(2);
    expect(theirs.revenue.map((r) => [r.currency, r.amount])).toEqual([["USD", 77777]]);
    // Their sequences only: the default one made for them.
    expect(theirs.sequences.every((s) => s.sequenceId !== defaultSequence.id && s.sequenceId !== enterprise.id)).toBe(true);
    compareWithRaw(theirs, await fromRawRows(scope));
  });

  it("a period with one currency only lists that currency, not zeros for the others", async () => {
    // 9 March: only a5 (EUR, through an SMS link) was recovered.
    const scope = liveScope({ from: "2026-03-09", to: "2026-03-09" });
    const day = await getAnalytics(db, scope);
    expect(day.revenue.map((r) => r.currency)).toEqual(["EUR"]);
    expect(day.notices).toEqual([
      "No recovery case was opened in this period, so the rates by decline and the sequence comparison have nothing to show. Choose a longer period.",
    ]);
    compareWithRaw(day, await fromRawRows(scope));
    assertFinite(day);
  });

  it("a period with nothing in it: clear messages, no NaN", async () => {
    const quiet = await getAnalytics(db, liveScope({ from: "2025-06-01", to: "2025-06-30" }));
    expect(quiet.hasCases).toBe(true);
    expect(quiet.openedCases).toBe(0);
    expect(quiet.revenue).toEqual([]);
    expect(quiet.declines.byCategory).toEqual([]);
    expect(quiet.declines.total.treatment).toEqual({ opened: 0, closed: 0, recovered: 0, open: 0, rate: null, interval: null, tooFew: true });
    expect(quiet.days.treatment).toEqual({ cases: 0, median: null, p90: null });
    expect(quiet.days.buckets.every((b) => b.treatment === 0 && b.holdout === 0)).toBe(true);
    expect(quiet.notices).toHaveLength(2);
    expect(quiet.notices[1]).toMatch(/No case was recovered in this period/);
    assertFinite(quiet);
  });

  it("an empty workspace has no cases at all, and its default sequence shows zeros", async () => {
    const scope = await reportScope(db, empty, { preset: "30d" });
    expect(scope.livemode).toBe(false);
    const none = await getAnalytics(db, scope);
    expect(none.hasCases).toBe(false);
    expect(none.openedCases).toBe(0);
    expect(none.recoveredCases).toBe(0);
    expect(none.revenue).toEqual([]);
    for (const s of none.sequences) expect(s.cases.rate).toBeNull();
    assertFinite(none);
  });

  it("the definitions the page prints name both sets of cases", () => {
    expect(ANALYTICS_DEFINITIONS.declineRate).toMatch(/opened in the period/);
    expect(ANALYTICS_DEFINITIONS.channels).toMatch(/recovered \(paid\) in the period, by the time they closed/);
    expect(ANALYTICS_DEFINITIONS.days).toMatch(/same cases as the channel table/);
    expect(ANALYTICS_DEFINITIONS.sequences).toMatch(/treatment cases opened in the period/);
    expect(ANALYTICS_DEFINITIONS.interval).toContain(String(MIN_CASES_PER_GROUP));
  });
});
