import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import { customers, sandboxCustomers, sandboxPaymentMethods } from "@/server/db/schema";
import { workspaceNow } from "@/server/recovery/context";
import { classifyDecline, knownDeclineCodes } from "@/server/recovery/decline";
import { recordPaymentFailure, type PaymentFailedResult } from "@/server/recovery/open-case";
import type { RecoveryDeps } from "@/server/recovery/ports";
import { isValidTimezone } from "@/server/recovery/schedule";
import { sandboxDecline, unitRandom } from "./model";
import { behaviourOf, luhnValid, testCards } from "./test-cards";

const firstNames = ["Ada", "Grace", "Alan", "Katherine", "Linus", "Margaret", "Tim", "Barbara", "Dennis", "Radia", "Ken", "Frances", "Edsger", "Hedy", "Donald", "Annie"];
const lastNames = ["Lovelace", "Hopper", "Turing", "Johnson", "Torvalds", "Hamilton", "Berners-Lee", "Liskov", "Ritchie", "Perlman", "Thompson", "Allen", "Dijkstra", "Lamarr", "Knuth", "Easley"];
const timezones = ["America/New_York", "America/Los_Angeles", "Europe/London", "Europe/Berlin", "Asia/Kolkata", "Australia/Sydney", "America/Sao_Paulo", "Asia/Tokyo"];
const plans = [
  { name: "Starter", amount: 1900 },
  { name: "Growth", amount: 4900 },
  { name: "Business", amount: 12900 },
  { name: "Scale", amount: 49900 },
];

/** A realistic mix of decline codes for "several customers at once" (weights in percent). */
export const realisticMix: ReadonlyArray<{ code: string; weight: number }> = [
  { code: "insufficient_funds", weight: 34 },
  { code: "generic_decline", weight: 20 },
  { code: "expired_card", weight: 14 },
  { code: "do_not_honor", weight: 8 },
  { code: "processing_error", weight: 7 },
  { code: "incorrect_cvc", weight: 5 },
  { code: "authentication_required", weight: 4 },
  { code: "card_velocity_exceeded", weight: 3 },
  { code: "lost_card", weight: 2 },
  { code: "stolen_card", weight: 1 },
  { code: "revocation_of_authorization", weight: 2 },
];

/** The test cards whose charges fail: the ones a failed renewal can be simulated with. */
export const failingTestCards = testCards.filter(
  (c): c is Extract<(typeof testCards)[number], { failsWith: string }> => c.failsWith !== null,
);

/** "4000000000009995" as "4000 0000 0000 9995". */
export function formatCardNumber(number: string): string {
  return number.replace(/(\d{4})(?=\d)/g, "$1 ");
}

const exampleFailingCard = failingTestCards.find((c) => c.failsWith === "insufficient_funds") ?? failingTestCards[0]!;
const pickAFailingCard = `Choose one of the failing test cards, such as ${formatCardNumber(exampleFailingCard.number)} (${exampleFailingCard.label.toLowerCase()}).`;

const testCardNumber = z
  .string()
  .transform((v) => v.replace(/[\s-]/g, ""))
  .superRefine((number, ctx) => {
    if (!/^\d{12,19}$/.test(number)) {
      ctx.addIssue({ code: "custom", message: `Enter a test card number: 12 to 19 digits, spaces or dashes allowed. ${pickAFailingCard}` });
      return;
    }
    const known = testCards.find((c) => c.number === number);
    if (!known) {
      ctx.addIssue({ code: "custom", message: `${formatCardNumber(number)} is not one of the sandbox's test cards. ${pickAFailingCard}` });
    } else if (known.failsWith === null) {
      ctx.addIssue({
        code: "custom",
        message: `${formatCardNumber(number)} is a test card whose charges succeed, so the renewal would not fail. ${pickAFailingCard}`,
      });
    }
  });

/**
 * The fields of a simulation. A plain object so callers can `omit` or `extend`
 * it; the rule that exactly one of `declineCode` and `testCard` is given is
 * `requireOneFailure`, applied by `simulateFailureInput`.
 */
export const simulateFailureFields = z.object({
  /** A decline code from the list, or "mix" for a realistic mix. */
  declineCode: z
    .string()
    .trim()
    .toLowerCase()
    .refine((c) => c === "mix" || knownDeclineCodes.some((k) => k.code === c), "Choose a decline code from the list, or a realistic mix.")
    .optional(),
  /** One of the failing test cards (spaces and dashes allowed): the renewal fails with its decline code. */
  testCard: testCardNumber.optional(),
  count: z.coerce.number().int("Give a whole number of customers.").min(1, "Simulate at least 1 customer.").max(200, "Simulate at most 200 customers at once."),
  amount: z.coerce.number().int().min(50, "The amount must be at least 0.50.").max(10_000_000).optional(),
  currency: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z]{3}$/, "Use a three-letter currency code such as usd.")
    .default("usd"),
  customerEmail: z.string().trim().toLowerCase().pipe(z.email("Enter a valid email address.")).optional(),
  timezone: z
    .string()
    .trim()
    .refine(isValidTimezone, "Use a timezone name such as Europe/Berlin.")
    .optional(),
});

/** Exactly one way to fail: a decline code or a test card. The error is on both fields, so whichever one a form shows carries it. */
export function requireOneFailure(value: { declineCode?: string; testCard?: string }, ctx: z.RefinementCtx): void {
  const both = value.declineCode !== undefined && value.testCard !== undefined;
  const neither = value.declineCode === undefined && value.testCard === undefined;
  if (!both && !neither) return;
  const message = both
    ? "Choose either a decline code or a test card, not both."
    : "Choose a decline code (or a realistic mix), or a failing test card.";
  for (const field of ["declineCode", "testCard"] as const) ctx.addIssue({ code: "custom", message, path: [field] });
}

export const simulateFailureInput = simulateFailureFields.superRefine(requireOneFailure);
export type SimulateFailureInput = z.input<typeof simulateFailureInput>;

function pick<T>(items: readonly T[], key: string): T {
  return items[Math.floor(unitRandom(key) * items.length)]!;
}

function pickWeighted(key: string): string {
  let r = unitRandom(key) * realisticMix.reduce((s, m) => s + m.weight, 0);
  for (const m of realisticMix) {
    r -= m.weight;
    if (r < 0) return m.code;
  }
  return realisticMix[0]!.code;
}

/**
 * Simulates failed renewals in a sandbox workspace: for each customer, a card
 * that fails with the chosen code (or the chosen failing test card, with its
 * brand and last four digits), a subscription, an open invoice, and the
 * failure event the billing provider would send. Each goes through the same
 * `recordPaymentFailure` as a real webhook. Customers generated at random are
 * marked as played by the behaviour model; one simulated for an address the
 * merchant typed, as played by a person.
 */
export async function simulateFailedRenewals(
  deps: RecoveryDeps,
  args: { workspaceId: string } & SimulateFailureInput,
): Promise<PaymentFailedResult[]> {
  const input = simulateFailureInput.parse(args);
  const now = await workspaceNow(deps, args.workspaceId);
  const chosenCard = input.testCard ? failingTestCards.find((c) => c.number === input.testCard)! : null;
  // A customer simulated for an address the merchant typed is played by a person through the outbox; any other by the behaviour model.
  const typedAddress = Boolean(input.customerEmail) && input.count === 1;
  const results: PaymentFailedResult[] = [];
  for (let i = 0; i < input.count; i++) {
    const id = crypto.randomBytes(6).toString("hex");
    const code = chosenCard ? chosenCard.failsWith : input.declineCode === "mix" ? pickWeighted(`mix:${id}`) : input.declineCode!;
    const first = pick(firstNames, `first:${id}`);
    const last = pick(lastNames, `last:${id}`);
    const plan = pick(plans, `plan:${id}`);
    const email = typedAddress ? input.customerEmail! : `${first}.${last}.${id}@example.com`.toLowerCase();
    const externalId = typedAddress ? `cus_sbx_${crypto.createHash("sha256").update(email).digest("hex").slice(0, 14)}` : `cus_sbx_${id}`;
    const timezone = input.timezone ?? pick(timezones, `tz:${id}`);
    // Plan prices are in cents; in a currency without minor units (JPY, KRW…) scale them to a plausible price.
    const zeroDecimal = new Intl.NumberFormat("en", { style: "currency", currency: input.currency.toUpperCase() }).resolvedOptions().maximumFractionDigits === 0;
    const amount = input.amount ?? (zeroDecimal ? Math.round((plan.amount * 1.5) / 100) * 100 : plan.amount);

    const customerId = await ensureSandboxCustomer(deps, { workspaceId: args.workspaceId, externalId, email, name: `${first} ${last}`, timezone });
    await recordWhoPlays(deps, { workspaceId: args.workspaceId, customerId, simulated: !typedAddress });
    const card = chosenCard ?? testCards.find((c) => c.failsWith === code);
    const [pm] = await deps.db
      .insert(sandboxPaymentMethods)
      .values({
        workspaceId: args.workspaceId,
        customerId,
        brand: card?.brand ?? "visa",
        last4: (card?.number ?? "4000000000000002").slice(-4),
        expMonth: 12,
        expYear: now.getUTCFullYear() + (classifyDecline({ declineCode: code }).kind === "card_expired" ? -1 : 2),
        failsWith: code,
      })
      .returning();
    await deps.db.update(customers).set({ defaultPaymentMethodRef: pm!.id }).where(eq(customers.id, customerId));
    const invoiceId = `in_sbx_${crypto.randomBytes(8).toString("hex")}`;
    results.push(
      await recordPaymentFailure(deps, {
        workspaceId: args.workspaceId,
        provider: "sandbox",
        eventKey: `sbx:${invoiceId}`,
        occurredAt: now,
        customer: { externalId, email, name: `${first} ${last}`, timezone },
        subscription: { externalId: `sub_sbx_${externalId.slice(8)}`, planName: plan.name, amount, currency: input.currency },
        invoice: { externalId: invoiceId, number: `SBX-${invoiceId.slice(7, 13).toUpperCase()}`, amountDue: amount, currency: input.currency },
        decline: sandboxDecline(code),
        source: "initial",
        providerRef: `ch_sbx_${id}`,
      }),
    );
  }
  return results;
}

async function ensureSandboxCustomer(
  deps: RecoveryDeps,
  c: { workspaceId: string; externalId: string; email: string; name: string; timezone: string },
): Promise<string> {
  const [row] = await deps.db
    .insert(customers)
    .values({ workspaceId: c.workspaceId, provider: "sandbox", externalId: c.externalId, email: c.email, name: c.name, timezone: c.timezone })
    .onConflictDoUpdate({ target: [customers.workspaceId, customers.provider, customers.externalId], set: { email: c.email } })
    .returning({ id: customers.id });
  return row!.id;
}

/**
 * Marks who plays a sandbox customer: the behaviour model (`simulated`) or a
 * person. Idempotent: one row per customer. A person-played customer stays
 * person-played; simulating a model-played one again changes nothing.
 */
async function recordWhoPlays(deps: RecoveryDeps, c: { workspaceId: string; customerId: string; simulated: boolean }): Promise<void> {
  const insert = deps.db.insert(sandboxCustomers).values(c);
  if (c.simulated) await insert.onConflictDoNothing({ target: sandboxCustomers.customerId });
  else await insert.onConflictDoUpdate({ target: sandboxCustomers.customerId, set: { simulated: false } });
}

export const testCardInput = z.object({
  number: z
    .string()
    .transform((v) => v.replace(/[\s-]/g, ""))
    .refine((v) => /^\d{12,19}$/.test(v), "Enter the card number: 12 to 19 digits.")
    .refine(luhnValid, "This card number is not valid. Check the digits."),
  expiry: z
    .string()
    .trim()
    .regex(/^(0[1-9]|1[0-2])\s*\/\s*(\d{2}|\d{4})$/, "Enter the expiry as MM/YY."),
  cvc: z
    .string()
    .trim()
    .regex(/^\d{3,4}$/, "Enter the 3 or 4 digits on the back of the card."),
});

/**
 * The sandbox's stand-in for Stripe Elements: turns a test card into a
 * payment method of the customer. Card details never leave this function; only
 * the brand, last four digits and expiry are kept.
 */
export async function saveSandboxCard(
  deps: RecoveryDeps,
  args: { workspaceId: string; customerId: string; number: string; expiry: string; cvc: string },
): Promise<{ ok: true; paymentMethodRef: string; label: string } | { ok: false; errors: Partial<Record<"number" | "expiry" | "cvc", string>> }> {
  const parsed = testCardInput.safeParse(args);
  if (!parsed.success) {
    const errors: Partial<Record<"number" | "expiry" | "cvc", string>> = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as "number" | "expiry" | "cvc";
      errors[field] ??= issue.message;
    }
    return { ok: false, errors };
  }
  const [, mm, yy] = /^(\d{2})\s*\/\s*(\d{2,4})$/.exec(parsed.data.expiry)!;
  const expMonth = Number(mm);
  const expYear = yy!.length === 2 ? 2000 + Number(yy) : Number(yy);
  const now = await workspaceNow(deps, args.workspaceId);
  if (expYear < now.getUTCFullYear() || (expYear === now.getUTCFullYear() && expMonth < now.getUTCMonth() + 1)) {
    return { ok: false, errors: { expiry: "This card has expired. Use a card with a later expiry date." } };
  }
  const behaviour = behaviourOf(parsed.data.number);
  const [owner] = await deps.db
    .select({ id: customers.id })
    .from(customers)
    .where(and(eq(customers.id, args.customerId), eq(customers.workspaceId, args.workspaceId)));
  if (!owner) throw new Error("The customer does not belong to this workspace");
  const [pm] = await deps.db
    .insert(sandboxPaymentMethods)
    .values({
      workspaceId: args.workspaceId,
      customerId: args.customerId,
      brand: behaviour.brand,
      last4: parsed.data.number.slice(-4),
      expMonth,
      expYear,
      failsWith: behaviour.failsWith,
      typed: true,
    })
    .returning();
  const brand = behaviour.brand === "card" ? "Card" : behaviour.brand[0]!.toUpperCase() + behaviour.brand.slice(1);
  return { ok: true, paymentMethodRef: pm!.id, label: `${brand} ending ${parsed.data.number.slice(-4)}` };
}
