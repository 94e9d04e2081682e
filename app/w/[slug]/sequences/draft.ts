/**
 * The Sequences form's state and its conversion to the policy the server validates. Numbers are
 * kept as the text the merchant typed, so a field can be cleared while editing; whatever does not
 * look like a number is sent as typed and the server's message says what the field needs.
 */
import type { FinalAction, Policy, RetryStrategy, Tone } from "@/server/recovery/policy";
import { EMAIL_DAY_MAX, retryGroups } from "@/server/recovery/policy";

export type RetryGroup = (typeof retryGroups)[number];

export type EmailDraft = { key: string; day: string; tone: Tone; subject: string; body: string };

export type PolicyDraft = {
  name: string;
  retries: Record<RetryGroup, { strategy: RetryStrategy; maxRetries: string }>;
  retryHourLocal: string;
  windowDays: string;
  graceDays: string;
  finalAction: FinalAction;
  holdoutPercent: string;
  outreachOnly: boolean;
  waitForFirstRetry: boolean;
  emails: EmailDraft[];
};

export type FieldProblem = { path: string; message: string };

export function draftFromPolicy(policy: Policy): PolicyDraft {
  return {
    name: policy.name,
    retries: Object.fromEntries(
      retryGroups.map((group) => [
        group,
        { strategy: policy.retries[group].strategy, maxRetries: String(policy.retries[group].maxRetries) },
      ]),
    ) as PolicyDraft["retries"],
    retryHourLocal: String(policy.retryHourLocal),
    windowDays: String(policy.windowDays),
    graceDays: String(policy.graceDays),
    finalAction: policy.finalAction,
    holdoutPercent: String(policy.holdoutPercent),
    outreachOnly: policy.outreachOnly,
    waitForFirstRetry: policy.waitForFirstRetry,
    // Keys only need to be unique within the list; they are stable across renders and reorders.
    emails: policy.emails.map((step, i) => ({
      key: `saved-${i}`,
      day: String(step.day),
      tone: step.tone,
      subject: step.subject,
      body: step.body,
    })),
  };
}

/** A number when the text is one ("12", " 7 ", "2.5"), else the text itself for the server to explain. */
export function numberOrText(text: string): number | string {
  const trimmed = text.trim();
  return /^-?\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) : text;
}

/**
 * The policy to send. Without bodies for the preview: they do not change any time, and the
 * preview's input travels in a URL.
 */
export function policyFromDraft(draft: PolicyDraft, options: { bodies: boolean } = { bodies: true }) {
  return {
    name: draft.name,
    retries: Object.fromEntries(
      retryGroups.map((group) => [
        group,
        { strategy: draft.retries[group].strategy, maxRetries: numberOrText(draft.retries[group].maxRetries) },
      ]),
    ),
    retryHourLocal: numberOrText(draft.retryHourLocal),
    emails: draft.emails.map((step) =>
      options.bodies
        ? { day: numberOrText(step.day), tone: step.tone, subject: step.subject, body: step.body }
        : { day: numberOrText(step.day), tone: step.tone, subject: step.subject },
    ),
    waitForFirstRetry: draft.waitForFirstRetry,
    windowDays: numberOrText(draft.windowDays),
    graceDays: numberOrText(draft.graceDays),
    finalAction: draft.finalAction,
    holdoutPercent: numberOrText(draft.holdoutPercent),
    outreachOnly: draft.outreachOnly,
  };
}

/** The emails in order of day (stable; a day that is not a number keeps its place after the numbered ones before it). */
export function sortEmailsByDay(emails: EmailDraft[]): EmailDraft[] {
  const dayOf = (step: EmailDraft, index: number): number => {
    const day = numberOrText(step.day);
    if (typeof day === "number") return day;
    // Unparseable: stay just after the previous parseable day.
    for (let i = index - 1; i >= 0; i--) {
      const previous = numberOrText(emails[i]!.day);
      if (typeof previous === "number") return previous;
    }
    return -1;
  };
  return emails
    .map((step, index) => ({ step, index, day: dayOf(step, index) }))
    .sort((a, b) => a.day - b.day || a.index - b.index)
    .map(({ step }) => step);
}

export const inDayOrder = (emails: EmailDraft[]) => sortEmailsByDay(emails).every((step, i) => step === emails[i]);

/** The DOM id of the control for a policy path: "emails.2.day" → "seq-emails-2-day". */
export const fieldId = (path: string) => (path === "" ? "seq-top" : `seq-${path.replaceAll(".", "-")}`);

/** The messages for one path. */
export const problemsAt = (problems: FieldProblem[], path: string) => problems.filter((p) => p.path === path).map((p) => p.message);

const nextTone: Record<Tone, Tone> = { friendly: "reminder", reminder: "urgent", urgent: "final", final: "final" };

/** A new step after the last one: a week later (within the window), one tone firmer, with a starting text. */
export function newEmailStep(emails: EmailDraft[], windowDays: string, key: string): EmailDraft {
  const last = emails.at(-1);
  const lastDay = last ? numberOrText(last.day) : null;
  const window = numberOrText(windowDays);
  const limit = typeof window === "number" && Number.isInteger(window) ? window : 28;
  let day = 0;
  if (typeof lastDay === "number") {
    const lastWhole = Math.max(0, Math.floor(lastDay));
    // A week later, within the window; when the last email is already at the window's end, the day after it
    // (which the server then explains: move it, or lengthen the window).
    day = Math.min(lastWhole + 7, limit);
    if (day <= lastWhole) day = Math.min(lastWhole + 1, EMAIL_DAY_MAX);
  }
  return {
    key,
    day: String(day),
    tone: last ? nextTone[last.tone] : "friendly",
    subject: "Your {{merchant_name}} payment is still outstanding",
    body: [
      "Hi {{customer_name}},",
      "We still haven't been able to collect {{amount}} for your {{merchant_name}} subscription.",
      "You can update your card here:\n{{update_link}}",
      "Thanks,\nThe {{merchant_name}} team",
    ].join("\n\n"),
  };
}
