/**
 * Simulated customers: the sandbox model opens, clicks and updates cards for
 * the customers it plays, through the same tracking and card-update code as a
 * real customer, at the times the seeded model gives.
 */
import { and, asc, eq, inArray } from "drizzle-orm";
import { DateTime } from "luxon";
import { beforeAll, describe, expect, it } from "vitest";
import { outboxMessages, recoveryCases, sandboxCustomers, sandboxEngagements, timelineEvents } from "@/server/db/schema";
import { createMailer } from "@/server/mail/mailer";
import { outboxTransport } from "@/server/mail/transport";
import { createNotifier } from "@/server/messaging/notifier";
import { recordLinkVisit, recordOpen, withoutOpenPixel } from "@/server/messaging/tracking";
import type { RecoveryDeps } from "@/server/recovery/ports";
import {
  APP_URL,
  advance,
  createHarness,
  createScenarioWorkspace,
  customerOf,
  failPayment,
  linksOf,
  nowOf,
  openScenarioDatabase,
  timelineOf,
  type Harness,
  type ScenarioWorkspace,
} from "@/server/testing/recovery";
import { engagementCards, planEngagement } from "./engagement";

const database = await openScenarioDatabase();
let h: Harness;
let deps: RecoveryDeps;

beforeAll(() => {
  h = createHarness(database);
  // The real notifier and mailer: engagement is recorded on the outbox rows.
  deps = { ...h.deps, notifier: createNotifier({ db: h.db, mailer: createMailer(h.db, outboxTransport, "Reclaim <r@reclaim.local>"), appUrl: APP_URL }) };
});

async function simulatedCustomer(ws: ScenarioWorkspace, externalId: string, code: string, simulated = true) {
  const failure = await failPayment(h, ws, { customer: externalId, code, timezone: "Europe/Berlin" });
  const customer = await customerOf(h, ws, externalId);
  await h.db.insert(sandboxCustomers).values({ customerId: customer.id, workspaceId: ws.id, simulated }).onConflictDoNothing();
  return { ...failure, customerId: customer.id };
}

async function messagesOf(ws: ScenarioWorkspace) {
  return h.db.select().from(outboxMessages).where(eq(outboxMessages.workspaceId, ws.id)).orderBy(asc(outboxMessages.createdAt));
}

describe("the engagement model", () => {
  const base = { seed: "s", sentAt: new Date("2026-03-04T10:00:00Z"), timezone: "Europe/Berlin", declineCategory: "soft" };

  it("gives the same plan for the same email and seed, and another for another seed", () => {
    const step = { index: 2, total: 6, tone: "reminder" as const };
    const plans = Array.from({ length: 50 }, (_, i) => planEngagement({ ...base, step, messageId: `m${i}` }));
    expect(Array.from({ length: 50 }, (_, i) => planEngagement({ ...base, step, messageId: `m${i}` }))).toEqual(plans);
    const other = Array.from({ length: 50 }, (_, i) => planEngagement({ ...base, seed: "t", step, messageId: `m${i}` }));
    expect(other).not.toEqual(plans);
  });

  it("opens, clicks and updates at the documented rates, in order, and never opens at night", () => {
    // Deterministic (fixed ids and seed); the tolerances are about three standard errors at this n.
    const n = 10_000;
    const tally = (tone: "friendly" | "final", category: string, index: number) => {
      let opened = 0;
      let clicked = 0;
      let updated = 0;
      const cards = new Map<string, number>();
      for (let i = 0; i < n; i++) {
        const plan = planEngagement({ ...base, declineCategory: category, step: { index, total: 6, tone }, messageId: `${tone}-${category}-${i}` });
        if (!plan.openAt) {
          expect(plan.clickAt).toBeNull();
          continue;
        }
        opened++;
        const hour = DateTime.fromJSDate(plan.openAt, { zone: "Europe/Berlin" }).hour;
        expect(hour >= 7 && hour < 23).toBe(true);
        expect(plan.openAt.getTime()).toBeGreaterThanOrEqual(base.sentAt.getTime() + 5 * 60_000);
        if (!plan.clickAt) continue;
        clicked++;
        expect(plan.clickAt.getTime()).toBeGreaterThan(plan.openAt.getTime());
        if (!plan.updateAt) continue;
        updated++;
        expect(plan.updateAt.getTime()).toBeGreaterThan(plan.clickAt.getTime());
        cards.set(plan.cardNumber!, (cards.get(plan.cardNumber!) ?? 0) + 1);
      }
      return { open: opened / n, click: clicked / opened, update: updated / clicked, pays: (cards.get(engagementCards.pays) ?? 0) / updated };
    };
    const friendly = tally("friendly", "soft", 1);
    expect(Math.abs(friendly.open - 0.45)).toBeLessThan(0.015);
    expect(Math.abs(friendly.click - 0.3)).toBeLessThan(0.02);
    expect(Math.abs(friendly.update - 0.65)).toBeLessThan(0.04);
    expect(Math.abs(friendly.pays - 0.85)).toBeLessThan(0.05);
    // Hard declines on the last step: 0.45 x 1.5.
    const final = tally("final", "hard", 6);
    expect(Math.abs(final.open - 0.6)).toBeLessThan(0.015);
    expect(Math.abs(final.click - 0.675)).toBeLessThan(0.02);
  });
});

describe("simulated customers in a 28-day run", () => {
  it("open, click and update cards by themselves; a person-played customer does nothing on their own", async () => {
    const ws = await createScenarioWorkspace(h, { label: "Engage" });
    const played = await Promise.all(
      Array.from({ length: 24 }, (_, i) => simulatedCustomer(ws, `cus_sim_${i}`, i % 2 === 0 ? "expired_card" : "insufficient_funds")),
    );
    const person = await simulatedCustomer(ws, "cus_person", "expired_card", false);

    await advance(h, ws, { days: 30 }, deps);

    // Ids (and so the model's draws) differ per run: with 24 customers over six emails each, a run without any
    // card update has a probability of about 1e-5, so the existence checks below are not flaky in practice.
    const engagements = await h.db.select().from(sandboxEngagements).where(eq(sandboxEngagements.workspaceId, ws.id));
    expect(engagements.filter((e) => e.customerId === person.customerId)).toEqual([]);
    expect(engagements.length).toBeGreaterThan(0);
    expect(engagements.every((e) => e.status !== "pending")).toBe(true);

    // Every row is what the model planned for its email, at the planned time.
    const messages = await messagesOf(ws);
    const byId = new Map(messages.map((m) => [m.id, m]));
    const sent = await sentTimes();
    for (const e of engagements) {
      const message = byId.get(e.messageId)!;
      const [step, total] = message.metadata.step!.split("/").map(Number);
      const plan = planEngagement({
        seed: h.seedOf(ws.id),
        messageId: message.id,
        sentAt: sent.get(message.id)!,
        timezone: "Europe/Berlin",
        step: { index: step!, total: total!, tone: message.metadata.tone as "friendly" },
        declineCategory: message.metadata.declineCategory!,
      });
      const planned = { open: plan.openAt, click: plan.clickAt, card_update: plan.updateAt }[e.kind];
      expect(e.dueAt).toEqual(planned);
    }

    // Opens and clicks are on the outbox rows, at the simulated times, and on the timeline once each.
    const opens = engagements.filter((e) => e.kind === "open");
    expect(opens.length).toBeGreaterThan(0);
    for (const e of opens) {
      expect(byId.get(e.messageId)!.firstOpenedAt).toEqual(e.dueAt);
    }
    const clicks = engagements.filter((e) => e.kind === "click" && e.status === "done");
    for (const e of clicks) expect(byId.get(e.messageId)!.firstClickedAt).toEqual(e.dueAt);
    const opened = await h.db
      .select()
      .from(timelineEvents)
      .where(and(eq(timelineEvents.workspaceId, ws.id), eq(timelineEvents.kind, "email_opened")));
    expect(opened.length).toBe(opens.length);
    expect(opened.every((t) => t.actor === "customer")).toBe(true);

    // Some customers put a card that pays on file: their cases are recovered through the card update,
    // attributed to the email whose link they followed, and get nothing after.
    const updates = engagements.filter((e) => e.kind === "card_update" && e.status === "done");
    expect(updates.length).toBeGreaterThan(0);
    const recoveredByUpdate = await h.db
      .select()
      .from(recoveryCases)
      .where(and(eq(recoveryCases.workspaceId, ws.id), eq(recoveryCases.status, "recovered"), eq(recoveryCases.recoveredVia, "card_update")));
    expect(recoveredByUpdate.length).toBeGreaterThan(0);
    for (const c of recoveredByUpdate) {
      // Usually the card that pays; a card short of funds can also go through (the retry model lets some pass).
      const update = updates.find((u) => u.threadId === c.threadId && u.dueAt.getTime() === c.closedAt!.getTime());
      expect(update, `case ${c.id} was recovered by a simulated update`).toBeDefined();
      expect(update!.result).toMatch(/1 of 1 invoices paid/);
      const lastDunning = messages.filter((m) => m.kind === "dunning" && m.metadata.threadId === c.threadId).at(-1)!;
      expect(sent.get(lastDunning.id)!.getTime()).toBeLessThanOrEqual(update!.dueAt.getTime());
    }

    // A card that pays always recovers the case it was entered for, if it was still open.
    for (const u of updates.filter((e) => e.cardNumber === engagementCards.pays)) {
      const [c] = await h.db.select().from(recoveryCases).where(eq(recoveryCases.threadId, u.threadId));
      if (c!.closedAt && c!.closedAt.getTime() < u.dueAt.getTime()) continue;
      expect(c!.status).toBe("recovered");
      expect(c!.recoveredVia).toBe("card_update");
      expect(c!.closedAt).toEqual(u.dueAt);
    }

    // The person-played customer's emails were neither opened nor clicked by anyone.
    const personal = messages.filter((m) => m.metadata.threadId === person.threadId);
    expect(personal.length).toBeGreaterThan(0);
    expect(personal.every((m) => m.firstOpenedAt === null && m.firstClickedAt === null)).toBe(true);
    expect(played.length).toBe(24);
  }, 120_000);
});

describe("engagement tracking", () => {
  it("records an open once on the timeline, counts repeats, ignores unknown ids, and keeps the pixel out of the text part", async () => {
    const ws = await createScenarioWorkspace(h, { label: "Track" });
    const failure = await failPayment(h, ws, { customer: "cus_track", code: "expired_card" });
    await advance(h, ws, { hours: 1 }, deps);
    const [message] = await messagesOf(ws);
    expect(message?.trackingId).toBeTruthy();
    expect(message!.html).toContain(`${APP_URL}/api/t/o/${message!.trackingId}`);
    expect(message!.text).not.toContain("/api/t/o/");
    expect(withoutOpenPixel(message!.html)).not.toContain("/api/t/o/");
    expect(withoutOpenPixel(message!.html)).toContain("/u/");

    expect(await recordOpen(deps, { trackingId: "not-a-real-tracking-id-000" })).toEqual({ recorded: false, first: false });
    expect(await recordOpen(deps, { trackingId: "bad id!" })).toEqual({ recorded: false, first: false });
    const openedAt = await nowOf(h, ws);
    expect(await recordOpen(deps, { trackingId: message!.trackingId! })).toEqual({ recorded: true, first: true });
    await advance(h, ws, { hours: 2 }, deps);
    expect(await recordOpen(deps, { trackingId: message!.trackingId! })).toEqual({ recorded: true, first: false });
    const [after] = await h.db.select().from(outboxMessages).where(eq(outboxMessages.id, message!.id));
    expect(after!.openCount).toBe(2);
    expect(after!.firstOpenedAt).toEqual(openedAt);

    const [link] = await linksOf(h, failure.threadId);
    expect(await recordLinkVisit(deps, { linkId: link!.id })).toEqual({ recorded: true, first: true });
    expect(await recordLinkVisit(deps, { linkId: link!.id })).toEqual({ recorded: true, first: false });
    const [clicked] = await h.db.select().from(outboxMessages).where(eq(outboxMessages.id, message!.id));
    expect(clicked!.clickCount).toBe(2);
    expect(clicked!.firstClickedAt).not.toBeNull();

    const timeline = await timelineOf(h, failure.threadId);
    expect(timeline.filter((t) => t.kind === "email_opened")).toHaveLength(1);
    expect(timeline.filter((t) => t.kind === "link_clicked")).toHaveLength(1);
    expect(timeline.find((t) => t.kind === "link_clicked")!.summary).toContain("email 1");
  });

  it("counts a click as an open when the pixel never reported one", async () => {
    const ws = await createScenarioWorkspace(h, { label: "Click" });
    const failure = await failPayment(h, ws, { customer: "cus_click", code: "expired_card" });
    await advance(h, ws, { hours: 1 }, deps);
    const [link] = await linksOf(h, failure.threadId);
    await recordLinkVisit(deps, { linkId: link!.id });
    const [message] = await messagesOf(ws);
    expect(message!.openCount).toBe(1);
    expect(message!.firstOpenedAt).toEqual(message!.firstClickedAt);
    const ids = (await messagesOf(ws)).map((m) => m.id);
    expect(await h.db.select().from(outboxMessages).where(inArray(outboxMessages.id, ids))).toHaveLength(1);
  });
});

/** When each email went out on the sandbox clock (its timeline entry), by message id. */
async function sentTimes(): Promise<Map<string, Date>> {
  const rows = await h.db.select({ at: timelineEvents.at, data: timelineEvents.data }).from(timelineEvents).where(eq(timelineEvents.kind, "email_sent"));
  return new Map(rows.map((r) => [String(r.data.messageId), r.at]));
}
