/**
 * seed:history's history: the figures asked for, consistent with itself and with the engine's rules
 * (holdout gets no retry and no email, statuses agree with their times, everything stays in its
 * workspace), reproducible, and safe for the scheduler to carry on from.
 */
import crypto from "node:crypto";
import { and, eq, inArray, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import type { Db } from "@/server/db/client";
import {
  cardUpdateLinks,
  customers,
  dunningThreads,
  invoices,
  outboxMessages,
  paymentAttempts,
  recoveryCases,
  sandboxEngagements,
  scheduledActions,
  workspaces,
  type Workspace,
} from "@/server/db/schema";
import { createMailer } from "@/server/mail/mailer";
import { outboxTransport } from "@/server/mail/transport";
import { createNotifier } from "@/server/messaging/notifier";
import { createWorkspace } from "@/server/queries/workspaces";
import { rowsOf } from "@/server/recovery/actions";
import { DAY } from "@/server/recovery/clock";
import { setSandboxClock } from "@/server/recovery/context";
import { advanceSandboxClock } from "@/server/recovery/sandbox-clock";
import { createLocalDriver } from "@/server/scheduler/local-driver";
import { createTestUser } from "@/server/testing/database";
import { closedCasesWithOpenActions, createHarness, openScenarioDatabase } from "@/server/testing/recovery";
import { seedHistory, type SeedHistoryResult } from "./history";

// A database of this file's own on Postgres: the scheduler test below claims due actions of every workspace.
const database = await openScenarioDatabase();
const db: Db = database.db;
const NOW = new Date("2026-03-04T15:00:00Z");
const SEED = "history-test";
const CASES = 2_500;

async function sandboxWorkspace(label: string, options: { salt?: string; now?: Date } = {}): Promise<Workspace> {
  const owner = await createTestUser(database, label);
  const workspace = await createWorkspace(db, { name: `${label} ${crypto.randomBytes(3).toString("hex")}`, ownerId: owner.id });
  if (options.salt) await db.update(workspaces).set({ cohortSalt: options.salt }).where(eq(workspaces.id, workspace.id));
  await setSandboxClock(db, workspace.id, options.now ?? NOW);
  return workspace;
}

async function query<T>(statement: ReturnType<typeof sql>): Promise<T[]> {
  return rowsOf<T>(await db.execute(statement));
}

let main: Workspace;
let result: SeedHistoryResult;

beforeAll(async () => {
  main = await sandboxWorkspace("history");
  result = await seedHistory(db, { workspaceId: main.id, months: 6, cases: CASES, seed: SEED });
}, 180_000);

const casesOf = (workspaceId: string) => db.select().from(recoveryCases).where(eq(recoveryCases.workspaceId, workspaceId));

describe("seedHistory", () => {
  it("writes the cases asked for, and as many rows as it reports", async () => {
    expect(result.batch).toBe(1);
    expect(result.cases).toBe(CASES);
    const count = async (table: typeof recoveryCases | typeof dunningThreads | typeof customers | typeof invoices | typeof outboxMessages) =>
      Number((await db.select({ n: sql<number>`count(*)::int` }).from(table).where(eq(table.workspaceId, main.id)))[0]!.n);
    expect(await count(recoveryCases)).toBe(CASES);
    expect(await count(invoices)).toBe(CASES);
    expect(await count(dunningThreads)).toBe(result.threads);
    expect(await count(customers)).toBe(result.customers);
    expect(await count(outboxMessages)).toBe(result.emails);
    // Some customers have several invoices in one thread, some come back with a later failure.
    expect(result.threads).toBeLessThan(CASES);
    expect(result.customers).toBeLessThan(result.threads);
    expect(result.from.toISOString()).toBe("2025-09-04T15:00:00.000Z");
    expect(result.to).toEqual(NOW);
  });

  it("has both cohorts, every decline category and every status", async () => {
    const rows = await casesOf(main.id);
    expect(new Set(rows.map((r) => r.cohort))).toEqual(new Set(["treatment", "holdout"]));
    expect(new Set(rows.map((r) => r.declineCategory))).toEqual(new Set(["soft", "hard", "do_not_contact", "needs_authentication", "revoked"]));
    expect(new Set(rows.map((r) => r.status))).toEqual(new Set(["open", "recovered", "lost", "silenced", "cancelled"]));
    expect(new Set(rows.map((r) => r.currency))).toEqual(new Set(["usd", "eur", "gbp"]));
    // Do-not-contact declines are silenced, revoked ones cancelled, at once and flagged.
    for (const r of rows.filter((r) => r.declineCategory === "do_not_contact" || r.declineCategory === "revoked")) {
      expect(r.status).toBe(r.declineCategory === "revoked" ? "cancelled" : "silenced");
      expect(r.closedAt).toEqual(r.openedAt);
      expect(r.needsAttention).toBe(true);
    }
    const holdoutShare = rows.filter((r) => r.cohort === "holdout").length / rows.length;
    expect(holdoutShare).toBeGreaterThan(0.06);
    expect(holdoutShare).toBeLessThan(0.14);
    expect(rows.every((r) => r.livemode === false)).toBe(true);
  });

  it("never recovers a holdout case through Reclaim's retry or an email's card update, and sends the holdout nothing", async () => {
    const rows = await casesOf(main.id);
    const holdout = rows.filter((r) => r.cohort === "holdout");
    expect(holdout.filter((r) => r.recoveredVia === "reclaim_retry" || r.recoveredVia === "card_update")).toEqual([]);
    expect(new Set(holdout.filter((r) => r.status === "recovered").map((r) => r.recoveredVia))).toEqual(
      new Set(["provider_retry", "card_updater", "out_of_band"]),
    );
    expect(holdout.every((r) => r.retryCount === 0 && r.attributedEmailDay === null)).toBe(true);
    const holdoutIds = holdout.map((r) => r.id);
    const reclaimAttempts = await db
      .select({ id: paymentAttempts.id })
      .from(paymentAttempts)
      .where(and(inArray(paymentAttempts.caseId, holdoutIds), inArray(paymentAttempts.source, ["reclaim_retry", "card_update"])));
    expect(reclaimAttempts).toEqual([]);
    const [emailsToHoldout] = await query<{ n: number }>(sql`
      select count(*)::int as n from outbox_messages o join dunning_threads t on t.id = o.metadata->>'threadId'
      where o.workspace_id = ${main.id} and t.cohort = 'holdout'`);
    expect(Number(emailsToHoldout!.n)).toBe(0);
    // Treatment is recovered through every channel.
    expect(new Set(rows.filter((r) => r.cohort === "treatment" && r.recoveredVia).map((r) => r.recoveredVia))).toEqual(
      new Set(["reclaim_retry", "provider_retry", "card_update", "card_updater", "out_of_band"]),
    );
  });

  it("shows a plausible lift on soft declines", async () => {
    const rows = (await casesOf(main.id)).filter((r) => r.declineCategory === "soft" && r.status !== "open");
    const rate = (cohort: string) => {
      const group = rows.filter((r) => r.cohort === cohort);
      return group.filter((r) => r.status === "recovered").length / group.length;
    };
    expect(rate("treatment")).toBeGreaterThan(0.38);
    expect(rate("treatment")).toBeLessThan(0.6);
    expect(rate("holdout")).toBeGreaterThan(0.12);
    expect(rate("holdout")).toBeLessThan(0.38);
    expect(rate("treatment") - rate("holdout")).toBeGreaterThan(0.1);
  });

  it("closes recovered cases with the amount, a paid invoice and their attribution", async () => {
    const rows = await db
      .select({ c: recoveryCases, invoice: invoices })
      .from(recoveryCases)
      .innerJoin(invoices, eq(invoices.id, recoveryCases.invoiceId))
      .where(and(eq(recoveryCases.workspaceId, main.id), eq(recoveryCases.status, "recovered")));
    expect(rows.length).toBeGreaterThan(CASES / 5);
    for (const { c, invoice } of rows) {
      expect(c.closedAt!.getTime()).toBeGreaterThanOrEqual(c.openedAt.getTime());
      expect(c.recoveredAmount).toBe(c.amount);
      expect(c.recoveredVia).not.toBeNull();
      expect(invoice.status).toBe("paid");
      expect(invoice.paidAt).toEqual(c.closedAt);
      expect(invoice.amountDue).toBe(c.amount);
    }
    // A card update names the email whose link brought the customer back, and that email went out before.
    const viaEmail = rows.filter(({ c }) => c.recoveredVia === "card_update");
    expect(viaEmail.length).toBeGreaterThan(0);
    const sent = await db
      .select({ key: outboxMessages.idempotencyKey, createdAt: outboxMessages.createdAt, metadata: outboxMessages.metadata })
      .from(outboxMessages)
      .where(eq(outboxMessages.workspaceId, main.id));
    const byKey = new Map(sent.map((m) => [m.key, m]));
    for (const { c } of viaEmail) {
      const email = byKey.get(`email:${c.attributedMessageId}`);
      expect(email, `the email of ${c.attributedMessageId}`).toBeDefined();
      expect(email!.metadata.threadId).toBe(c.threadId);
      expect(email!.metadata.stepDay).toBe(String(c.attributedEmailDay));
      expect(email!.createdAt.getTime()).toBeLessThan(c.closedAt!.getTime());
    }
    // Most recoveries come within the first two weeks.
    const days = rows.map(({ c }) => (c.closedAt!.getTime() - c.openedAt.getTime()) / DAY).sort((a, b) => a - b);
    expect(days[Math.floor(days.length / 2)]!).toBeLessThan(10);
    expect(days.filter((d) => d <= 14).length / days.length).toBeGreaterThan(0.7);
  });

  it("keeps statuses, stages and times consistent, for cases and their threads", async () => {
    const rows = await casesOf(main.id);
    for (const r of rows) {
      expect(r.closedAt === null, `${r.status} case ${r.id}`).toBe(r.status === "open");
      if (r.status !== "recovered") expect(r.recoveredAmount).toBeNull();
      if (r.status === "lost") expect(r.stage).toBe("final");
      if (r.status === "open") expect(["past_due", "grace"]).toContain(r.stage);
      if (r.closedAt) expect(r.closedAt.getTime()).toBeLessThanOrEqual(NOW.getTime());
      if (r.lastAttemptAt) expect(r.lastAttemptAt.getTime()).toBeLessThanOrEqual(NOW.getTime());
    }
    const threads = await db.select().from(dunningThreads).where(eq(dunningThreads.workspaceId, main.id));
    const byThread = new Map<string, typeof rows>();
    for (const r of rows) byThread.set(r.threadId, [...(byThread.get(r.threadId) ?? []), r]);
    for (const t of threads) {
      const its = byThread.get(t.id) ?? [];
      expect(its.length).toBeGreaterThan(0);
      const open = its.some((r) => r.status === "open");
      expect(t.status).toBe(open ? "open" : "closed");
      expect(t.closedAt?.getTime() ?? null).toBe(open ? null : Math.max(...its.map((r) => r.closedAt!.getTime())));
      expect(t.openedAt).toEqual(new Date(Math.min(...its.map((r) => r.openedAt.getTime()))));
      expect(its.every((r) => r.cohort === t.cohort && r.customerId === t.customerId)).toBe(true);
    }
  });

  it("leaves each subscription and card as the customer's latest failure left them, returning customers included", async () => {
    const subscriptionStates = await query<{ status: string; latest: string }>(sql`
      select s.status::text as status,
        (select c.status::text from recovery_cases c join invoices i on i.id = c.invoice_id
          where i.subscription_id = s.id order by c.opened_at desc limit 1) as latest
      from subscriptions s where s.workspace_id = ${main.id}`);
    const expected: Record<string, string[]> = {
      recovered: ["active"],
      open: ["past_due", "grace"],
      lost: ["canceled"],
      silenced: ["past_due"],
      cancelled: ["past_due"],
    };
    for (const { status, latest } of subscriptionStates) expect(expected[latest], `${latest} → ${status}`).toContain(status);

    const cards = await query<{ customer: string; fails_with: string | null; threads: number; latest_code: string; latest_all_recovered: boolean }>(sql`
      select u.id as customer, p.fails_with, count(distinct t.id)::int as threads,
        (array_agg(c.decline_code order by c.opened_at desc))[1] as latest_code,
        bool_and(c.status = 'recovered') filter (where c.thread_id = (
          select t2.id from dunning_threads t2 where t2.customer_id = u.id order by t2.opened_at desc limit 1)) as latest_all_recovered
      from customers u
      join sandbox_payment_methods p on p.id = u.default_payment_method_ref
      join dunning_threads t on t.customer_id = u.id
      join recovery_cases c on c.thread_id = t.id
      where u.workspace_id = ${main.id}
      group by u.id, p.fails_with`);
    expect(cards.length).toBe(result.customers);
    expect(cards.filter((c) => c.threads > 1).length).toBeGreaterThan(0);
    for (const card of cards) expect(card.fails_with).toBe(card.latest_all_recovered ? null : card.latest_code);
  });

  it("keeps every case's thread, customer and invoice in its workspace", async () => {
    const [mismatch] = await query<{ n: number }>(sql`
      select count(*)::int as n
      from recovery_cases c
      join dunning_threads t on t.id = c.thread_id
      join customers u on u.id = c.customer_id
      join invoices i on i.id = c.invoice_id
      where c.workspace_id = ${main.id}
        and (t.workspace_id <> c.workspace_id or u.workspace_id <> c.workspace_id or i.workspace_id <> c.workspace_id
          or i.customer_id <> c.customer_id or t.customer_id <> c.customer_id or u.cohort <> c.cohort)`);
    expect(Number(mismatch!.n)).toBe(0);
    const [strays] = await query<{ n: number }>(sql`
      select (select count(*) from payment_attempts a join recovery_cases c on c.id = a.case_id where c.workspace_id <> a.workspace_id and c.workspace_id = ${main.id})
           + (select count(*) from timeline_events e join dunning_threads t on t.id = e.thread_id where t.workspace_id <> e.workspace_id and t.workspace_id = ${main.id})
           + (select count(*) from card_update_links l join dunning_threads t on t.id = l.thread_id where t.workspace_id <> l.workspace_id and t.workspace_id = ${main.id})
        as n`);
    expect(Number(strays!.n)).toBe(0);
  });

  it("opens no case after the clock or before the months asked, and keeps recent cases mostly open", async () => {
    const rows = await casesOf(main.id);
    const opened = rows.map((r) => r.openedAt.getTime());
    expect(Math.max(...opened)).toBeLessThanOrEqual(NOW.getTime());
    expect(Math.min(...opened)).toBeGreaterThanOrEqual(result.from.getTime());
    const recent = rows.filter((r) => r.openedAt.getTime() > NOW.getTime() - 28 * DAY);
    expect(recent.filter((r) => r.status === "open").length / recent.length).toBeGreaterThan(0.5);
    // The window (28 days) and grace (3 days) are over for older cases.
    expect(rows.filter((r) => r.status === "open" && r.openedAt.getTime() < NOW.getTime() - 32 * DAY)).toEqual([]);
    // The 1st of the month, when many subscriptions renew, is busier than an average day.
    const firsts = rows.filter((r) => r.openedAt.getUTCDate() === 1).length;
    expect(firsts / 6).toBeGreaterThan((rows.length / 182) * 1.5);
  });

  it("stamps opens and clicks on a realistic share of the emails, with a working link for each", async () => {
    expect(result.emailsOpened / result.emails).toBeGreaterThan(0.35);
    expect(result.emailsOpened / result.emails).toBeLessThan(0.55);
    expect(result.emailsClicked / result.emails).toBeGreaterThan(0.07);
    expect(result.emailsClicked / result.emails).toBeLessThan(0.18);
    const emails = await db.select().from(outboxMessages).where(eq(outboxMessages.workspaceId, main.id));
    for (const m of emails.slice(0, 200)) {
      expect(m.kind).toBe("dunning");
      expect(m.transport).toBe("outbox");
      expect(m.metadata.step).toMatch(/^[1-6]\/6$/);
      expect(m.html).toContain(`/api/t/o/${m.trackingId}`);
      const token = /\/u\/([A-Za-z0-9_-]+)"/.exec(m.html)?.[1];
      expect(token).toBeDefined();
      expect(m.text).toContain(`/u/${token}`);
      if (m.firstClickedAt) expect(m.firstOpenedAt!.getTime()).toBeLessThanOrEqual(m.firstClickedAt.getTime());
    }
    const links = await db.select().from(cardUpdateLinks).where(eq(cardUpdateLinks.workspaceId, main.id));
    expect(links.length).toBe(result.emails);
    // Sent emails and their events: each has an email_sent entry with its message id.
    const [unlogged] = await query<{ n: number }>(sql`
      select count(*)::int as n from outbox_messages o
      where o.workspace_id = ${main.id}
        and o.id not in (
          select e.data->>'messageId' from timeline_events e
          where e.workspace_id = ${main.id} and e.kind = 'email_sent' and e.data->>'messageId' is not null)`);
    expect(Number(unlogged!.n)).toBe(0);
    // As the email action keeps them: each thread counts its email_sent entries, each dunning email has its cases' mode.
    const [mismatch] = await query<{ threads: number; emails: number }>(sql`
      select
        (select count(*)::int from dunning_threads t where t.workspace_id = ${main.id}
          and t.emails_sent <> (select count(*) from timeline_events e where e.thread_id = t.id and e.kind = 'email_sent')) as threads,
        (select count(*)::int from outbox_messages o where o.workspace_id = ${main.id} and o.kind = 'dunning'
          and o.livemode is distinct from (select bool_or(c.livemode) from recovery_cases c where c.thread_id = o.metadata->>'threadId')) as emails`);
    expect(mismatch).toEqual({ threads: 0, emails: 0 });
  });

  it("gives every case a few timeline events and its payment attempts", async () => {
    const [row] = await query<{ without_failure: number; without_outcome: number }>(sql`
      select
        count(*) filter (where not exists (select 1 from timeline_events e where e.case_id = c.id and e.kind = 'payment_failed'))::int as without_failure,
        count(*) filter (where c.status <> 'open' and not exists (
          select 1 from timeline_events e where e.case_id = c.id and e.kind in ('recovered', 'final_action', 'silenced', 'cancelled')))::int as without_outcome
      from recovery_cases c where c.workspace_id = ${main.id}`);
    expect(Number(row!.without_failure)).toBe(0);
    expect(Number(row!.without_outcome)).toBe(0);
    const [attempts] = await query<{ n: number; retries: number }>(sql`
      select count(*)::int as n, count(*) filter (where source = 'reclaim_retry')::int as retries
      from payment_attempts where workspace_id = ${main.id}`);
    expect(Number(attempts!.n)).toBe(result.paymentAttempts);
    const retryCounts = (await casesOf(main.id)).reduce((s, r) => s + r.retryCount, 0);
    expect(Number(attempts!.retries)).toBe(retryCounts);
  });

  it("plans the rest for open cases and leaves nothing due before the clock", async () => {
    const actions = await db.select().from(scheduledActions).where(eq(scheduledActions.workspaceId, main.id));
    expect(actions.filter((a) => a.status === "pending").length).toBe(result.pendingActions);
    expect(result.pendingActions).toBeGreaterThan(0);
    for (const a of actions) {
      if (a.status === "pending") expect(a.dueAt.getTime()).toBeGreaterThan(NOW.getTime());
      else expect(a.dueAt.getTime()).toBeLessThanOrEqual(NOW.getTime());
    }
    const engagements = await db.select().from(sandboxEngagements).where(eq(sandboxEngagements.workspaceId, main.id));
    expect(engagements.every((e) => e.status === "pending" && e.dueAt.getTime() > NOW.getTime())).toBe(true);
    // Only open cases and open threads have a plan.
    const [closedWithPlan] = await query<{ n: number }>(sql`
      select count(*)::int as n from scheduled_actions a
      left join recovery_cases c on c.id = a.case_id
      join dunning_threads t on t.id = a.thread_id
      where a.workspace_id = ${main.id} and (c.status <> 'open' or t.status <> 'open')`);
    expect(Number(closedWithPlan!.n)).toBe(0);
  });

  it("gives the same figures for the same seed, workspace salt and clock, and others for another seed", async () => {
    const run = async (seed: string) => {
      const workspace = await sandboxWorkspace("same", { salt: "a-shared-salt" });
      const seeded = await seedHistory(db, { workspaceId: workspace.id, months: 3, cases: 400, seed });
      const [figures] = await query<Record<string, unknown>>(sql`
        select count(*)::int as cases, count(*) filter (where status = 'recovered')::int as recovered,
          coalesce(sum(recovered_amount), 0)::bigint::text as amount, count(distinct thread_id)::int as threads,
          string_agg(distinct recovered_via::text, ',') as channels, min(opened_at) as first, max(opened_at) as last
        from recovery_cases where workspace_id = ${workspace.id}`);
      const { ms: _ms, ...rest } = seeded;
      return { rest, figures };
    };
    const a = await run("reproducible");
    const b = await run("reproducible");
    const c = await run("another");
    expect(b.rest).toEqual(a.rest);
    expect(b.figures).toEqual(a.figures);
    expect(c.rest.byStatus).not.toEqual(a.rest.byStatus);
  }, 120_000);

  it("adds a second batch when run again, with new customers", async () => {
    const workspace = await sandboxWorkspace("twice");
    const first = await seedHistory(db, { workspaceId: workspace.id, months: 2, cases: 150, seed: SEED });
    const second = await seedHistory(db, { workspaceId: workspace.id, months: 2, cases: 150, seed: SEED });
    expect([first.batch, second.batch]).toEqual([1, 2]);
    expect((await casesOf(workspace.id)).length).toBe(300);
    const rows = await db.select({ externalId: customers.externalId }).from(customers).where(eq(customers.workspaceId, workspace.id));
    expect(rows.filter((r) => r.externalId.startsWith("cus_sbx_h1_")).length).toBe(first.customers);
    expect(rows.filter((r) => r.externalId.startsWith("cus_sbx_h2_")).length).toBe(second.customers);
  }, 60_000);

  it("refuses a live workspace, sizes out of range and a time after the clock", async () => {
    const live = await sandboxWorkspace("live");
    await db.update(workspaces).set({ mode: "live" }).where(eq(workspaces.id, live.id));
    await expect(seedHistory(db, { workspaceId: live.id, months: 1, cases: 100, seed: SEED })).rejects.toThrow(/live workspace/);
    expect(await casesOf(live.id)).toEqual([]);
    const sandbox = await sandboxWorkspace("limits");
    for (const [months, cases] of [
      [0, 100],
      [25, 100],
      [1.5, 100],
      [1, 99],
      [1, 200_001],
    ] as const) {
      await expect(seedHistory(db, { workspaceId: sandbox.id, months, cases, seed: SEED })).rejects.toBeInstanceOf(RangeError);
    }
    await expect(seedHistory(db, { workspaceId: sandbox.id, months: 1, cases: 100, seed: SEED, now: new Date(NOW.getTime() + DAY) })).rejects.toThrow(
      /after the workspace's test clock/,
    );
    await expect(seedHistory(db, { workspaceId: crypto.randomUUID(), months: 1, cases: 100, seed: SEED })).rejects.toThrow(/not found/);
    expect(await casesOf(sandbox.id)).toEqual([]);
  });
});

describe("seeded open cases and the scheduler", () => {
  it("leaves nothing for the local driver until the clock moves, then carries on like the engine's own cases", async () => {
    const workspace = await sandboxWorkspace("carry-on");
    await seedHistory(db, { workspaceId: workspace.id, months: 1, cases: 120, seed: SEED });
    const h = createHarness(database, { start: NOW });
    const deps = { ...h.deps, notifier: createNotifier({ db, mailer: createMailer(db, outboxTransport, "Reclaim <no-reply@reclaim.local>"), appUrl: h.deps.appUrl }) };

    // Every seeded workspace's clock is at NOW and nothing of theirs is due by it.
    expect(await createLocalDriver(deps).tick()).toBe(0);

    const before = await casesOf(workspace.id);
    const openBefore = before.filter((r) => r.status === "open").length;
    expect(openBefore).toBeGreaterThan(20);
    const emailsBefore = (await db.select({ id: outboxMessages.id }).from(outboxMessages).where(eq(outboxMessages.workspaceId, workspace.id))).length;

    const advanced = await advanceSandboxClock(deps, { workspaceId: workspace.id, to: new Date(NOW.getTime() + 10 * DAY) });
    expect(advanced.remaining).toBe(false);
    expect(advanced.performed).toBeGreaterThan(0);

    const failed = await db
      .select({ step: scheduledActions.step, error: scheduledActions.lastError })
      .from(scheduledActions)
      .where(and(eq(scheduledActions.workspaceId, workspace.id), inArray(scheduledActions.status, ["failed", "running"])));
    expect(failed).toEqual([]);
    const [errors] = await query<{ n: number }>(sql`
      select count(*)::int as n from timeline_events where workspace_id = ${workspace.id} and kind = 'action_failed'`);
    expect(Number(errors!.n)).toBe(0);
    expect(await closedCasesWithOpenActions(h, { id: workspace.id, ownerId: "", name: workspace.name })).toEqual([]);
    // The engine sent the next emails (no clash with the seeded ones' keys) and closed some cases.
    const emailsAfter = (await db.select({ id: outboxMessages.id }).from(outboxMessages).where(eq(outboxMessages.workspaceId, workspace.id))).length;
    expect(emailsAfter).toBeGreaterThan(emailsBefore);
    const after = await casesOf(workspace.id);
    expect(after.filter((r) => r.status === "open").length).toBeLessThan(openBefore);
    const [timeline] = await query<{ n: number }>(sql`
      select count(*)::int as n from timeline_events where workspace_id = ${workspace.id} and at > ${NOW.toISOString()}::timestamptz`);
    expect(Number(timeline!.n)).toBeGreaterThan(0);
  }, 180_000);
});
