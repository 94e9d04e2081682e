/**
 * Decline classification: turns a failed charge's codes into a category (what Reclaim may do)
 * and a finer kind (which retry strategy and email wording fit).
 *
 * Source: `/work/shared/reference/stripe.md` section 1. Pure and deterministic: no I/O, no clock,
 * no framework or vendor imports, so the planner, the sandbox UI and tests can all share it.
 *
 * Precedence, strongest first:
 * 1. outcome reason `highest_risk_level` → do-not-contact, whatever the codes say;
 * 2. the advice code (`do_not_try_again`, `try_again_later`, `confirm_card_data`), except that
 *    do-not-contact and revoked never become less strict;
 * 3. outcome reason `previously_declined_do_not_retry` (the network blocks further tries on the card);
 * 4. the effective code (`decline_code`, else `code`) looked up in the table below;
 * 5. the conservative default for codes not in the table (soft, retry on the generic schedule).
 */

export const declineCategories = ["soft", "hard", "do_not_contact", "needs_authentication", "revoked"] as const;
export type DeclineCategory = (typeof declineCategories)[number];

/** Finer kinds used to choose a retry strategy and the email's wording. */
export const declineKinds = [
  "insufficient_funds",
  "temporary",
  "generic",
  "check_first",
  "card_invalid",
  "card_expired",
  "account_blocked",
  "revoked",
  "fraud",
  "authentication",
  "card_present_or_test",
  "unknown",
] as const;
export type DeclineKind = (typeof declineKinds)[number];

export type DeclineInput = {
  /** PaymentIntent `last_payment_error.code`, e.g. "card_declined", "expired_card". */
  code?: string | null;
  /** `last_payment_error.decline_code` (may be "n/a"). */
  declineCode?: string | null;
  /** "try_again_later" | "do_not_try_again" | "confirm_card_data". */
  adviceCode?: string | null;
  /** `charge.outcome.reason`, e.g. "highest_risk_level". */
  outcomeReason?: string | null;
  /** The card network's raw code; not used to classify, only quoted in the explanation of unknown codes. */
  networkDeclineCode?: string | null;
  // The rest is what the provider says besides: kept on the attempt for the merchant, never used to classify.
  /** `charge.outcome.network_advice_code`, the network's own retry advice (e.g. "02"). */
  networkAdviceCode?: string | null;
  /** `charge.outcome.type`, e.g. "issuer_declined", "blocked". */
  outcomeType?: string | null;
  /** `charge.outcome.network_status`, e.g. "declined_by_network". */
  networkStatus?: string | null;
  /** `charge.outcome.risk_level`, e.g. "normal", "elevated". */
  riskLevel?: string | null;
  /** `charge.outcome.seller_message`, else the error's message: the provider's own words for the merchant. */
  message?: string | null;
};

/** A decline as kept on a payment attempt (`payment_attempts.decline_details`): every field present, null when the provider did not say. */
export type DeclineDetails = { [K in keyof DeclineInput]-?: string | null };

export function declineDetails(decline: DeclineInput): DeclineDetails {
  return {
    code: decline.code ?? null,
    declineCode: decline.declineCode ?? null,
    adviceCode: decline.adviceCode ?? null,
    outcomeReason: decline.outcomeReason ?? null,
    networkDeclineCode: decline.networkDeclineCode ?? null,
    networkAdviceCode: decline.networkAdviceCode ?? null,
    outcomeType: decline.outcomeType ?? null,
    networkStatus: decline.networkStatus ?? null,
    riskLevel: decline.riskLevel ?? null,
    message: decline.message ?? null,
  };
}

export type Classification = {
  category: DeclineCategory;
  kind: DeclineKind;
  /** The code the classification is based on (decline_code, else code), lower-case; "unknown" when none. */
  code: string;
  adviceCode: string | null;
  /** May Reclaim retry the same card? */
  retryable: boolean;
  /** May Reclaim message the customer? (false only for do_not_contact) */
  contactCustomer: boolean;
  /** Is a new payment method needed before a retry can work? */
  needsNewPaymentMethod: boolean;
  /** False when the code is not in the reference table (the caller logs it). */
  known: boolean;
  /** One sentence a merchant can read, explaining why this case is treated this way. */
  explanation: string;
  /** Short, customer-safe phrase for emails, e.g. "your card was declined for insufficient funds", never mentions fraud. */
  customerReason: string;
};

type TableEntry = {
  code: string;
  category: DeclineCategory;
  kind: DeclineKind;
  label: string;
  /** Overrides the kind's default customer phrase. */
  customerReason?: string;
};

const entry = (
  code: string,
  category: DeclineCategory,
  kind: DeclineKind,
  label: string,
  customerReason?: string,
): TableEntry => ({ code, category, kind, label, customerReason });

/** The reference table (stripe.md §1), plus the card error `code` values listed under it. */
const table: readonly TableEntry[] = [
  // Soft: funds.
  entry("insufficient_funds", "soft", "insufficient_funds", "Insufficient funds"),
  entry("card_velocity_exceeded", "soft", "insufficient_funds", "Card velocity exceeded", "your card has reached its spending limit"),
  entry(
    "withdrawal_count_limit_exceeded",
    "soft",
    "insufficient_funds",
    "Withdrawal count limit exceeded",
    "your card has reached its spending limit",
  ),
  // Soft: temporary.
  entry("processing_error", "soft", "temporary", "Processing error"),
  entry("issuer_not_available", "soft", "temporary", "Issuer not available"),
  entry("reenter_transaction", "soft", "temporary", "Re-enter transaction"),
  entry("approve_with_id", "soft", "temporary", "Approve with ID"),
  entry("try_again_later", "soft", "temporary", "Try again later (deprecated)"),
  entry("card_decline_rate_limit_exceeded", "soft", "temporary", "Card decline rate limit exceeded"),
  // Soft: ambiguous.
  entry("generic_decline", "soft", "generic", "Generic decline"),
  entry("do_not_honor", "soft", "generic", "Do not honor"),
  entry("call_issuer", "soft", "generic", "Call issuer"),
  entry("no_action_taken", "soft", "generic", "No action taken"),
  // Soft: check first.
  entry(
    "duplicate_transaction",
    "soft",
    "check_first",
    "Duplicate transaction",
    "your bank declined the payment as a possible duplicate",
  ),
  entry("invalid_amount", "soft", "check_first", "Invalid amount", "your bank did not accept the payment amount"),
  // Hard: expired.
  entry("expired_card", "hard", "card_expired", "Expired card"),
  entry("expired_payment_method", "hard", "card_expired", "Expired payment method", "your payment method on file has expired"),
  // Hard: card details.
  entry("incorrect_number", "hard", "card_invalid", "Incorrect card number", "the card number on file is not valid"),
  entry("invalid_number", "hard", "card_invalid", "Invalid card number", "the card number on file is not valid"),
  entry("incorrect_cvc", "hard", "card_invalid", "Incorrect CVC", "the card's security code did not match"),
  entry("invalid_cvc", "hard", "card_invalid", "Invalid CVC", "the card's security code did not match"),
  entry("invalid_expiry_month", "hard", "card_invalid", "Invalid expiry month", "the card's expiration date on file is not valid"),
  entry("invalid_expiry_year", "hard", "card_invalid", "Invalid expiry year", "the card's expiration date on file is not valid"),
  entry("incorrect_zip", "hard", "card_invalid", "Incorrect postal code", "the billing postal code did not match the card"),
  entry("incorrect_address", "hard", "card_invalid", "Incorrect address", "the billing address did not match the card"),
  // Hard: the card or account cannot be used.
  entry("invalid_account", "hard", "account_blocked", "Invalid account"),
  entry("new_account_information_available", "hard", "account_blocked", "New account information available"),
  entry("card_not_supported", "hard", "account_blocked", "Card not supported", "your card does not support this kind of payment"),
  entry(
    "currency_not_supported",
    "hard",
    "account_blocked",
    "Currency not supported",
    "your card does not support payments in this currency",
  ),
  entry("not_permitted", "hard", "account_blocked", "Not permitted"),
  entry("service_not_allowed", "hard", "account_blocked", "Service not allowed"),
  entry("transaction_not_allowed", "hard", "account_blocked", "Transaction not allowed"),
  entry("security_violation", "hard", "account_blocked", "Security violation"),
  entry("restricted_card", "hard", "account_blocked", "Restricted card"),
  entry("do_not_try_again", "hard", "account_blocked", "Do not try again (deprecated)"),
  entry("pin_try_exceeded", "hard", "account_blocked", "PIN tries exceeded"),
  // Revoked: the customer told the bank to stop.
  entry("revocation_of_authorization", "revoked", "revoked", "Revocation of authorization"),
  entry("revocation_of_all_authorizations", "revoked", "revoked", "Revocation of all authorizations"),
  entry("stop_payment_order", "revoked", "revoked", "Stop payment order"),
  // Do not contact.
  entry("fraudulent", "do_not_contact", "fraud", "Fraudulent"),
  entry("lost_card", "do_not_contact", "fraud", "Lost card"),
  entry("stolen_card", "do_not_contact", "fraud", "Stolen card"),
  entry("pickup_card", "do_not_contact", "fraud", "Pick up card"),
  entry("merchant_blacklist", "do_not_contact", "fraud", "Merchant blocklist"),
  // Needs authentication.
  entry("authentication_required", "needs_authentication", "authentication", "Authentication required"),
  entry("authentication_not_handled", "needs_authentication", "authentication", "Authentication not handled"),
  entry(
    "mobile_device_authentication_required",
    "needs_authentication",
    "authentication",
    "Mobile device authentication required",
  ),
  entry(
    "invoice_payment_intent_requires_action",
    "needs_authentication",
    "authentication",
    "Invoice payment requires action",
  ),
  entry(
    "payment_intent_authentication_failure",
    "needs_authentication",
    "authentication",
    "Payment authentication failed",
  ),
  entry(
    "setup_intent_authentication_failure",
    "needs_authentication",
    "authentication",
    "Card setup authentication failed",
  ),
  // Card-present or test mode only: known, but handled like an unknown code.
  entry("incorrect_pin", "soft", "card_present_or_test", "Incorrect PIN (card present)"),
  entry("invalid_pin", "soft", "card_present_or_test", "Invalid PIN (card present)"),
  entry("offline_pin_required", "soft", "card_present_or_test", "Offline PIN required (card present)"),
  entry("online_or_offline_pin_required", "soft", "card_present_or_test", "Online or offline PIN required (card present)"),
  entry("testmode_decline", "soft", "card_present_or_test", "Test mode decline"),
];

const byCode: ReadonlyMap<string, TableEntry> = new Map(table.map((e) => [e.code, e]));

/** Every decline code of the reference table with its category (used by the sandbox UI's code picker). */
export const knownDeclineCodes: ReadonlyArray<{
  code: string;
  category: DeclineCategory;
  kind: DeclineKind;
  label: string;
}> = Object.freeze(table.map(({ code, category, kind, label }) => Object.freeze({ code, category, kind, label })));

const customerReasonByKind: Record<DeclineKind, string> = {
  insufficient_funds: "your card was declined for insufficient funds",
  temporary: "your bank could not process the payment at the time",
  generic: "your card was declined by your bank",
  check_first: "your card was declined by your bank",
  card_invalid: "the card details on file could not be verified",
  card_expired: "your card on file has expired",
  account_blocked: "your card can no longer be used for this payment",
  revoked: "your bank stopped this payment at your request",
  // Never sent (do-not-contact), but kept neutral in case a template ever shows it.
  fraud: "your card was declined by your bank",
  authentication: "your bank needs you to confirm this payment",
  card_present_or_test: "your card was declined",
  unknown: "your card was declined",
};

const explanationByKind: Record<DeclineKind, string> = {
  insufficient_funds:
    "the customer's card is short of funds or over a limit, so Reclaim retries on a payday-aware schedule and emails a link to update the card.",
  temporary:
    "the issuer or network had a temporary problem, so Reclaim retries soon and contacts the customer only if it keeps failing.",
  generic:
    "the issuer declined without a specific reason, so Reclaim retries on a backoff schedule and asks the customer to call their bank or use another card.",
  check_first:
    "the charge may already have gone through or the amount may be wrong, so Reclaim checks for a paid invoice and the amount before retrying.",
  card_invalid:
    "the card details on file are wrong, so Reclaim never retries the same card and asks the customer for a new card at once.",
  card_expired:
    "the card on file has expired, so Reclaim never retries it and asks the customer for a new card at once.",
  account_blocked:
    "the card or account cannot be used for this charge, so Reclaim does not retry it and asks the customer for a new card.",
  revoked:
    "the customer told their bank to stop paying you, so Reclaim treats it as a cancellation: no retries and no dunning.",
  fraud:
    "the issuer reported the card as lost, stolen, fraudulent or blocked for your account, so Reclaim neither retries nor messages the customer and flags the case to you.",
  authentication:
    "the bank requires the customer to authenticate the payment (3D Secure), so Reclaim does not retry and sends the customer a link to confirm it.",
  card_present_or_test:
    "this code only occurs with card-present or test-mode payments, so Reclaim applies its conservative default: retries on the generic schedule and emails the customer.",
  unknown:
    "this code is not in Reclaim's table, so it gets the conservative default: retries on the generic backoff schedule and emails the customer.",
};

type Flags = Pick<Classification, "retryable" | "contactCustomer" | "needsNewPaymentMethod">;

const flagsByCategory: Record<DeclineCategory, Flags> = {
  soft: { retryable: true, contactCustomer: true, needsNewPaymentMethod: false },
  hard: { retryable: false, contactCustomer: true, needsNewPaymentMethod: true },
  revoked: { retryable: false, contactCustomer: true, needsNewPaymentMethod: true },
  do_not_contact: { retryable: false, contactCustomer: false, needsNewPaymentMethod: true },
  needs_authentication: { retryable: false, contactCustomer: true, needsNewPaymentMethod: false },
};

const adviceCodes = ["try_again_later", "do_not_try_again", "confirm_card_data"] as const;
type AdviceCode = (typeof adviceCodes)[number];
const isAdviceCode = (value: string): value is AdviceCode => (adviceCodes as readonly string[]).includes(value);

/** Lower-cased and trimmed; null when empty or "n/a". */
function normalize(value: string | null | undefined): string | null {
  if (typeof value !== "string") return null;
  const v = value.trim().toLowerCase();
  return v === "" || v === "n/a" ? null : v;
}

/** `decline_code` unless empty or "n/a", else `code`; a bare "card_declined" means a generic decline. */
function effectiveCode(input: DeclineInput): string | null {
  const code = normalize(input.declineCode) ?? normalize(input.code);
  return code === "card_declined" ? "generic_decline" : code;
}

export function classifyDecline(input: DeclineInput): Classification {
  return withVisaBlock(classify(input), normalize(input.outcomeReason));
}

function classify(input: DeclineInput): Classification {
  const code = effectiveCode(input);
  const adviceCode = normalize(input.adviceCode);
  const outcomeReason = normalize(input.outcomeReason);
  const networkCode = normalize(input.networkDeclineCode);
  const found = code === null ? undefined : byCode.get(code);
  const codeLabel = code ?? "unknown";
  const quoted = code === null ? "An empty decline code" : `Decline code "${code}"`;

  const build = (
    category: DeclineCategory,
    kind: DeclineKind,
    explanation: string,
    customerReason: string,
    known = found !== undefined,
    flags: Flags = flagsByCategory[category],
  ): Classification => ({
    category,
    kind,
    code: codeLabel,
    adviceCode,
    ...flags,
    known,
    explanation,
    customerReason,
  });

  // 1. Stripe's risk evaluation blocked the charge: nothing may override this.
  if (outcomeReason === "highest_risk_level") {
    return build(
      "do_not_contact",
      "fraud",
      'Stripe blocked the charge as highest risk (outcome reason "highest_risk_level"), so Reclaim neither retries nor messages the customer and flags the case to you.',
      customerReasonByKind.fraud,
      true,
    );
  }

  // 4 and 5. The table, or the conservative default.
  const base: { category: DeclineCategory; kind: DeclineKind; customerReason: string } = found
    ? { category: found.category, kind: found.kind, customerReason: found.customerReason ?? customerReasonByKind[found.kind] }
    : { category: "soft", kind: "unknown", customerReason: customerReasonByKind.unknown };
  const protectedCategory = base.category === "do_not_contact" || base.category === "revoked";

  // 2. Advice codes override the decline code.
  if (adviceCode !== null && isAdviceCode(adviceCode)) {
    const advice = `the issuer's advice code "${adviceCode}"`;
    if (protectedCategory) {
      return build(
        base.category,
        base.kind,
        `${quoted} keeps this case ${base.category === "revoked" ? "revoked" : "do-not-contact"} despite ${advice}: ${explanationByKind[base.kind]}`,
        base.customerReason,
      );
    }
    if (adviceCode === "do_not_try_again") {
      const keep = base.category === "hard";
      return build(
        "hard",
        keep ? base.kind : "account_blocked",
        `${capitalize(advice)} overrides ${lower(quoted)}: the issuer will not accept this card again, so Reclaim does not retry it and asks the customer for a new card.`,
        keep ? base.customerReason : customerReasonByKind.account_blocked,
      );
    }
    if (adviceCode === "confirm_card_data") {
      const keep = base.kind === "card_invalid" || base.kind === "card_expired";
      return build(
        "hard",
        keep ? base.kind : "card_invalid",
        `${capitalize(advice)} overrides ${lower(quoted)}: the card details must be re-entered, so Reclaim does not retry the card on file and asks the customer to update it.`,
        keep ? base.customerReason : "your bank asked you to confirm your card details",
      );
    }
    // try_again_later
    if (base.category === "needs_authentication") {
      return build(
        base.category,
        base.kind,
        `${quoted} still needs the customer to authenticate despite ${advice}: ${explanationByKind[base.kind]}`,
        base.customerReason,
      );
    }
    const keep = base.category === "soft" && base.kind !== "unknown" && base.kind !== "card_present_or_test";
    return build(
      "soft",
      keep ? base.kind : "temporary",
      `${capitalize(advice)} overrides ${lower(quoted)}: the issuer expects a later retry of the same card to work, so Reclaim retries it on schedule.`,
      keep ? base.customerReason : customerReasonByKind.temporary,
    );
  }

  const network = networkCode === null ? "" : ` (network code "${networkCode}")`;
  const explanation =
    code === null
      ? `No decline code was given${network}, so Reclaim applies its conservative default: retries on the generic backoff schedule and emails the customer.`
      : found === undefined
        ? `${quoted}${network} is not in Reclaim's table, so it gets the conservative default: retries on the generic backoff schedule and emails the customer.`
        : `${quoted}: ${explanationByKind[base.kind]}`;
  return build(base.category, base.kind, explanation, base.customerReason);
}

/**
 * 3. Outcome reason "previously_declined_do_not_retry": the network (Visa, after 15 tries in 30 days)
 * blocks further tries on this card, so it is handled like a do_not_try_again advice: anything that
 * would still retry or authenticate the same card becomes hard.
 */
function withVisaBlock(result: Classification, outcomeReason: string | null): Classification {
  if (outcomeReason !== "previously_declined_do_not_retry") return result;
  if (result.category === "do_not_contact" || result.category === "revoked" || result.category === "hard") {
    return result;
  }
  return {
    ...result,
    category: "hard",
    kind: "account_blocked",
    ...flagsByCategory.hard,
    explanation:
      'The card network blocks further tries on this card (outcome reason "previously_declined_do_not_retry"), so Reclaim does not retry it and asks the customer for a new card.',
    customerReason: customerReasonByKind.account_blocked,
  };
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const lower = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * The decline columns of a payment attempt: the classification's code, advice and category (what
 * the reports group by), the network's code, and every detail the provider gave. Empty for an
 * attempt that did not fail.
 */
export function attemptDeclineColumns(decline: DeclineInput | null, classification: Classification | null = decline ? classifyDecline(decline) : null) {
  if (!decline || !classification) {
    return { declineCode: null, adviceCode: null, networkDeclineCode: null, declineCategory: null, declineDetails: null };
  }
  return {
    declineCode: classification.code,
    adviceCode: classification.adviceCode,
    networkDeclineCode: decline.networkDeclineCode ?? null,
    declineCategory: classification.category,
    declineDetails: declineDetails(decline),
  };
}
