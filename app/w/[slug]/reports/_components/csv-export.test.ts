import crypto from "node:crypto";
import { parse } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import type { ContextUser } from "@/server/api/trpc";
import { customers, dunningThreads, invoices, memberships, recoveryCases, type Role, type Workspace } from "@/server/db/schema";
import { createWorkspace } from "@/server/queries/workspaces";
import { setSandboxClock } from "@/server/recovery/context";
import { getActiveSequenceVersion } from "@/server/recovery/sequences";
import { createTestUser, openTestDatabase, testContext } from "@/server/testing/database";
import { csvExport, exportFileName, type CsvExportKind } from "./csv-export";

const database = await openTestDatabase();
const db = database.db;
let workspace: Workspace;
const people = {} as Record<Role | "outsider", ContextUser>;

const download = (user: ContextUser | null, kind: CsvExportKind, query = "", slug = workspace.slug) =>
  csvExport(testContext(database, user), slug, new URLSearchParams(query), kind);
const rowsOf = async (response: Response) =>
  parse(new TextDecoder("utf-8", { ignoreBOM: true }).decode(await response.arrayBuffer()), { bom: true, columns: true }) as Record<
    string,
    string
  >[];

beforeAll(async () => {
  people.owner = await createTestUser(database, "owner");
  workspace = await createWorkspace(db, { name: `Exports ${crypto.randomBytes(3).toString("hex")}`, ownerId: people.owner.id });
  await setSandboxClock(db, workspace.id, new Date("2026-03-31T12:00:00Z"));
  for (const role of ["finance", "viewer"] as const) {
    people[role] = await createTestUser(database, role);
    await db.insert(memberships).values({ workspaceId: workspace.id, userId: people[role].id, role });
  }
  people.outsider = await createTestUser(database, "outsider");
  await createWorkspace(db, { name: "Not yours", ownerId: people.outsider.id });

  // Two cases: one recovered (treatment), one lost (holdout).
  const version = await getActiveSequenceVersion(db, workspace.id);
  for (const [i, cohort] of (["treatment", "holdout"] as const).entries()) {
    const [customer] = await db
      .insert(customers)
      .values({ workspaceId: workspace.id, provider: "sandbox", externalId: `cus_${i}`, name: `=Customer ${i}`, cohort })
      .returning();
    const [thread] = await db
      .insert(dunningThreads)
      .values({
        workspaceId: workspace.id,
        customerId: customer!.id,
        sequenceVersionId: version.id,
        cohort,
        status: "closed",
        openedAt: new Date("2026-03-01T00:00:00Z"),
      })
      .returning();
    const [invoice] = await db
      .insert(invoices)
      .values({
        workspaceId: workspace.id,
        customerId: customer!.id,
        provider: "sandbox",
        externalId: `in_${i}`,
        number: `INV-${i}`,
        amountDue: 4990,
        currency: "eur",
      })
      .returning();
    await db.insert(recoveryCases).values({
      workspaceId: workspace.id,
      threadId: thread!.id,
      customerId: customer!.id,
      invoiceId: invoice!.id,
      sequenceVersionId: version.id,
      cohort,
      status: i === 0 ? "recovered" : "lost",
      declineCategory: "soft",
      declineKind: "generic",
      declineCode: "generic_decline",
      amount: 4990,
      currency: "eur",
      openedAt: new Date("2026-03-01T10:00:00Z"),
      closedAt: new Date("2026-03-05T10:00:00Z"),
      recoveredAmount: i === 0 ? 4990 : null,
      recoveredVia: i === 0 ? "card_update" : null,
    });
  }
});

describe("CSV downloads", () => {
  it.each(["lift-summary", "lift-cases", "journal", "overview-cases"] as const)(
    "%s: 401 signed out, 404 for a workspace that is not yours, 403 for a viewer",
    async (kind) => {
      const signedOut = await download(null, kind);
      expect(signedOut.status).toBe(401);
      expect(await signedOut.text()).toMatch(/Sign in/);
      expect((await download(people.outsider, kind)).status).toBe(404);
      expect((await download(people.finance, kind, "", "no-such-workspace")).status).toBe(404);
      const viewer = await download(people.viewer, kind);
      expect(viewer.status).toBe(403);
      expect(await viewer.text()).toMatch(/owner, admin or finance/);
    },
  );

  it("a bad period is a 400 that says what is wrong and what to send", async () => {
    for (const query of ["period=2d", "from=2026-03-10&to=2026-03-01", "from=2026-02-30&to=2026-03-01"]) {
      const response = await download(people.finance, "lift-cases", query);
      expect(response.status, query).toBe(400);
      expect(await response.text()).toMatch(/\?period=7d, 30d, 90d or 365d/);
    }
  });

  it("finance downloads the lift summary, the case rows and the journal as CSV attachments named after the workspace and period", async () => {
    const summary = await download(people.finance, "lift-summary", "from=2026-03-01&to=2026-03-31");
    expect(summary.status).toBe(200);
    expect(summary.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(summary.headers.get("content-disposition")).toBe(
      `attachment; filename="${workspace.slug}-sandbox-holdout-lift-summary-2026-03-01-to-2026-03-31.csv"`,
    );
    expect(summary.headers.get("cache-control")).toContain("no-store");
    const [overall, eur] = await rowsOf(summary);
    expect(overall).toMatchObject({
      scope: "all_sequences",
      currency: "all",
      treatment_cases: "1",
      treatment_recovered: "1",
      holdout_cases: "1",
      holdout_recovered: "0",
    });
    expect(eur).toMatchObject({ currency: "EUR", treatment_recovered_amount: "49.90", holdout_recovered_amount: "0.00" });

    const cases = await download(people.finance, "lift-cases", "period=90d");
    expect(cases.headers.get("content-disposition")).toMatch(/-sandbox-holdout-lift-cases-2026-01-01-to-2026-03-31\.csv"$/);
    const caseRows = await rowsOf(cases);
    expect(caseRows.map((r) => [r.cohort, r.recovered_by_report_time, r.recovered_amount]).sort()).toEqual([
      ["holdout", "false", "0.00"],
      ["treatment", "true", "49.90"],
    ]);

    const journal = await download(people.owner, "journal", "from=2026-03-05&to=2026-03-05");
    const journalRows = await rowsOf(journal);
    expect(journalRows).toHaveLength(1);
    expect(journalRows[0]).toMatchObject({
      date_paid: "2026-03-05",
      customer_name: "'=Customer 0",
      amount: "49.90",
      currency: "EUR",
      channel: "card_update",
    });
  });

  it("the Overview's case rows default to the Overview's 30 days and hold both cases", async () => {
    const response = await download(people.owner, "overview-cases");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-disposition")).toMatch(/-sandbox-overview-cases-2026-03-02-to-2026-03-31\.csv"$/);
    const rows = await rowsOf(response);
    expect(rows.map((r) => [r.cohort, r.status, r.recovered_amount, r.invoice_amount, r.currency]).sort()).toEqual([
      ["holdout", "lost", "0.00", "49.90", "EUR"],
      ["treatment", "recovered", "49.90", "49.90", "EUR"],
    ]);
    expect((await download(people.finance, "overview-cases", "period=2d")).status).toBe(400);
  });

  it("names files safely", () => {
    expect(
      exportFileName("journal", "acme", "live", { from: new Date("2026-01-01T00:00:00Z"), to: new Date("2026-02-01T00:00:00Z") }),
    ).toBe("acme-live-recovered-revenue-journal-2026-01-01-to-2026-01-31.csv");
  });
});
