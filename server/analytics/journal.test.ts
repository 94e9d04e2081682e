import crypto from "node:crypto";
import { parse } from "csv-parse/sync";
import { eq } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import {
  customers,
  dunningThreads,
  invoices,
  recoveryCases,
  subscriptions,
  workspaces,
  type CaseStatus,
  type Cohort,
  type RecoveryChannel,
  type Workspace,
} from "@/server/db/schema";
import { createWorkspace } from "@/server/queries/workspaces";
import { setSandboxClock } from "@/server/recovery/context";
import { getActiveSequenceVersion } from "@/server/recovery/sequences";
import { createTestUser, openTestDatabase } from "@/server/testing/database";
import { collectCsv, parseMajorUnits } from "./csv";
import { getJournalSummary, journalColumns, journalRowBatches, journalTotals, listJournalRows } from "./journal";
import type { PeriodInput } from "./period";
import { reportScope } from "./scope";

const database = await openTestDatabase();
const db = database.db;
const NOW = new Date("2026-03-31T12:00:00Z");

type Payment = {
  customer: string;
  name?: string | null;
  cohort?: Cohort;
  currency: string;
  amount: number;
  status?: CaseStatus;
  closedAt: Date | null;
  via?: RecoveryChannel | null;
  livemode?: boolean;
  invoiceNumber?: string | null;
  subscription?: string;
};

async function seedWorkspace(label: string): Promise<Workspace> {
  const owner = await createTestUser(database, label);
  const workspace = await createWorkspace(db, { name: `${label} ${crypto.randomBytes(3).toString("hex")}`, ownerId: owner.id });
  await setSandboxClock(db, workspace.id, NOW);
  return workspace;
}

/** One customer, thread, invoice and case per payment, written straight into the tables. */
async function insertPayments(workspaceId: string, payments: Payment[]): Promise<string[]> {
  const version = await getActiveSequenceVersion(db, workspaceId);
  const ids: string[] = [];
  for (const p of payments) {
    const provider = p.livemode ? ("stripe" as const) : ("sandbox" as const);
    const cohort = p.cohort ?? "treatment";
    const [customer] = await db
      .insert(customers)
      .values({
        workspaceId,
        provider,
        externalId: `${p.customer}_${crypto.randomBytes(3).toString("hex")}`,
        name: p.name === undefined ? p.customer : p.name,
        cohort,
      })
      .returning();
    const [subscription] = p.subscription
      ? await db.insert(subscriptions).values({ workspaceId, customerId: customer!.id, provider, externalId: p.subscription }).returning()
      : [undefined];
    const [thread] = await db
      .insert(dunningThreads)
      .values({
        workspaceId,
        customerId: customer!.id,
        sequenceVersionId: version.id,
        cohort,
        status: "closed",
        openedAt: new Date("2026-01-01T00:00:00Z"),
      })
      .returning();
    const externalId = `in_${crypto.randomBytes(6).toString("hex")}`;
    const [invoice] = await db
      .insert(invoices)
      .values({
        workspaceId,
        customerId: customer!.id,
        subscriptionId: subscription?.id ?? null,
        provider,
        externalId,
        number: p.invoiceNumber === undefined ? `INV-${externalId.slice(3, 9)}` : p.invoiceNumber,
        amountDue: p.amount,
        currency: p.currency,
        status: "paid",
      })
      .returning();
    const status = p.status ?? "recovered";
    const [row] = await db
      .insert(recoveryCases)
      .values({
        workspaceId,
        threadId: thread!.id,
        customerId: customer!.id,
        invoiceId: invoice!.id,
        sequenceVersionId: version.id,
        cohort,
        status,
        declineCategory: "soft",
        declineKind: "generic",
        declineCode: "generic_decline",
        amount: p.amount,
        currency: p.currency,
        livemode: p.livemode ?? false,
        openedAt: new Date("2026-01-01T00:00:00Z"),
        closedAt: p.closedAt,
        recoveredAmount: status === "recovered" ? p.amount : null,
        recoveredVia: status === "recovered" ? (p.via ?? "card_update") : null,
      })
      .returning();
    ids.push(row!.id);
  }
  return ids;
}

const parseCsv = (text: string) => parse(text, { bom: true, columns: true, skip_empty_lines: true }) as Record<string, string>[];
const at = (iso: string) => new Date(iso);
const scopeOf = async (workspace: Workspace, period: PeriodInput) => reportScope(db, workspace, period);

let workspace: Workspace;
let other: Workspace;
const ids: Record<string, string> = {};

beforeAll(async () => {
  workspace = await seedWorkspace("Journal");
  other = await seedWorkspace("Journal other");
  const seeded = await insertPayments(workspace.id, [
    {
      customer: "ada",
      name: "Ada Lovelace",
      currency: "usd",
      amount: 4990,
      closedAt: at("2026-03-02T09:30:00Z"),
      via: "card_update",
      subscription: "sub_ada",
    },
    {
      customer: "formula",
      name: '=HYPERLINK("http://evil.example","click")',
      currency: "usd",
      amount: 1250,
      closedAt: at("2026-03-03T10:00:00Z"),
      via: "reclaim_retry",
    },
    {
      customer: "plus",
      name: "+33 6 12 34 56 78",
      currency: "eur",
      amount: 100_000,
      closedAt: at("2026-03-03T11:00:00Z"),
      via: "provider_retry",
    },
    { customer: "holdout", cohort: "holdout", currency: "eur", amount: 2500, closedAt: at("2026-03-10T00:00:00Z"), via: "out_of_band" },
    {
      customer: "yen",
      name: null,
      currency: "jpy",
      amount: 3000,
      closedAt: at("2026-03-31T11:59:59Z"),
      via: "card_updater",
      invoiceNumber: null,
    },
    // Not in the journal: paid before the period, after it (its end is midnight UTC after its last day), not recovered, live.
    { customer: "early", currency: "usd", amount: 777, closedAt: at("2026-02-28T23:59:59.999Z") },
    { customer: "after", currency: "usd", amount: 888, closedAt: at("2026-04-01T00:00:00Z") },
    { customer: "lost", currency: "usd", amount: 999, status: "lost", closedAt: at("2026-03-15T00:00:00Z") },
    { customer: "live", currency: "usd", amount: 50_000, closedAt: at("2026-03-15T00:00:00Z"), livemode: true },
  ]);
  for (const [i, key] of ["ada", "formula", "plus", "holdout", "yen", "early", "after", "lost", "live"].entries()) ids[key] = seeded[i]!;
  await insertPayments(other.id, [{ customer: "stranger", currency: "usd", amount: 123_456, closedAt: at("2026-03-05T00:00:00Z") }]);
});

describe("the recovered-revenue journal", () => {
  it("has one row per recovered payment in the period, in the order paid, and nothing else", async () => {
    const rows = await listJournalRows(db, await scopeOf(workspace, { from: "2026-03-01", to: "2026-03-31" }));
    expect(rows.map((r) => r.caseId)).toEqual([ids.ada, ids.formula, ids.plus, ids.holdout, ids.yen]);
    const ada = rows[0]!;
    expect(ada).toMatchObject({
      customerName: "Ada Lovelace",
      amount: 4990,
      currency: "USD",
      channel: "card_update",
      cohort: "treatment",
      subscriptionId: "sub_ada",
    });
    expect(ada.paidAt.toISOString()).toBe("2026-03-02T09:30:00.000Z");
    expect(ada.customerId).toMatch(/^ada_/);
    // An invoice without a number is named by its provider id.
    expect(rows[4]!.invoiceNumber).toMatch(/^in_/);
  });

  it("totals per currency, never across currencies", async () => {
    const scope = await scopeOf(workspace, { from: "2026-03-01", to: "2026-03-31" });
    expect(await journalTotals(db, scope)).toEqual([
      { currency: "EUR", payments: 2, amount: BigInt(102_500) },
      { currency: "JPY", payments: 1, amount: BigInt(3000) },
      { currency: "USD", payments: 2, amount: BigInt(6240) },
    ]);
    const summary = await getJournalSummary(db, scope, 2);
    expect(summary.payments).toBe(5);
    expect(summary.latest.map((r) => r.caseId)).toEqual([ids.yen, ids.holdout]);
  });

  it("exports CSV whose rows add up to the totals, with money in major units and customer text neutralised", async () => {
    const scope = await scopeOf(workspace, { from: "2026-03-01", to: "2026-03-31" });
    const csv = await collectCsv(journalColumns, journalRowBatches(db, scope, 2));
    const rows = parseCsv(csv);
    expect(Object.keys(rows[0]!)).toEqual([
      "date_paid",
      "paid_at",
      "customer_id",
      "customer_name",
      "invoice_number",
      "invoice_id",
      "subscription_id",
      "amount",
      "currency",
      "channel",
      "cohort",
      "case_id",
    ]);
    expect(rows[0]).toMatchObject({
      date_paid: "2026-03-02",
      amount: "49.90",
      currency: "USD",
      channel: "card_update",
      subscription_id: "sub_ada",
    });
    expect(rows[1]!.customer_name).toBe('\'=HYPERLINK("http://evil.example","click")');
    expect(rows[2]!.customer_name).toBe("'+33 6 12 34 56 78");
    expect(rows[2]!.amount).toBe("1000.00");
    expect(rows[4]).toMatchObject({ amount: "3000", currency: "JPY", customer_name: "" });

    const totals = new Map<string, bigint>();
    for (const row of rows)
      totals.set(row.currency!, (totals.get(row.currency!) ?? BigInt(0)) + parseMajorUnits(row.amount!, row.currency!));
    for (const total of await journalTotals(db, scope)) expect(totals.get(total.currency)).toBe(total.amount);
  });

  it("dates a payment by when it was paid: the period's first midnight in, the midnight after its last day out", async () => {
    const march1 = await listJournalRows(db, await scopeOf(workspace, { from: "2026-03-01", to: "2026-03-02" }));
    expect(march1.map((r) => r.caseId)).toEqual([ids.ada]);
    const february = await listJournalRows(db, await scopeOf(workspace, { from: "2026-02-01", to: "2026-02-28" }));
    expect(february.map((r) => r.caseId)).toEqual([ids.early]);
  });

  it("keeps sandbox and live payments apart", async () => {
    const sandbox = await listJournalRows(db, await scopeOf(workspace, { preset: "365d" }));
    expect(sandbox.some((r) => r.caseId === ids.live)).toBe(false);
    await db.update(workspaces).set({ mode: "live" }).where(eq(workspaces.id, workspace.id));
    try {
      const live = await listJournalRows(db, await scopeOf({ ...workspace, mode: "live" }, { from: "2026-03-01", to: "2026-03-31" }));
      expect(live.map((r) => r.caseId)).toEqual([ids.live]);
    } finally {
      await db.update(workspaces).set({ mode: "sandbox" }).where(eq(workspaces.id, workspace.id));
    }
  });

  it("never shows another workspace's payments", async () => {
    const mine = await listJournalRows(db, await scopeOf(workspace, { preset: "365d" }));
    const theirs = await listJournalRows(db, await scopeOf(other, { preset: "365d" }));
    expect(theirs).toHaveLength(1);
    expect(mine.some((r) => r.caseId === theirs[0]!.caseId)).toBe(false);
    expect(mine.every((r) => r.amount !== 123_456)).toBe(true);
  });

  it("an empty period gives an empty journal and a header-only file", async () => {
    const scope = await scopeOf(workspace, { from: "2025-01-01", to: "2025-01-31" });
    expect(await getJournalSummary(db, scope)).toEqual({ totals: [], payments: 0, latest: [] });
    expect(parseCsv(await collectCsv(journalColumns, journalRowBatches(db, scope)))).toEqual([]);
  });
});
