/**
 * The per-day report totals (report-days.ts, kept by the triggers of migration 0010) against the
 * same totals recomputed here from the rows, after every kind of write: a seeded history (bulk
 * inserts), a recovery sequence run by the domain with real emails, updates that move a row
 * between days, statuses, currencies and modes, updates the totals do not use, deletions (with
 * their cascades), a deleted workspace, and, on Postgres, concurrent writers.
 */
import crypto from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createMailer } from "@/server/mail/mailer";
import { outboxTransport } from "@/server/mail/transport";
import { createNotifier } from "@/server/messaging/notifier";
import { createWorkspace } from "@/server/queries/workspaces";
import { DAY } from "@/server/recovery/clock";
import { setSandboxClock } from "@/server/recovery/context";
import { seedHistory } from "@/server/seed/history";
import { createTestUser, openTestDatabase } from "@/server/testing/database";
import { advance, createHarness, createScenarioWorkspace, failPayment, onPostgres, type Harness } from "@/server/testing/recovery";
import type { Db } from "./client";
import { outboxMessages, paymentAttempts, recoveryCases, reportClosedDays, workspaces } from "./schema";

const database = await openTestDatabase();
const db = database.db;
const NOW = new Date("2026-05-20T15:30:00Z");

function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}

async function lines(statement: ReturnType<typeof sql>): Promise<string[]> {
  return rowsOf<Record<string, unknown>>(await db.execute(statement))
    .map((r) => Object.values(r).map(String).join(" | "))
    .sort();
}

/** The four tables' totals of a workspace as kept (groups that add up to nothing left out), one line per group. */
async function kept(workspaceId: string) {
  return {
    opened: await lines(sql`select livemode, day::text, currency, cohort::text, status::text, sequence_version_id, cases, amount, recovered_amount, recovered_squares::text
      from report_opened_days where workspace_id = ${workspaceId} and (cases <> 0 or amount <> 0 or recovered_amount <> 0 or recovered_squares <> 0)`),
    closed: await lines(sql`select livemode, day::text, currency, cohort::text, status::text, cases, amount, recovered_amount
      from report_closed_days where workspace_id = ${workspaceId} and (cases <> 0 or amount <> 0 or recovered_amount <> 0)`),
    attempts: await lines(sql`select livemode, day::text, source, outcome, attempts from report_attempt_days where workspace_id = ${workspaceId} and attempts <> 0`),
    emails: await lines(sql`select livemode, day::text, sent, opened, clicked from report_email_days
      where workspace_id = ${workspaceId} and (sent <> 0 or opened <> 0 or clicked <> 0)`),
  };
}

/** The same totals computed from the rows, written independently of the triggers (UTC days from the timestamps' text). */
async function recomputed(workspaceId: string) {
  const utc = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', 'YYYY-MM-DD')`);
  const recovered = sql.raw("coalesce(recovered_amount, 0)::bigint");
  return {
    opened: await lines(sql`select livemode, ${utc("opened_at")} as day, currency, cohort::text, status::text, sequence_version_id,
        count(*)::int as cases, sum(amount)::bigint as amount, sum(${recovered})::bigint as recovered, sum(${recovered} * ${recovered})::text as squares
      from recovery_cases where workspace_id = ${workspaceId} group by 1, 2, 3, 4, 5, 6`),
    closed: await lines(sql`select livemode, ${utc("closed_at")} as day, currency, cohort::text, status::text, count(*)::int as cases,
        sum(amount)::bigint as amount, sum(${recovered})::bigint as recovered
      from recovery_cases where workspace_id = ${workspaceId} and closed_at is not null group by 1, 2, 3, 4, 5`),
    attempts: await lines(sql`select livemode, ${utc("at")} as day, source, outcome, count(*)::int as attempts
      from payment_attempts where workspace_id = ${workspaceId} group by 1, 2, 3, 4`),
    emails: await lines(sql`select livemode, ${utc("coalesce(sent_at, created_at)")} as day, count(*)::int as sent, count(first_opened_at)::int as opened,
        count(first_clicked_at)::int as clicked
      from outbox_messages where workspace_id = ${workspaceId} and kind = 'dunning' and status = 'sent' and livemode is not null
      group by 1, 2`),
  };
}

async function expectInStep(workspaceId: string) {
  const [k, r] = [await kept(workspaceId), await recomputed(workspaceId)];
  expect(k).toEqual(r);
  return k;
}

async function seededWorkspace(label: string, cases = 240) {
  const owner = await createTestUser(database, label);
  const workspace = await createWorkspace(db, { name: `${label} ${crypto.randomBytes(3).toString("hex")}`, ownerId: owner.id });
  await setSandboxClock(db, workspace.id, NOW);
  await seedHistory(db, { workspaceId: workspace.id, months: 3, cases, seed: label });
  return workspace;
}

/** Cases of a workspace, some of each status, for the edits below. */
async function casesOf(workspaceId: string) {
  return db.select().from(recoveryCases).where(eq(recoveryCases.workspaceId, workspaceId));
}

let seeded: { id: string };

beforeAll(async () => {
  seeded = await seededWorkspace("report-days");
}, 180_000);

describe("the per-day report totals", () => {
  it("hold a seeded history, written in bulk", async () => {
    const totals = await expectInStep(seeded.id);
    expect(totals.opened.length).toBeGreaterThan(20);
    expect(totals.closed.length).toBeGreaterThan(20);
    expect(totals.attempts.length).toBeGreaterThan(20);
    expect(totals.emails.length).toBeGreaterThan(10);
  });

  it("follow a case through a close, a change of amount, day, currency and mode, and a deletion with its attempts", async () => {
    const all = await casesOf(seeded.id);
    const open = all.filter((c) => c.status === "open");
    const recovered = all.filter((c) => c.status === "recovered");
    expect(open.length).toBeGreaterThan(3);
    expect(recovered.length).toBeGreaterThan(3);

    // Several open cases recovered in one statement (one grouped change), on the workspace's clock.
    const closing = open.slice(0, 3).map((c) => c.id);
    await db
      .update(recoveryCases)
      .set({ status: "recovered", closedAt: NOW, recoveredAmount: sql`${recoveryCases.amount}`, recoveredVia: "card_update" })
      .where(sql`${recoveryCases.id} in ${closing}`);
    await expectInStep(seeded.id);

    // A recovered case changes amount, day, currency and mode at once: out of its old groups, into new ones.
    const moved = recovered[0]!;
    await db
      .update(recoveryCases)
      .set({
        amount: moved.amount + 101,
        recoveredAmount: (moved.recoveredAmount ?? 0) + 101,
        openedAt: new Date(moved.openedAt.getTime() - 3 * DAY),
        closedAt: new Date(moved.closedAt!.getTime() + DAY),
        currency: "chf",
        livemode: true,
      })
      .where(eq(recoveryCases.id, moved.id));
    await expectInStep(seeded.id);

    // A case reopened (closed_at cleared) leaves the closed totals.
    await db.update(recoveryCases).set({ status: "open", closedAt: null, recoveredAmount: null, recoveredVia: null }).where(eq(recoveryCases.id, recovered[1]!.id));
    await expectInStep(seeded.id);

    // Deleted with its attempts (the cascade fires the attempts' trigger as well).
    const [attempts] = rowsOf<{ n: number }>(await db.execute(sql`select count(*)::int as n from payment_attempts where case_id = ${recovered[2]!.id}`));
    expect(Number(attempts!.n)).toBeGreaterThan(0);
    await db.delete(recoveryCases).where(eq(recoveryCases.id, recovered[2]!.id));
    await expectInStep(seeded.id);
  });

  it("leave the totals alone on an update of a column they do not use", async () => {
    const [row] = await db
      .select({ day: reportClosedDays.day, cohort: reportClosedDays.cohort, currency: reportClosedDays.currency, status: reportClosedDays.status })
      .from(reportClosedDays)
      .where(eq(reportClosedDays.workspaceId, seeded.id))
      .limit(1);
    const version = async () =>
      rowsOf<{ v: string }>(
        await db.execute(sql`select xmin::text as v from report_closed_days where workspace_id = ${seeded.id} and day = ${row!.day}
          and currency = ${row!.currency} and cohort = ${row!.cohort} and status = ${row!.status}`),
      )[0]?.v;
    const before = await version();
    // Stage, retry count and attention flags of every case of the workspace: none of it is in the totals.
    await db
      .update(recoveryCases)
      .set({ retryCount: sql`${recoveryCases.retryCount} + 1`, needsAttention: sql`not ${recoveryCases.needsAttention}` })
      .where(eq(recoveryCases.workspaceId, seeded.id));
    expect(await version()).toBe(before);
    await expectInStep(seeded.id);
  });

  it("count attempts by their own mode, day, source and outcome, through updates and deletions", async () => {
    const [attempt] = await db.select().from(paymentAttempts).where(eq(paymentAttempts.workspaceId, seeded.id)).limit(1);
    await db
      .update(paymentAttempts)
      .set({ outcome: "succeeded", at: new Date(attempt!.at.getTime() + 2 * DAY), source: "card_updater" })
      .where(eq(paymentAttempts.id, attempt!.id));
    await expectInStep(seeded.id);
    await db.delete(paymentAttempts).where(eq(paymentAttempts.id, attempt!.id));
    await expectInStep(seeded.id);
  });

  it("count a dunning email once it is sent, its open and click once each, and no other mail", async () => {
    const [c] = await casesOf(seeded.id);
    const base = {
      workspaceId: seeded.id,
      transport: "resend",
      to: "someone@example.com",
      from: "Billing <billing@example.com>",
      subject: "Payment failed",
      html: "<p>Hi</p>",
      text: "Hi",
      metadata: { threadId: c!.threadId },
      livemode: false,
      sentAt: NOW,
    };
    const [email] = await db
      .insert(outboxMessages)
      .values({ ...base, idempotencyKey: `test:${crypto.randomUUID()}`, kind: "dunning", status: "sending" })
      .returning();
    const [receipt] = await db
      .insert(outboxMessages)
      .values({ ...base, idempotencyKey: `test:${crypto.randomUUID()}`, kind: "receipt", status: "sent" })
      .returning();
    await expectInStep(seeded.id);
    const today = async () =>
      rowsOf<{ sent: number; opened: number; clicked: number }>(
        await db.execute(sql`select sent, opened, clicked from report_email_days where workspace_id = ${seeded.id} and livemode = false and day = '2026-05-20'`),
      )[0] ?? { sent: 0, opened: 0, clicked: 0 };
    const before = await today();
    await db.update(outboxMessages).set({ status: "sent" }).where(eq(outboxMessages.id, email!.id));
    expect(await today()).toEqual({ ...before, sent: before.sent + 1 });
    for (let i = 0; i < 2; i++) {
      await db
        .update(outboxMessages)
        .set({ firstOpenedAt: sql`coalesce(${outboxMessages.firstOpenedAt}, now())`, openCount: sql`${outboxMessages.openCount} + 1` })
        .where(eq(outboxMessages.id, email!.id));
    }
    await db.update(outboxMessages).set({ firstClickedAt: NOW }).where(eq(outboxMessages.id, email!.id));
    expect(await today()).toEqual({ sent: before.sent + 1, opened: before.opened + 1, clicked: before.clicked + 1 });
    await db.update(outboxMessages).set({ firstOpenedAt: NOW }).where(eq(outboxMessages.id, receipt!.id));
    await expectInStep(seeded.id);
    await db.delete(outboxMessages).where(eq(outboxMessages.id, email!.id));
    expect(await today()).toEqual(before);
    await expectInStep(seeded.id);
  });

  it("are recomputed from the rows by report_days_rebuild, for one workspace", async () => {
    const expected = await kept(seeded.id);
    await db.execute(sql`update report_closed_days set cases = cases + 7 where workspace_id = ${seeded.id}`);
    await db.execute(sql`delete from report_email_days where workspace_id = ${seeded.id}`);
    expect(await kept(seeded.id)).not.toEqual(expected);
    await db.execute(sql`select report_days_rebuild(${seeded.id})`);
    expect(await kept(seeded.id)).toEqual(expected);
  });

  it("go with a deleted workspace", async () => {
    const doomed = await seededWorkspace("report-days-deleted", 100);
    expect((await kept(doomed.id)).opened.length).toBeGreaterThan(0);
    await db.delete(workspaces).where(eq(workspaces.id, doomed.id));
    const counts = rowsOf<{ n: number }>(
      await db.execute(sql`select (select count(*) from report_opened_days where workspace_id = ${doomed.id})
        + (select count(*) from report_closed_days where workspace_id = ${doomed.id})
        + (select count(*) from report_attempt_days where workspace_id = ${doomed.id})
        + (select count(*) from report_email_days where workspace_id = ${doomed.id}) as n`),
    );
    expect(Number(counts[0]!.n)).toBe(0);
  });
});

describe("the per-day report totals under the recovery domain", () => {
  let h: Harness;

  it("follow a sequence run by the domain: failures, retries, emails, recoveries and final actions", async () => {
    h = createHarness(database);
    const notifier = createNotifier({ db, mailer: createMailer(db, outboxTransport, "Reclaim <no-reply@reclaim.local>"), appUrl: "http://localhost:3000" });
    const deps = { ...h.deps, notifier };
    const ws = await createScenarioWorkspace(h, { label: "report-days-domain", policy: { holdoutPercent: 20 } });
    const codes = ["insufficient_funds", "expired_card", "generic_decline", "processing_error", "fraudulent", "authentication_required"];
    for (let i = 0; i < 18; i++) {
      await failPayment({ ...h, deps }, ws, { code: codes[i % codes.length]!, customer: `cus_rd_${i}`, currency: i % 4 === 0 ? "eur" : "usd" });
    }
    await advance(h, ws, { days: 40 }, deps);
    const totals = await expectInStep(ws.id);
    expect(totals.emails.length).toBeGreaterThan(0);
    expect(totals.closed.some((line) => line.includes("recovered"))).toBe(true);
    expect(totals.closed.some((line) => line.includes("lost"))).toBe(true);
  }, 120_000);
});

describe.runIf(onPostgres())("the per-day report totals with concurrent writers (Postgres)", () => {
  it("stay exact when many transactions close cases of the same day at once", async () => {
    const ws = await seededWorkspace("report-days-concurrent", 120);
    const open = (await casesOf(ws.id)).filter((c) => c.status === "open");
    expect(open.length).toBeGreaterThan(8);
    const closeIn = (tx: Db, id: string, i: number) =>
      tx
        .update(recoveryCases)
        .set({ status: i % 2 === 0 ? "recovered" : "lost", closedAt: NOW, recoveredAmount: i % 2 === 0 ? sql`${recoveryCases.amount}` : null })
        .where(and(eq(recoveryCases.id, id), eq(recoveryCases.status, "open")));
    await Promise.all(
      open.map((c, i) =>
        db.transaction(async (tx) => {
          await closeIn(tx, c.id, i);
          await tx.insert(paymentAttempts).values({
            workspaceId: ws.id,
            caseId: c.id,
            livemode: c.livemode,
            source: "reclaim_retry",
            outcome: i % 2 === 0 ? "succeeded" : "failed",
            dedupeKey: `concurrent:${c.id}`,
            at: NOW,
          });
        }),
      ),
    );
    await expectInStep(ws.id);
  }, 120_000);
});
