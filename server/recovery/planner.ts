import type { ActionKind } from "@/server/db/schema";
import type { Classification } from "./decline";
import type { Policy } from "./policy";
import { emailDueAt, planRetries, retryGroupFor, windowEndsAt } from "./schedule";

export type PlannedAction = {
  kind: ActionKind;
  step: string;
  dueAt: Date;
  idempotencyKey: string;
  caseId: string | null;
};

/**
 * A case's own plan: the retries its decline allows (none for holdout, in
 * outreach-only mode, or for declines a retry cannot fix), then the grace
 * period and the final action at the end of the window. Pure.
 */
export function planCase(args: {
  policy: Policy;
  classification: Classification;
  cohort: "treatment" | "holdout";
  openedAt: Date;
  timezone: string;
  caseId: string;
}): PlannedAction[] {
  const { policy, classification, cohort, openedAt, timezone, caseId } = args;
  const actions: PlannedAction[] = [];
  const group = classification.retryable ? retryGroupFor(classification.category, classification.kind) : null;
  if (cohort === "treatment" && !policy.outreachOnly && group) {
    planRetries({ rule: policy.retries[group], openedAt, timezone, retryHourLocal: policy.retryHourLocal, windowDays: policy.windowDays }).forEach(
      (dueAt, i) => actions.push({ kind: "retry", step: `retry:${i + 1}`, dueAt, idempotencyKey: `${caseId}:retry:${i + 1}`, caseId }),
    );
  }
  const windowEnd = windowEndsAt({ openedAt, timezone, windowDays: policy.windowDays });
  if (policy.graceDays > 0) {
    actions.push({ kind: "enter_grace", step: "grace", dueAt: windowEnd, idempotencyKey: `${caseId}:grace`, caseId });
  }
  actions.push({
    kind: "final_action",
    step: `final:${policy.finalAction}`,
    dueAt: windowEndsAt({ openedAt, timezone, windowDays: policy.windowDays + policy.graceDays }),
    idempotencyKey: `${caseId}:final`,
    caseId,
  });
  return actions;
}

/**
 * The customer's emails: one series per thread, however many invoices failed.
 * With `waitForFirstRetry`, a day-0 email goes out just after the first retry
 * (the action re-checks the case first, so a retry that worked sends nothing).
 */
export function planThreadEmails(args: {
  policy: Policy;
  openedAt: Date;
  timezone: string;
  threadId: string;
  firstRetryAt: Date | null;
}): PlannedAction[] {
  const { policy, openedAt, timezone, threadId, firstRetryAt } = args;
  const dueTimes = policy.emails.map((step) => emailDueAt({ day: step.day, openedAt, timezone, hourLocal: policy.retryHourLocal }));
  return policy.emails.map((step, i) => {
    let dueAt = dueTimes[i]!;
    if (i === 0 && step.day === 0 && policy.waitForFirstRetry && firstRetryAt) {
      // Wait for the first retry, but never past the next email: the series stays in order.
      const next = dueTimes[1];
      const afterRetry = firstRetryAt.getTime() + 60_000;
      dueAt = new Date(next ? Math.min(afterRetry, next.getTime() - 60_000) : afterRetry);
    }
    return { kind: "email" as const, step: `email:${i + 1}:day-${step.day}`, dueAt, idempotencyKey: `${threadId}:email:${i + 1}`, caseId: null };
  });
}
