/**
 * A workspace's dunning policy (a "sequence" in the console): how Reclaim retries each kind of
 * soft decline, which emails it sends on which day, how long the recovery window lasts and what
 * happens at its end. Policies are stored as versioned data, so everything that reads one
 * (console form, REST API, a stored row) goes through `parsePolicy`, whose messages are written
 * for the merchant who has to fix the input.
 */
import { z } from "zod";

export const retryStrategies = ["payday", "backoff", "standard", "soon", "none"] as const;
export const tones = ["friendly", "reminder", "urgent", "final"] as const;
export const finalActions = ["cancel", "pause", "mark_uncollectible", "leave_past_due"] as const;
/** The groups that soft declines are retried by, in the order the console shows them. */
export const retryGroups = ["insufficient_funds", "temporary", "generic", "other_soft"] as const;
/** The only `{{...}}` placeholders an email may use; the mail renderer fills (and escapes) them. */
export const placeholders = ["customer_name", "amount", "merchant_name", "update_link", "reason", "due_date"] as const;

export type RetryStrategy = (typeof retryStrategies)[number];
export type Tone = (typeof tones)[number];
export type FinalAction = (typeof finalActions)[number];
export type Placeholder = (typeof placeholders)[number];

/** `maxRetries` is an integer 1..10; 0 only together with the "none" strategy. */
export type RetryRule = { strategy: RetryStrategy; maxRetries: number };
/** `subject` 1..150 and `body` 1..5000 characters, using only the known placeholders. */
export type EmailStep = { day: number; tone: Tone; subject: string; body: string };

export type Policy = {
  name: string;
  retries: {
    insufficient_funds: RetryRule;
    temporary: RetryRule;
    generic: RetryRule;
    other_soft: RetryRule;
  };
  /** Hour (0..23) in the customer's timezone at which day-based retries and emails go out. */
  retryHourLocal: number;
  emails: EmailStep[];
  /** When true the day-0 email waits until the first retry has failed. */
  waitForFirstRetry: boolean;
  /** Length of the dunning window in days (the case is past due meanwhile). */
  windowDays: number;
  /** Days after the window before the final action runs. */
  graceDays: number;
  finalAction: FinalAction;
  /** Share of customers (whole percent) kept as a holdout that gets no outreach and no retries. */
  holdoutPercent: number;
  /** When true Reclaim only reaches out and leaves retries to the billing provider. */
  outreachOnly: boolean;
};

export const EMAIL_DAY_MAX = 60;
export const EMAILS_MAX = 12;
export const SUBJECT_MAX = 150;
export const BODY_MAX = 5000;
export const NAME_MAX = 60;

const retryGroupLabels: Record<keyof Policy["retries"], string> = {
  insufficient_funds: "insufficient-funds declines",
  temporary: "temporary declines",
  generic: "generic declines",
  other_soft: "other soft declines",
};

const defaultRetryRules: Policy["retries"] = {
  insufficient_funds: { strategy: "payday", maxRetries: 4 },
  temporary: { strategy: "soon", maxRetries: 3 },
  generic: { strategy: "backoff", maxRetries: 4 },
  other_soft: { strategy: "standard", maxRetries: 4 },
};

// ---------------------------------------------------------------------------------------------
// Messages. zod hands an error function the issue with its full path, so one function per field
// can name the email or retry group the merchant has to look at.

type Path = readonly PropertyKey[] | undefined;

const listed = (values: readonly string[], joiner = "or") =>
  values.length < 2
    ? values.join("")
    : `${values.slice(0, -1).map((v) => `"${v}"`).join(", ")} ${joiner} "${values.at(-1)}"`;

const placeholderList = placeholders.map((p) => `{{${p}}}`).join(", ");

function emailLabel(path: Path): string {
  const index = path?.[1];
  return typeof index === "number" ? `Email ${index + 1}` : "An email";
}

function retryGroupLabel(path: Path): string {
  const group = path?.[1];
  return typeof group === "string" && Object.hasOwn(retryGroupLabels, group)
    ? retryGroupLabels[group as keyof Policy["retries"]]
    : "this retry group";
}

/**
 * An error function for one field: "<what> <requirement>.", or "<what> is missing: it <requirement>."
 * when the field was left out.
 */
function fieldError(what: (path: Path) => string, requirement: string): z.core.$ZodErrorMap {
  return (issue) =>
    issue.code === "invalid_type" && issue.input === undefined
      ? `${what(issue.path)} is missing: it ${requirement}.`
      : `${what(issue.path)} ${requirement}.`;
}

function wholeNumber(min: number, max: number, error: z.core.$ZodErrorMap) {
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

function flag(what: string) {
  return z.boolean({ error: fieldError(() => what, "must be true or false") });
}

// ---------------------------------------------------------------------------------------------
// Schema

const retryRuleSchema = z.strictObject(
  {
    strategy: z.enum(retryStrategies, {
      error: fieldError((p) => `The retry strategy for ${retryGroupLabel(p)}`, `must be ${listed(retryStrategies)}`),
    }),
    maxRetries: wholeNumber(
      0,
      10,
      fieldError(
        (p) => `The number of retries for ${retryGroupLabel(p)}`,
        'must be a whole number from 1 to 10 (or 0 with the "none" strategy)',
      ),
    ),
  },
  { error: objectError((p) => `The retry rule for ${retryGroupLabel(p)}`) },
);

function retryRuleWithDefault(group: keyof Policy["retries"]) {
  return retryRuleSchema.default(() => ({ ...defaultRetryRules[group] }));
}

const emailStepSchema = z.strictObject(
  {
    day: wholeNumber(0, EMAIL_DAY_MAX, fieldError((p) => `${emailLabel(p)}'s day`, `must be a whole number from 0 to ${EMAIL_DAY_MAX}`)),
    tone: z.enum(tones, { error: fieldError((p) => `${emailLabel(p)}'s tone`, `must be ${listed(tones)}`) }),
    subject: text(SUBJECT_MAX, (p) => `${emailLabel(p)}'s subject`).regex(/^[^\r\n]*$/, {
      error: fieldError((p) => `${emailLabel(p)}'s subject`, "must fit on one line"),
    }),
    body: text(BODY_MAX, (p) => `${emailLabel(p)}'s body`),
  },
  { error: objectError(emailLabel) },
);

function text(max: number, what: (path: Path) => string) {
  const error = fieldError(what, `must be 1 to ${max} characters`);
  return z
    .string({ error })
    .max(max, { error })
    .regex(/\S/, { error: fieldError(what, "must not be empty") });
}

function objectError(what: (path: Path) => string): z.core.$ZodErrorMap {
  return (issue) => {
    if (issue.code !== "invalid_type") return undefined;
    return issue.input === undefined ? `${what(issue.path)} is missing.` : `${what(issue.path)} must be an object.`;
  };
}

const policyObjectSchema = z.strictObject(
  {
    name: text(NAME_MAX, () => "The sequence name"),
    retries: z
      .strictObject(
        {
          insufficient_funds: retryRuleWithDefault("insufficient_funds"),
          temporary: retryRuleWithDefault("temporary"),
          generic: retryRuleWithDefault("generic"),
          other_soft: retryRuleWithDefault("other_soft"),
        },
        { error: objectError(() => "The retry settings") },
      )
      .default(() => structuredClone(defaultRetryRules)),
    retryHourLocal: wholeNumber(
      0,
      23,
      fieldError(() => "The retry hour", "must be a whole hour from 0 to 23, in the customer's local time"),
    ).default(10),
    emails: z
      .array(emailStepSchema, {
        error: (issue) =>
          issue.input === undefined
            ? "The sequence has no emails: add at least one step, on day 0."
            : `The emails must be a list of 1 to ${EMAILS_MAX} steps.`,
      })
      .min(1, { error: "A sequence needs at least one email: add a step for day 0." })
      .max(EMAILS_MAX, { error: `A sequence can have at most ${EMAILS_MAX} emails: remove some steps.` }),
    waitForFirstRetry: flag('"Wait for the first retry"').default(false),
    windowDays: wholeNumber(7, 90, fieldError(() => "The recovery window", "must be a whole number of days from 7 to 90")).default(
      28,
    ),
    graceDays: wholeNumber(0, 30, fieldError(() => "The grace period", "must be a whole number of days from 0 to 30")).default(3),
    finalAction: z
      .enum(finalActions, { error: fieldError(() => "The final action", `must be ${listed(finalActions)}`) })
      .default("cancel"),
    holdoutPercent: wholeNumber(0, 50, fieldError(() => "The holdout", "must be a whole percentage from 0 to 50")).default(10),
    outreachOnly: flag('"Outreach only"').default(false),
  },
  { error: objectError(() => "The sequence") },
);

export type PolicyInput = z.input<typeof policyObjectSchema>;

/**
 * Cross-field rules. They run even when some field is malformed (`when: () => true`), so a merchant
 * sees every problem in one round instead of fixing a typo only to meet the next message; that is
 * why they read the value as `unknown` and check each field they compare.
 */
function crossFieldProblems(value: unknown): { path: (string | number)[]; message: string }[] {
  const problems: { path: (string | number)[]; message: string }[] = [];
  if (!isRecord(value)) return problems;

  if (isRecord(value.retries)) {
    for (const group of retryGroups) {
      const rule = value.retries[group];
      if (isRecord(rule) && rule.maxRetries === 0 && typeof rule.strategy === "string" && rule.strategy !== "none") {
        problems.push({
          path: ["retries", group, "maxRetries"],
          message: `${capitalise(retryGroupLabels[group])} are set to 0 retries with the "${rule.strategy}" strategy: choose "none" to turn their retries off, or allow 1 to 10 retries.`,
        });
      }
    }
  }

  if (!Array.isArray(value.emails)) return problems;
  // An out-of-range window already has its own message; comparing against it would only add noise.
  const windowDays = isWholeIn(value.windowDays, 7, 90) ? value.windowDays : undefined;
  const emails: unknown[] = value.emails;
  emails.forEach((email, index) => {
    if (!isRecord(email)) return;
    const number = index + 1;
    const day = isWholeIn(email.day, 0, EMAIL_DAY_MAX) ? email.day : undefined;
    const previous = emails[index - 1];
    const previousDay = isRecord(previous) && isWholeIn(previous.day, 0, EMAIL_DAY_MAX) ? previous.day : undefined;
    if (day !== undefined && previousDay !== undefined && day < previousDay) {
      problems.push({
        path: ["emails", index, "day"],
        message: `Email ${number} is on day ${day}, which is before email ${index} on day ${previousDay}: put the emails in order of day.`,
      });
    } else if (day !== undefined && day === previousDay) {
      problems.push({
        path: ["emails", index, "day"],
        message: `Email ${number} is on day ${day}, the same day as email ${index}: give each email its own day.`,
      });
    }
    if (day !== undefined && windowDays !== undefined && day > windowDays) {
      problems.push({
        path: ["emails", index, "day"],
        message: `Email ${number} is on day ${day}, after the ${windowDays}-day recovery window ends: move it to day ${windowDays} or earlier, or lengthen the window.`,
      });
    }
    for (const field of ["subject", "body"] as const) {
      const text = email[field];
      if (typeof text !== "string") continue;
      for (const message of placeholderProblems(text, `Email ${number}'s ${field}`)) {
        problems.push({ path: ["emails", index, field], message });
      }
    }
  });
  return problems;
}

export const policySchema: z.ZodType<Policy, PolicyInput> = policyObjectSchema.superRefine(
  (policy, ctx) => {
    for (const { path, message } of crossFieldProblems(policy)) ctx.addIssue({ code: "custom", path, message });
  },
  { when: () => true },
);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const isWholeIn = (value: unknown, min: number, max: number): value is number =>
  typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

const isPlaceholder = (name: string): name is Placeholder => (placeholders as readonly string[]).includes(name);

/** The `{{...}}` names in a text, in order of first appearance, without duplicates. */
export function placeholdersIn(text: string): string[] {
  return [...new Set(Array.from(text.matchAll(/\{\{([^{}]*)\}\}/g), (m) => m[1] ?? ""))];
}

function placeholderProblems(text: string, where: string): string[] {
  const problems: string[] = [];
  for (const name of placeholdersIn(text)) {
    if (isPlaceholder(name)) continue;
    const normalised = name.trim().toLowerCase().replace(/[\s-]+/g, "_");
    problems.push(
      isPlaceholder(normalised)
        ? `${where} uses {{${name}}}: write it exactly as {{${normalised}}}.`
        : `${where} uses {{${name}}}, which Reclaim cannot fill in: use only ${placeholderList}.`,
    );
  }
  // A lone "{{" or "}}" is almost always a placeholder with a typo, and would reach the customer as is.
  const rest = text.replace(/\{\{[^{}]*\}\}/g, "");
  if (rest.includes("{{") || rest.includes("}}")) {
    problems.push(`${where} has a "{{" or "}}" that is not part of a placeholder: write placeholders as {{update_link}}.`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------

export type PolicyError = { path: string; message: string };

export function parsePolicy(input: unknown): { ok: true; policy: Policy } | { ok: false; errors: PolicyError[] } {
  const result = policySchema.safeParse(input);
  if (result.success) return { ok: true, policy: result.data };
  const errors: PolicyError[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path.map(String);
    if (issue.code === "unrecognized_keys") {
      // zod reports every unknown key of an object in one issue; the merchant needs each one at its own path.
      const where = path.length === 0 ? "a sequence" : `"${path.join(".")}"`;
      for (const key of issue.keys) {
        errors.push({
          path: [...path, key].join("."),
          message: `"${key}" is not a setting of ${where}: check the spelling, or remove it.`,
        });
      }
    } else {
      errors.push({ path: path.join("."), message: issue.message });
    }
  }
  return { ok: false, errors };
}

// ---------------------------------------------------------------------------------------------

function deepFreeze<T>(value: T): T {
  if (value && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * The sequence a new workspace starts with: six emails over the 28-day window, from a friendly
 * heads-up to a last notice. The copy avoids promising a specific final action, because the
 * merchant can change it without rewriting the emails.
 */
export const defaultPolicy: Policy = deepFreeze<Policy>({
  name: "Standard recovery",
  retries: structuredClone(defaultRetryRules),
  retryHourLocal: 10,
  waitForFirstRetry: false,
  windowDays: 28,
  graceDays: 3,
  finalAction: "cancel",
  holdoutPercent: 10,
  outreachOnly: false,
  emails: [
    {
      day: 0,
      tone: "friendly",
      subject: "Your {{merchant_name}} payment didn't go through",
      body: [
        "Hi {{customer_name}},",
        "We tried to charge {{amount}} for your {{merchant_name}} subscription, but the payment didn't go through. The bank's reason: {{reason}}.",
        "This happens, often because a card has expired or been replaced. Your account is still active, and nothing is lost.",
        "You can check or update your card here; it takes about a minute:\n{{update_link}}",
        "As soon as the card is updated, we'll retry the payment for you.",
        "Thanks,\nThe {{merchant_name}} team",
      ].join("\n\n"),
    },
    {
      day: 3,
      tone: "friendly",
      subject: "A quick reminder about your {{merchant_name}} payment",
      body: [
        "Hi {{customer_name}},",
        "Just a quick follow-up: the {{amount}} payment for your {{merchant_name}} subscription is still outstanding.",
        "If your card details have changed, you can update them securely here:\n{{update_link}}",
        "If you've already sorted this out, thank you, and please ignore this email.",
        "Thanks,\nThe {{merchant_name}} team",
      ].join("\n\n"),
    },
    {
      day: 7,
      tone: "reminder",
      subject: "Action needed: update your payment details for {{merchant_name}}",
      body: [
        "Hi {{customer_name}},",
        "We still haven't been able to collect {{amount}} for your {{merchant_name}} subscription. We've retried the card on file, but the payment keeps being declined.",
        "Updating your card is the quickest way to fix it:\n{{update_link}}",
        "If the card should work, your bank can usually tell you why the payment was declined, and we'll retry it once that's cleared up.",
        "Thanks,\nThe {{merchant_name}} team",
      ].join("\n\n"),
    },
    {
      day: 14,
      tone: "urgent",
      subject: "Your {{merchant_name}} subscription is at risk",
      body: [
        "Hi {{customer_name}},",
        "Your payment of {{amount}} for {{merchant_name}} is now two weeks overdue. To keep your subscription, and everything in your account, running without interruption, please update your payment details:\n{{update_link}}",
        "It only takes a minute, and we'll retry the payment straight away.",
        "If something is wrong or you have a question about the charge, just reply to this email and we'll help.",
        "The {{merchant_name}} team",
      ].join("\n\n"),
    },
    {
      day: 21,
      tone: "urgent",
      subject: "One week left to keep your {{merchant_name}} subscription",
      body: [
        "Hi {{customer_name}},",
        "We've been unable to collect {{amount}} for your {{merchant_name}} subscription for three weeks now. If the payment can't be completed within the next week, your subscription may be paused or cancelled.",
        "Please update your card now to avoid losing access:\n{{update_link}}",
        "If you meant to cancel, no action is needed. If this is a mistake, reply and we'll sort it out together.",
        "The {{merchant_name}} team",
      ].join("\n\n"),
    },
    {
      day: 28,
      tone: "final",
      subject: "Final notice: your {{merchant_name}} subscription is about to end",
      body: [
        "Hi {{customer_name}},",
        "This is our last reminder about the unpaid {{amount}} for your {{merchant_name}} subscription. We've tried several times over the past four weeks and haven't been able to collect it.",
        "If the payment isn't completed in the next few days, your subscription will end and you may lose access to your account.",
        "You can still keep everything as it is by updating your card here:\n{{update_link}}",
        "Thank you for being a customer. We'd love to keep you.",
        "The {{merchant_name}} team",
      ].join("\n\n"),
    },
  ],
});
