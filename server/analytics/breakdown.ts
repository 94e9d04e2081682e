/**
 * The figures of the console's Analytics page, aggregated in SQL: recovery
 * rate by decline category and decline code, recovered revenue by channel,
 * the days-to-recovery distribution and the comparison between sequences.
 *
 * Every query is scoped to one workspace and one mode (`ReportScope`: live or
 * sandbox figures, never both) and groups money by currency: no figure adds
 * two currencies together. `ANALYTICS_DEFINITIONS` (and the attribution rules
 * of attribution.ts) are printed on the page, so it says exactly what this
 * file computes.
 *
 * Two sets of cases, each the natural one for its question:
 * - cases OPENED in the period (rates by decline, sequences): each group's
 *   cases are followed from their failed charge, as in the holdout-lift
 *   report; a case's outcome is its status now;
 * - cases RECOVERED in the period, by the time they closed (revenue by
 *   channel, days to recovery): the same cases as the Overview's recovered
 *   revenue, so the two pages agree on how much was recovered.
 *
 * Every figure uses only columns of the case rows (plus, for the SMS rule, the
 * channel of the case's attributed outbox message), so it can be recomputed
 * from the rows; breakdown.test.ts does exactly that.
 *
 * Speed: each figure is one grouped query that reads through an index
 * starting with the workspace and the mode: cases opened in the period through
 * `recovery_cases_report_opened_idx` (workspace_id, livemode, opened_at), cases
 * closed in the period through `recovery_cases_report_closed_idx`
 * (workspace_id, livemode, closed_at). The only other table read is the
 * outbox message of a recovered case that records one: a look-up by the
 * outbox's unique idempotency key, made only for those cases.
 * The queries run side by side, each in a short read-only transaction with JIT
 * off (as the Overview's do).
 */
import { sql, type SQL } from "drizzle-orm";
import type { Db } from "@/server/db/client";
import type { Cohort, RecoveryChannel } from "@/server/db/schema";
import { dunningMessageKey, rowsOf } from "@/server/recovery/actions";
import { ATTRIBUTION_RULES, attributeFacts, reportingChannelLabels, type ReportingChannel } from "./attribution";
import { OVERVIEW_DEFINITIONS } from "./overview";
import type { ReportScope } from "./scope";
import { MIN_CASES_PER_GROUP, wilsonInterval, type Interval } from "./stats";

// ---------------------------------------------------------------------------
// Definitions (printed on the page)
// ---------------------------------------------------------------------------

export const ANALYTICS_DEFINITIONS = {
  scope: OVERVIEW_DEFINITIONS.scope,
  period: OVERVIEW_DEFINITIONS.period,
  declineRate:
    "Recovery rate by decline: the cases opened in the period, grouped by the decline the case records (its latest decline: when a new card is declined too, its decline replaces the first). Of those that have closed by now, the share that was recovered. Every closed case counts: recovered, lost at the end of the window, silenced (a do-not-contact decline Reclaim may not act on) and cancelled (the customer stopped payments), as in the Overview's recovery rate; unlike the Overview, cases are taken by the day they opened rather than the day they closed, so each decline's cases are followed from their failed charge. Cases still open are counted apart and are not in the rate.",
  cohorts:
    "Treatment cases got Reclaim's retries and messages; holdout cases got nothing, to measure what outreach adds. Their rates are shown side by side and never mixed: the holdout rate is what that decline recovers without Reclaim.",
  interval: `Each rate comes with a 95% Wilson score interval (Wilson 1927): the range of rates consistent with the cases seen. A rate over fewer than ${MIN_CASES_PER_GROUP} closed cases is marked “too few to read”: its interval is wide and the rate alone says little.`,
  channels:
    "Recovered revenue by channel: the recovered amount of the cases that were recovered (paid) in the period, by the time they closed (the same cases as the Overview's recovered revenue), in each currency, each case credited to exactly one channel by the attribution rules. Holdout cases, which paid without any outreach, are shown apart.",
  days: "Days to recovery: for the cases recovered in the period (the same cases as the channel table), the time from the case's opening (the failed charge) to the payment, in whole days of 24 hours rounded down, so “under 1 day” means less than 24 hours. The median is the smallest number of days within which at least half of them were recovered, the 90th percentile the same for nine in ten.",
  sequences:
    "Sequences: the treatment cases opened in the period, by the sequence they follow (every version of a sequence counts as that sequence): cases opened, still open, closed and recovered, the recovery rate of the closed ones with its 95% interval, the amount recovered from them so far in each currency, and the median days to recovery of the recovered ones. Holdout cases are left out, since they get no outreach whatever their sequence; the Reports page compares each sequence with its holdout group.",
  currency:
    "Money is shown per currency, in that currency's own amounts; amounts in different currencies are never added together, and a currency appears only where something was recovered in it.",
} as const;

// ---------------------------------------------------------------------------
// Types
// ---------------------------------------------------------------------------

/** Cases of one group (opened in the period) and their recovery rate. */
export type RateCell = {
  opened: number;
  /** Closed by now: recovered, lost, silenced or cancelled. */
  closed: number;
  recovered: number;
  /** Still open now: not in the rate. */
  open: number;
  /** Recovered over closed; null when none has closed. */
  rate: number | null;
  /** 95% Wilson score interval of `rate`; null when none has closed. */
  interval: Interval | null;
  /** Fewer than MIN_CASES_PER_GROUP closed cases: the rate is shown but flagged. */
  tooFew: boolean;
};

export type DeclineRow = {
  /** The category, or the decline code. */
  key: string;
  /** For a code: the categories its cases had (advice codes can move a code to another category), most cases first. */
  categories: string[];
  treatment: RateCell;
  holdout: RateCell;
};

export type DeclineBreakdown = {
  byCategory: DeclineRow[];
  byCode: DeclineRow[];
  total: { treatment: RateCell; holdout: RateCell };
};

export type ChannelFigures = {
  channel: ReportingChannel;
  label: string;
  cases: number;
  amount: number;
  treatmentCases: number;
  treatmentAmount: number;
  holdoutCases: number;
  holdoutAmount: number;
  /** Of the currency's recovered amount; null when nothing was recovered in it. */
  share: number | null;
};

/** Recovered revenue of one currency, every channel listed (zeros included) in the order of the rules. */
export type CurrencyChannels = {
  currency: string;
  cases: number;
  amount: number;
  holdoutAmount: number;
  channels: ChannelFigures[];
};

export type DaysSummary = {
  cases: number;
  /** Whole days; null without recovered cases. */
  median: number | null;
  p90: number | null;
};

export type DaysBucket = { key: string; label: string; minDays: number; maxDays: number | null; treatment: number; holdout: number };

export type DaysDistribution = {
  buckets: DaysBucket[];
  treatment: DaysSummary;
  holdout: DaysSummary;
};

export type SequenceRevenue = { currency: string; cases: number; amount: number };

export type SequenceComparison = {
  sequenceId: string;
  name: string;
  isDefault: boolean;
  /** Treatment cases opened in the period. */
  cases: RateCell;
  /** What those cases recovered so far, per currency (currencies with a recovery only). */
  revenue: SequenceRevenue[];
  days: DaysSummary;
};

export type Analytics = {
  scope: { workspaceId: string; livemode: boolean; now: Date };
  period: { from: Date; to: Date; days: number; label: string };
  /** Whether the workspace has any case in this mode at all (else the page shows what to do first). */
  hasCases: boolean;
  /** Cases opened in the period, both cohorts. */
  openedCases: number;
  /** Cases recovered in the period, both cohorts. */
  recoveredCases: number;
  declines: DeclineBreakdown;
  /** One entry per currency with a recovery in the period, most cases first. */
  revenue: CurrencyChannels[];
  days: DaysDistribution;
  sequences: SequenceComparison[];
  /** Plain sentences about the whole page (nothing opened, nothing recovered, several currencies). */
  notices: string[];
};

// ---------------------------------------------------------------------------
// Pure helpers (unit-tested)
// ---------------------------------------------------------------------------

export function rateCell(counts: { opened: number; closed: number; recovered: number }): RateCell {
  const { opened, closed, recovered } = counts;
  return {
    opened,
    closed,
    recovered,
    open: opened - closed,
    rate: closed > 0 ? recovered / closed : null,
    interval: closed > 0 ? wilsonInterval(recovered, closed) : null,
    tooFew: closed < MIN_CASES_PER_GROUP,
  };
}

export const DAY_BUCKETS: readonly { key: string; label: string; minDays: number; maxDays: number | null }[] = [
  { key: "0", label: "Under 1 day", minDays: 0, maxDays: 0 },
  { key: "1", label: "1 day", minDays: 1, maxDays: 1 },
  { key: "2", label: "2 days", minDays: 2, maxDays: 2 },
  { key: "3", label: "3 days", minDays: 3, maxDays: 3 },
  { key: "4-7", label: "4–7 days", minDays: 4, maxDays: 7 },
  { key: "8-14", label: "8–14 days", minDays: 8, maxDays: 14 },
  { key: "15-21", label: "15–21 days", minDays: 15, maxDays: 21 },
  { key: "22-28", label: "22–28 days", minDays: 22, maxDays: 28 },
  { key: "29+", label: "29 days or more", minDays: 29, maxDays: null },
];

/** The bucket a whole number of days falls in (negative days, which a clock moved back could give, count as 0). */
export function dayBucketIndex(days: number): number {
  const d = Math.max(0, Math.floor(days));
  const index = DAY_BUCKETS.findIndex((b) => d >= b.minDays && (b.maxDays === null || d <= b.maxDays));
  return index === -1 ? DAY_BUCKETS.length - 1 : index;
}

/**
 * Nearest-rank percentile of whole days from a histogram (days → cases): the
 * smallest d such that at least p of the cases took d days or fewer. Null for
 * an empty histogram.
 */
export function percentileDays(histogram: ReadonlyMap<number, number>, p: number): number | null {
  const total = [...histogram.values()].reduce((a, b) => a + b, 0);
  if (total <= 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const d of [...histogram.keys()].sort((a, b) => a - b)) {
    seen += histogram.get(d) ?? 0;
    if (seen >= rank) return d;
  }
  return null;
}

export function daysSummary(histogram: ReadonlyMap<number, number>): DaysSummary {
  return {
    cases: [...histogram.values()].reduce((a, b) => a + b, 0),
    median: percentileDays(histogram, 0.5),
    p90: percentileDays(histogram, 0.9),
  };
}

// ---------------------------------------------------------------------------
// Queries
// ---------------------------------------------------------------------------

/** A database handle or one of the page's read-only transactions. */
type Runner = Pick<Db, "execute">;

async function query<T>(db: Runner, statement: SQL): Promise<T[]> {
  return rowsOf<T>(await db.execute(statement));
}

const at = (d: Date) => sql`${d.toISOString()}::timestamptz`;
const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v));

/** Whole days of 24 hours from opening to closing, rounded down, never negative. */
const elapsedDays = sql`greatest(0, floor(extract(epoch from (closed_at - opened_at)) / 86400))::int`;

function openedIn(s: ReportScope): SQL {
  return sql`workspace_id = ${s.workspaceId} and livemode = ${s.livemode} and opened_at >= ${at(s.period.from)} and opened_at < ${at(s.period.to)}`;
}

function recoveredIn(s: ReportScope, alias = ""): SQL {
  const c = sql.raw(alias ? `${alias}.` : "");
  return sql`${c}workspace_id = ${s.workspaceId} and ${c}livemode = ${s.livemode} and ${c}closed_at >= ${at(s.period.from)} and ${c}closed_at < ${at(s.period.to)} and ${c}status = 'recovered'`;
}

type DeclineQueryRow = { category: string; code: string; cohort: Cohort; opened: number; closed: number; recovered: number };

/** Cases opened in the period by decline category, decline code and cohort. */
async function declineRows(db: Runner, s: ReportScope): Promise<DeclineQueryRow[]> {
  return query<DeclineQueryRow>(
    db,
    sql`select decline_category as category, decline_code as code, cohort::text as cohort,
        count(*)::int as opened,
        (count(*) filter (where status <> 'open'))::int as closed,
        (count(*) filter (where status = 'recovered'))::int as recovered
      from recovery_cases
      where ${openedIn(s)}
      group by decline_category, decline_code, cohort`,
  );
}

type ChannelQueryRow = {
  currency: string;
  cohort: Cohort;
  via: RecoveryChannel | null;
  message_recorded: boolean;
  message_channel: "email" | "sms" | null;
  cases: number;
  amount: number;
};

/**
 * Cases recovered in the period by currency, cohort and what attribution
 * needs: the channel recorded, whether a message is recorded, and that
 * message's outbox channel (found by its idempotency key, unique).
 */
async function channelRows(db: Runner, s: ReportScope): Promise<ChannelQueryRow[]> {
  const keyPrefix = dunningMessageKey("");
  return query<ChannelQueryRow>(
    db,
    sql`select currency, cohort, via, message_recorded, message_channel,
        count(*)::int as cases,
        coalesce(sum(recovered_amount), 0)::float8 as amount
      from (
        select upper(c.currency) as currency, c.cohort::text as cohort, c.recovered_via::text as via,
          (c.attributed_message_id is not null or c.attributed_email_day is not null) as message_recorded,
          case when c.attributed_message_id is not null then (
            select m.channel::text from outbox_messages m
            where m.idempotency_key = ${keyPrefix} || c.attributed_message_id and m.workspace_id = ${s.workspaceId}
          ) end as message_channel,
          c.recovered_amount
        from recovery_cases c
        where ${recoveredIn(s, "c")}
      ) r
      group by 1, 2, 3, 4, 5`,
  );
}

type DaysQueryRow = { cohort: Cohort; days: number; cases: number };

/** Cases recovered in the period by cohort and whole days from opening to payment. */
async function daysRows(db: Runner, s: ReportScope): Promise<DaysQueryRow[]> {
  return query<DaysQueryRow>(
    db,
    sql`select cohort::text as cohort, ${elapsedDays} as days, count(*)::int as cases
      from recovery_cases
      where ${recoveredIn(s)}
      group by 1, 2`,
  );
}

type SequenceQueryRow = { version_id: string; currency: string; status: string; days: number | null; cases: number; amount: number };

/** Treatment cases opened in the period by sequence version, currency, status and (recovered ones) days to recovery. */
async function sequenceRows(db: Runner, s: ReportScope): Promise<SequenceQueryRow[]> {
  return query<SequenceQueryRow>(
    db,
    sql`select sequence_version_id as version_id, upper(currency) as currency, status::text as status,
        case when status = 'recovered' then ${elapsedDays} end as days,
        count(*)::int as cases,
        coalesce(sum(recovered_amount) filter (where status = 'recovered'), 0)::float8 as amount
      from recovery_cases
      where ${openedIn(s)} and cohort = 'treatment'
      group by 1, 2, 3, 4`,
  );
}

type SequenceListRow = { id: string; name: string; is_default: boolean; version_ids: string[] | string | null };

/** The workspace's sequences with the ids of all their versions. */
async function sequenceList(db: Runner, s: ReportScope): Promise<{ id: string; name: string; isDefault: boolean; versionIds: string[] }[]> {
  const rows = await query<SequenceListRow>(
    db,
    sql`select q.id, q.name, q.is_default, coalesce(array_agg(v.id) filter (where v.id is not null), '{}') as version_ids
      from sequences q
      left join sequence_versions v on v.sequence_id = q.id and v.workspace_id = ${s.workspaceId}
      where q.workspace_id = ${s.workspaceId}
      group by q.id, q.name, q.is_default`,
  );
  return rows.map((r) => ({ id: r.id, name: r.name, isDefault: r.is_default === true, versionIds: parseTextArray(r.version_ids) }));
}

/** A text[] as postgres-js (array) or PGlite (array, or a literal such as "{a,b}") returns it. */
function parseTextArray(value: string[] | string | null): string[] {
  if (value === null) return [];
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, "");
  return inner === "" ? [] : inner.split(",").map((v) => v.replace(/^"|"$/g, ""));
}

async function hasAnyCase(db: Runner, s: ReportScope): Promise<boolean> {
  const [row] = await query<{ any: boolean }>(
    db,
    sql`select exists (select 1 from recovery_cases where workspace_id = ${s.workspaceId} and livemode = ${s.livemode}) as any`,
  );
  return row?.any === true;
}

// ---------------------------------------------------------------------------
// Assembly (pure: the test runs it on rows recomputed from the cases)
// ---------------------------------------------------------------------------

export function buildDeclines(rows: DeclineQueryRow[]): DeclineBreakdown {
  type Acc = { treatment: { opened: number; closed: number; recovered: number }; holdout: { opened: number; closed: number; recovered: number }; categories: Map<string, number> };
  const blank = (): Acc => ({ treatment: { opened: 0, closed: 0, recovered: 0 }, holdout: { opened: 0, closed: 0, recovered: 0 }, categories: new Map() });
  const byCategory = new Map<string, Acc>();
  const byCode = new Map<string, Acc>();
  const total = blank();
  for (const r of rows) {
    for (const [map, key] of [
      [byCategory, r.category],
      [byCode, r.code],
    ] as const) {
      const acc = map.get(key) ?? blank();
      const group = acc[r.cohort];
      group.opened += num(r.opened);
      group.closed += num(r.closed);
      group.recovered += num(r.recovered);
      acc.categories.set(r.category, (acc.categories.get(r.category) ?? 0) + num(r.opened));
      map.set(key, acc);
    }
    total[r.cohort].opened += num(r.opened);
    total[r.cohort].closed += num(r.closed);
    total[r.cohort].recovered += num(r.recovered);
  }
  const finish = (map: Map<string, Acc>): DeclineRow[] =>
    [...map.entries()]
      .map(([key, acc]) => ({
        key,
        categories: [...acc.categories.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([c]) => c),
        treatment: rateCell(acc.treatment),
        holdout: rateCell(acc.holdout),
      }))
      .sort(
        (a, b) =>
          b.treatment.opened + b.holdout.opened - (a.treatment.opened + a.holdout.opened) ||
          b.treatment.opened - a.treatment.opened ||
          a.key.localeCompare(b.key),
      );
  return { byCategory: finish(byCategory), byCode: finish(byCode), total: { treatment: rateCell(total.treatment), holdout: rateCell(total.holdout) } };
}

export function buildRevenue(rows: ChannelQueryRow[]): CurrencyChannels[] {
  const currencies = new Map<string, CurrencyChannels>();
  for (const r of rows) {
    const entry =
      currencies.get(r.currency) ??
      ({
        currency: r.currency,
        cases: 0,
        amount: 0,
        holdoutAmount: 0,
        channels: ATTRIBUTION_RULES.map((rule) => ({
          channel: rule.channel,
          label: reportingChannelLabels[rule.channel],
          cases: 0,
          amount: 0,
          treatmentCases: 0,
          treatmentAmount: 0,
          holdoutCases: 0,
          holdoutAmount: 0,
          share: null,
        })),
      } satisfies CurrencyChannels);
    const channel = attributeFacts({ recoveredVia: r.via, messageRecorded: r.message_recorded === true, messageChannel: r.message_channel });
    const figures = entry.channels.find((c) => c.channel === channel)!;
    const cases = num(r.cases);
    const amount = num(r.amount);
    figures.cases += cases;
    figures.amount += amount;
    if (r.cohort === "holdout") {
      figures.holdoutCases += cases;
      figures.holdoutAmount += amount;
      entry.holdoutAmount += amount;
    } else {
      figures.treatmentCases += cases;
      figures.treatmentAmount += amount;
    }
    entry.cases += cases;
    entry.amount += amount;
    currencies.set(r.currency, entry);
  }
  const list = [...currencies.values()];
  for (const entry of list) for (const c of entry.channels) c.share = entry.amount > 0 ? c.amount / entry.amount : null;
  return list.sort((a, b) => b.cases - a.cases || a.currency.localeCompare(b.currency));
}

export function buildDays(rows: DaysQueryRow[]): DaysDistribution {
  const histograms: Record<Cohort, Map<number, number>> = { treatment: new Map(), holdout: new Map() };
  const buckets: DaysBucket[] = DAY_BUCKETS.map((b) => ({ ...b, treatment: 0, holdout: 0 }));
  for (const r of rows) {
    const days = Math.max(0, num(r.days));
    const h = histograms[r.cohort];
    h.set(days, (h.get(days) ?? 0) + num(r.cases));
    buckets[dayBucketIndex(days)]![r.cohort] += num(r.cases);
  }
  return { buckets, treatment: daysSummary(histograms.treatment), holdout: daysSummary(histograms.holdout) };
}

export function buildSequences(
  rows: SequenceQueryRow[],
  list: { id: string; name: string; isDefault: boolean; versionIds: string[] }[],
): SequenceComparison[] {
  const sequenceOfVersion = new Map<string, string>();
  for (const q of list) for (const v of q.versionIds) sequenceOfVersion.set(v, q.id);
  type Acc = { opened: number; closed: number; recovered: number; revenue: Map<string, SequenceRevenue>; days: Map<number, number> };
  const accs = new Map<string, Acc>();
  for (const q of list) accs.set(q.id, { opened: 0, closed: 0, recovered: 0, revenue: new Map(), days: new Map() });
  const unknown = new Map<string, string>();
  for (const r of rows) {
    let id = sequenceOfVersion.get(r.version_id);
    if (!id) {
      // A version of no listed sequence (cannot happen with the foreign keys; kept visible rather than dropped).
      id = `version:${r.version_id}`;
      unknown.set(id, r.version_id);
    }
    const acc = accs.get(id) ?? { opened: 0, closed: 0, recovered: 0, revenue: new Map(), days: new Map() };
    const cases = num(r.cases);
    acc.opened += cases;
    if (r.status !== "open") acc.closed += cases;
    if (r.status === "recovered") {
      acc.recovered += cases;
      const money = acc.revenue.get(r.currency) ?? { currency: r.currency, cases: 0, amount: 0 };
      money.cases += cases;
      money.amount += num(r.amount);
      acc.revenue.set(r.currency, money);
      const days = Math.max(0, num(r.days));
      acc.days.set(days, (acc.days.get(days) ?? 0) + cases);
    }
    accs.set(id, acc);
  }
  const names = new Map(list.map((q) => [q.id, q]));
  return [...accs.entries()]
    .map(([id, acc]) => ({
      sequenceId: id,
      name: names.get(id)?.name ?? "Unknown sequence",
      isDefault: names.get(id)?.isDefault ?? false,
      cases: rateCell(acc),
      revenue: [...acc.revenue.values()].sort((a, b) => b.cases - a.cases || a.currency.localeCompare(b.currency)),
      days: daysSummary(acc.days),
    }))
    .sort((a, b) => b.cases.opened - a.cases.opened || Number(b.isDefault) - Number(a.isDefault) || a.name.localeCompare(b.name) || a.sequenceId.localeCompare(b.sequenceId));
}

export function analyticsNotices(a: Pick<Analytics, "openedCases" | "recoveredCases" | "revenue">): string[] {
  const notices: string[] = [];
  if (a.openedCases === 0) {
    notices.push(
      "No recovery case was opened in this period, so the rates by decline and the sequence comparison have nothing to show. Choose a longer period.",
    );
  }
  if (a.recoveredCases === 0) {
    notices.push("No case was recovered in this period, so there is no revenue by channel and no days-to-recovery distribution yet.");
  }
  if (a.revenue.length > 1) {
    notices.push(
      `Recoveries in this period are in ${a.revenue.length} currencies (${a.revenue.map((r) => r.currency).join(", ")}): each is shown on its own and never added to another.`,
    );
  }
  return notices;
}

/**
 * Everything the Analytics page shows, for one workspace, mode and period.
 * The queries run at once, each in its own short read-only transaction with
 * JIT compilation off (they are short; compiling would cost more than running).
 */
export async function getAnalytics(db: Db, scope: ReportScope): Promise<Analytics> {
  const alone = <T>(run: (tx: Runner) => Promise<T>) =>
    db.transaction(
      async (tx) => {
        await tx.execute(sql`set local jit = off`);
        return run(tx);
      },
      { accessMode: "read only" },
    );
  const [declines, channels, days, sequences, list, hasCases] = await Promise.all([
    alone((tx) => declineRows(tx, scope)),
    alone((tx) => channelRows(tx, scope)),
    alone((tx) => daysRows(tx, scope)),
    alone((tx) => sequenceRows(tx, scope)),
    alone((tx) => sequenceList(tx, scope)),
    alone((tx) => hasAnyCase(tx, scope)),
  ]);
  const declineBreakdown = buildDeclines(declines);
  const revenue = buildRevenue(channels);
  const openedCases = declineBreakdown.total.treatment.opened + declineBreakdown.total.holdout.opened;
  const recoveredCases = revenue.reduce((sum, r) => sum + r.cases, 0);
  const { period, now } = scope;
  return {
    scope: { workspaceId: scope.workspaceId, livemode: scope.livemode, now },
    period: { from: period.from, to: period.to, days: period.days, label: period.label },
    hasCases,
    openedCases,
    recoveredCases,
    declines: declineBreakdown,
    revenue,
    days: buildDays(days),
    sequences: buildSequences(sequences, list),
    notices: analyticsNotices({ openedCases, recoveredCases, revenue }),
  };
}

export type { ChannelQueryRow, DaysQueryRow, DeclineQueryRow, SequenceQueryRow };
