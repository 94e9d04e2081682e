import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { resolvePeriod } from "@/server/analytics/period";
import type { ReportScope } from "@/server/analytics/scope";
import { customers, dunningThreads, outboxMessages, paymentAttempts, recoveryCases, timelineEvents } from "@/server/db/schema";
import { openTestDatabase } from "@/server/testing/database";
import type { RawRunner } from "./report-baselines";
import { generateReportData } from "./report-data";
import { checkSameFigures, REPORT_SCENARIOS } from "./reports";

// The report bench's generator, small: 2,000 cases written with every constraint in place (no bulk
// mode: the Postgres suite shares one database), so every foreign key is checked as rows go in; and
// the bench's baselines give exactly the app's figures on them.
const database = await openTestDatabase();
const db = database.db;

/** The driver underneath drizzle: postgres-js (`unsafe`) or PGlite (`query`). */
function rawRunner(): RawRunner {
  const client = (database.db as unknown as { $client: unknown }).$client as
    | { unsafe: (text: string, params: unknown[]) => Promise<Record<string, unknown>[]> }
    | { query: (text: string, params: unknown[]) => Promise<{ rows: Record<string, unknown>[] }> };
  if ("unsafe" in client) return (text, params) => client.unsafe(text, params);
  return async (text, params) => (await client.query(text, params)).rows;
}

const NOW = new Date();
const data = await generateReportData(db, { cases: 2_000, now: NOW, tag: `t${crypto.randomBytes(4).toString("hex")}`, bulk: false });
const main = data.workspaceId;

describe("report bench data", () => {
  it("writes a realistic history in the measured workspace and others", async () => {
    const cases = await db.select().from(recoveryCases).where(eq(recoveryCases.workspaceId, main));
    const live = cases.filter((c) => c.livemode);
    expect(live).toHaveLength(2_000);
    expect(cases.length).toBeGreaterThan(2_000); // the sandbox history from before going live
    const share = (f: (c: (typeof live)[number]) => boolean) => live.filter(f).length / live.length;
    expect(share((c) => c.cohort === "holdout")).toBeGreaterThan(0.04);
    expect(share((c) => c.cohort === "holdout")).toBeLessThan(0.18);
    for (const status of ["open", "recovered", "lost", "silenced", "cancelled"] as const) expect(share((c) => c.status === status)).toBeGreaterThan(0);
    expect(new Set(live.map((c) => c.currency)).size).toBeGreaterThanOrEqual(4);
    expect(new Set(live.map((c) => c.sequenceVersionId)).size).toBeGreaterThanOrEqual(4);
    // Open cases only in the last five weeks; closed ones closed after they opened, never after now.
    for (const c of live) {
      if (c.status === "open") {
        expect(c.closedAt).toBeNull();
        expect(NOW.getTime() - c.openedAt.getTime()).toBeLessThan(36 * 86_400_000);
      } else {
        expect(c.closedAt!.getTime()).toBeGreaterThanOrEqual(c.openedAt.getTime());
        expect(c.closedAt!.getTime()).toBeLessThanOrEqual(NOW.getTime());
      }
      expect(c.recoveredAmount !== null).toBe(c.status === "recovered");
    }
    const customerCount = new Set(live.map((c) => c.customerId)).size;
    expect(live.length / customerCount).toBeGreaterThan(1.1);
    expect(live.length / customerCount).toBeLessThan(1.5);
    // A customer's cases all have the customer's cohort.
    const cohorts = new Map((await db.select().from(customers).where(eq(customers.workspaceId, main))).map((c) => [c.id, c.cohort]));
    for (const c of cases) expect(c.cohort).toBe(cohorts.get(c.customerId));
  });

  it("keeps attempts inside their case's life, and emails on the treatment threads", async () => {
    const cases = new Map((await db.select().from(recoveryCases).where(eq(recoveryCases.workspaceId, main))).map((c) => [c.id, c]));
    const attempts = await db.select().from(paymentAttempts).where(eq(paymentAttempts.workspaceId, main));
    expect(attempts.length / cases.size).toBeGreaterThan(1.8);
    expect(attempts.length / cases.size).toBeLessThan(3.5);
    expect(new Set(attempts.map((a) => a.source))).toEqual(new Set(["initial", "reclaim_retry", "provider_retry", "card_update", "card_updater"]));
    for (const a of attempts) {
      const c = cases.get(a.caseId)!;
      expect(a.at.getTime()).toBeGreaterThanOrEqual(c.openedAt.getTime());
      expect(a.at.getTime()).toBeLessThanOrEqual((c.closedAt ?? NOW).getTime());
      if (a.outcome === "succeeded") expect(c.status).toBe("recovered");
    }
    const threads = new Map((await db.select().from(dunningThreads).where(eq(dunningThreads.workspaceId, main))).map((t) => [t.id, t]));
    const messages = await db.select().from(outboxMessages).where(eq(outboxMessages.workspaceId, main));
    const sent = await db.select().from(timelineEvents).where(eq(timelineEvents.workspaceId, main));
    expect(messages.length).toBeGreaterThan(0);
    expect(sent).toHaveLength(messages.length);
    const ids = new Set(messages.map((m) => m.id));
    for (const e of sent) {
      expect(e.kind).toBe("email_sent");
      expect(ids.has(String(e.data.messageId))).toBe(true);
    }
    for (const m of messages) {
      const thread = threads.get(m.metadata.threadId!)!;
      expect(thread.cohort).toBe("treatment");
      expect(m.createdAt.getTime()).toBeGreaterThanOrEqual(thread.openedAt.getTime());
      if (m.firstClickedAt) expect(m.firstOpenedAt).not.toBeNull();
    }
  });

  it.each(REPORT_SCENARIOS)("gives the same $page figures as the baseline for $preset", async ({ page, preset }) => {
    const scope: ReportScope = { workspaceId: main, livemode: true, now: NOW, period: resolvePeriod({ preset }, NOW) };
    expect(await checkSameFigures(db, rawRunner(), page, scope)).toEqual([]);
  });
});
