import { and, count, desc, eq, inArray, sql } from "drizzle-orm";
import { DateTime } from "luxon";
import { z } from "zod";
import { router, workspaceProcedure, workspaceProcedureWith } from "@/server/api/trpc";
import { recoveryCases, sequenceVersions, users } from "@/server/db/schema";
import { classifyDecline, type DeclineInput } from "@/server/recovery/decline";
import { planCase, planThreadEmails } from "@/server/recovery/planner";
import { parsePolicy, type FinalAction, type Policy, type RetryStrategy, type Tone } from "@/server/recovery/policy";
import { isValidTimezone, planningZone, windowEndsAt } from "@/server/recovery/schedule";
import { getActiveSequenceVersion, saveSequenceVersion } from "@/server/recovery/sequences";

/** How many versions the console lists. */
export const HISTORY_LIMIT = 20;

// ---------------------------------------------------------------------------------------------
// Preview: what a customer of each kind of decline would get under a policy. It runs the real
// planner (the same functions that write a case's scheduled actions), so the console can never
// show a schedule that differs from the one Reclaim will follow.

/** The decline groups the console previews, each with a representative decline code. */
export const previewGroups = [
  { id: "insufficient_funds", label: "Insufficient funds", decline: { declineCode: "insufficient_funds" } },
  { id: "temporary", label: "Temporary", decline: { declineCode: "processing_error" } },
  { id: "generic", label: "Generic", decline: { declineCode: "generic_decline" } },
  { id: "other_soft", label: "Other soft", decline: { declineCode: "duplicate_transaction" } },
  { id: "hard", label: "Hard (expired card)", decline: { declineCode: "expired_card" } },
] as const satisfies readonly { id: string; label: string; decline: DeclineInput }[];

export type PreviewGroupId = (typeof previewGroups)[number]["id"];

export type PreviewEvent =
  | { kind: "retry"; at: Date; day: number; number: number; of: number }
  | { kind: "email"; at: Date; day: number; number: number; stepDay: number; tone: Tone; subject: string; afterRetry: boolean }
  | { kind: "grace"; at: Date; day: number; graceDays: number }
  | { kind: "final"; at: Date; day: number; action: FinalAction };

export type PreviewGroup = {
  id: PreviewGroupId;
  label: string;
  /** The decline code the example uses, and how Reclaim treats it. */
  code: string;
  explanation: string;
  /** The policy's strategy and limit for this group; null when the decline is never retried. */
  strategy: RetryStrategy | null;
  maxRetries: number;
  /** Retries that fit in the window (a strategy can run out of slots before `maxRetries`). */
  retries: number;
  /** Why there are no retries, when there are none. */
  noRetriesReason: "hard" | "outreach_only" | "strategy_none" | "window" | null;
  events: PreviewEvent[];
};

export type Preview = {
  openedAt: Date;
  timezone: string;
  windowDays: number;
  graceDays: number;
  windowEndsAt: Date;
  finalActionAt: Date;
  groups: PreviewGroup[];
};

/** Calendar days from the local date of `from` to the local date of `to`, in `zone`. */
function dayNumber(from: Date, to: Date, zone: string): number {
  const start = DateTime.fromJSDate(from, { zone }).startOf("day");
  const end = DateTime.fromJSDate(to, { zone }).startOf("day");
  return Math.round(end.diff(start, "days").days);
}

/** The timeline each decline group would get for a case opened at `openedAt` in `timezone`. Pure. */
export function previewPolicy(policy: Policy, openedAt: Date, timezone: string): Preview {
  const zone = planningZone(timezone);
  const groups = previewGroups.map((group): PreviewGroup => {
    const classification = classifyDecline(group.decline);
    const caseActions = planCase({ policy, classification, cohort: "treatment", openedAt, timezone: zone, caseId: "preview" });
    const retries = caseActions.filter((a) => a.kind === "retry");
    const emails = planThreadEmails({ policy, openedAt, timezone: zone, threadId: "preview", firstRetryAt: retries[0]?.dueAt ?? null });
    const rule = group.id === "hard" ? null : policy.retries[group.id];
    const day = (at: Date) => dayNumber(openedAt, at, zone);
    const events: PreviewEvent[] = [
      ...retries.map((a, i): PreviewEvent => ({ kind: "retry", at: a.dueAt, day: day(a.dueAt), number: i + 1, of: retries.length })),
      ...emails.map((a, i): PreviewEvent => {
        const step = policy.emails[i]!;
        const onSchedule = step.day === 0 ? openedAt.getTime() : null;
        return {
          kind: "email",
          at: a.dueAt,
          day: day(a.dueAt),
          number: i + 1,
          stepDay: step.day,
          tone: step.tone,
          subject: step.subject,
          afterRetry: onSchedule !== null && a.dueAt.getTime() !== onSchedule,
        };
      }),
      ...caseActions.flatMap((a): PreviewEvent[] => {
        if (a.kind === "enter_grace") return [{ kind: "grace", at: a.dueAt, day: day(a.dueAt), graceDays: policy.graceDays }];
        if (a.kind === "final_action") return [{ kind: "final", at: a.dueAt, day: day(a.dueAt), action: policy.finalAction }];
        return [];
      }),
    ];
    // Stable: at the same instant a retry comes before the email that reports on it.
    const order: Record<PreviewEvent["kind"], number> = { retry: 0, email: 1, grace: 2, final: 3 };
    events.sort((a, b) => a.at.getTime() - b.at.getTime() || order[a.kind] - order[b.kind]);
    let noRetriesReason: PreviewGroup["noRetriesReason"] = null;
    if (retries.length === 0) {
      if (!rule) noRetriesReason = "hard";
      else if (policy.outreachOnly) noRetriesReason = "outreach_only";
      else if (rule.strategy === "none" || rule.maxRetries === 0) noRetriesReason = "strategy_none";
      else noRetriesReason = "window";
    }
    return {
      id: group.id,
      label: group.label,
      code: classification.code,
      explanation: classification.explanation,
      strategy: rule?.strategy ?? null,
      maxRetries: rule && rule.strategy !== "none" ? rule.maxRetries : 0,
      retries: retries.length,
      noRetriesReason,
      events,
    };
  });
  return {
    openedAt,
    timezone: zone,
    windowDays: policy.windowDays,
    graceDays: policy.graceDays,
    windowEndsAt: windowEndsAt({ openedAt, timezone: zone, windowDays: policy.windowDays }),
    finalActionAt: windowEndsAt({ openedAt, timezone: zone, windowDays: policy.windowDays + policy.graceDays }),
    groups,
  };
}

/**
 * Email bodies do not change when anything happens, so the preview does not need them; the console
 * leaves them out to keep the request small (a query's input travels in the URL). A step without a
 * body gets a stand-in before validation; a body that is sent is validated like any other field.
 */
function withStandInBodies(policy: unknown): unknown {
  if (typeof policy !== "object" || policy === null || !("emails" in policy) || !Array.isArray(policy.emails)) return policy;
  const emails: unknown[] = policy.emails;
  return {
    ...policy,
    emails: emails.map((step) =>
      typeof step === "object" && step !== null && !Array.isArray(step) && !("body" in step)
        ? { ...step, body: "(not needed for the preview)" }
        : step,
    ),
  };
}

const openedAtSchema = z
  .string()
  .trim()
  .max(40)
  .refine((value) => DateTime.fromISO(value).isValid, {
    message: "Give the time the charge failed as an ISO date and time, like 2026-03-02T09:30 or 2026-03-02T09:30:00Z.",
  });

const timezoneSchema = z
  .string()
  .trim()
  .max(64)
  .refine(isValidTimezone, { message: 'Give the customer\'s time zone as an IANA name, like "Europe/Paris" or "UTC".' });

// ---------------------------------------------------------------------------------------------

/** The workspace's dunning sequence (policy) and its versions. */
export const sequenceRouter = router({
  /** The current version (made from the default policy the first time) and the latest versions. */
  get: workspaceProcedure.query(async ({ ctx }) => {
    const workspaceId = ctx.workspace.id;
    const current = await getActiveSequenceVersion(ctx.db, workspaceId);
    // Stored policies were valid when saved; parsing again fills settings added since with their defaults.
    const parsed = parsePolicy(current.policy);
    const history = await ctx.db
      .select({
        id: sequenceVersions.id,
        version: sequenceVersions.version,
        name: sql<string | null>`${sequenceVersions.policy}->>'name'`,
        createdAt: sequenceVersions.createdAt,
        createdByName: users.name,
        createdByEmail: users.email,
      })
      .from(sequenceVersions)
      .leftJoin(users, eq(users.id, sequenceVersions.createdById))
      .where(and(eq(sequenceVersions.workspaceId, workspaceId), eq(sequenceVersions.sequenceId, current.sequenceId)))
      .orderBy(desc(sequenceVersions.version))
      .limit(HISTORY_LIMIT);
    const openCounts =
      history.length === 0
        ? []
        : await ctx.db
            .select({ versionId: recoveryCases.sequenceVersionId, open: count() })
            .from(recoveryCases)
            .where(
              and(
                eq(recoveryCases.workspaceId, workspaceId),
                eq(recoveryCases.status, "open"),
                inArray(
                  recoveryCases.sequenceVersionId,
                  history.map((h) => h.id),
                ),
              ),
            )
            .groupBy(recoveryCases.sequenceVersionId);
    const openByVersion = new Map(openCounts.map((c) => [c.versionId, Number(c.open)]));
    return {
      sequenceId: current.sequenceId,
      version: current.version,
      policy: parsed.ok ? parsed.policy : current.policy,
      savedAt: current.createdAt,
      history: history.map((h) => ({
        version: h.version,
        name: h.name,
        savedAt: h.createdAt,
        savedBy: h.createdByName ?? h.createdByEmail ?? null,
        openCases: openByVersion.get(h.id) ?? 0,
        current: h.version === current.version,
      })),
    };
  }),

  /**
   * Saves the policy as a new version. An invalid policy is an ordinary answer, not an error: every
   * problem comes back with the path of its field ("emails.2.day"), so the form can show them all.
   */
  save: workspaceProcedureWith("workspace.manage")
    .input(z.object({ policy: z.unknown() }))
    .mutation(async ({ ctx, input }) => {
      const result = await saveSequenceVersion(ctx.db, { workspaceId: ctx.workspace.id, policy: input.policy, userId: ctx.user.id });
      if (!result.ok) return { ok: false as const, errors: result.errors };
      return { ok: true as const, version: result.version.version, savedAt: result.version.createdAt };
    }),

  /**
   * The schedule a customer of each decline group would get under `policy` (saved or not), for a
   * charge that failed at `openedAt` (now by default; a time without an offset is read in
   * `timezone`) for a customer in `timezone` (UTC by default).
   */
  preview: workspaceProcedure
    .input(z.object({ policy: z.unknown(), openedAt: openedAtSchema.optional(), timezone: timezoneSchema.optional() }))
    .query(({ input }) => {
      const parsed = parsePolicy(withStandInBodies(input.policy));
      if (!parsed.ok) return { ok: false as const, errors: parsed.errors };
      const timezone = input.timezone ?? "UTC";
      const openedAt = input.openedAt ? DateTime.fromISO(input.openedAt, { zone: timezone }).toJSDate() : new Date();
      return { ok: true as const, preview: previewPolicy(parsed.policy, openedAt, timezone) };
    }),
});
