import { createHash } from "node:crypto";
import { DateTime } from "luxon";
import { classifyDecline, type DeclineInput } from "@/server/recovery/decline";
import { planningZone } from "@/server/recovery/schedule";

/**
 * The sandbox's behaviour model: how a retry on a card that failed turns out.
 * Deterministic: the outcome is a function of a seed, the invoice and the
 * attempt's idempotency key, so the same run plays out the same way every time.
 *
 * - A card that works (no decline code) is always charged.
 * - Hard, revoked and do-not-contact declines never recover on the same card:
 *   only a new card helps.
 * - Authentication declines ask for 3-D Secure every time.
 * - Soft declines recover with a base probability by kind: insufficient funds
 *   18%, temporary (processing errors) 55%, generic/do-not-honor 15%, other
 *   soft 25%. Insufficient funds recover 2.5x as often within two days after a
 *   payday (the 1st, the 15th, or a Friday, in the customer's timezone), and
 *   every kind a bit more often on later attempts (funds arrive over time).
 * - A test card a person typed on the card-update page (`typed`) does exactly
 *   what its number says, every time, as in Stripe's test mode: 4000 0000 0000
 *   0002 always declines. The recoveries above model the simulated customers'
 *   own cards, whose issuers change their minds; a typed test card has none.
 */
export function retrySucceeds(args: {
  seed: string;
  invoiceKey: string;
  idempotencyKey: string;
  failsWith: string | null;
  at: Date;
  timezone: string;
  attempt: number;
  typed?: boolean;
}): "succeeded" | "failed" | "requires_action" {
  if (!args.failsWith) return "succeeded";
  const c = classifyDecline({ declineCode: args.failsWith });
  if (c.category === "needs_authentication") return "requires_action";
  if (!c.retryable || args.typed) return "failed";
  const base = { insufficient_funds: 0.18, temporary: 0.55, generic: 0.15 }[c.kind as string] ?? 0.25;
  const payday = c.kind === "insufficient_funds" && nearPayday(args.at, args.timezone) ? 2.5 : 1;
  const p = Math.min(0.95, base * payday * (1 + 0.1 * Math.max(0, args.attempt - 1)));
  return unitRandom(`${args.seed}:${args.invoiceKey}:${args.idempotencyKey}`) < p ? "succeeded" : "failed";
}

function nearPayday(at: Date, timezone: string): boolean {
  const local = DateTime.fromJSDate(at, { zone: planningZone(timezone) });
  for (let back = 0; back <= 2; back++) {
    const day = local.minus({ days: back });
    if (day.day === 1 || day.day === 15 || day.weekday === 5) return true;
  }
  return false;
}

/** A number in [0, 1) from a string, the same on every run. */
export function unitRandom(key: string): number {
  return createHash("sha256").update(key).digest().readUInt32BE(0) / 0x1_0000_0000;
}

/** Codes Stripe reports as the error's own `code` rather than under `card_declined` (see reference/stripe.md). */
const OWN_ERROR_CODES = new Set(["expired_card", "incorrect_cvc", "processing_error", "incorrect_number", "authentication_required"]);

/**
 * A sandbox decline worded as Stripe words one, so the sandbox's attempts carry the same details
 * a live account's do: the error's code, the decline code, and the charge outcome's type, network
 * status and message. No network codes: the sandbox has no card network to quote.
 */
export function sandboxDecline(declineCode: string): DeclineInput {
  return {
    code: OWN_ERROR_CODES.has(declineCode) ? declineCode : "card_declined",
    declineCode,
    outcomeType: "issuer_declined",
    networkStatus: "declined_by_network",
    message: declineCode === "generic_decline" ? "The bank did not return any further details with this decline." : `The bank returned the decline code \`${declineCode}\`.`,
  };
}
