/**
 * A harness for deterministic scenario tests of the recovery domain: whole
 * 28-day sequences driven by the sandbox test clock, in milliseconds, never
 * sleeping.
 *
 * - Domain time is each sandbox workspace's test clock (`sandbox_clocks`),
 *   moved with `advance` (the same `advanceSandboxClock` the console uses).
 * - Real time (leases, `completedAt`) is a `VirtualClock`, moved by hand to
 *   let a crashed worker's lease lapse.
 * - Billing is the sandbox provider. Its behaviour model is seeded; the charge
 *   keys contain random ids (case, link), so a scenario that needs a given
 *   outcome from a soft decline picks a seed under which the model gives that
 *   outcome (`chooseRetrySeed`, `seedWhere`) and then checks the charges
 *   against the model.
 * - The notifier records every email and dedupes on the idempotency key like
 *   the real mailer: the same key again answers `duplicate: true` and records
 *   nothing new.
 *
 * On Postgres each scenario file gets a database of its own on the server of
 * TEST_DATABASE_URL: the local driver claims due actions of every workspace in
 * a database, so a driver in one file must not run another file's actions with
 * its own fakes (and no other test's sweep may run ours).
 */
import crypto from "node:crypto";
import { and, asc, count, eq, inArray, or } from "drizzle-orm";
import { afterAll } from "vitest";
import { createSandboxProvider } from "@/server/billing/sandbox/provider";
import { retrySucceeds } from "@/server/billing/sandbox/model";
import { openDatabase, type Database, type Db } from "@/server/db/client";
import {
  cardUpdateLinks,
  customers,
  dunningThreads,
  invoices,
  paymentAttempts,
  recoveryCases,
  sandboxCharges,
  sandboxPaymentMethods,
  scheduledActions,
  subscriptions,
  timelineEvents,
  workspaces,
  type ScheduledAction,
} from "@/server/db/schema";
import { createWorkspace } from "@/server/queries/workspaces";
import { HOUR, VirtualClock, DAY } from "@/server/recovery/clock";
import { assignCohort } from "@/server/recovery/cohort";
import { setSandboxClock, workspaceNow } from "@/server/recovery/context";
import { recordPaymentFailure, type PaymentFailedResult } from "@/server/recovery/open-case";
import { defaultPolicy, type PolicyInput } from "@/server/recovery/policy";
import {
  noSchedulerHooks,
  silentLogger,
  type BillingProvider,
  type DunningEmail,
  type Notifier,
  type ReceiptEmail,
  type RecoveryDeps,
} from "@/server/recovery/ports";
import { advanceSandboxClock } from "@/server/recovery/sandbox-clock";
import { getActiveSequenceVersion, saveSequenceVersion } from "@/server/recovery/sequences";
import { createTestUser, openTestDatabase } from "./database";

export const SCENARIO_START = new Date("2026-03-04T15:00:00Z");
export const SCENARIO_SEED = "reclaim-scenarios";
export const APP_URL = "http://localhost:3000";
export { DAY, HOUR };

// ---------------------------------------------------------------------------------------------
// Database

/**
 * PGlite in memory, or on Postgres a fresh database of this file's own (made
 * next to TEST_DATABASE_URL's and dropped afterwards). Falls back to the shared
 * test database when the server refuses to create one.
 */
export async function openScenarioDatabase(): Promise<Database> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return openTestDatabase();
  const { default: postgres } = await import("postgres");
  const base = new URL(url);
  const name = `${base.pathname.replace(/^\//, "").slice(0, 30) || "reclaim"}_scn_${process.pid}_${crypto.randomBytes(3).toString("hex")}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  let created = false;
  try {
    // Concurrent CREATE DATABASE from the same template can collide: try a few times.
    for (let attempt = 0; attempt < 5 && !created; attempt++) {
      try {
        await admin.unsafe(`create database "${name}"`);
        created = true;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 200 * (attempt + 1)));
      }
    }
  } finally {
    await admin.end({ timeout: 5 });
  }
  if (!created) return openTestDatabase();
  const own = new URL(url);
  own.pathname = `/${name}`;
  const database = await openDatabase({ driver: "postgres", url: own.toString(), maxConnections: 6 });
  afterAll(async () => {
    await database.close();
    const dropper = postgres(url, { max: 1, onnotice: () => {} });
    try {
      await dropper.unsafe(`drop database if exists "${name}" with (force)`);
    } finally {
      await dropper.end({ timeout: 5 });
    }
  });
  return database;
}

export const onPostgres = () => Boolean(process.env.TEST_DATABASE_URL);

// ---------------------------------------------------------------------------------------------
// Notifier

export type SentDunning = DunningEmail & { at: Date; messageId: string };
export type SentReceipt = ReceiptEmail & { at: Date; messageId: string };
export type NotifierCall = { kind: "dunning" | "receipt"; workspaceId: string; idempotencyKey: string; duplicate: boolean };

type Fault = { kind: "throw"; error: Error } | { kind: "hang"; reached: () => void; released: Promise<void> };

/**
 * A fake `Notifier` that records what it is asked to send, in order. Like the
 * real mailer, the idempotency key decides: a key seen before answers
 * `duplicate: true` with the first message id and records nothing.
 */
export class RecordingNotifier implements Notifier {
  readonly dunning: SentDunning[] = [];
  readonly receipts: SentReceipt[] = [];
  /** Every call, duplicates included. */
  readonly calls: NotifierCall[] = [];
  private readonly sent = new Map<string, string>();
  private readonly faults: Fault[] = [];

  constructor(private readonly now: (workspaceId: string) => Promise<Date>) {}

  /** The next `times` sends fail before anything is recorded (a transient outage). */
  failNext(times = 1, message = "The mail provider is unavailable"): void {
    for (let i = 0; i < times; i++) this.faults.push({ kind: "throw", error: new Error(message) });
  }

  /**
   * The next send is recorded and then never answers until released: the
   * worker that called it is stuck or dead after the email went out.
   */
  hangNext(): { reached: Promise<void>; release: () => void } {
    let reached = () => {};
    let release = () => {};
    const reachedPromise = new Promise<void>((resolve) => (reached = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.faults.push({ kind: "hang", reached, released });
    return { reached: reachedPromise, release };
  }

  dunningFor(workspaceId: string): SentDunning[] {
    return this.dunning.filter((e) => e.workspaceId === workspaceId);
  }

  receiptsFor(workspaceId: string): SentReceipt[] {
    return this.receipts.filter((e) => e.workspaceId === workspaceId);
  }

  callsFor(workspaceId: string): NotifierCall[] {
    return this.calls.filter((c) => c.workspaceId === workspaceId);
  }

  async sendDunningEmail(email: DunningEmail) {
    return this.send("dunning", email, (at, messageId) => this.dunning.push({ ...email, at, messageId }));
  }

  async sendReceipt(email: ReceiptEmail) {
    return this.send("receipt", email, (at, messageId) => this.receipts.push({ ...email, at, messageId }));
  }

  private async send(
    kind: "dunning" | "receipt",
    email: { workspaceId: string; idempotencyKey: string },
    record: (at: Date, messageId: string) => void,
  ): Promise<{ messageId: string; duplicate: boolean }> {
    const fault = this.faults.shift();
    if (fault?.kind === "throw") throw fault.error;
    const previous = this.sent.get(email.idempotencyKey);
    this.calls.push({ kind, workspaceId: email.workspaceId, idempotencyKey: email.idempotencyKey, duplicate: previous !== undefined });
    if (previous !== undefined) return { messageId: previous, duplicate: true };
    const messageId = `msg_${crypto.randomBytes(6).toString("hex")}`;
    this.sent.set(email.idempotencyKey, messageId);
    record(await this.now(email.workspaceId), messageId);
    if (fault?.kind === "hang") {
      fault.reached();
      await fault.released;
    }
    return { messageId, duplicate: false };
  }
}

// ---------------------------------------------------------------------------------------------
// Harness

export type Harness = {
  database: Database;
  db: Db;
  /** Real time for leases and completion stamps. */
  clock: VirtualClock;
  notifier: RecordingNotifier;
  deps: RecoveryDeps;
  /** The sandbox behaviour model's seed per workspace (default SCENARIO_SEED). */
  seeds: Map<string, string>;
  seedOf(workspaceId: string): string;
  /** The same deps with the billing provider wrapped (fault injection, spying). */
  withBilling(wrap: (provider: BillingProvider, workspaceId: string) => BillingProvider): RecoveryDeps;
};

export function createHarness(database: Database, options: { start?: Date; seed?: string } = {}): Harness {
  const db = database.db;
  const clock = new VirtualClock(options.start ?? SCENARIO_START);
  const defaultSeed = options.seed ?? SCENARIO_SEED;
  const seeds = new Map<string, string>();
  const seedOf = (workspaceId: string) => seeds.get(workspaceId) ?? defaultSeed;
  const notifier = new RecordingNotifier((workspaceId) => workspaceNow({ db, clock }, workspaceId));
  const billing = async (workspaceId: string) => createSandboxProvider(db, { seed: seedOf(workspaceId) });
  const deps: RecoveryDeps = { db, clock, billing, notifier, logger: silentLogger, hooks: noSchedulerHooks, appUrl: APP_URL };
  return {
    database,
    db,
    clock,
    notifier,
    deps,
    seeds,
    seedOf,
    withBilling: (wrap) => ({ ...deps, billing: async (workspaceId) => wrap(await billing(workspaceId), workspaceId) }),
  };
}

// ---------------------------------------------------------------------------------------------
// Workspaces and policies

export type ScenarioWorkspace = { id: string; ownerId: string; name: string };

/**
 * A sandbox workspace whose test clock stands at `start`. Its policy is the
 * default one with `holdoutPercent` 0 (every customer in treatment) unless told
 * otherwise, so scenarios do not depend on the random cohort salt.
 */
export async function createScenarioWorkspace(
  h: Harness,
  options: { start?: Date; policy?: Partial<PolicyInput>; label?: string } = {},
): Promise<ScenarioWorkspace> {
  const owner = await createTestUser(h.database, options.label ?? "scenario");
  const name = `${options.label ?? "Scenario"} ${crypto.randomBytes(4).toString("hex")}`;
  const workspace = await createWorkspace(h.db, { name, ownerId: owner.id });
  await setSandboxClock(h.db, workspace.id, options.start ?? SCENARIO_START);
  await savePolicy(h, workspace.id, { holdoutPercent: 0, ...options.policy });
  return { id: workspace.id, ownerId: owner.id, name };
}

/** Saves a new version of the workspace's sequence: the default policy with `changes`. */
export async function savePolicy(h: Harness, workspaceId: string, changes: Partial<PolicyInput>) {
  const saved = await saveSequenceVersion(h.db, { workspaceId, policy: { ...defaultPolicy, ...changes }, userId: null });
  if (!saved.ok) throw new Error(`Policy rejected: ${saved.errors.map((e) => `${e.path}: ${e.message}`).join("; ")}`);
  return saved.version;
}

export async function activeVersion(h: Harness, workspaceId: string) {
  return getActiveSequenceVersion(h.db, workspaceId);
}

/** A customer id that the workspace's salt puts in `cohort` at `holdoutPercent`. */
export async function customerIdInCohort(h: Harness, workspaceId: string, cohort: "treatment" | "holdout", holdoutPercent: number, label = "cus") {
  const [workspace] = await h.db.select({ salt: workspaces.cohortSalt }).from(workspaces).where(eq(workspaces.id, workspaceId));
  if (!workspace) throw new Error("workspace not found");
  for (let i = 0; i < 10_000; i++) {
    const candidate = `${label}_${i}`;
    if (assignCohort(workspace.salt, candidate, holdoutPercent) === cohort) return candidate;
  }
  throw new Error(`No customer id lands in ${cohort}`);
}

// ---------------------------------------------------------------------------------------------
// Failures

export type FailureOptions = {
  /** The decline code of the failure. */
  code: string;
  adviceCode?: string | null;
  customer?: string;
  /** Defaults to `in_<customer>_<n>` with n counting this customer's invoices. */
  invoice?: string;
  amount?: number;
  currency?: string;
  timezone?: string;
  email?: string | null;
  /**
   * What the customer's card on file does when charged again: a decline code
   * (null: it works). Defaults to `code` for a new customer; an existing
   * customer keeps the card they have unless this is given.
   */
  cardFailsWith?: string | null;
  eventKey?: string;
  source?: "initial" | "provider_retry";
  occurredAt?: Date;
  /** Defaults to `sub_<customer>`; null: an invoice without subscription. */
  subscription?: string | null;
};

export type Failure = {
  result: PaymentFailedResult;
  customerExternalId: string;
  invoiceExternalId: string;
  eventKey: string;
  caseId: string;
  threadId: string;
};

/**
 * A failed renewal, delivered like a provider webhook through
 * `recordPaymentFailure`, with deterministic ids (unlike
 * `simulateFailedRenewals`, whose ids are random): a sandbox customer with a
 * card that fails with `code`, a subscription and an open invoice.
 */
export async function failPayment(h: Harness, ws: ScenarioWorkspace, options: FailureOptions): Promise<Failure> {
  const customer = options.customer ?? `cus_${crypto.randomBytes(4).toString("hex")}`;
  const timezone = options.timezone ?? "America/New_York";
  const email = options.email === undefined ? `${customer.toLowerCase()}@example.com` : options.email;
  const [saved] = await h.db
    .insert(customers)
    .values({ workspaceId: ws.id, provider: "sandbox", externalId: customer, email, name: `Customer ${customer}`, timezone })
    .onConflictDoUpdate({ target: [customers.workspaceId, customers.provider, customers.externalId], set: { timezone } })
    .returning({ id: customers.id, card: customers.defaultPaymentMethodRef });
  const customerId = saved!.id;
  if (!saved!.card || options.cardFailsWith !== undefined) {
    const failsWith = options.cardFailsWith === undefined ? options.code : options.cardFailsWith;
    const [card] = await h.db
      .insert(sandboxPaymentMethods)
      .values({ workspaceId: ws.id, customerId, brand: "visa", last4: "0002", expMonth: 12, expYear: 2030, failsWith })
      .returning({ id: sandboxPaymentMethods.id });
    await h.db.update(customers).set({ defaultPaymentMethodRef: card!.id }).where(eq(customers.id, customerId));
  }
  let invoice = options.invoice;
  if (!invoice) {
    const [{ n } = { n: 0 }] = await h.db.select({ n: count() }).from(invoices).where(eq(invoices.customerId, customerId));
    invoice = `in_${customer}_${n + 1}`;
  }
  const eventKey = options.eventKey ?? `evt_${invoice}_${options.source ?? "initial"}`;
  const subscription = options.subscription === undefined ? `sub_${customer}` : options.subscription;
  const amount = options.amount ?? 4900;
  const currency = options.currency ?? "usd";
  const result = await recordPaymentFailure(h.deps, {
    workspaceId: ws.id,
    provider: "sandbox",
    eventKey,
    occurredAt: options.occurredAt,
    customer: { externalId: customer, email, name: `Customer ${customer}`, timezone },
    subscription: subscription ? { externalId: subscription, planName: "Growth", amount, currency } : null,
    invoice: { externalId: invoice, number: `INV-${invoice}`, amountDue: amount, currency },
    decline: { code: "card_declined", declineCode: options.code, adviceCode: options.adviceCode ?? null },
    source: options.source ?? "initial",
    providerRef: `ch_${eventKey}`,
  });
  const [row] = await h.db
    .select({ caseId: recoveryCases.id, threadId: recoveryCases.threadId })
    .from(recoveryCases)
    .innerJoin(invoices, eq(invoices.id, recoveryCases.invoiceId))
    .where(and(eq(invoices.workspaceId, ws.id), eq(invoices.externalId, invoice)));
  if (!row) throw new Error(`No case for ${invoice}: ${JSON.stringify(result)}`);
  return { result, customerExternalId: customer, invoiceExternalId: invoice, eventKey, caseId: row.caseId, threadId: row.threadId };
}

// ---------------------------------------------------------------------------------------------
// Time

export async function nowOf(h: Harness, ws: ScenarioWorkspace): Promise<Date> {
  return workspaceNow(h.deps, ws.id);
}

/** Moves the workspace's test clock forward, running what falls due on the way, each at its own time. */
export async function advance(
  h: Harness,
  ws: ScenarioWorkspace,
  by: { days?: number; hours?: number; minutes?: number } | { to: Date },
  deps: RecoveryDeps = h.deps,
) {
  const from = await nowOf(h, ws);
  const to =
    "to" in by
      ? by.to
      : new Date(from.getTime() + (by.days ?? 0) * DAY + (by.hours ?? 0) * HOUR + (by.minutes ?? 0) * 60_000);
  return advanceSandboxClock(deps, { workspaceId: ws.id, to });
}

/** The sandbox time `days` (and hours) after the scenario's start. */
export const at = (days: number, hours = 0, start = SCENARIO_START) => new Date(start.getTime() + days * DAY + hours * HOUR);

// ---------------------------------------------------------------------------------------------
// Reading state

export async function caseOf(h: Harness, caseId: string) {
  const [row] = await h.db.select().from(recoveryCases).where(eq(recoveryCases.id, caseId));
  if (!row) throw new Error(`case ${caseId} not found`);
  return row;
}

export async function casesOf(h: Harness, ws: ScenarioWorkspace) {
  return h.db.select().from(recoveryCases).where(eq(recoveryCases.workspaceId, ws.id)).orderBy(asc(recoveryCases.openedAt));
}

export async function threadOf(h: Harness, threadId: string) {
  const [row] = await h.db.select().from(dunningThreads).where(eq(dunningThreads.id, threadId));
  if (!row) throw new Error(`thread ${threadId} not found`);
  return row;
}

export async function invoiceOf(h: Harness, ws: ScenarioWorkspace, externalId: string) {
  const [row] = await h.db.select().from(invoices).where(and(eq(invoices.workspaceId, ws.id), eq(invoices.externalId, externalId)));
  if (!row) throw new Error(`invoice ${externalId} not found`);
  return row;
}

export async function subscriptionOf(h: Harness, ws: ScenarioWorkspace, externalId: string) {
  const [row] = await h.db
    .select()
    .from(subscriptions)
    .where(and(eq(subscriptions.workspaceId, ws.id), eq(subscriptions.externalId, externalId)));
  if (!row) throw new Error(`subscription ${externalId} not found`);
  return row;
}

export async function customerOf(h: Harness, ws: ScenarioWorkspace, externalId: string) {
  const [row] = await h.db.select().from(customers).where(and(eq(customers.workspaceId, ws.id), eq(customers.externalId, externalId)));
  if (!row) throw new Error(`customer ${externalId} not found`);
  return row;
}

/** A thread's actions (emails included) or a case's own, in due order. */
export async function actionsOf(h: Harness, of: { threadId: string } | { caseId: string } | { workspaceId: string }): Promise<ScheduledAction[]> {
  const where =
    "threadId" in of
      ? eq(scheduledActions.threadId, of.threadId)
      : "caseId" in of
        ? eq(scheduledActions.caseId, of.caseId)
        : eq(scheduledActions.workspaceId, of.workspaceId);
  return h.db.select().from(scheduledActions).where(where).orderBy(asc(scheduledActions.dueAt), asc(scheduledActions.step));
}

/** Actions still to run (pending, or claimed and running). */
export async function openActionsOf(h: Harness, of: { threadId: string } | { caseId: string } | { workspaceId: string }) {
  return (await actionsOf(h, of)).filter((a) => a.status === "pending" || a.status === "running");
}

/** A thread's audit trail in order. */
export async function timelineOf(h: Harness, threadId: string) {
  return h.db
    .select()
    .from(timelineEvents)
    .where(eq(timelineEvents.threadId, threadId))
    .orderBy(asc(timelineEvents.at), asc(timelineEvents.seq));
}

export async function attemptsOf(h: Harness, caseId: string) {
  return h.db.select().from(paymentAttempts).where(eq(paymentAttempts.caseId, caseId)).orderBy(asc(paymentAttempts.at));
}

/** The sandbox provider's charges in a workspace, oldest first. */
export async function chargesOf(h: Harness, ws: ScenarioWorkspace) {
  return h.db.select().from(sandboxCharges).where(eq(sandboxCharges.workspaceId, ws.id)).orderBy(asc(sandboxCharges.at));
}

export async function linksOf(h: Harness, threadId: string) {
  return h.db.select().from(cardUpdateLinks).where(eq(cardUpdateLinks.threadId, threadId)).orderBy(asc(cardUpdateLinks.createdAt));
}

/**
 * Cases of the workspace that are closed (recovered, lost, silenced,
 * cancelled) but still have an action that could run. Should always be empty.
 */
export async function closedCasesWithOpenActions(h: Harness, ws: ScenarioWorkspace) {
  return h.db
    .select({ caseId: recoveryCases.id, status: recoveryCases.status, step: scheduledActions.step, actionStatus: scheduledActions.status })
    .from(recoveryCases)
    .innerJoin(
      scheduledActions,
      or(
        eq(scheduledActions.caseId, recoveryCases.id),
        // The thread's emails, once no case of the thread is open any more.
        and(eq(scheduledActions.threadId, recoveryCases.threadId), eq(scheduledActions.kind, "email")),
      ),
    )
    .innerJoin(dunningThreads, eq(dunningThreads.id, recoveryCases.threadId))
    .where(
      and(
        eq(recoveryCases.workspaceId, ws.id),
        inArray(recoveryCases.status, ["recovered", "lost", "silenced", "cancelled"]),
        inArray(scheduledActions.status, ["pending", "running"]),
        or(eq(scheduledActions.caseId, recoveryCases.id), eq(dunningThreads.status, "closed")),
      ),
    );
}

/** The token of a card-update link: the last segment of its URL. */
export const tokenOf = (url: string) => new URL(url).pathname.split("/").filter(Boolean).at(-1) ?? "";

// ---------------------------------------------------------------------------------------------
// The seeded behaviour model

/** The first seed `${SCENARIO_SEED}-n` that satisfies `accept`. */
export function seedWhere(accept: (seed: string) => boolean, prefix = SCENARIO_SEED): string {
  for (let n = 0; n < 10_000; n++) {
    const seed = `${prefix}-${n}`;
    if (accept(seed)) return seed;
  }
  throw new Error("No seed gives the wanted outcomes");
}

export type RetryPrediction = { action: ScheduledAction; outcome: "succeeded" | "failed" | "requires_action" };

/**
 * What the sandbox model answers to each of the case's pending retries if they
 * run at their due times on the customer's current card, the earlier ones
 * having failed. Mirrors the sandbox provider's call of `retrySucceeds`.
 */
export async function predictRetries(h: Harness, caseId: string, seed: string): Promise<RetryPrediction[]> {
  const ctx = await retryContext(h, caseId);
  return ctx.retries.map((action, i) => ({
    action,
    outcome: retrySucceeds({
      seed,
      invoiceKey: ctx.invoiceKey,
      idempotencyKey: action.idempotencyKey,
      failsWith: ctx.failsWith,
      at: action.dueAt,
      timezone: ctx.timezone,
      attempt: ctx.charges + i + 1,
    }),
  }));
}

/**
 * Picks (and sets for the workspace) a seed under which the case's pending
 * retries turn out as `wanted`, in order (a shorter list leaves later retries
 * free, which only matters when all listed ones fail).
 */
export async function chooseRetrySeed(h: Harness, ws: ScenarioWorkspace, caseId: string, wanted: ("succeeded" | "failed")[]): Promise<string> {
  const ctx = await retryContext(h, caseId);
  if (ctx.retries.length < wanted.length) throw new Error(`The case has ${ctx.retries.length} retries, ${wanted.length} outcomes wanted`);
  const seed = seedWhere((candidate) =>
    wanted.every(
      (outcome, i) =>
        retrySucceeds({
          seed: candidate,
          invoiceKey: ctx.invoiceKey,
          idempotencyKey: ctx.retries[i]!.idempotencyKey,
          failsWith: ctx.failsWith,
          at: ctx.retries[i]!.dueAt,
          timezone: ctx.timezone,
          attempt: ctx.charges + i + 1,
        }) === outcome,
    ),
  );
  h.seeds.set(ws.id, seed);
  return seed;
}

async function retryContext(h: Harness, caseId: string) {
  const [row] = await h.db
    .select({ invoice: invoices, customer: customers, card: sandboxPaymentMethods })
    .from(recoveryCases)
    .innerJoin(invoices, eq(invoices.id, recoveryCases.invoiceId))
    .innerJoin(customers, eq(customers.id, recoveryCases.customerId))
    .leftJoin(sandboxPaymentMethods, eq(sandboxPaymentMethods.id, customers.defaultPaymentMethodRef))
    .where(eq(recoveryCases.id, caseId));
  if (!row) throw new Error(`case ${caseId} not found`);
  const retries = (await openActionsOf(h, { caseId })).filter((a) => a.kind === "retry");
  const [{ n } = { n: 0 }] = await h.db.select({ n: count() }).from(sandboxCharges).where(eq(sandboxCharges.invoiceId, row.invoice.id));
  return {
    invoiceKey: row.invoice.externalId,
    failsWith: row.card ? row.card.failsWith : "generic_decline",
    timezone: row.customer.timezone,
    charges: n,
    retries,
  };
}

// ---------------------------------------------------------------------------------------------
// Forcing interleavings

/**
 * A database handle whose transactions, once their work is done, wait for
 * `parties` transactions to get that far (or for `timeoutMs`) before they
 * commit: each one has read what it read before any of the others committed.
 * This is the interleaving two workers in two processes can always produce;
 * it needs a real Postgres (PGlite runs one transaction at a time, so there
 * the wait just times out).
 */
export function withCommitBarrier(db: Db, parties: number, timeoutMs = 2_000): Db {
  let arrived = 0;
  let open = () => {};
  const gate = new Promise<void>((resolve) => (open = resolve));
  const transaction: Db["transaction"] = (run, config) =>
    db.transaction(async (tx) => {
      const result = await run(tx);
      arrived++;
      if (arrived >= parties) open();
      await Promise.race([gate, new Promise((resolve) => setTimeout(resolve, timeoutMs))]);
      return result;
    }, config);
  return new Proxy(db, {
    get(target, property) {
      if (property === "transaction") return transaction;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}

/** A database handle whose transactions run one after another (the interleaving-free baseline on Postgres). */
export function withSerialTransactions(db: Db): Db {
  let tail: Promise<unknown> = Promise.resolve();
  const transaction: Db["transaction"] = (run, config) => {
    const next = tail.then(() => db.transaction(run, config));
    tail = next.catch(() => undefined);
    return next;
  };
  return new Proxy(db, {
    get(target, property) {
      if (property === "transaction") return transaction;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
