import { describe, expect, it } from "vitest";
import {
  defaultPolicy,
  finalActions,
  parsePolicy,
  placeholders,
  placeholdersIn,
  policySchema,
  retryGroups,
  type EmailStep,
  type Policy,
  type PolicyError,
} from "@/server/recovery/policy";

/** A fresh, mutable copy of the default policy with some fields replaced. */
function policyWith(patch: Record<string, unknown>): Record<string, unknown> {
  return { ...structuredClone(defaultPolicy), ...patch };
}

function email(day: number, patch: Partial<EmailStep> = {}): EmailStep {
  return { day, tone: "reminder", subject: "Your payment", body: "Update your card: {{update_link}}", ...patch };
}

/** Parses expecting a refusal and returns its errors. */
function errorsOf(input: unknown): PolicyError[] {
  const result = parsePolicy(input);
  if (result.ok) throw new Error(`parsePolicy accepted ${JSON.stringify(input)}`);
  return result.errors;
}

function parsed(input: unknown): Policy {
  const result = parsePolicy(input);
  if (!result.ok) throw new Error(`parsePolicy refused: ${JSON.stringify(result.errors)}`);
  return result.policy;
}

const paths = (errors: PolicyError[]) => errors.map((e) => e.path);

describe("defaultPolicy", () => {
  it("parses to itself", () => {
    expect(parsed(defaultPolicy)).toEqual(defaultPolicy);
    expect(policySchema.safeParse(defaultPolicy).success).toBe(true);
  });

  it("has six emails over 28 days with escalating tone", () => {
    expect(defaultPolicy.emails.map((e) => [e.day, e.tone])).toEqual([
      [0, "friendly"],
      [3, "friendly"],
      [7, "reminder"],
      [14, "urgent"],
      [21, "urgent"],
      [28, "final"],
    ]);
    expect(defaultPolicy.windowDays).toBe(28);
  });

  it("links to the card update page in every email and uses only known placeholders", () => {
    for (const step of defaultPolicy.emails) {
      expect(step.body).toContain("{{update_link}}");
      for (const name of [...placeholdersIn(step.subject), ...placeholdersIn(step.body)]) {
        expect(placeholders).toContain(name);
      }
    }
  });

  it("uses the documented defaults", () => {
    expect(defaultPolicy).toMatchObject({
      retries: {
        insufficient_funds: { strategy: "payday", maxRetries: 4 },
        temporary: { strategy: "soon", maxRetries: 3 },
        generic: { strategy: "backoff", maxRetries: 4 },
        other_soft: { strategy: "standard", maxRetries: 4 },
      },
      retryHourLocal: 10,
      waitForFirstRetry: false,
      windowDays: 28,
      graceDays: 3,
      finalAction: "cancel",
      holdoutPercent: 10,
      outreachOnly: false,
    });
  });

  it("is frozen, so no caller can change it for everyone", () => {
    expect(Object.isFrozen(defaultPolicy)).toBe(true);
    expect(Object.isFrozen(defaultPolicy.emails[0])).toBe(true);
    expect(Object.isFrozen(defaultPolicy.retries.generic)).toBe(true);
  });
});

describe("parsePolicy defaults", () => {
  it("fills every setting but the name and the emails", () => {
    const policy = parsed({ name: "Short", emails: [email(0)] });
    expect(policy).toEqual({
      name: "Short",
      retries: {
        insufficient_funds: { strategy: "payday", maxRetries: 4 },
        temporary: { strategy: "soon", maxRetries: 3 },
        generic: { strategy: "backoff", maxRetries: 4 },
        other_soft: { strategy: "standard", maxRetries: 4 },
      },
      retryHourLocal: 10,
      emails: [email(0)],
      waitForFirstRetry: false,
      windowDays: 28,
      graceDays: 3,
      finalAction: "cancel",
      holdoutPercent: 10,
      outreachOnly: false,
    });
  });

  it("fills a retry group left out and keeps the ones given", () => {
    const policy = parsed({ name: "x", emails: [email(0)], retries: { generic: { strategy: "none", maxRetries: 0 } } });
    expect(policy.retries.generic).toEqual({ strategy: "none", maxRetries: 0 });
    expect(policy.retries.insufficient_funds).toEqual({ strategy: "payday", maxRetries: 4 });
  });

  it("does not share default objects between parses", () => {
    const a = parsed({ name: "a", emails: [email(0)] });
    const b = parsed({ name: "b", emails: [email(0)] });
    a.retries.generic.maxRetries = 9;
    expect(b.retries.generic.maxRetries).toBe(4);
    expect(defaultPolicy.retries.generic.maxRetries).toBe(4);
  });

  it("accepts every final action and the range limits", () => {
    for (const finalAction of finalActions) expect(parsed(policyWith({ finalAction })).finalAction).toBe(finalAction);
    const edges = parsed(
      policyWith({
        name: "x".repeat(60),
        retryHourLocal: 23,
        windowDays: 90,
        graceDays: 30,
        holdoutPercent: 50,
        emails: [email(0), email(60, { subject: "s".repeat(150), body: "b".repeat(5000) })],
      }),
    );
    expect(edges.windowDays).toBe(90);
    expect(parsed(policyWith({ retryHourLocal: 0, windowDays: 7, graceDays: 0, holdoutPercent: 0, emails: [email(7)] })).windowDays).toBe(7);
  });
});

describe("parsePolicy field rules", () => {
  it.each([
    ["name", "", "The sequence name must not be empty."],
    ["name", "x".repeat(61), "The sequence name must be 1 to 60 characters."],
    ["retryHourLocal", 24, "The retry hour must be a whole hour from 0 to 23, in the customer's local time."],
    ["retryHourLocal", 9.5, "The retry hour must be a whole hour from 0 to 23, in the customer's local time."],
    ["windowDays", 6, "The recovery window must be a whole number of days from 7 to 90."],
    ["windowDays", 91, "The recovery window must be a whole number of days from 7 to 90."],
    ["graceDays", -1, "The grace period must be a whole number of days from 0 to 30."],
    ["graceDays", 31, "The grace period must be a whole number of days from 0 to 30."],
    ["holdoutPercent", 51, "The holdout must be a whole percentage from 0 to 50."],
    ["holdoutPercent", 12.5, "The holdout must be a whole percentage from 0 to 50."],
    ["holdoutPercent", "10", "The holdout must be a whole percentage from 0 to 50."],
    ["finalAction", "delete", 'The final action must be "cancel", "pause", "mark_uncollectible" or "leave_past_due".'],
    ["waitForFirstRetry", "yes", '"Wait for the first retry" must be true or false.'],
    ["outreachOnly", 1, '"Outreach only" must be true or false.'],
  ])("refuses %s = %j", (field, value, message) => {
    expect(errorsOf(policyWith({ [field]: value }))).toEqual([{ path: field, message }]);
  });

  it("names the missing name", () => {
    expect(errorsOf({ emails: [email(0)] })).toEqual([
      { path: "name", message: "The sequence name is missing: it must be 1 to 60 characters." },
    ]);
  });

  it("refuses a retry count out of range, naming the group", () => {
    const retries = { ...structuredClone(defaultPolicy.retries), temporary: { strategy: "soon", maxRetries: 11 } };
    expect(errorsOf(policyWith({ retries }))).toEqual([
      {
        path: "retries.temporary.maxRetries",
        message:
          'The number of retries for temporary declines must be a whole number from 1 to 10 (or 0 with the "none" strategy).',
      },
    ]);
  });

  it("refuses an unknown strategy", () => {
    const retries = { generic: { strategy: "aggressive", maxRetries: 3 } };
    expect(errorsOf(policyWith({ retries }))).toEqual([
      {
        path: "retries.generic.strategy",
        message: 'The retry strategy for generic declines must be "payday", "backoff", "standard", "soon" or "none".',
      },
    ]);
  });

  it("allows 0 retries only with the none strategy", () => {
    for (const group of retryGroups) {
      expect(parsed(policyWith({ retries: { [group]: { strategy: "none", maxRetries: 0 } } })).retries[group]).toEqual({
        strategy: "none",
        maxRetries: 0,
      });
    }
    expect(errorsOf(policyWith({ retries: { insufficient_funds: { strategy: "payday", maxRetries: 0 } } }))).toEqual([
      {
        path: "retries.insufficient_funds.maxRetries",
        message:
          'Insufficient-funds declines are set to 0 retries with the "payday" strategy: choose "none" to turn their retries off, or allow 1 to 10 retries.',
      },
    ]);
    expect(paths(errorsOf(policyWith({ retries: { other_soft: { strategy: "standard", maxRetries: 0 } } })))).toEqual([
      "retries.other_soft.maxRetries",
    ]);
  });

  it("refuses a sequence with no emails or more than 12", () => {
    expect(errorsOf(policyWith({ emails: [] }))).toEqual([
      { path: "emails", message: "A sequence needs at least one email: add a step for day 0." },
    ]);
    const thirteen = Array.from({ length: 13 }, (_, i) => email(i));
    expect(errorsOf(policyWith({ emails: thirteen }))).toEqual([
      { path: "emails", message: "A sequence can have at most 12 emails: remove some steps." },
    ]);
    expect(errorsOf(policyWith({ emails: undefined }))).toEqual([
      { path: "emails", message: "The sequence has no emails: add at least one step, on day 0." },
    ]);
  });

  it("names the email whose field is wrong", () => {
    const emails = [
      email(0),
      email(61, { tone: "angry" as EmailStep["tone"] }),
      email(62, { subject: "s".repeat(151), body: "b".repeat(5001) }),
    ];
    expect(errorsOf(policyWith({ emails, windowDays: 90 }))).toEqual([
      { path: "emails.1.day", message: "Email 2's day must be a whole number from 0 to 60." },
      { path: "emails.1.tone", message: 'Email 2\'s tone must be "friendly", "reminder", "urgent" or "final".' },
      { path: "emails.2.day", message: "Email 3's day must be a whole number from 0 to 60." },
      { path: "emails.2.subject", message: "Email 3's subject must be 1 to 150 characters." },
      { path: "emails.2.body", message: "Email 3's body must be 1 to 5000 characters." },
    ]);
  });

  it("refuses blank and multi-line subjects and missing bodies", () => {
    const emails = [email(0, { subject: "   " }), email(1, { subject: "Hello\nBcc: x@example.com" }), { day: 2, tone: "final", subject: "s" }];
    expect(errorsOf(policyWith({ emails }))).toEqual([
      { path: "emails.0.subject", message: "Email 1's subject must not be empty." },
      { path: "emails.1.subject", message: "Email 2's subject must fit on one line." },
      { path: "emails.2.body", message: "Email 3's body is missing: it must be 1 to 5000 characters." },
    ]);
  });

  it("refuses unknown settings one by one, with their path", () => {
    expect(errorsOf(policyWith({ windowDay: 30, retries: { generc: { strategy: "none", maxRetries: 0 } } }))).toEqual([
      { path: "retries.generc", message: '"generc" is not a setting of "retries": check the spelling, or remove it.' },
      { path: "windowDay", message: '"windowDay" is not a setting of a sequence: check the spelling, or remove it.' },
    ]);
    expect(paths(errorsOf(policyWith({ emails: [{ ...email(0), delay: 1 }] })))).toEqual(["emails.0.delay"]);
  });

  it("refuses what is not an object", () => {
    for (const input of [null, "policy", 42, []]) {
      expect(errorsOf(input)).toEqual([{ path: "", message: "The sequence must be an object." }]);
    }
    expect(errorsOf(undefined)).toEqual([{ path: "", message: "The sequence is missing." }]);
    expect(errorsOf(policyWith({ emails: [null] }))).toEqual([{ path: "emails.0", message: "Email 1 must be an object." }]);
    expect(errorsOf(policyWith({ retries: [] }))).toEqual([{ path: "retries", message: "The retry settings must be an object." }]);
  });
});

describe("parsePolicy cross-field rules", () => {
  it("refuses an email before the previous one, naming both", () => {
    const emails = [email(0), email(3), email(7), email(5)];
    expect(errorsOf(policyWith({ emails }))).toEqual([
      {
        path: "emails.3.day",
        message: "Email 4 is on day 5, which is before email 3 on day 7: put the emails in order of day.",
      },
    ]);
  });

  it("uses the brief's wording for email 3 on day 5 after email 2 on day 7", () => {
    expect(errorsOf(policyWith({ emails: [email(0), email(7), email(5)] }))[0]).toEqual({
      path: "emails.2.day",
      message: "Email 3 is on day 5, which is before email 2 on day 7: put the emails in order of day.",
    });
  });

  it("refuses two emails on the same day", () => {
    expect(errorsOf(policyWith({ emails: [email(0), email(7), email(7)] }))).toEqual([
      { path: "emails.2.day", message: "Email 3 is on day 7, the same day as email 2: give each email its own day." },
    ]);
  });

  it("refuses an email after the window and accepts one on its last day", () => {
    expect(errorsOf(policyWith({ windowDays: 21 }))).toEqual([
      {
        path: "emails.5.day",
        message:
          "Email 6 is on day 28, after the 21-day recovery window ends: move it to day 21 or earlier, or lengthen the window.",
      },
    ]);
    expect(parsed(policyWith({ windowDays: 28 })).windowDays).toBe(28);
  });

  it("does not compare emails against a window that is itself out of range", () => {
    expect(errorsOf(policyWith({ windowDays: 5 }))).toEqual([
      { path: "windowDays", message: "The recovery window must be a whole number of days from 7 to 90." },
    ]);
  });

  it("does not require the last email to be final", () => {
    expect(parsed(policyWith({ emails: [email(0, { tone: "friendly" }), email(10, { tone: "friendly" })] })).emails).toHaveLength(2);
  });

  it("reports field and cross-field problems in one round", () => {
    const errors = errorsOf(
      policyWith({
        name: "",
        retries: { generic: { strategy: "backoff", maxRetries: 0 } },
        emails: [email(4, { tone: "loud" as EmailStep["tone"] }), email(2, { body: "{{first_name}}" })],
      }),
    );
    expect(paths(errors).sort()).toEqual(
      ["name", "emails.0.tone", "retries.generic.maxRetries", "emails.1.day", "emails.1.body"].sort(),
    );
  });
});

describe("parsePolicy placeholders", () => {
  it("accepts every known placeholder in subjects and bodies", () => {
    const all = placeholders.map((p) => `{{${p}}}`).join(" ");
    expect(parsed(policyWith({ emails: [email(0, { subject: all, body: all })] })).emails[0]?.body).toBe(all);
  });

  it("refuses an unknown placeholder, naming it and the email", () => {
    const emails = [email(0), email(3, { body: "Hi {{first_name}}, pay {{amount}} by {{deadline}}. {{first_name}}" })];
    expect(errorsOf(policyWith({ emails }))).toEqual([
      {
        path: "emails.1.body",
        message:
          "Email 2's body uses {{first_name}}, which Reclaim cannot fill in: use only {{customer_name}}, {{amount}}, {{merchant_name}}, {{update_link}}, {{reason}}, {{due_date}}.",
      },
      {
        path: "emails.1.body",
        message:
          "Email 2's body uses {{deadline}}, which Reclaim cannot fill in: use only {{customer_name}}, {{amount}}, {{merchant_name}}, {{update_link}}, {{reason}}, {{due_date}}.",
      },
    ]);
  });

  it("checks subjects too", () => {
    expect(errorsOf(policyWith({ emails: [email(0, { subject: "Invoice {{invoice_number}}" })] }))).toEqual([
      {
        path: "emails.0.subject",
        message:
          "Email 1's subject uses {{invoice_number}}, which Reclaim cannot fill in: use only {{customer_name}}, {{amount}}, {{merchant_name}}, {{update_link}}, {{reason}}, {{due_date}}.",
      },
    ]);
  });

  it("suggests the exact spelling for a near miss", () => {
    expect(errorsOf(policyWith({ emails: [email(0, { body: "Hi {{ Customer Name }}: {{update_link}}" })] }))).toEqual([
      { path: "emails.0.body", message: "Email 1's body uses {{ Customer Name }}: write it exactly as {{customer_name}}." },
    ]);
  });

  it("refuses a brace that does not close", () => {
    expect(errorsOf(policyWith({ emails: [email(0, { body: "Update here: {{update_link}" })] }))).toEqual([
      {
        path: "emails.0.body",
        message: 'Email 1\'s body has a "{{" or "}}" that is not part of a placeholder: write placeholders as {{update_link}}.',
      },
    ]);
  });

  it("lists the placeholders of a text once each, in order", () => {
    expect(placeholdersIn("{{amount}} {{update_link}} {{amount}} {{x}}")).toEqual(["amount", "update_link", "x"]);
    expect(placeholdersIn("single { braces } only")).toEqual([]);
  });
});
