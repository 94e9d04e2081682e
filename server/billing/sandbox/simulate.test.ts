import { eq, inArray } from "drizzle-orm";
import { ZodError } from "zod";
import { describe, expect, it } from "vitest";
import { customers, paymentAttempts, recoveryCases, sandboxCustomers, sandboxPaymentMethods } from "@/server/db/schema";
import { createHarness, createScenarioWorkspace, SCENARIO_START } from "@/server/testing/recovery";
import { openTestDatabase } from "@/server/testing/database";
import { simulateFailedRenewals, simulateFailureInput, type SimulateFailureInput } from "./simulate";

const database = await openTestDatabase();
const h = createHarness(database);

/** The case, customer and card on file behind each opened result. */
async function opened(results: Awaited<ReturnType<typeof simulateFailedRenewals>>) {
  const caseIds = results.flatMap((r) => (r.result === "opened" ? [r.caseId] : []));
  expect(caseIds).toHaveLength(results.length);
  const rows = await h.db
    .select({ case: recoveryCases, customer: customers, card: sandboxPaymentMethods })
    .from(recoveryCases)
    .innerJoin(customers, eq(customers.id, recoveryCases.customerId))
    .innerJoin(sandboxPaymentMethods, eq(sandboxPaymentMethods.id, customers.defaultPaymentMethodRef))
    .where(inArray(recoveryCases.id, caseIds));
  expect(rows).toHaveLength(caseIds.length);
  return rows;
}

async function whoPlays(customerIds: string[]) {
  return h.db
    .select({ customerId: sandboxCustomers.customerId, workspaceId: sandboxCustomers.workspaceId, simulated: sandboxCustomers.simulated })
    .from(sandboxCustomers)
    .where(inArray(sandboxCustomers.customerId, customerIds));
}

async function customersOf(workspaceId: string) {
  return h.db.select({ id: customers.id }).from(customers).where(eq(customers.workspaceId, workspaceId));
}

/** The messages of a refused input, by field. */
function refusal(input: SimulateFailureInput): Record<string, string[]> {
  const parsed = simulateFailureInput.safeParse(input);
  expect(parsed.success).toBe(false);
  const byField: Record<string, string[]> = {};
  for (const issue of parsed.error!.issues) (byField[issue.path.join(".")] ??= []).push(issue.message);
  return byField;
}

describe("simulating with a test card", () => {
  it("opens a case with the card's decline code, and puts the card's brand and last four digits on file", async () => {
    const ws = await createScenarioWorkspace(h, { label: "sim-card" });
    const results = await simulateFailedRenewals(h.deps, { workspaceId: ws.id, testCard: "4000 0000 0000 9995", count: 2 });
    const rows = await opened(results);
    for (const row of rows) {
      expect(row.case).toMatchObject({ workspaceId: ws.id, declineCode: "insufficient_funds", declineCategory: "soft" });
      expect(row.card).toMatchObject({ workspaceId: ws.id, brand: "visa", last4: "9995", failsWith: "insufficient_funds" });
    }
  });

  it("accepts dashes, and an expired test card is on file with a past expiry", async () => {
    const ws = await createScenarioWorkspace(h, { label: "sim-expired" });
    const [row] = await opened(await simulateFailedRenewals(h.deps, { workspaceId: ws.id, testCard: "4000-0000-0000-0069", count: 1 }));
    expect(row!.case).toMatchObject({ declineCode: "expired_card", declineCategory: "hard" });
    expect(row!.card).toMatchObject({ brand: "visa", last4: "0069", failsWith: "expired_card" });
    expect(row!.card.expYear).toBeLessThan(SCENARIO_START.getUTCFullYear());
    // The attempt carries the decline as Stripe words it: an expired card is the error's own code.
    const [attempt] = await h.deps.db.select().from(paymentAttempts).where(eq(paymentAttempts.caseId, row!.case.id));
    expect(attempt!.declineDetails).toMatchObject({
      code: "expired_card",
      declineCode: "expired_card",
      outcomeType: "issuer_declined",
      networkStatus: "declined_by_network",
      networkDeclineCode: null,
      message: "The bank returned the decline code `expired_card`.",
    });
  });

  it("uses the 3-D Secure card's own number, not the first card with its code", async () => {
    const ws = await createScenarioWorkspace(h, { label: "sim-3ds" });
    const [row] = await opened(await simulateFailedRenewals(h.deps, { workspaceId: ws.id, testCard: "4000002760003184", count: 1 }));
    expect(row!.case).toMatchObject({ declineCode: "authentication_required", declineCategory: "needs_authentication" });
    expect(row!.card).toMatchObject({ last4: "3184", failsWith: "authentication_required" });
  });

  it("keeps simulating by decline code, with the matching test card on file", async () => {
    const ws = await createScenarioWorkspace(h, { label: "sim-code" });
    const [row] = await opened(await simulateFailedRenewals(h.deps, { workspaceId: ws.id, declineCode: "lost_card", count: 1 }));
    expect(row!.case).toMatchObject({ declineCode: "lost_card", status: "silenced" });
    expect(row!.card).toMatchObject({ brand: "visa", last4: "9987", failsWith: "lost_card" });
  });

  it("refuses a card whose charges succeed, naming what to do instead", () => {
    const errors = refusal({ testCard: "4242 4242 4242 4242", count: 1 });
    expect(Object.keys(errors)).toEqual(["testCard"]);
    expect(errors.testCard![0]).toMatch(/4242 4242 4242 4242 is a test card whose charges succeed/);
    expect(errors.testCard![0]).toMatch(/Choose one of the failing test cards, such as 4000 0000 0000 9995/);
  });

  it("refuses a number that is not a sandbox test card, or not a card number at all", () => {
    const unknown = refusal({ testCard: "4111 1111 1111 1111", count: 1 });
    expect(Object.keys(unknown)).toEqual(["testCard"]);
    expect(unknown.testCard![0]).toMatch(/4111 1111 1111 1111 is not one of the sandbox's test cards\. Choose one of the failing test cards/);
    expect(refusal({ testCard: "4000 abc", count: 1 }).testCard![0]).toMatch(/^Enter a test card number: 12 to 19 digits/);
  });

  it("refuses both a decline code and a test card, or neither, on both fields", () => {
    const both = refusal({ declineCode: "mix", testCard: "4000000000009995", count: 1 });
    expect(both).toEqual({
      declineCode: ["Choose either a decline code or a test card, not both."],
      testCard: ["Choose either a decline code or a test card, not both."],
    });
    const neither = refusal({ count: 1 });
    expect(neither).toEqual({
      declineCode: ["Choose a decline code (or a realistic mix), or a failing test card."],
      testCard: ["Choose a decline code (or a realistic mix), or a failing test card."],
    });
  });

  it("creates nothing when the input is refused", async () => {
    const ws = await createScenarioWorkspace(h, { label: "sim-refused" });
    for (const input of [
      { testCard: "4242424242424242", count: 1 },
      { testCard: "4111111111111111", count: 1 },
      { declineCode: "generic_decline", testCard: "4000000000000002", count: 1 },
      { count: 1 },
    ]) {
      await expect(simulateFailedRenewals(h.deps, { workspaceId: ws.id, ...input })).rejects.toBeInstanceOf(ZodError);
    }
    expect(await customersOf(ws.id)).toEqual([]);
  });
});

describe("who plays a simulated customer", () => {
  it("marks customers generated at random as played by the behaviour model", async () => {
    const ws = await createScenarioWorkspace(h, { label: "sim-model" });
    await simulateFailedRenewals(h.deps, { workspaceId: ws.id, declineCode: "mix", count: 3 });
    // An address with several customers is not used, so they are generated at random too.
    await simulateFailedRenewals(h.deps, { workspaceId: ws.id, testCard: "4000000000000002", count: 2, customerEmail: "me@example.com" });
    const ids = (await customersOf(ws.id)).map((c) => c.id);
    expect(ids).toHaveLength(5);
    const rows = await whoPlays(ids);
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => r.simulated && r.workspaceId === ws.id)).toBe(true);
  });

  it("marks a customer simulated for a typed address as played by a person, once, however often it is simulated", async () => {
    const ws = await createScenarioWorkspace(h, { label: "sim-person" });
    const first = await simulateFailedRenewals(h.deps, { workspaceId: ws.id, declineCode: "expired_card", count: 1, customerEmail: "Me@Example.com" });
    const [customer] = await customersOf(ws.id);
    expect(await whoPlays([customer!.id])).toEqual([{ customerId: customer!.id, workspaceId: ws.id, simulated: false }]);

    // Even a row that says otherwise is corrected: a person plays this customer.
    await h.db.update(sandboxCustomers).set({ simulated: true }).where(eq(sandboxCustomers.customerId, customer!.id));
    const again = await simulateFailedRenewals(h.deps, { workspaceId: ws.id, testCard: "4000000000009995", count: 1, customerEmail: "me@example.com" });
    expect(await customersOf(ws.id)).toEqual([customer]);
    expect(await whoPlays([customer!.id])).toEqual([{ customerId: customer!.id, workspaceId: ws.id, simulated: false }]);
    // A second invoice of the same customer: a second case, and its card is now the test card.
    expect(first[0]).toMatchObject({ result: "opened" });
    const [row] = await opened(again);
    expect(row!.customer.id).toBe(customer!.id);
    expect(row!.card).toMatchObject({ last4: "9995", failsWith: "insufficient_funds" });
  });
});
