/**
 * The local driver's machinery: the one-statement claim (each workspace due by
 * its own clock), the batched guarded completion, and what a crash or a slow
 * action does to them.
 */
import { eq, inArray, sql } from "drizzle-orm";
import { PglitePreparedQuery } from "drizzle-orm/pglite/session";
import { PostgresJsPreparedQuery } from "drizzle-orm/postgres-js/session";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { sandboxClocks, scheduledActions, workspaces, type ScheduledAction } from "@/server/db/schema";
import {
  claimDueActions,
  claimDueWithClocks,
  claimedNow,
  completeActions,
  LEASE_MS,
  MAX_RUNS,
  runClaimedAction,
  type ClaimedAction,
} from "@/server/recovery/actions";
import { DAY, HOUR } from "@/server/recovery/clock";
import { setSandboxClock } from "@/server/recovery/context";
import {
  caseOf,
  createHarness,
  createScenarioWorkspace,
  failPayment,
  openScenarioDatabase,
  timelineOf,
  type Harness,
  type ScenarioWorkspace,
} from "@/server/testing/recovery";
import { createLocalDriver } from "./local-driver";

const database = await openScenarioDatabase();
/** Real time in these tests (leases, completion stamps, live workspaces). */
const REAL = new Date("2026-06-01T12:00:00Z");
let h: Harness;

beforeAll(() => {
  h = createHarness(database, { start: REAL });
});

// Claims reach every workspace of the database: each test leaves nothing of its own due.
afterEach(async () => {
  await h.db
    .update(scheduledActions)
    .set({ status: "cancelled" })
    .where(inArray(scheduledActions.status, ["pending", "running"]));
  h.clock.set(REAL);
});

/** Counts the statements drizzle sends (both drivers) while `fn` runs. */
async function countingStatements<T>(fn: () => Promise<T>): Promise<{ value: T; statements: string[] }> {
  const statements: string[] = [];
  const protos = [PglitePreparedQuery.prototype, PostgresJsPreparedQuery.prototype] as unknown as Record<string, unknown>[];
  const originals = protos.map((proto) => ({ proto, execute: proto.execute, all: proto.all }));
  for (const { proto, execute, all } of originals) {
    for (const [name, original] of [
      ["execute", execute],
      ["all", all],
    ] as const) {
      proto[name] = function (this: { queryString: string }, ...args: unknown[]) {
        statements.push(this.queryString);
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      };
    }
  }
  try {
    return { value: await fn(), statements };
  } finally {
    for (const { proto, execute, all } of originals) {
      proto.execute = execute;
      proto.all = all;
    }
  }
}

/** A workspace with one open thread whose planned actions are all cancelled: the test adds its own. */
async function workspaceWithThread(options: { clock?: Date | null; live?: boolean; label: string }) {
  const ws = await createScenarioWorkspace(h, { label: options.label, start: options.clock ?? REAL });
  const failure = await failPayment(h, ws, { code: "expired_card" });
  await h.db.update(scheduledActions).set({ status: "cancelled" }).where(eq(scheduledActions.threadId, failure.threadId));
  if (options.clock === null || options.live) await h.db.delete(sandboxClocks).where(eq(sandboxClocks.workspaceId, ws.id));
  if (options.live) await h.db.update(workspaces).set({ mode: "live" }).where(eq(workspaces.id, ws.id));
  return { ws, threadId: failure.threadId, caseId: failure.caseId };
}

let counter = 0;
async function addAction(
  where: { ws: ScenarioWorkspace; threadId: string; caseId?: string },
  dueAt: Date,
  values: Partial<typeof scheduledActions.$inferInsert> = {},
): Promise<ScheduledAction> {
  counter++;
  const [row] = await h.db
    .insert(scheduledActions)
    .values({
      workspaceId: where.ws.id,
      threadId: where.threadId,
      caseId: where.caseId ?? null,
      kind: "enter_grace",
      step: `test:${counter}`,
      dueAt,
      idempotencyKey: `driver-test:${where.ws.id}:${counter}`,
      ...values,
    })
    .returning();
  return row!;
}

async function rowOf(id: string) {
  const [row] = await h.db.select().from(scheduledActions).where(eq(scheduledActions.id, id));
  return row!;
}

describe("claimDueWithClocks / claimDueActions", () => {
  it("claims in one statement what is due by each workspace's own clock, and returns the full rows with those clocks", async () => {
    const ahead = await workspaceWithThread({ label: "clock-ahead", clock: new Date(REAL.getTime() + 10 * DAY) });
    const behind = await workspaceWithThread({ label: "clock-behind", clock: new Date(REAL.getTime() - 5 * DAY) });
    const live = await workspaceWithThread({ label: "live", live: true });
    const unset = await workspaceWithThread({ label: "no-clock", clock: null });

    const due = [
      // A sandbox clock ahead of real time: due although real time has not reached it.
      await addAction(ahead, new Date(REAL.getTime() + 5 * DAY)),
      await addAction(behind, new Date(REAL.getTime() - 6 * DAY)),
      await addAction(live, new Date(REAL.getTime() - 60_000)),
      // A sandbox workspace without a clock yet runs on real time.
      await addAction(unset, new Date(REAL.getTime() - HOUR)),
    ];
    const notDue = [
      await addAction(ahead, new Date(REAL.getTime() + 11 * DAY)),
      // A sandbox clock behind real time: not due although real time has passed it.
      await addAction(behind, new Date(REAL.getTime() - DAY)),
      await addAction(live, new Date(REAL.getTime() + 60_000)),
      await addAction(unset, new Date(REAL.getTime() + HOUR)),
    ];

    const { value: claimed, statements } = await countingStatements(() => claimDueWithClocks(h.deps, 100));
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/for update of "scheduled_actions" skip locked/);

    expect(claimed.map((c) => c.action.id)).toEqual([...due].sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime()).map((a) => a.id));
    for (const { action } of claimed) {
      const before = due.find((a) => a.id === action.id)!;
      expect(action).toEqual({ ...before, status: "running", runCount: 1, leaseUntil: new Date(REAL.getTime() + LEASE_MS) });
    }
    const byWorkspace = new Map(claimed.map((c) => [c.action.workspaceId, c] as const));
    expect(byWorkspace.get(ahead.ws.id)).toMatchObject({ mode: "sandbox", sandboxNow: new Date(REAL.getTime() + 10 * DAY) });
    expect(byWorkspace.get(behind.ws.id)).toMatchObject({ mode: "sandbox", sandboxNow: new Date(REAL.getTime() - 5 * DAY) });
    expect(byWorkspace.get(live.ws.id)).toMatchObject({ mode: "live", sandboxNow: null });
    expect(byWorkspace.get(unset.ws.id)).toMatchObject({ mode: "sandbox", sandboxNow: null });

    for (const action of notDue) expect(await rowOf(action.id)).toMatchObject({ status: "pending", runCount: 0, leaseUntil: null });
    // Nothing else is due: a second claim gets nothing.
    expect(await claimDueActions(h.deps, 100)).toEqual([]);
  });

  it("claimedNow answers as workspaceNow: the test clock, real time when asked for a live workspace, a new clock at real time", async () => {
    const ahead = await workspaceWithThread({ label: "now-ahead", clock: new Date(REAL.getTime() + DAY) });
    const live = await workspaceWithThread({ label: "now-live", live: true });
    const unset = await workspaceWithThread({ label: "now-unset", clock: null });
    for (const w of [ahead, live, unset]) await addAction(w, new Date(REAL.getTime() - 60_000));
    const claimed = new Map((await claimDueWithClocks(h.deps, 100)).map((c) => [c.action.workspaceId, c] as const));

    h.clock.advance(1_234);
    expect(await claimedNow(h.deps, claimed.get(ahead.ws.id)!)).toEqual(new Date(REAL.getTime() + DAY));
    expect(await claimedNow(h.deps, claimed.get(live.ws.id)!)).toEqual(new Date(REAL.getTime() + 1_234));
    expect(await claimedNow(h.deps, claimed.get(unset.ws.id)!)).toEqual(new Date(REAL.getTime() + 1_234));
    const [clock] = await h.db.select().from(sandboxClocks).where(eq(sandboxClocks.workspaceId, unset.ws.id));
    expect(clock?.now).toEqual(new Date(REAL.getTime() + 1_234));

    const gone: ClaimedAction = { ...claimed.get(ahead.ws.id)!, mode: null, sandboxNow: null };
    gone.action = { ...gone.action, workspaceId: "no-such-workspace" };
    await expect(claimedNow(h.deps, gone)).rejects.toThrow(/not found/);
  });

  it("takes a running action back only once its lease has lapsed, with the next run count; respects the limit, oldest first", async () => {
    const w = await workspaceWithThread({ label: "lease" });
    const first = await addAction(w, new Date(REAL.getTime() - 3 * HOUR));
    const second = await addAction(w, new Date(REAL.getTime() - 2 * HOUR));
    const third = await addAction(w, new Date(REAL.getTime() - HOUR));

    expect((await claimDueActions(h.deps, 2)).map((a) => a.id)).toEqual([first.id, second.id]);
    h.clock.advance(LEASE_MS - 1_000);
    // The lease of the first two holds: only the third.
    expect((await claimDueActions(h.deps, 10)).map((a) => [a.id, a.runCount])).toEqual([[third.id, 1]]);
    h.clock.advance(2_000);
    const again = await claimDueActions(h.deps, 10);
    expect(again.map((a) => [a.id, a.runCount])).toEqual([
      [first.id, 2],
      [second.id, 2],
    ]);
    expect(again[0]!.leaseUntil).toEqual(new Date(h.clock.now().getTime() + LEASE_MS));
  });

  it("two claims at once never hand out the same action", async () => {
    const w = await workspaceWithThread({ label: "race" });
    const actions = await Promise.all(Array.from({ length: 12 }, (_, i) => addAction(w, new Date(REAL.getTime() - (i + 1) * 60_000))));
    const [a, b, c] = await Promise.all([claimDueActions(h.deps, 5), claimDueActions(h.deps, 5), claimDueActions(h.deps, 5)]);
    const ids = [...a!, ...b!, ...c!].map((x) => x.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(actions.map((x) => x.id).sort());
  });
});

describe("completeActions", () => {
  it("completes a batch in one statement, each with its own status and result", async () => {
    const w = await workspaceWithThread({ label: "complete" });
    for (let i = 0; i < 3; i++) await addAction(w, new Date(REAL.getTime() - (3 - i) * 60_000));
    const [a, b, c] = await claimDueActions(h.deps, 10);
    h.clock.advance(5_000);
    const odd = { text: `quote " backslash \\ and 'apostrophe', ünïcödé, {"braces"}`, list: [1, null, true] };
    const { value: completed, statements } = await countingStatements(() =>
      completeActions(h.deps, [
        { action: a!, status: "done", result: { outcome: "failed" } },
        { action: b!, status: "skipped", result: { reason: "case is recovered" } },
        { action: c!, status: "done", result: odd },
      ]),
    );
    expect(statements).toHaveLength(1);
    expect(completed.sort()).toEqual([a!.id, b!.id, c!.id].sort());
    const completedAt = new Date(REAL.getTime() + 5_000);
    expect(await rowOf(a!.id)).toMatchObject({ status: "done", result: { outcome: "failed" }, leaseUntil: null, completedAt, runCount: 1 });
    expect(await rowOf(b!.id)).toMatchObject({ status: "skipped", result: { reason: "case is recovered" }, leaseUntil: null, completedAt });
    expect((await rowOf(c!.id)).result).toEqual(odd);
    expect(await completeActions(h.deps, [])).toEqual([]);
  });

  it("a worker whose lease lapsed and whose action was claimed again cannot overwrite the newer run", async () => {
    const w = await workspaceWithThread({ label: "lapsed" });
    const slow = await addAction(w, new Date(REAL.getTime() - 2 * 60_000));
    const [stale] = await claimDueActions(h.deps, 10);
    expect(stale).toMatchObject({ id: slow.id, runCount: 1 });

    // Its lease lapses; another worker takes it over (run 2). A fresh action is claimed by the same round.
    h.clock.advance(LEASE_MS + 1_000);
    const fresh = await addAction(w, new Date(REAL.getTime() - 60_000));
    const newer = await claimDueActions(h.deps, 10);
    expect(newer.map((a) => [a.id, a.runCount])).toEqual([
      [slow.id, 2],
      [fresh.id, 1],
    ]);

    // The late worker completes its stale claim together with a valid one: only the valid one is written.
    const completed = await completeActions(h.deps, [
      { action: stale!, status: "done", result: { by: "late worker" } },
      { action: newer[1]!, status: "done", result: { by: "fresh" } },
    ]);
    expect(completed).toEqual([fresh.id]);
    expect(await rowOf(slow.id)).toMatchObject({ status: "running", runCount: 2, result: null, completedAt: null });

    // The newer run completes it; the stale claim still cannot touch it afterwards.
    expect(await completeActions(h.deps, [{ action: newer[0]!, status: "skipped", result: { by: "newer run" } }])).toEqual([slow.id]);
    expect(await completeActions(h.deps, [{ action: stale!, status: "done", result: { by: "late worker" } }])).toEqual([]);
    expect(await rowOf(slow.id)).toMatchObject({ status: "skipped", runCount: 2, result: { by: "newer run" } });
  });

  it("leaves actions that are no longer running alone (failed, cancelled, back to pending)", async () => {
    const w = await workspaceWithThread({ label: "not-running" });
    for (let i = 0; i < 3; i++) await addAction(w, new Date(REAL.getTime() - (3 - i) * 60_000));
    const claimed = await claimDueActions(h.deps, 10);
    const [failed, cancelled, pending] = claimed;
    await h.db.update(scheduledActions).set({ status: "failed" }).where(eq(scheduledActions.id, failed!.id));
    await h.db.update(scheduledActions).set({ status: "cancelled" }).where(eq(scheduledActions.id, cancelled!.id));
    await h.db.update(scheduledActions).set({ status: "pending", leaseUntil: null }).where(eq(scheduledActions.id, pending!.id));
    expect(await completeActions(h.deps, claimed.map((action) => ({ action, status: "done" as const, result: {} })))).toEqual([]);
    expect((await rowOf(failed!.id)).status).toBe("failed");
    expect((await rowOf(cancelled!.id)).status).toBe("cancelled");
    expect((await rowOf(pending!.id)).status).toBe("pending");
  });
});

describe("the local driver", () => {
  it("performs a claimed batch at each workspace's clock and completes what finished in one statement", async () => {
    const ahead = await workspaceWithThread({ label: "tick-ahead", clock: new Date(REAL.getTime() + DAY) });
    const live = await workspaceWithThread({ label: "tick-live", live: true });
    const actions = [
      await addAction(ahead, new Date(REAL.getTime() - 60_000)),
      await addAction(live, new Date(REAL.getTime() - 50_000)),
      await addAction(ahead, new Date(REAL.getTime() - 40_000)),
      await addAction(live, new Date(REAL.getTime() - 30_000)),
    ];
    const seen: [string, Date][] = [];
    const driver = createLocalDriver(h.deps, {
      concurrency: 2,
      perform: async (_deps, action, at) => {
        seen.push([action.id, at]);
        const index = actions.findIndex((a) => a.id === action.id);
        if (index === 3) return { status: "retrying", error: "left to the failure handling" };
        return { status: index === 1 ? "skipped" : "done", result: { index } };
      },
    });
    const { value: count, statements } = await countingStatements(() => driver.tick());
    expect(count).toBe(4);
    // The claim and one completion: the perform above makes no query.
    expect(statements).toHaveLength(2);
    expect(new Map(seen)).toEqual(
      new Map([
        [actions[0]!.id, new Date(REAL.getTime() + DAY)],
        [actions[1]!.id, REAL],
        [actions[2]!.id, new Date(REAL.getTime() + DAY)],
        [actions[3]!.id, REAL],
      ]),
    );
    expect(await rowOf(actions[0]!.id)).toMatchObject({ status: "done", result: { index: 0 }, leaseUntil: null });
    expect(await rowOf(actions[1]!.id)).toMatchObject({ status: "skipped", result: { index: 1 } });
    expect(await rowOf(actions[2]!.id)).toMatchObject({ status: "done", result: { index: 2 } });
    // A failure's row is the failure handling's to write (here: nobody's), not the batch's.
    expect(await rowOf(actions[3]!.id)).toMatchObject({ status: "running", runCount: 1 });
    expect(await driver.tick()).toBe(0);
  });

  it("a slow action does not hold back the completion of the others", async () => {
    const w = await workspaceWithThread({ label: "slow" });
    const slow = await addAction(w, new Date(REAL.getTime() - 3 * 60_000));
    const quick = [await addAction(w, new Date(REAL.getTime() - 2 * 60_000)), await addAction(w, new Date(REAL.getTime() - 60_000))];
    let release = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const driver = createLocalDriver(h.deps, {
      concurrency: 2,
      completeWithinMs: 20,
      perform: async (_deps, action) => {
        if (action.id === slow.id) await released;
        return { status: "done", result: {} };
      },
    });
    const tick = driver.tick();
    await expect.poll(async () => (await Promise.all(quick.map((a) => rowOf(a.id)))).map((r) => r.status), { timeout: 5_000 }).toEqual(["done", "done"]);
    expect((await rowOf(slow.id)).status).toBe("running");
    release();
    expect(await tick).toBe(3);
    expect((await rowOf(slow.id)).status).toBe("done");
  });

  it("when one action throws, what the others finished is still completed and the round reports the error", async () => {
    const w = await workspaceWithThread({ label: "throws" });
    const actions = [await addAction(w, new Date(REAL.getTime() - 2 * 60_000)), await addAction(w, new Date(REAL.getTime() - 60_000))];
    const driver = createLocalDriver(h.deps, {
      perform: async (_deps, action) => {
        if (action.id === actions[0]!.id) throw new Error("the database went away");
        return { status: "done", result: {} };
      },
    });
    await expect(driver.tick()).rejects.toThrow("the database went away");
    expect((await rowOf(actions[0]!.id)).status).toBe("running");
    expect((await rowOf(actions[1]!.id)).status).toBe("done");
  });

  it("a driver that dies after the work but before its completion loses nothing: the action runs again once, idempotently", async () => {
    const ws = await createScenarioWorkspace(h, { label: "crash", start: REAL });
    const failure = await failPayment(h, ws, { code: "expired_card" });
    const [email] = await h.db
      .select()
      .from(scheduledActions)
      .where(sql`${scheduledActions.threadId} = ${failure.threadId} and ${scheduledActions.step} like 'email:1:%'`);
    await setSandboxClock(h.db, ws.id, email!.dueAt);

    // The dead driver: it claimed and performed the email, then never completed.
    const claimed = (await claimDueWithClocks(h.deps, 100)).find((c) => c.action.id === email!.id)!;
    expect(await runClaimedAction(h.deps, claimed.action, await claimedNow(h.deps, claimed))).toMatchObject({ status: "done" });
    expect(h.notifier.dunningFor(ws.id)).toHaveLength(1);
    expect(await rowOf(email!.id)).toMatchObject({ status: "running", runCount: 1 });

    // Nobody takes it while the lease holds; after it lapses a live driver runs it again and completes it.
    const driver = createLocalDriver(h.deps);
    expect(await driver.tick()).toBe(0);
    h.clock.advance(LEASE_MS + 1_000);
    expect(await driver.tick()).toBe(1);
    expect(await rowOf(email!.id)).toMatchObject({ status: "done", runCount: 2, result: { duplicate: true } });
    expect(h.notifier.dunningFor(ws.id)).toHaveLength(1);
    expect((await timelineOf(h, failure.threadId)).filter((e) => e.kind === "email_sent")).toHaveLength(1);
  });

  it("transient failures go back to pending with growing delays on the workspace's clock, then fail after MAX_RUNS", async () => {
    const ws = await createScenarioWorkspace(h, { label: "down", start: REAL });
    const failure = await failPayment(h, ws, { code: "generic_decline" });
    const [retry] = await h.db
      .select()
      .from(scheduledActions)
      .where(sql`${scheduledActions.threadId} = ${failure.threadId} and ${scheduledActions.step} = 'retry:1'`);
    // Only the retry runs here.
    await h.db
      .update(scheduledActions)
      .set({ status: "cancelled" })
      .where(sql`${scheduledActions.threadId} = ${failure.threadId} and ${scheduledActions.id} <> ${retry!.id}`);
    const down = h.withBilling((provider) => ({
      ...provider,
      async getInvoiceStatus() {
        throw new Error("Sandbox billing is unavailable");
      },
    }));
    const driver = createLocalDriver(down);
    let dueAt = retry!.dueAt;
    for (let run = 1; run <= MAX_RUNS; run++) {
      await setSandboxClock(h.db, ws.id, dueAt);
      expect(await driver.tick()).toBe(1);
      const row = await rowOf(retry!.id);
      if (run < MAX_RUNS) {
        expect(row).toMatchObject({ status: "pending", runCount: run, leaseUntil: null, lastError: "Sandbox billing is unavailable" });
        expect(row.dueAt.getTime() - dueAt.getTime()).toBe(60_000 * 4 ** (run - 1));
        dueAt = row.dueAt;
      } else {
        expect(row).toMatchObject({ status: "failed", runCount: MAX_RUNS, lastError: "Sandbox billing is unavailable" });
      }
    }
    const failed = (await timelineOf(h, failure.threadId)).filter((e) => e.kind === "action_failed");
    expect(failed).toHaveLength(1);
    expect(failed[0]!.summary).toContain(`after ${MAX_RUNS} tries`);
    expect((await caseOf(h, failure.caseId)).status).toBe("open");
  });
});
