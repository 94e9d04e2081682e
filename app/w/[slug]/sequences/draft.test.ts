import { describe, expect, it } from "vitest";
import { defaultPolicy, parsePolicy } from "@/server/recovery/policy";
import {
  draftFromPolicy,
  fieldId,
  inDayOrder,
  newEmailStep,
  numberOrText,
  policyFromDraft,
  sortEmailsByDay,
  type EmailDraft,
} from "./draft";

const step = (key: string, day: string): EmailDraft => ({ key, day, tone: "friendly", subject: "s", body: "b" });

describe("the Sequences form's draft", () => {
  it("turns a policy into a draft and back without changing it", () => {
    const policy = policyFromDraft(draftFromPolicy(defaultPolicy));
    expect(policy).toEqual(defaultPolicy);
    expect(parsePolicy(policy)).toEqual({ ok: true, policy: defaultPolicy });
  });

  it("leaves the bodies out for the preview", () => {
    const policy = policyFromDraft(draftFromPolicy(defaultPolicy), { bodies: false });
    expect(policy.emails.every((e) => !("body" in e))).toBe(true);
  });

  it("sends numbers as numbers, and anything else as typed for the server to explain", () => {
    expect(numberOrText(" 12 ")).toBe(12);
    expect(numberOrText("2.5")).toBe(2.5);
    expect(numberOrText("-1")).toBe(-1);
    expect(numberOrText("")).toBe("");
    expect(numberOrText("ten")).toBe("ten");
    const draft = { ...draftFromPolicy(defaultPolicy), windowDays: "", holdoutPercent: "lots" };
    const result = parsePolicy(policyFromDraft(draft));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors.map((e) => e.path).sort()).toEqual(["holdoutPercent", "windowDays"]);
  });

  it("sorts emails by day, stably, keeping unreadable days after their neighbour", () => {
    const emails = [step("a", "7"), step("b", "0"), step("c", "x"), step("d", "3"), step("e", "3")];
    expect(sortEmailsByDay(emails).map((e) => e.key)).toEqual(["b", "c", "d", "e", "a"]);
    expect(inDayOrder(emails)).toBe(false);
    expect(inDayOrder(sortEmailsByDay(emails))).toBe(true);
  });

  it("adds a step a week after the last one, inside the window, one tone firmer", () => {
    expect(newEmailStep([], "28", "k")).toMatchObject({ day: "0", tone: "friendly" });
    expect(newEmailStep([{ ...step("a", "14"), tone: "reminder" }], "28", "k")).toMatchObject({ day: "21", tone: "urgent" });
    expect(newEmailStep([step("a", "25")], "28", "k").day).toBe("28");
    // Already at the end of the window: the day after, which the server explains.
    expect(newEmailStep([step("a", "28")], "28", "k").day).toBe("29");
    // Its starting text is a valid email.
    const { subject, body, tone } = newEmailStep([step("a", "3")], "28", "k");
    const emails = [
      { day: 0, tone: "friendly", subject: "s", body: "b" },
      { day: 10, tone, subject, body },
    ];
    expect(parsePolicy({ ...defaultPolicy, emails }).ok).toBe(true);
  });

  it("names the control of each policy path", () => {
    expect(fieldId("emails.2.day")).toBe("seq-emails-2-day");
    expect(fieldId("retries.generic.maxRetries")).toBe("seq-retries-generic-maxRetries");
    expect(fieldId("")).toBe("seq-top");
  });
});
