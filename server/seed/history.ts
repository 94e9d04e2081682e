/**
 * `seed:history`: months of made-up but plausible recovery history in a sandbox workspace, so the
 * overview, analytics, the holdout-lift report and the finance exports can be seen full. 20,000
 * cases (about 550,000 rows in all) take about a minute of CPU on PGlite and half that on
 * Postgres: the history is decided in memory a transaction's worth at a time (1,000 threads), then
 * written with bulk inserts of up to 2,000 rows a statement (see `insertRows`). Memory stays flat
 * (about 130 MB of plan for 200,000 cases).
 *
 * What it writes, in the shapes the engine itself writes (`open-case.ts`, `actions.ts`,
 * `close.ts`, `card-update.ts`, the notifier): sandbox customers (played by the sandbox's behaviour
 * model) with a card that fails with the case's decline code, subscriptions, invoices, dunning
 * threads, recovery cases, payment attempts, dunning emails in the outbox with their card-update
 * links (working links: the token is in the email, its hash in the table) and open/click stamps,
 * and a few timeline events per case (payment failed, cohort, failed retries, emails sent, opened
 * and clicked, card updated, grace, recovered or lost or silenced or cancelled). Receipts are not
 * written, and closed cases get no scheduled-action rows (their page shows the timeline and the
 * attempts, not a plan).
 *
 * Distributions (all from a seeded PRNG, so one seed gives one history):
 * - When: renewals fail on billing anniversaries, so each day's weight is a weekly factor (fewer
 *   anniversaries on weekends, when fewer people sign up), a monthly one (many subscriptions are
 *   anchored on the 1st: 2.6×, on the 15th: 1.45×, a little more on the 2nd–3rd and month ends) and
 *   growth of 3% a month. Expired cards fail on the first charge after the expiry month ends, so
 *   `expired_card` is 2.5× as likely on the 1st–5th of a month. Time of day is uniform.
 * - Who: 70% usd (Americas and Asia-Pacific time zones), 19% eur (Berlin, Paris, Madrid, Amsterdam,
 *   Dublin), 11% gbp (London); four plans (Starter, Growth, Business, Scale) weighted 42/33/18/7%,
 *   12% billed yearly at ten months' price. 8% of threads have a second invoice (an add-on
 *   subscription renewing with the plan) and 1.5% a third; 6% of threads belong to a customer whose
 *   earlier failure was recovered at least two weeks before.
 * - Why: the sandbox's realistic decline mix (`realisticMix`) plus a 5% tail of rarer codes, so
 *   every category occurs: soft ~68%, hard ~23%, needs-authentication ~4%, do-not-contact ~3%
 *   (silenced at once), revoked ~2% (cancelled at once). Cohorts come from `assignCohort` with the
 *   workspace's salt and the policy's holdout share, as the engine assigns them.
 * - Outcomes differ by cohort as a working product would make them. Soft declines are recovered
 *   ~48% in treatment (Reclaim's retries ~28%, card updates from the emails ~11%, the rest by the
 *   provider's retry, the card updater or out of band) against ~25% in the holdout (the provider's
 *   own retries ~16%, the card updater, payments out of band): a lift of ~23 points, in line with
 *   what dunning vendors report. Hard declines: ~42% vs ~16% (card updates vs the card updater
 *   alone); authentication: ~39% vs ~12% (see `outcomeOdds`). Holdout cases are never recovered by Reclaim's retry or an
 *   email's card update: they get neither. Retries succeed at the planner's own retry times (earlier
 *   ones more often), card updates a few minutes after a click on one of the emails (earlier emails
 *   more often), the provider's retries around days 2, 5, 9 and 14, the card updater within 8 days,
 *   so most recoveries land in the first two weeks. Cases not recovered are lost when the policy's
 *   final action falls due (window + grace), with the invoice and subscription marked as that action
 *   does. Emails are opened ~45% (more for later, more urgent steps) and clicked ~12%.
 *
 * Time: the history ends at the workspace's test clock (or `now`, which may not be later than it).
 * Cases whose outcome falls after it are open, in the past-due or grace stage, with everything the
 * engine would have done by then already done.
 *
 * Open cases and the scheduler: every open case gets its whole plan from the domain's planner
 * (`planCase`, `planThreadEmails`), with the steps before the clock written as done (their retries
 * failed, their emails sent, grace entered) and the rest as pending `scheduled_actions`, all due
 * after the clock. So the local driver (which claims pending actions due by the workspace's clock)
 * finds nothing to do until the test clock moves; then the seeded open cases carry on exactly like
 * cases the engine opened: retries through the sandbox provider (the customer's card fails with
 * the case's code), the next emails, grace and the final action. Engagements of already-sent emails
 * that fall after the clock (an open tomorrow, a card update the history decided on) are written as
 * pending `sandbox_engagements`, so the simulated customers play them when the clock gets there.
 * What the sandbox cannot play (the provider's own retries, the card updater, payments out of band)
 * does not happen after the clock: open holdout cases end lost unless someone acts on them.
 *
 * Running it again adds a second batch of history (numbered: external ids are `cus_sbx_h<batch>_…`),
 * with new customers; nothing is replaced. The same seed, workspace salt and clock give the same
 * history (same figures; ids, tokens and tracking ids are random). An interrupted run keeps the
 * transactions it committed: whole threads, consistent, in their batch.
 */
import crypto from "node:crypto";
import { and, eq, getTableColumns, is, like, SQL, sql } from "drizzle-orm";
import type { PgColumn, PgTable } from "drizzle-orm/pg-core";
import { DateTime, IANAZone } from "luxon";
import { realisticMix } from "@/server/billing/sandbox/simulate";
import { testCards } from "@/server/billing/sandbox/test-cards";
import type { Db } from "@/server/db/client";
import {
  cardUpdateLinks,
  caseStatuses,
  customers,
  dunningThreads,
  invoices,
  outboxMessages,
  paymentAttempts,
  recoveryCases,
  recoveryChannels,
  sandboxCustomers,
  sandboxEngagements,
  sandboxPaymentMethods,
  scheduledActions,
  subscriptions,
  timelineEvents,
  workspaces,
  type CaseStatus,
  type Cohort,
  type DunningStage,
  type InvoiceStatus,
  type RecoveryChannel,
  type SubscriptionStatus,
} from "@/server/db/schema";
import { senderWithName } from "@/server/mail/mailer";
import { getBranding, type Branding } from "@/server/messaging/branding";
import { openPixelUrl } from "@/server/messaging/tracking";
import { dunningMessageKey, finalActionLabels } from "@/server/recovery/actions";
import { hashLinkToken } from "@/server/recovery/card-update-links";
import { channelLabels } from "@/server/recovery/close";
import { DAY, HOUR, MINUTE, systemClock } from "@/server/recovery/clock";
import { assignCohort } from "@/server/recovery/cohort";
import { workspaceNow, type Executor } from "@/server/recovery/context";
import { classifyDecline, declineCategories, type Classification, type DeclineCategory } from "@/server/recovery/decline";
import { cohortSummary } from "@/server/recovery/open-case";
import { planCase, planThreadEmails, type PlannedAction } from "@/server/recovery/planner";
import type { FinalAction, Policy, Tone } from "@/server/recovery/policy";
import { retryGroupFor } from "@/server/recovery/schedule";
import { getActiveSequenceVersion } from "@/server/recovery/sequences";

export const HISTORY_DEFAULTS = { months: 6, cases: 20_000, seed: "reclaim-history" } as const;
export const HISTORY_LIMITS = { months: { min: 1, max: 24 }, cases: { min: 100, max: 200_000 } } as const;

export type SeedHistoryOptions = {
  workspaceId: string;
  months: number;
  cases: number;
  seed: string;
  /** Where the history ends; defaults to (and may not be later than) the workspace's test clock. */
  now?: Date;
  /** Public address of the app, for the card-update links and open pixels in the emails. */
  appUrl?: string;
  /** The configured sender (EMAIL_FROM); emails show the merchant's name with it. */
  from?: string;
  /** Called after each committed transaction with the cases written so far. */
  onProgress?: (written: number, total: number) => void;
};

type ByCohort = Record<Cohort, number>;

export type SeedHistoryResult = {
  batch: number;
  seed: string;
  /** The history covers [from, to). */
  from: Date;
  to: Date;
  cases: number;
  threads: number;
  customers: number;
  subscriptions: number;
  invoices: number;
  paymentAttempts: number;
  emails: number;
  emailsOpened: number;
  emailsClicked: number;
  cardUpdateLinks: number;
  timelineEvents: number;
  /** Planned actions of the open cases (done and pending). */
  scheduledActions: number;
  pendingActions: number;
  sandboxEngagements: number;
  byStatus: Record<CaseStatus, ByCohort>;
  byChannel: Record<RecoveryChannel, ByCohort>;
  byCategory: Record<DeclineCategory, ByCohort>;
  /** Recovered amounts in minor units, per currency and cohort. */
  recoveredAmount: Record<string, ByCohort>;
  ms: number;
};

/** Seeds a batch of history into a sandbox workspace. Throws for a live or unknown workspace or out-of-range sizes. */
export async function seedHistory(db: Db, options: SeedHistoryOptions): Promise<SeedHistoryResult> {
  const started = performance.now();
  const { months, cases: caseCount } = options;
  if (!Number.isInteger(months) || months < HISTORY_LIMITS.months.min || months > HISTORY_LIMITS.months.max) {
    throw new RangeError(`months must be a whole number from ${HISTORY_LIMITS.months.min} to ${HISTORY_LIMITS.months.max}, got ${months}`);
  }
  if (!Number.isInteger(caseCount) || caseCount < HISTORY_LIMITS.cases.min || caseCount > HISTORY_LIMITS.cases.max) {
    throw new RangeError(`cases must be a whole number from ${HISTORY_LIMITS.cases.min} to ${HISTORY_LIMITS.cases.max}, got ${caseCount}`);
  }
  const [workspace] = await db
    .select({ id: workspaces.id, name: workspaces.name, mode: workspaces.mode, salt: workspaces.cohortSalt })
    .from(workspaces)
    .where(eq(workspaces.id, options.workspaceId));
  if (!workspace) throw new Error(`Workspace ${options.workspaceId} not found`);
  if (workspace.mode !== "sandbox") {
    throw new Error(`"${workspace.name}" is a live workspace: history is only seeded into sandbox workspaces, so invented figures never mix with real ones.`);
  }
  const clockNow = await workspaceNow({ db, clock: systemClock }, workspace.id);
  const now = options.now ?? clockNow;
  if (now.getTime() > clockNow.getTime()) {
    throw new RangeError(`now (${now.toISOString()}) is after the workspace's test clock (${clockNow.toISOString()}): cases would open in its future.`);
  }
  const version = await getActiveSequenceVersion(db, workspace.id);
  const branding = await getBranding(db, workspace.id);
  const batch = (await lastBatch(db, workspace.id)) + 1;

  const planner = new HistoryPlanner({ seed: options.seed, batch, salt: workspace.salt, policy: version.policy, now, months, cases: caseCount });
  const writer = new HistoryWriter({
    workspaceId: workspace.id,
    sequenceVersionId: version.id,
    policy: version.policy,
    branding,
    appUrl: (options.appUrl ?? "http://localhost:3000").replace(/\/+$/, ""),
    from: senderWithName(options.from ?? "Reclaim <no-reply@reclaim.local>", branding.displayName),
    now,
  });
  let written = 0;
  while (!planner.done) {
    const chunk = planner.next(THREADS_PER_TRANSACTION);
    const rows = writer.rowsFor(chunk);
    await db.transaction((tx) => writeRows(tx, rows));
    written += chunk.reduce((sum, t) => sum + t.cases.length, 0);
    options.onProgress?.(written, caseCount);
  }
  return { ...planner.figures, ...writer.counts, batch, seed: options.seed, from: planner.from, to: now, ms: Math.round(performance.now() - started) };
}

/** The highest batch number seeded into the workspace so far (0 when none). */
async function lastBatch(db: Db, workspaceId: string): Promise<number> {
  const [row] = await db
    .select({ batch: sql<number | null>`max((regexp_match(${customers.externalId}, '^cus_sbx_h([0-9]+)_'))[1]::int)` })
    .from(customers)
    .where(and(eq(customers.workspaceId, workspaceId), eq(customers.provider, "sandbox"), like(customers.externalId, "cus\\_sbx\\_h%")));
  return Number(row?.batch ?? 0);
}

const THREADS_PER_TRANSACTION = 1_000;

const zoneValidity = new Map<string, boolean>();
const zoneOffsets = new Map<string, { byDay: Map<number, number | null>; byHour: Map<number, number> }>();

/**
 * Runs `plan` (synchronous) with luxon's two slow time-zone look-ups memoized: whether a zone name
 * is valid (luxon builds a new Intl.DateTimeFormat for each answer) and a zone's UTC offset at an
 * instant (one formatToParts each): per UTC day when the offset is the same at both ends of the
 * day, else per hour, which is exact because the zones used here change offset at most once a day,
 * on a whole hour. The planner asks both many times per case; memoized, planning
 * 20,000 cases takes seconds instead of a minute and a half. Nothing else can run while a
 * synchronous function does, so no other code ever sees the patched functions.
 */
function withMemoizedZones<T>(plan: () => T): T {
  const isValidZone = IANAZone.isValidZone;
  IANAZone.isValidZone = (zone: string) => {
    let valid = zoneValidity.get(zone);
    if (valid === undefined) {
      valid = isValidZone.call(IANAZone, zone);
      zoneValidity.set(zone, valid);
    }
    return valid;
  };
  const restore = zoneNames.map((name) => {
    const zone = IANAZone.create(name);
    const offset = zone.offset;
    const exact = (ts: number) => offset.call(zone, ts);
    // A zone's offset per UTC day when it is the same at both ends of the day, else per hour.
    const { byDay, byHour } = zoneOffsets.get(name) ?? { byDay: new Map<number, number | null>(), byHour: new Map<number, number>() };
    zoneOffsets.set(name, { byDay, byHour });
    zone.offset = (ts: number) => {
      const day = Math.floor(ts / DAY);
      let minutes = byDay.get(day);
      if (minutes === undefined) {
        const start = exact(day * DAY);
        minutes = start === exact((day + 1) * DAY - 1) ? start : null;
        byDay.set(day, minutes);
      }
      if (minutes !== null) return minutes;
      const hour = Math.floor(ts / HOUR);
      let inHour = byHour.get(hour);
      if (inHour === undefined) {
        inHour = exact(hour * HOUR);
        byHour.set(hour, inHour);
      }
      return inHour;
    };
    return () => {
      zone.offset = offset;
    };
  });
  try {
    return plan();
  } finally {
    IANAZone.isValidZone = isValidZone;
    for (const undo of restore) undo();
  }
}

// ---------------------------------------------------------------------------------------------
// Randomness: a small fast PRNG (sfc32) seeded from the seed's hash, drawn in a fixed order.

type Random = () => number;

function createRandom(seed: string): Random {
  const h = crypto.createHash("sha256").update(seed).digest();
  let a = h.readUInt32LE(0);
  let b = h.readUInt32LE(4);
  let c = h.readUInt32LE(8);
  let d = h.readUInt32LE(12);
  const next = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4_294_967_296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

function weighted<T>(items: readonly (readonly [T, number])[], r: number): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let x = r * total;
  for (const [value, w] of items) {
    x -= w;
    if (x < 0) return value;
  }
  return items[items.length - 1]![0];
}

const pick = <T>(items: readonly T[], r: number): T => items[Math.floor(r * items.length)]!;

// ---------------------------------------------------------------------------------------------
// The population

const firstNames = [
  "Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Tim", "Barbara", "Dennis", "Radia", "Ken", "Frances",
  "Edsger", "Hedy", "Donald", "Annie", "Sophie", "Lucas", "Emma", "Noah", "Mia", "Liam", "Olivia", "Mateo", "Chloe",
  "Hugo", "Lena", "Felix", "Nora", "Oscar", "Priya", "Arjun", "Yuki", "Hana", "Diego", "Lucia", "Amara", "Kofi",
  "Ingrid", "Sven", "Aisha", "Omar", "Chen", "Mei", "Isabel", "Jonas",
];
const lastNames = [
  "Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Berners-Lee", "Liskov", "Ritchie", "Perlman",
  "Thompson", "Allen", "Dijkstra", "Lamarr", "Knuth", "Easley", "Martin", "Schmidt", "Dubois", "Garcia", "Rossi",
  "Jansen", "Murphy", "Smith", "Nguyen", "Patel", "Kim", "Silva", "Novak", "Larsen", "Okafor", "Mensah", "Tanaka",
  "Sato", "Cohen", "Haddad", "Fischer", "Moreau", "Lopez", "Walsh", "Brown", "Wilson",
];

type Region = { currency: "usd" | "eur" | "gbp"; zones: readonly (readonly [string, string, number])[] };

/** Currency with its time zones and locales ([zone, locale, weight]). */
const regions: readonly (readonly [Region, number])[] = [
  [
    {
      currency: "usd",
      zones: [
        ["America/New_York", "en-US", 30],
        ["America/Chicago", "en-US", 15],
        ["America/Denver", "en-US", 5],
        ["America/Los_Angeles", "en-US", 24],
        ["America/Toronto", "en-CA", 6],
        ["America/Sao_Paulo", "pt-BR", 5],
        ["Asia/Singapore", "en-SG", 5],
        ["Asia/Tokyo", "ja-JP", 4],
        ["Australia/Sydney", "en-AU", 6],
      ],
    },
    70,
  ],
  [
    {
      currency: "eur",
      zones: [
        ["Europe/Berlin", "de-DE", 35],
        ["Europe/Paris", "fr-FR", 25],
        ["Europe/Madrid", "es-ES", 15],
        ["Europe/Amsterdam", "nl-NL", 15],
        ["Europe/Dublin", "en-IE", 10],
      ],
    },
    19,
  ],
  [{ currency: "gbp", zones: [["Europe/London", "en-GB", 1]] }, 11],
];

const zoneNames = [...new Set(regions.flatMap(([region]) => region.zones.map(([zone]) => zone)))];

/** Monthly prices in minor units per currency. */
const plans = [
  { name: "Starter", price: { usd: 1900, eur: 1900, gbp: 1500 }, weight: 42 },
  { name: "Growth", price: { usd: 4900, eur: 4500, gbp: 3900 }, weight: 33 },
  { name: "Business", price: { usd: 12900, eur: 11900, gbp: 9900 }, weight: 18 },
  { name: "Scale", price: { usd: 49900, eur: 45900, gbp: 39900 }, weight: 7 },
] as const;
const addOns = [
  { name: "Extra seats", price: { usd: 4500, eur: 4000, gbp: 3500 } },
  { name: "Priority support", price: { usd: 2900, eur: 2900, gbp: 2500 } },
  { name: "Additional workspace", price: { usd: 1500, eur: 1500, gbp: 1200 } },
] as const;

/** realisticMix plus a tail of rarer codes, so every category and more kinds show up in the breakdowns. */
const declineMix: readonly (readonly [string, number])[] = [
  ...realisticMix.map((m) => [m.code, m.weight] as const),
  ["issuer_not_available", 1.2],
  ["withdrawal_count_limit_exceeded", 0.5],
  ["transaction_not_allowed", 0.8],
  ["incorrect_number", 0.7],
  ["card_not_supported", 0.4],
  ["fraudulent", 0.6],
  ["stop_payment_order", 0.5],
  ["payment_intent_authentication_failure", 0.4],
  ["try_again_later", 0.4],
];
const declineMixMonthStart = declineMix.map(([code, w]) => [code, code === "expired_card" ? w * 2.5 : w] as const);

const classifications = new Map<string, Classification>();
function classification(code: string): Classification {
  let c = classifications.get(code);
  if (!c) {
    c = classifyDecline({ code: "card_declined", declineCode: code });
    classifications.set(code, c);
  }
  return c;
}

// ---------------------------------------------------------------------------------------------
// Outcomes

type OutcomeGroup = "insufficient_funds" | "temporary" | "generic" | "other_soft" | "card_expired" | "hard_other" | "needs_authentication";

/** Probability that a case ends recovered through each channel, by decline group and cohort. The rest is lost. */
const outcomeOdds: Record<OutcomeGroup, Record<Cohort, Partial<Record<RecoveryChannel, number>>>> = {
  insufficient_funds: {
    treatment: { reclaim_retry: 0.3, card_update: 0.09, provider_retry: 0.04, card_updater: 0.01, out_of_band: 0.04 },
    holdout: { provider_retry: 0.17, card_updater: 0.01, out_of_band: 0.06 },
  },
  temporary: {
    treatment: { reclaim_retry: 0.5, card_update: 0.05, provider_retry: 0.07, out_of_band: 0.02 },
    holdout: { provider_retry: 0.4, out_of_band: 0.04 },
  },
  generic: {
    treatment: { reclaim_retry: 0.19, card_update: 0.15, provider_retry: 0.04, card_updater: 0.03, out_of_band: 0.03 },
    holdout: { provider_retry: 0.12, card_updater: 0.03, out_of_band: 0.05 },
  },
  other_soft: {
    treatment: { reclaim_retry: 0.25, card_update: 0.1, provider_retry: 0.04, out_of_band: 0.03 },
    holdout: { provider_retry: 0.16, out_of_band: 0.05 },
  },
  card_expired: {
    treatment: { card_update: 0.28, card_updater: 0.14, out_of_band: 0.04 },
    holdout: { card_updater: 0.14, out_of_band: 0.05 },
  },
  hard_other: {
    treatment: { card_update: 0.26, card_updater: 0.03, out_of_band: 0.04 },
    holdout: { card_updater: 0.03, out_of_band: 0.06 },
  },
  needs_authentication: {
    treatment: { card_update: 0.34, out_of_band: 0.05 },
    holdout: { out_of_band: 0.12 },
  },
};

function outcomeGroup(c: Classification): OutcomeGroup {
  if (c.category === "needs_authentication") return "needs_authentication";
  if (c.category !== "soft") return c.kind === "card_expired" ? "card_expired" : "hard_other";
  return retryGroupFor(c.category, c.kind) ?? "other_soft";
}

function drawChannel(group: OutcomeGroup, cohort: Cohort, r: number): RecoveryChannel | null {
  let x = r;
  for (const [channel, p] of Object.entries(outcomeOdds[group][cohort]) as [RecoveryChannel, number][]) {
    x -= p;
    if (x < 0) return channel;
  }
  return null;
}

/** Which of n tries works, when one does: earlier ones more often. */
const earlierFirst = (n: number, r: number, decay = 0.6) =>
  weighted(
    Array.from({ length: n }, (_, i) => [i, decay ** i] as const),
    r,
  );

/** Days after the failure on which the provider's own (smart) retries run. */
const providerRetryDays = [2, 5, 9, 14];

const openRate: Record<Tone, number> = { friendly: 0.4, reminder: 0.44, urgent: 0.48, final: 0.52 };
const needsNewCard = new Set<string>(["hard", "revoked", "needs_authentication"]);

/**
 * People read their email in the day: an open between 23:00 and 07:00 local moves to the morning
 * (as the sandbox's engagement model has it), in the zone's offset at that moment.
 */
function awake(ms: number, zone: string, jitter: number): number {
  const offset = IANAZone.create(zone).offset(ms) * MINUTE;
  const intoDay = (((ms + offset) % DAY) + DAY) % DAY;
  const hour = Math.floor(intoDay / HOUR);
  if (hour >= 7 && hour < 23) return ms;
  const morning = ms - intoDay + (hour >= 23 ? DAY : 0) + 7 * HOUR;
  return morning + Math.floor(jitter * 120) * MINUTE;
}

// ---------------------------------------------------------------------------------------------
// Planning the history in memory

type PlanCustomer = {
  id: string;
  externalId: string;
  name: string;
  email: string;
  timezone: string;
  locale: string;
  currency: Region["currency"];
  cohort: Cohort;
  firstSeen: Date;
  subscription: { id: string; externalId: string; planName: string; amount: number; status: SubscriptionStatus; updatedAt: Date };
  paymentMethodId: string;
  /** The decline code of the card on file, null when it works (after a recovery). */
  cardFailsWith: string | null;
  /** When its last thread closed recovered (it may fail again later), null otherwise. */
  returnableFrom: number | null;
};

type PlanEmail = {
  index: number;
  total: number;
  day: number;
  tone: Tone;
  subject: string;
  body: string;
  dueAt: number;
  actionKey: string;
  openAt: number | null;
  clickAt: number | null;
  /** The card update this email's link led to (only on the attributed email). */
  updateAt: number | null;
};

type PlanCase = {
  id: string;
  invoiceId: string;
  invoiceExternalId: string;
  invoiceNumber: string;
  subscription: { id: string; externalId: string; planName: string; amount: number; status: SubscriptionStatus; updatedAt: Date; isNew: boolean };
  amount: number;
  openedAt: number;
  status: CaseStatus;
  stage: DunningStage;
  closedAt: number | null;
  via: RecoveryChannel | null;
  /** Reclaim's retries, as planned. */
  retries: number[];
  /** The provider's own retries, as they would run. */
  providerRetries: number[];
  graceAt: number;
  finalAt: number;
  /** The whole plan, kept for open cases only. */
  planned: PlannedAction[] | null;
  cardUpdaterResult: string | null;
};

type PlanThread = {
  id: string;
  customer: PlanCustomer;
  newCustomer: boolean;
  cohort: Cohort;
  code: string;
  classification: Classification;
  openedAt: number;
  closedAt: number | null;
  cases: PlanCase[];
  emails: PlanEmail[];
  /** Planned email actions, for open threads. */
  emailActions: PlannedAction[] | null;
  channel: RecoveryChannel | null;
  /** For card_update: the email whose link brought the customer back. */
  attributedEmail: PlanEmail | null;
};

type Figures = Pick<SeedHistoryResult, "cases" | "threads" | "customers" | "byStatus" | "byChannel" | "byCategory" | "recoveredAmount">;

const byCohort = (): ByCohort => ({ treatment: 0, holdout: 0 });
const tally = <K extends string>(keys: readonly K[]) => Object.fromEntries(keys.map((k) => [k, byCohort()])) as Record<K, ByCohort>;

/**
 * Decides the history thread by thread, in the order the threads opened, a transaction's worth at
 * a time (`next`), so memory stays flat however many cases are asked for: only the customers who
 * may fail again are kept between chunks.
 */
class HistoryPlanner {
  readonly from: Date;
  readonly figures: Figures = {
    cases: 0,
    threads: 0,
    customers: 0,
    byStatus: tally(caseStatuses),
    byChannel: tally(recoveryChannels),
    byCategory: tally(declineCategories),
    recoveredAmount: {},
  };
  private readonly random: Random;
  private readonly nowMs: number;
  private readonly sizes: number[] = [];
  private readonly times: number[];
  private readonly returnable: PlanCustomer[] = [];
  private customerSeq = 0;
  private invoiceSeq = 0;
  private position = 0;

  constructor(
    private readonly args: {
      seed: string;
      batch: number;
      salt: string;
      policy: Policy;
      now: Date;
      months: number;
      cases: number;
    },
  ) {
    this.random = createRandom(`${args.seed}:history:${args.batch}`);
    this.nowMs = args.now.getTime();
    this.from = DateTime.fromJSDate(args.now, { zone: "utc" }).minus({ months: args.months }).toJSDate();
    // Thread sizes first (so the case count is exact), then their opening times, leaving room
    // before the clock for a thread's later invoices (minutes after the first).
    for (let total = 0; total < args.cases; ) {
      const r = this.random();
      const size = Math.min(r < 0.905 ? 1 : r < 0.985 ? 2 : 3, args.cases - total);
      this.sizes.push(size);
      total += size;
    }
    this.times = sampleOpenings(this.from.getTime(), this.nowMs - HOUR, this.sizes.length, this.random).sort((a, b) => a - b);
  }

  get done(): boolean {
    return this.position >= this.sizes.length;
  }

  /** The next `count` threads (fewer at the end), decided. */
  next(count: number): PlanThread[] {
    const threads: PlanThread[] = [];
    withMemoizedZones(() => {
      while (threads.length < count && !this.done) threads.push(this.thread(this.position++));
    });
    return threads;
  }

  private newCustomer(openedAt: number): PlanCustomer {
    const { batch, policy } = this.args;
    const random = this.random;
    const seq = this.customerSeq++;
    const first = pick(firstNames, random());
    const last = pick(lastNames, random());
    const region = weighted(regions, random());
    const [timezone, locale] = weighted(
      region.zones.map(([zone, loc, w]) => [[zone, loc] as const, w] as const),
      random(),
    );
    const plan = weighted(
      plans.map((p) => [p, p.weight] as const),
      random(),
    );
    const yearly = random() < 0.12;
    const externalId = `cus_sbx_h${batch}_${seq.toString(36).padStart(5, "0")}`;
    return {
      id: crypto.randomUUID(),
      externalId,
      name: `${first} ${last}`,
      email: `${first}.${last}.${batch}${seq.toString(36)}@example.com`.toLowerCase().replace(/[^a-z0-9.@-]/g, ""),
      timezone,
      locale,
      currency: region.currency,
      cohort: assignCohort(this.args.salt, externalId, policy.holdoutPercent),
      firstSeen: new Date(openedAt),
      subscription: {
        id: crypto.randomUUID(),
        externalId: `sub_sbx_h${batch}_${seq.toString(36)}`,
        planName: yearly ? `${plan.name} (yearly)` : plan.name,
        amount: plan.price[region.currency] * (yearly ? 10 : 1),
        status: "active",
        updatedAt: new Date(openedAt),
      },
      paymentMethodId: `pm_sbx_${crypto.randomUUID().replaceAll("-", "").slice(0, 20)}`,
      cardFailsWith: null,
      returnableFrom: null,
    };
  }

  /** 6% of threads belong to a customer whose earlier failure was recovered two weeks or more before. */
  private takeReturning(openedAt: number): PlanCustomer | null {
    const { returnable, random } = this;
    if (returnable.length === 0 || random() >= 0.06) return null;
    for (let tries = 0; tries < 4; tries++) {
      const i = Math.floor(random() * returnable.length);
      const candidate = returnable[i]!;
      if (candidate.returnableFrom !== null && candidate.returnableFrom + 14 * DAY <= openedAt) {
        returnable[i] = returnable[returnable.length - 1]!;
        returnable.pop();
        candidate.returnableFrom = null;
        return candidate;
      }
    }
    return null;
  }

  private thread(t: number): PlanThread {
    const { policy, batch } = this.args;
    const { random, nowMs, figures } = this;
    const openedAt = this.times[t]!;
    const returning = this.takeReturning(openedAt);
    const customer = returning ?? this.newCustomer(openedAt);
    const monthDay = new Date(openedAt).getUTCDate();
    const code = weighted(monthDay <= 5 ? declineMixMonthStart : declineMix, random());
    const c = classification(code);
    customer.cardFailsWith = code;
    const thread: PlanThread = {
      id: crypto.randomUUID(),
      customer,
      newCustomer: !returning,
      cohort: customer.cohort,
      code,
      classification: c,
      openedAt,
      closedAt: null,
      cases: [],
      emails: [],
      emailActions: null,
      channel: null,
      attributedEmail: null,
    };

    // The thread's invoices: the plan's renewal, then add-ons renewing with it minutes later.
    let at = openedAt;
    for (let j = 0; j < this.sizes[t]!; j++) {
      if (j > 0) at += Math.round((1 + random() * 19) * MINUTE);
      const seq = this.invoiceSeq++;
      const addOn = j === 0 ? null : pick(addOns, random());
      const subscription =
        addOn === null
          ? { ...customer.subscription, isNew: false }
          : {
              id: crypto.randomUUID(),
              externalId: `sub_sbx_h${batch}_${customer.externalId.split("_").at(-1)}_${seq.toString(36)}`,
              planName: addOn.name,
              amount: addOn.price[customer.currency],
              status: "active" as SubscriptionStatus,
              updatedAt: new Date(at),
              isNew: true,
            };
      const caseId = crypto.randomUUID();
      // The planner's own times: the window ends (grace) and the final action.
      const planned = planCase({ policy, classification: c, cohort: customer.cohort, openedAt: new Date(at), timezone: customer.timezone, caseId });
      const finalAt = planned.find((a) => a.kind === "final_action")!.dueAt.getTime();
      const graceAt = planned.find((a) => a.kind === "enter_grace")?.dueAt.getTime() ?? finalAt;
      thread.cases.push({
        id: caseId,
        invoiceId: crypto.randomUUID(),
        invoiceExternalId: `in_sbx_h${batch}_${seq.toString(36).padStart(6, "0")}`,
        invoiceNumber: `SBX-H${batch}-${String(seq + 1).padStart(6, "0")}`,
        subscription,
        amount: subscription.amount,
        openedAt: at,
        status: "open",
        stage: "past_due",
        closedAt: null,
        via: null,
        retries: planned.filter((a) => a.kind === "retry").map((a) => a.dueAt.getTime()),
        providerRetries: [],
        graceAt,
        finalAt,
        planned,
        cardUpdaterResult: null,
      });
    }

    if (c.category === "do_not_contact" || c.category === "revoked") {
      // Silenced or cancelled at once, whatever the cohort: no retry, no message.
      for (const k of thread.cases) {
        k.status = c.category === "do_not_contact" ? "silenced" : "cancelled";
        k.closedAt = k.openedAt;
        k.planned = null;
        k.retries = [];
      }
    } else {
      resolveOutcome(thread, { policy, random, nowMs });
    }

    // Close the thread, update the customer and its subscriptions.
    const open = thread.cases.some((k) => k.status === "open");
    thread.closedAt = open ? null : Math.max(...thread.cases.map((k) => k.closedAt!));
    for (const k of thread.cases) {
      k.subscription.status = subscriptionStatusOf(k, policy.finalAction);
      k.subscription.updatedAt = new Date(k.closedAt ?? k.openedAt);
      if (!k.subscription.isNew) {
        customer.subscription.status = k.subscription.status;
        customer.subscription.updatedAt = k.subscription.updatedAt;
      }
    }
    const allRecovered = thread.cases.every((k) => k.status === "recovered");
    if (allRecovered) {
      customer.cardFailsWith = null;
      customer.returnableFrom = thread.closedAt;
      this.returnable.push(customer);
    }

    figures.threads++;
    if (thread.newCustomer) figures.customers++;
    for (const k of thread.cases) {
      figures.cases++;
      figures.byStatus[k.status][thread.cohort]++;
      figures.byCategory[c.category][thread.cohort]++;
      if (k.status === "recovered" && k.via) {
        figures.byChannel[k.via][thread.cohort]++;
        const amounts = (figures.recoveredAmount[customer.currency] ??= byCohort());
        amounts[thread.cohort] += k.amount;
      }
    }
    return thread;
  }
}

/** `count` opening times in [from, end), weighted by day (see the module comment), uniform within a day. */
function sampleOpenings(from: number, end: number, count: number, random: Random): number[] {
  const segments: { start: number; length: number }[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (let start = from; start < end; ) {
    const date = new Date(start);
    const nextMidnight = Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 1);
    const length = Math.min(nextMidnight, end) - start;
    const day = date.getUTCDate();
    const lastDay = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)).getUTCDate();
    const weekday = [0.82, 1.08, 1.04, 1.0, 1.0, 0.98, 0.84][date.getUTCDay()]!;
    const monthly = day === 1 ? 2.6 : day === 15 ? 1.45 : day <= 3 ? 1.3 : day === 16 ? 1.1 : day >= lastDay - 2 ? 1.08 : 1;
    const growth = 1.03 ** ((start - from) / (30.44 * DAY));
    total += weekday * monthly * growth * (length / DAY);
    segments.push({ start, length });
    cumulative.push(total);
    start += length;
  }
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const x = random() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! <= x) lo = mid + 1;
      else hi = mid;
    }
    const segment = segments[lo]!;
    times.push(Math.floor(segment.start + random() * segment.length));
  }
  return times;
}

/**
 * Decides how a thread ends: one channel for the customer (a card update or a new card from the
 * updater pays every invoice at once; Reclaim's and the provider's retries work per invoice, at
 * the same step), and its time. Whatever falls after the clock has not happened yet: those cases
 * are open, with the planner's plan to carry on from.
 */
function resolveOutcome(thread: PlanThread, ctx: { policy: Policy; random: Random; nowMs: number }) {
  const { policy, random, nowMs } = ctx;
  const { customer, classification: c, cohort } = thread;
  const soft = c.category === "soft";
  for (const k of thread.cases) {
    if (soft) {
      k.providerRetries = providerRetryDays.map((d) => k.openedAt + d * DAY + Math.round((random() - 0.5) * 6 * HOUR));
    }
  }
  const lead = thread.cases[0]!;
  if (cohort === "treatment") {
    const planned = planThreadEmails({
      policy,
      openedAt: new Date(thread.openedAt),
      timezone: customer.timezone,
      threadId: thread.id,
      firstRetryAt: lead.retries[0] !== undefined ? new Date(lead.retries[0]) : null,
    });
    thread.emailActions = planned;
    thread.emails = planned.map((a, i) => {
      const step = policy.emails[i]!;
      return {
        index: i + 1,
        total: policy.emails.length,
        day: step.day,
        tone: step.tone,
        subject: step.subject,
        body: step.body,
        dueAt: a.dueAt.getTime(),
        actionKey: a.idempotencyKey,
        openAt: null,
        clickAt: null,
        updateAt: null,
      };
    });
  }

  // The lead invoice's outcome, then the others'.
  let channel = drawChannel(outcomeGroup(c), cohort, random());
  const stepRandom = random();
  let step = 0;
  let leadAt: number | null = null;
  switch (channel) {
    case "reclaim_retry":
      if (lead.retries.length > 0) {
        step = earlierFirst(lead.retries.length, stepRandom);
        leadAt = lead.retries[step]!;
      }
      break;
    case "provider_retry":
      step = earlierFirst(lead.providerRetries.length, stepRandom, 0.7);
      leadAt = lead.providerRetries[step] ?? null;
      break;
    case "card_updater":
      leadAt = lead.openedAt + Math.round((1 + 7 * stepRandom) * DAY);
      break;
    case "out_of_band":
      leadAt = lead.openedAt + Math.round((0.5 + 24 * stepRandom ** 2) * DAY);
      break;
    case "card_update": {
      const usable = thread.emails.filter((e) => e.dueAt < lead.finalAt);
      if (usable.length === 0) break;
      const email = usable[earlierFirst(usable.length, stepRandom, 0.68)]!;
      email.openAt = awake(email.dueAt + 5 * MINUTE + Math.round(random() ** 2 * 36 * HOUR), customer.timezone, random());
      email.clickAt = email.openAt + 30_000 + Math.round(random() * 20 * MINUTE);
      email.updateAt = email.clickAt + MINUTE + Math.round(random() * 7 * MINUTE);
      thread.attributedEmail = email;
      leadAt = email.updateAt;
      break;
    }
    case null:
      break;
  }
  if (leadAt === null) channel = null;
  thread.channel = channel;

  for (const k of thread.cases) {
    let at: number | null = null;
    if (channel === "reclaim_retry") at = k.retries[Math.min(step, k.retries.length - 1)] ?? null;
    else if (channel === "provider_retry") at = k.providerRetries[step] ?? null;
    else if (channel !== null && leadAt !== null) at = Math.max(leadAt, k.openedAt + MINUTE);
    const recovered = at !== null && at < k.finalAt;
    const closeAt = recovered ? at! : k.finalAt;
    const reachedGrace = policy.graceDays > 0 && k.graceAt <= Math.min(closeAt, nowMs);
    if (closeAt > nowMs) {
      k.status = "open";
      k.stage = reachedGrace ? "grace" : "past_due";
    } else {
      k.status = recovered ? "recovered" : "lost";
      k.closedAt = closeAt;
      k.via = recovered ? channel : null;
      k.stage = recovered ? (reachedGrace ? "grace" : "past_due") : "final";
      k.planned = null;
    }
    if (c.kind === "card_expired") {
      k.cardUpdaterResult = k.via === "card_updater" ? "Updated: new expiry date from the card network" : "No update from the card network";
    }
  }

  // What the customer did with the emails that went out (the attributed one is decided above).
  const threadOpenUntil = thread.cases.some((k) => k.status === "open") ? Infinity : Math.max(...thread.cases.map((k) => k.closedAt!));
  if (thread.emails.length > 0) {
    const clickBase = needsNewCard.has(c.category) ? 0.22 : 0.14;
    for (const email of thread.emails) {
      if (email.dueAt > nowMs || email.dueAt >= threadOpenUntil) continue;
      if (email === thread.attributedEmail) continue;
      if (random() >= openRate[email.tone]) continue;
      email.openAt = awake(email.dueAt + 5 * MINUTE + Math.round(random() ** 2 * 36 * HOUR), customer.timezone, random());
      if (random() < Math.min(0.9, clickBase * (1 + 0.1 * (email.index - 1)))) {
        email.clickAt = email.openAt + 30_000 + Math.round(random() * 20 * MINUTE);
      }
    }
  }
  // Keep what the writer needs: the emails that went out, and the plan of a thread still open.
  thread.emails = thread.emails.filter((e) => e.dueAt <= nowMs && e.dueAt < threadOpenUntil);
  if (threadOpenUntil !== Infinity) thread.emailActions = null;
}

function subscriptionStatusOf(k: PlanCase, finalAction: FinalAction): SubscriptionStatus {
  switch (k.status) {
    case "recovered":
      return "active";
    case "open":
      return k.stage === "grace" ? "grace" : "past_due";
    case "lost":
      return finalAction === "cancel" ? "canceled" : finalAction === "pause" ? "paused" : finalAction === "mark_uncollectible" ? "unpaid" : "past_due";
    default:
      // Silenced and cancelled cases leave the subscription as the failure left it.
      return "past_due";
  }
}

// ---------------------------------------------------------------------------------------------
// Rows

type Insert<T extends PgTable> = T["$inferInsert"];

type Rows = {
  customers: Insert<typeof customers>[];
  sandboxCustomers: Insert<typeof sandboxCustomers>[];
  /** By id: a chunk may hold a customer's threads twice; these rows are upserted. */
  paymentMethods: Map<string, Insert<typeof sandboxPaymentMethods>>;
  subscriptions: Map<string, Insert<typeof subscriptions>>;
  invoices: Insert<typeof invoices>[];
  threads: Insert<typeof dunningThreads>[];
  cases: Insert<typeof recoveryCases>[];
  attempts: Insert<typeof paymentAttempts>[];
  outbox: Insert<typeof outboxMessages>[];
  links: Insert<typeof cardUpdateLinks>[];
  actions: Insert<typeof scheduledActions>[];
  timeline: Insert<typeof timelineEvents>[];
  engagements: Insert<typeof sandboxEngagements>[];
};

/** In the order foreign keys need them. */
async function writeRows(tx: Executor, rows: Rows): Promise<void> {
  await insertRows(tx, customers, rows.customers);
  await insertRows(tx, sandboxCustomers, rows.sandboxCustomers);
  await insertRows(
    tx,
    sandboxPaymentMethods,
    [...rows.paymentMethods.values()],
    sql`on conflict (id) do update set fails_with = excluded.fails_with, brand = excluded.brand, last4 = excluded.last4, exp_year = excluded.exp_year`,
  );
  await insertRows(
    tx,
    subscriptions,
    [...rows.subscriptions.values()],
    sql`on conflict (id) do update set status = excluded.status, updated_at = excluded.updated_at`,
  );
  await insertRows(tx, invoices, rows.invoices);
  await insertRows(tx, dunningThreads, rows.threads);
  await insertRows(tx, recoveryCases, rows.cases);
  await insertRows(tx, paymentAttempts, rows.attempts);
  await insertRows(tx, outboxMessages, rows.outbox);
  await insertRows(tx, cardUpdateLinks, rows.links);
  await insertRows(tx, scheduledActions, rows.actions);
  await insertRows(tx, timelineEvents, rows.timeline);
  await insertRows(tx, sandboxEngagements, rows.engagements);
}

/**
 * Bulk inserts: 2,000 rows a statement, one parameter per column whatever the row count. Each
 * column travels as one text, its values joined by a control character that no value holds
 * (JSON escapes it), and the database splits, casts and unnests them:
 * `insert … select * from unnest(string_to_array($1, E'\x1f', E'\x1e')::timestamptz[], …)`.
 * That skips the drivers' array serialisers, which cost more than the insert itself on PGlite,
 * and both drivers treat a text parameter alike. Columns no row sets are left to the database's
 * defaults; a row that leaves out a column gets the column's default function (ids) or static
 * default, else null.
 */
async function insertRows<T extends PgTable>(tx: Executor, table: T, rows: Insert<T>[], onConflict?: SQL): Promise<void> {
  if (rows.length === 0) return;
  const columns = Object.entries(getTableColumns(table) as Record<string, PgColumn>).filter(
    ([key, column]) => column.defaultFn !== undefined || rows.some((row) => (row as Record<string, unknown>)[key] !== undefined),
  );
  const names = sql.join(
    columns.map(([, column]) => sql.identifier(column.name)),
    sql`, `,
  );
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const chunk = rows.slice(i, i + ROWS_PER_STATEMENT) as Record<string, unknown>[];
    const arrays = columns.map(([key, column]) => {
      const values = chunk.map((row) => columnValue(row[key], column));
      return sql`${columnArray(values)}::${sql.raw(arrayType(column))}`;
    });
    await tx.execute(sql`insert into ${table} (${names}) select * from unnest(${sql.join(arrays, sql`, `)}) ${onConflict ?? sql``}`);
  }
}

const ROWS_PER_STATEMENT = 2_000;
const SEPARATOR = "\x1f";
const NULL_VALUE = "\x1e";

/** One column's values as a text[] expression: a joined text split by the database. */
function columnArray(values: (string | null)[]): SQL {
  const joined = values.map((v) => (v === null ? NULL_VALUE : v)).join(SEPARATOR);
  const splittable = !(values.length === 1 && values[0] === "") && values.every((v) => v === null || (!v.includes(SEPARATOR) && v !== NULL_VALUE));
  // A single empty text would split into no element at all; a value holding the separator cannot be split.
  if (!splittable) return sql`${sql.param(values)}::text[]`;
  return sql`string_to_array(${joined}::text, E'\\x1f', E'\\x1e')`;
}

/** The column's array type, cast from text[] (enums, times, JSON and numbers are converted by the database). */
function arrayType(column: PgColumn): string {
  const type = column.getSQLType();
  return type === "text" ? "text[]" : `text[]::${type === "timestamp with time zone" ? "timestamptz" : type}[]`;
}

/** A value as text: times as ISO strings, JSON as JSON. */
function columnValue(value: unknown, column: PgColumn): string | null {
  if (value === undefined) {
    value = column.defaultFn ? column.defaultFn() : column.hasDefault && !is(column.default, SQL) ? column.default : null;
  }
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}


/** A charge id of the sandbox's shape, unique per case and attempt. */
const chargeRef = (caseId: string, attempt: string) => `ch_sbx_${caseId.replaceAll("-", "").slice(0, 18)}${attempt}`;

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch]!);

class HistoryWriter {
  readonly counts = {
    subscriptions: 0,
    invoices: 0,
    paymentAttempts: 0,
    emails: 0,
    emailsOpened: 0,
    emailsClicked: 0,
    cardUpdateLinks: 0,
    timelineEvents: 0,
    scheduledActions: 0,
    pendingActions: 0,
    sandboxEngagements: 0,
  };
  private readonly money = new Map<string, Intl.NumberFormat>();
  private readonly dates = new Map<string, Intl.DateTimeFormat>();
  private readonly labels = new Map<string, (amount: number) => string>();
  private pool = Buffer.alloc(0);
  private poolAt = 0;

  constructor(
    private readonly ctx: {
      workspaceId: string;
      sequenceVersionId: string;
      policy: Policy;
      branding: Branding;
      appUrl: string;
      from: string;
      now: Date;
    },
  ) {}

  rowsFor(threads: PlanThread[]): Rows {
    const rows: Rows = {
      customers: [],
      sandboxCustomers: [],
      paymentMethods: new Map(),
      subscriptions: new Map(),
      invoices: [],
      threads: [],
      cases: [],
      attempts: [],
      outbox: [],
      links: [],
      actions: [],
      timeline: [],
      engagements: [],
    };
    for (const thread of threads) this.thread(rows, thread);
    this.counts.invoices += rows.invoices.length;
    this.counts.paymentAttempts += rows.attempts.length;
    this.counts.emails += rows.outbox.length;
    this.counts.cardUpdateLinks += rows.links.length;
    this.counts.timelineEvents += rows.timeline.length;
    this.counts.scheduledActions += rows.actions.length;
    this.counts.pendingActions += rows.actions.filter((a) => a.status === "pending").length;
    this.counts.sandboxEngagements += rows.engagements.length;
    return rows;
  }

  private thread(rows: Rows, thread: PlanThread) {
    const { workspaceId, sequenceVersionId, policy } = this.ctx;
    const nowMs = this.ctx.now.getTime();
    const { customer, classification: c, cohort } = thread;
    const threadOpen = thread.closedAt === null;
    const lead = thread.cases[0]!;

    if (thread.newCustomer) {
      this.counts.subscriptions++;
      rows.customers.push({
        id: customer.id,
        workspaceId,
        provider: "sandbox",
        externalId: customer.externalId,
        email: customer.email,
        name: customer.name,
        timezone: customer.timezone,
        locale: customer.locale,
        cohort: customer.cohort,
        defaultPaymentMethodRef: customer.paymentMethodId,
        createdAt: customer.firstSeen,
        updatedAt: customer.firstSeen,
      });
      rows.sandboxCustomers.push({ customerId: customer.id, workspaceId, simulated: true, createdAt: customer.firstSeen });
    }
    // The card on file and the plan's subscription as they stand after this chunk's threads (a
    // returning customer's rows, written with an earlier chunk, are updated).
    const card =
      testCards.find((t) => t.failsWith === customer.cardFailsWith) ??
      testCards.find((t) => t.failsWith === (customer.cardFailsWith === null ? null : "generic_decline"))!;
    const year = this.ctx.now.getUTCFullYear();
    rows.paymentMethods.set(customer.paymentMethodId, {
      id: customer.paymentMethodId,
      workspaceId,
      customerId: customer.id,
      brand: card.brand,
      last4: card.number.slice(-4),
      expMonth: 1 + (customer.firstSeen.getUTCMonth() % 12),
      expYear: customer.cardFailsWith !== null && classification(customer.cardFailsWith).kind === "card_expired" ? year - 1 : year + 2,
      failsWith: customer.cardFailsWith,
      createdAt: customer.firstSeen,
    });
    rows.subscriptions.set(customer.subscription.id, this.subscriptionRow(customer, customer.subscription));

    for (const k of thread.cases) {
      if (k.subscription.isNew) {
        this.counts.subscriptions++;
        rows.subscriptions.set(k.subscription.id, this.subscriptionRow(customer, k.subscription));
      }
      const paid = k.status === "recovered";
      const invoiceStatus: InvoiceStatus = paid ? "paid" : k.status === "lost" && policy.finalAction === "mark_uncollectible" ? "uncollectible" : "open";
      rows.invoices.push({
        id: k.invoiceId,
        workspaceId,
        customerId: customer.id,
        subscriptionId: k.subscription.id,
        provider: "sandbox",
        externalId: k.invoiceExternalId,
        number: k.invoiceNumber,
        amountDue: k.amount,
        currency: customer.currency,
        status: invoiceStatus,
        createdAt: new Date(k.openedAt - HOUR),
        paidAt: paid ? new Date(k.closedAt!) : null,
      });
    }

    // emailsSent: counted below with each email_sent entry, as the email action keeps it.
    const threadRow: Insert<typeof dunningThreads> & { emailsSent: number } = {
      id: thread.id,
      workspaceId,
      customerId: customer.id,
      sequenceVersionId,
      cohort,
      status: threadOpen ? "open" : "closed",
      openedAt: new Date(thread.openedAt),
      closedAt: thread.closedAt === null ? null : new Date(thread.closedAt),
      emailsSent: 0,
    };
    rows.threads.push(threadRow);

    const event = (e: Omit<Insert<typeof timelineEvents>, "workspaceId" | "threadId" | "at"> & { at: number }) =>
      rows.timeline.push({ ...e, workspaceId, threadId: thread.id, at: new Date(e.at) });

    // Emails first: the cases' attribution needs the attributed email's key, timelines need the ids.
    const sentIds = new Map<PlanEmail, { messageId: string; linkId: string; subject: string; actionId: string | null }>();
    const emailActionIds = new Map<string, string>();
    if (thread.emailActions) for (const a of thread.emailActions) emailActionIds.set(a.idempotencyKey, crypto.randomUUID());
    const openAt = (k: PlanCase, at: number) => k.openedAt <= at && (k.closedAt === null || at < k.closedAt);
    // The thread opened with its first invoice, so its final action is that invoice's.
    const finalActionAt = new Date(lead.finalAt);
    for (const email of thread.emails) {
      if (email.dueAt > nowMs || (thread.closedAt !== null && email.dueAt >= thread.closedAt)) continue;
      const openCases = thread.cases.filter((k) => openAt(k, email.dueAt));
      if (openCases.length === 0) continue;
      const messageId = crypto.randomUUID();
      const linkId = crypto.randomUUID();
      // As unguessable as the engine's own (32 and 18 random bytes), drawn from a pool.
      const token = this.randomToken(32);
      const trackingId = this.randomToken(18);
      const content = this.emailContent({
        customer,
        email,
        reason: c.customerReason,
        invoices: openCases,
        updateUrl: `${this.ctx.appUrl}/u/${token}`,
        pixelUrl: openPixelUrl(this.ctx.appUrl, trackingId),
        finalActionAt,
      });
      const opened = email.openAt !== null && email.openAt <= nowMs;
      const clicked = email.clickAt !== null && email.clickAt <= nowMs;
      rows.outbox.push({
        id: messageId,
        workspaceId,
        channel: "email",
        transport: "outbox",
        idempotencyKey: dunningMessageKey(email.actionKey),
        kind: "dunning",
        to: customer.email,
        from: this.ctx.from,
        replyTo: this.ctx.branding.supportEmail,
        subject: content.subject,
        html: content.html,
        text: content.text,
        status: "sent",
        metadata: {
          threadId: thread.id,
          stepDay: String(email.day),
          tone: email.tone,
          step: `${email.index}/${email.total}`,
          declineCategory: c.category,
        },
        trackingId,
        livemode: false,
        firstOpenedAt: opened || clicked ? new Date(email.openAt!) : null,
        openCount: opened || clicked ? 1 + (email.openAt! % 3 === 0 ? 1 : 0) : 0,
        firstClickedAt: clicked ? new Date(email.clickAt!) : null,
        clickCount: clicked ? 1 : 0,
        createdAt: new Date(email.dueAt),
        sentAt: new Date(email.dueAt),
      });
      if (opened || clicked) this.counts.emailsOpened++;
      if (clicked) this.counts.emailsClicked++;
      const used = email === thread.attributedEmail && email.updateAt !== null && email.updateAt <= nowMs;
      rows.links.push({
        id: linkId,
        workspaceId,
        threadId: thread.id,
        customerId: customer.id,
        tokenHash: hashLinkToken(token),
        messageKey: email.actionKey,
        emailDay: email.day,
        expiresAt: new Date(Math.max(finalActionAt.getTime(), email.dueAt) + 7 * DAY),
        usedAt: used ? new Date(email.updateAt!) : null,
        createdAt: new Date(email.dueAt),
      });
      const actionId = emailActionIds.get(email.actionKey) ?? null;
      sentIds.set(email, { messageId, linkId, subject: content.subject, actionId });
      threadRow.emailsSent++;
      event({
        caseId: openCases.length === 1 ? openCases[0]!.id : null,
        at: email.dueAt,
        actor: "reclaim",
        kind: "email_sent",
        summary: `Email ${email.index} of ${email.total} (day ${email.day}, ${email.tone}) sent to ${customer.email}: "${content.subject}".`,
        outcome: "sent",
        data: { messageId, day: email.day, tone: email.tone },
        dedupeKey: actionId ? `email:${actionId}` : null,
      });
      if (opened || clicked) {
        event({
          at: email.openAt!,
          actor: "customer",
          kind: "email_opened",
          summary: `The customer opened email ${email.index} ("${content.subject}").`,
          data: { emailId: messageId },
          dedupeKey: `email_opened:${messageId}`,
        });
      }
      if (clicked) {
        event({
          at: email.clickAt!,
          actor: "customer",
          kind: "link_clicked",
          summary: `The customer followed the card-update link in email ${email.index} ("${content.subject}").`,
          data: { emailId: messageId },
          dedupeKey: `link_clicked:${messageId}`,
        });
      }
      if (threadOpen) {
        // What the simulated customer does with this email after the clock: played when the clock gets there.
        const base = { workspaceId, customerId: customer.id, threadId: thread.id, messageId, linkId, createdAt: new Date(email.dueAt) };
        if (email.openAt !== null && email.openAt > nowMs) rows.engagements.push({ ...base, kind: "open", dueAt: new Date(email.openAt) });
        if (email.clickAt !== null && email.clickAt > nowMs) rows.engagements.push({ ...base, kind: "click", dueAt: new Date(email.clickAt) });
        if (email.updateAt !== null && email.updateAt > nowMs) {
          rows.engagements.push({ ...base, kind: "card_update", dueAt: new Date(email.updateAt), cardNumber: "4242424242424242" });
        }
      }
    }
    if (thread.attributedEmail && thread.attributedEmail.updateAt !== null && thread.attributedEmail.updateAt <= nowMs && sentIds.has(thread.attributedEmail)) {
      const email = thread.attributedEmail;
      const paying = thread.cases.filter((k) => openAt(k, email.updateAt!) || k.closedAt === email.updateAt).length;
      event({
        at: email.updateAt!,
        actor: "customer",
        kind: "card_updated",
        summary: `The customer put a new card on file (Visa ending 4242) from the link in the email of day ${email.day}. Charging ${paying} open ${paying === 1 ? "invoice" : "invoices"} now.`,
        data: { linkId: sentIds.get(email)!.linkId, emailDay: email.day },
      });
    }
    if (threadOpen && thread.emailActions) {
      for (const a of thread.emailActions) {
        const done = a.dueAt.getTime() <= nowMs;
        const sent = thread.emails.find((e) => e.actionKey === a.idempotencyKey);
        const ids = sent ? sentIds.get(sent) : undefined;
        rows.actions.push(this.actionRow(thread, a, emailActionIds.get(a.idempotencyKey)!, done, done ? { messageId: ids?.messageId ?? null, duplicate: false } : null));
      }
    }

    for (const [j, k] of thread.cases.entries()) this.caseRows(rows, thread, k, j, event);
  }

  private caseRows(
    rows: Rows,
    thread: PlanThread,
    k: PlanCase,
    j: number,
    event: (e: Omit<Insert<typeof timelineEvents>, "workspaceId" | "threadId" | "at"> & { at: number }) => void,
  ) {
    const { workspaceId, sequenceVersionId, policy } = this.ctx;
    const nowMs = this.ctx.now.getTime();
    const { customer, classification: c, cohort } = thread;
    const until = Math.min(k.closedAt ?? Infinity, nowMs);
    // Before the close, or up to the clock while open (as the open case's done actions are).
    const performed = (at: number) => (k.closedAt !== null ? at < k.closedAt : at <= nowMs);
    const amount = this.label(k.amount, customer.currency);
    const attempt = (a: Omit<Insert<typeof paymentAttempts>, "workspaceId" | "caseId" | "at" | "livemode"> & { at: number }) =>
      rows.attempts.push({ ...a, workspaceId, caseId: k.id, at: new Date(a.at), livemode: false });

    const attributed = k.via === "card_update" ? thread.attributedEmail : null;
    const times: number[] = [];
    // The failure that opened the case.
    attempt({
      source: "initial",
      outcome: "failed",
      declineCode: c.code,
      declineCategory: c.category,
      providerRef: chargeRef(k.id, "i"),
      dedupeKey: `event:sbx:${k.invoiceExternalId}`,
      at: k.openedAt,
    });
    event({
      caseId: k.id,
      at: k.openedAt,
      actor: "billing",
      kind: "payment_failed",
      summary: `Payment of ${amount} for invoice ${k.invoiceNumber} failed: ${c.code}.`,
      outcome: c.category,
      data: { code: c.code, adviceCode: null, category: c.category, source: "initial" },
    });
    if (k.status === "silenced" || k.status === "cancelled") {
      event({
        caseId: k.id,
        at: k.openedAt,
        actor: "reclaim",
        kind: k.status,
        summary:
          k.status === "silenced"
            ? "Silenced: no retry and no message for a do-not-contact decline. Flagged for the merchant to review."
            : "The customer asked their bank to stop payments: treated as a cancellation, not dunned. Flagged for the merchant.",
      });
    } else {
      event({
        caseId: k.id,
        at: k.openedAt,
        actor: "reclaim",
        kind: "cohort",
        summary: cohortSummary(cohort, policy.holdoutPercent),
        outcome: cohort,
      });
      if (j > 0) {
        event({
          caseId: k.id,
          at: k.openedAt,
          actor: "reclaim",
          kind: "joined_thread",
          summary: "The customer already has a recovery under way: this invoice shares its emails, and one card update pays both.",
        });
      }
    }

    // Reclaim's retries up to the close (the one that worked included) or the clock.
    const actionIds = new Map<string, string>();
    if (k.planned) for (const a of k.planned) actionIds.set(a.idempotencyKey, crypto.randomUUID());
    let retryCount = 0;
    k.retries.forEach((at, i) => {
      const succeeded = k.via === "reclaim_retry" && at === k.closedAt;
      if (!(performed(at) || succeeded)) return;
      retryCount++;
      times.push(at);
      const actionId = actionIds.get(`${k.id}:retry:${i + 1}`);
      attempt({
        source: "reclaim_retry",
        outcome: succeeded ? "succeeded" : "failed",
        declineCode: succeeded ? null : c.code,
        declineCategory: succeeded ? null : c.category,
        providerRef: chargeRef(k.id, `r${i + 1}`),
        dedupeKey: actionId ? `action:${actionId}` : `history:${k.id}:retry:${i + 1}`,
        at,
      });
      if (!succeeded) {
        event({
          caseId: k.id,
          at,
          actor: "reclaim",
          kind: "retry_failed",
          summary: `Retry ${i + 1} of ${amount} failed: ${c.code}.`,
          outcome: "failed",
          dedupeKey: actionId ? `retry:${actionId}` : null,
        });
      }
    });
    // The provider's own retries (recorded from its webhooks).
    k.providerRetries.forEach((at, i) => {
      const succeeded = k.via === "provider_retry" && at === k.closedAt;
      if (!(performed(at) || succeeded)) return;
      times.push(at);
      attempt({
        source: "provider_retry",
        outcome: succeeded ? "succeeded" : "failed",
        declineCode: succeeded ? null : c.code,
        declineCategory: succeeded ? null : c.category,
        providerRef: chargeRef(k.id, `p${i + 1}`),
        dedupeKey: `event:sbx:${k.invoiceExternalId}:provider-retry:${i + 1}`,
        at,
      });
    });
    if ((k.via === "card_update" || k.via === "card_updater") && k.closedAt !== null) {
      times.push(k.closedAt);
      attempt({
        source: k.via,
        outcome: "succeeded",
        providerRef: chargeRef(k.id, "u"),
        dedupeKey: `card-update:history:${k.id}`,
        at: k.closedAt,
      });
    }

    const reachedGrace = k.stage === "grace" || (k.status === "lost" && policy.graceDays > 0);
    if (reachedGrace && k.graceAt <= until) {
      const graceId = actionIds.get(`${k.id}:grace`);
      event({
        caseId: k.id,
        at: k.graceAt,
        actor: "reclaim",
        kind: "stage_changed",
        summary: `The recovery window ended: grace period of ${policy.graceDays} days before the final action (${finalActionLabels[policy.finalAction]}).`,
        outcome: "grace",
        dedupeKey: graceId ? `grace:${graceId}` : null,
      });
    }
    if (k.status === "recovered" && k.closedAt !== null && k.via) {
      const attribution = attributed ? `, after the email of day ${attributed.day}` : "";
      const detail = k.via === "reclaim_retry" ? ` Retry ${k.retries.indexOf(k.closedAt) + 1} succeeded.` : "";
      event({
        caseId: k.id,
        at: k.closedAt,
        actor: k.via === "card_update" ? "customer" : k.via === "reclaim_retry" ? "reclaim" : "billing",
        kind: "recovered",
        summary: `Recovered ${amount} through ${channelLabels[k.via]}${attribution}.${detail}`,
        outcome: "recovered",
        data: { via: k.via, emailDay: attributed?.day ?? null },
      });
    } else if (k.status === "lost" && k.closedAt !== null) {
      event({
        caseId: k.id,
        at: k.closedAt,
        actor: "reclaim",
        kind: "final_action",
        summary: `Not recovered: applied the final action, ${finalActionLabels[policy.finalAction]}. The case is lost.`,
        outcome: "lost",
      });
    }

    rows.cases.push({
      id: k.id,
      workspaceId,
      threadId: thread.id,
      customerId: customer.id,
      invoiceId: k.invoiceId,
      sequenceVersionId,
      cohort,
      status: k.status,
      stage: k.stage,
      declineCategory: c.category,
      declineKind: c.kind,
      declineCode: c.code,
      adviceCode: c.adviceCode,
      retryCount,
      lastAttemptAt: times.length > 0 ? new Date(Math.max(...times)) : null,
      amount: k.amount,
      currency: customer.currency,
      needsAttention: k.status === "silenced" || k.status === "cancelled",
      cardUpdaterResult: k.cardUpdaterResult,
      livemode: false,
      openedAt: new Date(k.openedAt),
      closedAt: k.closedAt === null ? null : new Date(k.closedAt),
      recoveredAmount: k.status === "recovered" ? k.amount : null,
      recoveredVia: k.status === "recovered" ? k.via : null,
      attributedEmailDay: attributed?.day ?? null,
      attributedMessageId: attributed?.actionKey ?? null,
    });

    // An open case's plan: what is past is done, the rest waits for the clock.
    if (k.status === "open" && k.planned) {
      for (const a of k.planned) {
        const done = a.dueAt.getTime() <= nowMs;
        const result = a.kind === "retry" ? { outcome: "failed" } : a.kind === "enter_grace" ? { stage: "grace" } : null;
        rows.actions.push(this.actionRow(thread, a, actionIds.get(a.idempotencyKey)!, done, done ? result : null));
      }
    }
  }

  private actionRow(thread: PlanThread, a: PlannedAction, id: string, done: boolean, result: Record<string, unknown> | null): Insert<typeof scheduledActions> {
    return {
      id,
      workspaceId: this.ctx.workspaceId,
      threadId: thread.id,
      caseId: a.caseId,
      kind: a.kind,
      step: a.step,
      dueAt: a.dueAt,
      status: done ? "done" : "pending",
      idempotencyKey: a.idempotencyKey,
      runCount: done ? 1 : 0,
      result,
      completedAt: done ? a.dueAt : null,
      createdAt: new Date(thread.openedAt),
    };
  }

  private subscriptionRow(customer: PlanCustomer, s: PlanCustomer["subscription"]): Insert<typeof subscriptions> {
    return {
      id: s.id,
      workspaceId: this.ctx.workspaceId,
      customerId: customer.id,
      provider: "sandbox",
      externalId: s.externalId,
      planName: s.planName,
      amount: s.amount,
      currency: customer.currency,
      status: s.status,
      updatedAt: s.updatedAt,
    };
  }

  /** Random bytes as base64url, from a pool refilled 64 KiB at a time (one system call instead of thousands). */
  private randomToken(bytes: number): string {
    if (this.poolAt + bytes > this.pool.length) {
      this.pool = crypto.randomBytes(65_536);
      this.poolAt = 0;
    }
    const token = this.pool.toString("base64url", this.poolAt, this.poolAt + bytes);
    this.poolAt += bytes;
    return token;
  }

  /** The timeline's plain amount ("49.00 USD"), as moneyLabel writes it, with one formatter per currency. */
  private label(amount: number, currency: string): string {
    let format = this.labels.get(currency);
    if (!format) {
      const digits = new Intl.NumberFormat("en", { style: "currency", currency: currency.toUpperCase() }).resolvedOptions().maximumFractionDigits ?? 2;
      format = (a: number) => `${(a / 10 ** digits).toFixed(digits)} ${currency.toUpperCase()}`;
      this.labels.set(currency, format);
    }
    return format(amount);
  }

  private formatMoney(amount: number, currency: string, locale: string): string {
    const key = `${locale}|${currency}`;
    let format = this.money.get(key);
    if (!format) {
      format = new Intl.NumberFormat(locale, { style: "currency", currency: currency.toUpperCase() });
      this.money.set(key, format);
    }
    return format.format(amount / 100);
  }

  private formatDate(at: Date, timezone: string, locale: string): string {
    const key = `${locale}|${timezone}`;
    let format = this.dates.get(key);
    if (!format) {
      format = new Intl.DateTimeFormat(locale, { dateStyle: "long", timeZone: timezone });
      this.dates.set(key, format);
    }
    return format.format(at);
  }

  /**
   * A short but real-looking dunning email, under 2 kB so the row is stored without compression: the
   * merchant's name, the policy step's greeting, first paragraph, link paragraph (with the button)
   * and sign-off, the invoices, and the open pixel (in the shape `withoutOpenPixel` removes).
   */
  private emailContent(args: {
    customer: PlanCustomer;
    email: PlanEmail;
    reason: string;
    invoices: PlanCase[];
    updateUrl: string;
    pixelUrl: string;
    finalActionAt: Date;
  }): { subject: string; html: string; text: string } {
    const { customer, email, invoices: open } = args;
    const money = (amount: number) => this.formatMoney(amount, customer.currency, customer.locale);
    // Worked out only when the step uses them.
    const values: Record<string, () => string> = {
      customer_name: () => customer.name,
      amount: () => money(open.reduce((s, k) => s + k.amount, 0)),
      merchant_name: () => this.ctx.branding.displayName,
      update_link: () => args.updateUrl,
      reason: () => args.reason,
      due_date: () => this.formatDate(args.finalActionAt, customer.timezone, customer.locale),
    };
    const fill = (text: string) => text.replace(/\{\{([a-z_]+)\}\}/g, (match, name: string) => values[name]?.() ?? match);
    const subject = fill(email.subject).replace(/\s*[\r\n]+\s*/g, " ").trim();
    const paragraphs = email.body.split(/\n{2,}/);
    const linkIndex = paragraphs.findIndex((p) => p.includes("{{update_link}}"));
    const keep = [...new Set([0, 1, linkIndex, paragraphs.length - 1])].filter((i) => i >= 0 && i < paragraphs.length).sort((a, b) => a - b);
    const chosen = keep.map((i) => paragraphs[i]!);
    const accent = this.ctx.branding.accentColor;
    const asHtml = (text: string) => escapeHtml(text).replace(/\n/g, "<br>");
    const body = chosen
      .map((p) =>
        p.includes("{{update_link}}")
          ? `<p>${asHtml(fill(p.replace(/\s*\{\{update_link\}\}\s*/g, " ")).trim())}</p><p><a href="${escapeHtml(args.updateUrl)}" style="background:${accent};color:#fff;padding:10px 18px;border-radius:6px;text-decoration:none">Update payment method</a></p>`
          : `<p>${asHtml(fill(p))}</p>`,
      )
      .join("");
    const invoices = open.map((k) => `${k.invoiceNumber}: ${money(k.amount)}`).join(" · ");
    const html =
      `<!DOCTYPE html><html lang="${escapeHtml(customer.locale)}"><body style="font-family:sans-serif;color:#111827">` +
      `<p><b style="color:${accent}">${escapeHtml(this.ctx.branding.displayName)}</b></p>${body}` +
      `<p style="font-size:12px;color:#6b7280">${escapeHtml(invoices)}</p>` +
      `<img src="${escapeHtml(args.pixelUrl)}" width="1" height="1" alt=""></body></html>`;
    const text = [...chosen.map(fill), invoices].join("\n\n");
    return { subject, html, text };
  }
}
