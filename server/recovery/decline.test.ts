import { describe, expect, it } from "vitest";
import {
  classifyDecline,
  declineCategories,
  declineKinds,
  knownDeclineCodes,
  type Classification,
  type DeclineCategory,
  type DeclineKind,
} from "./decline";

/**
 * Written from /work/shared/reference/stripe.md §1 (the decline table and the card error codes below it),
 * independently of the module's own table.
 */
const expected: ReadonlyArray<readonly [string, DeclineCategory, DeclineKind]> = [
  ["insufficient_funds", "soft", "insufficient_funds"],
  ["card_velocity_exceeded", "soft", "insufficient_funds"],
  ["withdrawal_count_limit_exceeded", "soft", "insufficient_funds"],
  ["processing_error", "soft", "temporary"],
  ["issuer_not_available", "soft", "temporary"],
  ["reenter_transaction", "soft", "temporary"],
  ["approve_with_id", "soft", "temporary"],
  ["try_again_later", "soft", "temporary"],
  ["card_decline_rate_limit_exceeded", "soft", "temporary"],
  ["generic_decline", "soft", "generic"],
  ["do_not_honor", "soft", "generic"],
  ["call_issuer", "soft", "generic"],
  ["no_action_taken", "soft", "generic"],
  ["duplicate_transaction", "soft", "check_first"],
  ["invalid_amount", "soft", "check_first"],
  ["expired_card", "hard", "card_expired"],
  ["expired_payment_method", "hard", "card_expired"],
  ["incorrect_number", "hard", "card_invalid"],
  ["invalid_number", "hard", "card_invalid"],
  ["incorrect_cvc", "hard", "card_invalid"],
  ["invalid_cvc", "hard", "card_invalid"],
  ["invalid_expiry_month", "hard", "card_invalid"],
  ["invalid_expiry_year", "hard", "card_invalid"],
  ["incorrect_zip", "hard", "card_invalid"],
  ["incorrect_address", "hard", "card_invalid"],
  ["invalid_account", "hard", "account_blocked"],
  ["new_account_information_available", "hard", "account_blocked"],
  ["card_not_supported", "hard", "account_blocked"],
  ["currency_not_supported", "hard", "account_blocked"],
  ["not_permitted", "hard", "account_blocked"],
  ["service_not_allowed", "hard", "account_blocked"],
  ["transaction_not_allowed", "hard", "account_blocked"],
  ["security_violation", "hard", "account_blocked"],
  ["restricted_card", "hard", "account_blocked"],
  ["do_not_try_again", "hard", "account_blocked"],
  ["pin_try_exceeded", "hard", "account_blocked"],
  ["revocation_of_authorization", "revoked", "revoked"],
  ["revocation_of_all_authorizations", "revoked", "revoked"],
  ["stop_payment_order", "revoked", "revoked"],
  ["fraudulent", "do_not_contact", "fraud"],
  ["lost_card", "do_not_contact", "fraud"],
  ["stolen_card", "do_not_contact", "fraud"],
  ["pickup_card", "do_not_contact", "fraud"],
  ["merchant_blacklist", "do_not_contact", "fraud"],
  ["authentication_required", "needs_authentication", "authentication"],
  ["authentication_not_handled", "needs_authentication", "authentication"],
  ["mobile_device_authentication_required", "needs_authentication", "authentication"],
  ["invoice_payment_intent_requires_action", "needs_authentication", "authentication"],
  ["payment_intent_authentication_failure", "needs_authentication", "authentication"],
  ["setup_intent_authentication_failure", "needs_authentication", "authentication"],
  ["incorrect_pin", "soft", "card_present_or_test"],
  ["invalid_pin", "soft", "card_present_or_test"],
  ["offline_pin_required", "soft", "card_present_or_test"],
  ["online_or_offline_pin_required", "soft", "card_present_or_test"],
  ["testmode_decline", "soft", "card_present_or_test"],
];

type Flags = Pick<Classification, "retryable" | "contactCustomer" | "needsNewPaymentMethod">;
const flags: Record<DeclineCategory, Flags> = {
  soft: { retryable: true, contactCustomer: true, needsNewPaymentMethod: false },
  hard: { retryable: false, contactCustomer: true, needsNewPaymentMethod: true },
  revoked: { retryable: false, contactCustomer: true, needsNewPaymentMethod: true },
  do_not_contact: { retryable: false, contactCustomer: false, needsNewPaymentMethod: true },
  needs_authentication: { retryable: false, contactCustomer: true, needsNewPaymentMethod: false },
};

const pick = (c: Classification) => ({
  category: c.category,
  kind: c.kind,
  retryable: c.retryable,
  contactCustomer: c.contactCustomer,
  needsNewPaymentMethod: c.needsNewPaymentMethod,
});

describe("classifyDecline: the reference table", () => {
  it.each(expected)("%s as decline_code → %s (%s)", (code, category, kind) => {
    const result = classifyDecline({ code: "card_declined", declineCode: code });
    expect(result).toMatchObject({ category, kind, code, known: true, adviceCode: null, ...flags[category] });
    expect(result.explanation).toContain(code);
    expect(result.customerReason.length).toBeGreaterThan(0);
  });

  it.each(expected)("%s as code with decline_code n/a → %s", (code, category, kind) => {
    expect(classifyDecline({ code, declineCode: "n/a" })).toMatchObject({ category, kind, code, known: true });
  });

  it("exports exactly the reference codes for the sandbox picker, each with a label", () => {
    const mine = [...knownDeclineCodes].map(({ code, category, kind }) => [code, category, kind] as const);
    expect(new Set(mine.map(([code]) => code)).size).toBe(mine.length);
    expect([...mine].sort()).toEqual([...expected].sort());
    for (const entry of knownDeclineCodes) {
      expect(entry.label.trim()).not.toBe("");
      expect(declineCategories).toContain(entry.category);
      expect(declineKinds).toContain(entry.kind);
    }
  });

  it("covers every category and every kind except unknown", () => {
    expect(new Set(knownDeclineCodes.map((e) => e.category))).toEqual(new Set(declineCategories));
    expect(new Set(knownDeclineCodes.map((e) => e.kind))).toEqual(new Set(declineKinds.filter((k) => k !== "unknown")));
  });

  it("treats revocations as cancellations: no retry, customer may be told", () => {
    expect(pick(classifyDecline({ declineCode: "stop_payment_order" }))).toEqual({
      category: "revoked",
      kind: "revoked",
      retryable: false,
      contactCustomer: true,
      needsNewPaymentMethod: true,
    });
  });

  it("asks needs-authentication customers to authenticate, not for a new card", () => {
    expect(pick(classifyDecline({ code: "authentication_required" }))).toEqual({
      category: "needs_authentication",
      kind: "authentication",
      retryable: false,
      contactCustomer: true,
      needsNewPaymentMethod: false,
    });
  });
});

describe("classifyDecline: choosing the code", () => {
  it("prefers decline_code over code", () => {
    expect(classifyDecline({ code: "card_declined", declineCode: "insufficient_funds" })).toMatchObject({
      code: "insufficient_funds",
      kind: "insufficient_funds",
    });
    expect(classifyDecline({ code: "expired_card", declineCode: "do_not_honor" }).code).toBe("do_not_honor");
  });

  it('falls back to code when decline_code is "n/a", empty, blank or missing', () => {
    for (const declineCode of ["n/a", "N/A", " n/a ", "", "   ", null, undefined]) {
      expect(classifyDecline({ code: "incorrect_cvc", declineCode })).toMatchObject({
        code: "incorrect_cvc",
        category: "hard",
        kind: "card_invalid",
        known: true,
      });
    }
  });

  it("treats a bare card_declined as generic_decline", () => {
    for (const declineCode of [undefined, null, "", "n/a"]) {
      expect(classifyDecline({ code: "card_declined", declineCode })).toMatchObject({
        code: "generic_decline",
        category: "soft",
        kind: "generic",
        known: true,
        retryable: true,
      });
    }
  });

  it("is case- and whitespace-insensitive", () => {
    const a = classifyDecline({ code: " CARD_DECLINED ", declineCode: " Insufficient_Funds\n", adviceCode: " TRY_AGAIN_LATER " });
    const b = classifyDecline({ code: "card_declined", declineCode: "insufficient_funds", adviceCode: "try_again_later" });
    expect(a).toEqual(b);
    expect(a.code).toBe("insufficient_funds");
    expect(a.adviceCode).toBe("try_again_later");
    expect(classifyDecline({ declineCode: "STOLEN_CARD" })).toMatchObject({ code: "stolen_card", category: "do_not_contact" });
    expect(classifyDecline({ outcomeReason: "Highest_Risk_Level" }).category).toBe("do_not_contact");
  });

  it("gives empty input the conservative default with code unknown", () => {
    for (const input of [{}, { code: null, declineCode: null, adviceCode: null, outcomeReason: null }, { code: "", declineCode: "n/a" }]) {
      const result = classifyDecline(input);
      expect(result).toMatchObject({
        category: "soft",
        kind: "unknown",
        code: "unknown",
        adviceCode: null,
        retryable: true,
        contactCustomer: true,
        needsNewPaymentMethod: false,
        known: false,
      });
      expect(result.explanation.length).toBeGreaterThan(0);
    }
  });

  it("gives unknown codes the conservative default and marks them unknown", () => {
    const result = classifyDecline({ code: "card_declined", declineCode: "Something_New", networkDeclineCode: "51" });
    expect(result).toMatchObject({
      category: "soft",
      kind: "unknown",
      code: "something_new",
      retryable: true,
      contactCustomer: true,
      needsNewPaymentMethod: false,
      known: false,
    });
    expect(result.explanation).toContain("something_new");
    expect(classifyDecline({ code: "some_other_error" })).toMatchObject({ code: "some_other_error", known: false, kind: "unknown" });
  });

  it("does not use the network decline code to classify", () => {
    expect(pick(classifyDecline({ declineCode: "insufficient_funds", networkDeclineCode: "05" }))).toEqual(
      pick(classifyDecline({ declineCode: "insufficient_funds" })),
    );
  });
});

describe("classifyDecline: advice codes override", () => {
  const soft = "insufficient_funds";
  const hard = "expired_card";
  const dnc = "stolen_card";

  it("do_not_try_again makes a soft code hard, with a new card needed", () => {
    const result = classifyDecline({ declineCode: soft, adviceCode: "do_not_try_again" });
    expect(pick(result)).toEqual({
      category: "hard",
      kind: "account_blocked",
      retryable: false,
      contactCustomer: true,
      needsNewPaymentMethod: true,
    });
    expect(result).toMatchObject({ code: soft, adviceCode: "do_not_try_again", known: true });
    expect(result.explanation).toContain("do_not_try_again");
  });

  it("do_not_try_again keeps a hard code hard (and its kind)", () => {
    const result = classifyDecline({ declineCode: hard, adviceCode: "do_not_try_again" });
    expect(pick(result)).toEqual({ ...flags.hard, category: "hard", kind: "card_expired" });
    expect(result.explanation).toContain("do_not_try_again");
  });

  it("do_not_try_again leaves do-not-contact and revoked codes as they are", () => {
    const result = classifyDecline({ declineCode: dnc, adviceCode: "do_not_try_again" });
    expect(pick(result)).toEqual({ ...flags.do_not_contact, category: "do_not_contact", kind: "fraud" });
    expect(result.explanation).toContain("do_not_try_again");
    expect(pick(classifyDecline({ declineCode: "revocation_of_authorization", adviceCode: "do_not_try_again" }))).toEqual({
      ...flags.revoked,
      category: "revoked",
      kind: "revoked",
    });
  });

  it("do_not_try_again makes needs-authentication and unknown codes hard", () => {
    expect(classifyDecline({ code: "authentication_required", adviceCode: "do_not_try_again" })).toMatchObject({
      category: "hard",
      retryable: false,
      needsNewPaymentMethod: true,
    });
    expect(classifyDecline({ declineCode: "brand_new_code", adviceCode: "do_not_try_again" })).toMatchObject({
      category: "hard",
      retryable: false,
      needsNewPaymentMethod: true,
      known: false,
    });
  });

  it("try_again_later keeps a soft code soft and retryable (and its kind)", () => {
    const result = classifyDecline({ declineCode: soft, adviceCode: "try_again_later" });
    expect(pick(result)).toEqual({ ...flags.soft, category: "soft", kind: "insufficient_funds" });
    expect(result.explanation).toContain("try_again_later");
  });

  it("try_again_later makes a hard code a retryable soft one", () => {
    const result = classifyDecline({ declineCode: hard, adviceCode: "try_again_later" });
    expect(pick(result)).toEqual({ ...flags.soft, category: "soft", kind: "temporary" });
    expect(result.explanation).toContain("try_again_later");
    expect(classifyDecline({ declineCode: "brand_new_code", adviceCode: "try_again_later" })).toMatchObject({
      category: "soft",
      kind: "temporary",
      retryable: true,
    });
  });

  it("try_again_later does not unlock do-not-contact, revoked or needs-authentication", () => {
    const result = classifyDecline({ declineCode: dnc, adviceCode: "try_again_later" });
    expect(pick(result)).toEqual({ ...flags.do_not_contact, category: "do_not_contact", kind: "fraud" });
    expect(result.explanation).toContain("try_again_later");
    expect(classifyDecline({ declineCode: "stop_payment_order", adviceCode: "try_again_later" })).toMatchObject({
      category: "revoked",
      retryable: false,
    });
    expect(classifyDecline({ code: "authentication_required", adviceCode: "try_again_later" })).toMatchObject({
      category: "needs_authentication",
      retryable: false,
      needsNewPaymentMethod: false,
    });
  });

  it("confirm_card_data makes a soft code hard: the customer must re-enter the card", () => {
    const result = classifyDecline({ declineCode: soft, adviceCode: "confirm_card_data" });
    expect(pick(result)).toEqual({ ...flags.hard, category: "hard", kind: "card_invalid" });
    expect(result.explanation).toContain("confirm_card_data");
  });

  it("confirm_card_data keeps a hard code hard", () => {
    const result = classifyDecline({ declineCode: hard, adviceCode: "confirm_card_data" });
    expect(pick(result)).toEqual({ ...flags.hard, category: "hard", kind: "card_expired" });
    expect(result.explanation).toContain("confirm_card_data");
    expect(classifyDecline({ declineCode: "restricted_card", adviceCode: "confirm_card_data" })).toMatchObject({
      category: "hard",
      kind: "card_invalid",
      needsNewPaymentMethod: true,
    });
  });

  it("confirm_card_data never makes a do-not-contact code contactable", () => {
    const result = classifyDecline({ declineCode: dnc, adviceCode: "confirm_card_data" });
    expect(pick(result)).toEqual({ ...flags.do_not_contact, category: "do_not_contact", kind: "fraud" });
    expect(result.explanation).toContain("confirm_card_data");
  });

  it('ignores an advice code of "n/a", empty or unrecognised for the classification', () => {
    const plain = pick(classifyDecline({ declineCode: soft }));
    for (const adviceCode of ["n/a", "", null, "something_else"]) {
      expect(pick(classifyDecline({ declineCode: soft, adviceCode }))).toEqual(plain);
    }
    expect(classifyDecline({ declineCode: soft, adviceCode: "n/a" }).adviceCode).toBeNull();
  });
});

describe("classifyDecline: outcome reasons", () => {
  it("highest_risk_level is do-not-contact whatever the codes say", () => {
    for (const input of [
      { declineCode: "insufficient_funds" },
      { declineCode: "expired_card", adviceCode: "try_again_later" },
      { code: "authentication_required" },
      { declineCode: "stop_payment_order" },
      { declineCode: "brand_new_code" },
      {},
    ]) {
      const result = classifyDecline({ ...input, outcomeReason: "highest_risk_level" });
      expect(pick(result)).toEqual({ ...flags.do_not_contact, category: "do_not_contact", kind: "fraud" });
      expect(result.known).toBe(true);
      expect(result.explanation).toContain("highest_risk_level");
    }
  });

  it("keeps the decline code as the case's code under highest_risk_level", () => {
    expect(classifyDecline({ declineCode: "do_not_honor", outcomeReason: "highest_risk_level" }).code).toBe("do_not_honor");
  });

  it("previously_declined_do_not_retry stops retries of the same card", () => {
    expect(classifyDecline({ declineCode: "insufficient_funds", outcomeReason: "previously_declined_do_not_retry" })).toMatchObject({
      category: "hard",
      retryable: false,
      needsNewPaymentMethod: true,
      contactCustomer: true,
    });
    expect(
      classifyDecline({ declineCode: "do_not_honor", adviceCode: "try_again_later", outcomeReason: "previously_declined_do_not_retry" }),
    ).toMatchObject({ category: "hard", retryable: false });
    expect(classifyDecline({ declineCode: "lost_card", outcomeReason: "previously_declined_do_not_retry" }).category).toBe(
      "do_not_contact",
    );
  });

  it("ignores other outcome reasons", () => {
    expect(pick(classifyDecline({ declineCode: "do_not_honor", outcomeReason: "elevated_risk_level" }))).toEqual(
      pick(classifyDecline({ declineCode: "do_not_honor" })),
    );
  });
});

describe("classifyDecline: wording and purity", () => {
  const adviceCodes = [null, "try_again_later", "do_not_try_again", "confirm_card_data"];
  const outcomes = [null, "highest_risk_level", "previously_declined_do_not_retry"];
  const codes = [...expected.map(([code]) => code), "card_declined", "brand_new_code", null];
  const all = codes.flatMap((declineCode) =>
    adviceCodes.flatMap((adviceCode) => outcomes.map((outcomeReason) => ({ declineCode, adviceCode, outcomeReason }))),
  );

  it("never mentions fraud, theft or loss to the customer", () => {
    for (const input of all) {
      const { customerReason } = classifyDecline(input);
      expect(customerReason).not.toMatch(/fraud|stolen|lost|steal|theft|risk|blacklist|blocklist/i);
      expect(customerReason.trim()).not.toBe("");
    }
  });

  it("always explains the case to the merchant in one sentence", () => {
    for (const input of all) {
      const { explanation } = classifyDecline(input);
      expect(explanation).toMatch(/^[A-Z].*\.$/);
      expect(explanation).not.toMatch(/\.\s+[A-Z]/);
    }
  });

  it("keeps every invariant of the categories", () => {
    for (const input of all) {
      const result = classifyDecline(input);
      expect(declineCategories).toContain(result.category);
      expect(declineKinds).toContain(result.kind);
      expect(result.contactCustomer).toBe(result.category !== "do_not_contact");
      expect(result.retryable).toBe(result.category === "soft");
      if (result.category === "soft") expect(result.needsNewPaymentMethod).toBe(false);
      if (result.category === "hard") expect(result.needsNewPaymentMethod).toBe(true);
      if (result.category === "needs_authentication") expect(result.needsNewPaymentMethod).toBe(false);
    }
  });

  it("is deterministic and does not mutate its input", () => {
    const input = Object.freeze({ code: "card_declined", declineCode: "Do_Not_Honor", adviceCode: "try_again_later" });
    expect(classifyDecline(input)).toEqual(classifyDecline({ ...input }));
    expect(input.declineCode).toBe("Do_Not_Honor");
  });

  it("exposes a frozen list of known codes", () => {
    expect(Object.isFrozen(knownDeclineCodes)).toBe(true);
  });
});
