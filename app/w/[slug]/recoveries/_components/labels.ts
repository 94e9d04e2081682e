/**
 * Words for the recovery domain's codes, shared by the recoveries and sandbox
 * pages. Pure (no server imports), so client components can use it too.
 */

export type Tone = "neutral" | "brand" | "amber" | "green" | "red" | "sky" | "violet";

export const caseStatusLabels = {
  open: "Open",
  recovered: "Recovered",
  lost: "Lost",
  silenced: "Silenced",
  cancelled: "Cancelled",
} as const;
export type CaseStatusName = keyof typeof caseStatusLabels;

export const caseStatusTones: Record<CaseStatusName, Tone> = {
  open: "amber",
  recovered: "green",
  lost: "red",
  silenced: "violet",
  cancelled: "neutral",
};

/** What each status means, for tooltips and filter descriptions. */
export const caseStatusHelp: Record<CaseStatusName, string> = {
  open: "Reclaim is still working on it.",
  recovered: "The invoice was paid.",
  lost: "The recovery window ended without payment and the final action ran.",
  silenced: "Do-not-contact decline: no retries and no messages. Needs your review.",
  cancelled: "The customer told their bank to stop payments: treated as a cancellation.",
};

export const stageLabels: Record<string, string> = { past_due: "Past due", grace: "Grace period", final: "Final" };

export const categoryLabels: Record<string, string> = {
  soft: "Soft decline",
  hard: "Hard decline",
  do_not_contact: "Do not contact",
  needs_authentication: "Needs authentication",
  revoked: "Revoked",
};

export const categoryTones: Record<string, Tone> = {
  soft: "sky",
  hard: "amber",
  do_not_contact: "red",
  needs_authentication: "violet",
  revoked: "red",
};

/** One line per category for the decline-code picker's groups. */
export const categoryHelp: Record<string, string> = {
  soft: "A later retry of the same card can work.",
  hard: "The card cannot be charged again: the customer needs to update it.",
  do_not_contact: "Lost, stolen or fraud: no retries and no messages; flagged to you.",
  needs_authentication: "The bank wants the customer to confirm the payment (3-D Secure).",
  revoked: "The customer told their bank to stop paying you.",
};

export const cohortLabels: Record<string, string> = { treatment: "Treatment", holdout: "Holdout" };

export const recoveredViaLabels: Record<string, string> = {
  reclaim_retry: "Reclaim retry",
  provider_retry: "Billing provider's retry",
  card_update: "Customer updated card",
  card_updater: "Card network update",
  out_of_band: "Paid outside Reclaim",
};

export const actorLabels: Record<string, string> = {
  reclaim: "Reclaim",
  billing: "Billing provider",
  customer: "Customer",
  merchant: "You",
  sandbox: "Sandbox",
};

export const attemptSourceLabels: Record<string, string> = {
  initial: "Renewal charge",
  reclaim_retry: "Reclaim retry",
  provider_retry: "Provider's retry",
  card_update: "After card update",
  card_updater: "Card updater",
};

export const actionStatusLabels: Record<string, string> = {
  pending: "Pending",
  running: "Running",
  done: "Done",
  skipped: "Skipped",
  cancelled: "Cancelled",
  failed: "Failed",
};

export const actionStatusTones: Record<string, Tone> = {
  pending: "sky",
  running: "brand",
  done: "green",
  skipped: "neutral",
  cancelled: "neutral",
  failed: "red",
};

const finalActionLabels: Record<string, string> = {
  cancel: "cancel the subscription",
  pause: "pause the subscription",
  mark_uncollectible: "mark the invoice uncollectible",
  leave_past_due: "leave the subscription past due",
};

/** "retry:2" → "Retry 2", "email:3:day-7" → "Email 3 (day 7)", "final:cancel" → "Final action: cancel the subscription". */
export function stepLabel(step: string): string {
  const [kind, a, b] = step.split(":");
  switch (kind) {
    case "retry":
      return `Retry ${a ?? ""}`.trim();
    case "email": {
      const day = b?.replace(/^day-/, "");
      return day ? `Email ${a} (day ${day})` : `Email ${a ?? ""}`.trim();
    }
    case "grace":
      return "Grace period begins";
    case "final":
      return `Final action: ${finalActionLabels[a ?? ""] ?? a ?? "end of window"}`;
    default:
      return step;
  }
}

const humanize = (value: string) => value.replaceAll("_", " ");

/** What an action's result or error says, in a sentence; null when there is nothing to add. */
export function actionOutcome(action: {
  kind: string;
  status: string;
  result: Record<string, unknown> | null;
  lastError: string | null;
  runCount: number;
}): string | null {
  const r = action.result ?? {};
  if (action.status === "done") {
    if (action.kind === "retry") {
      if (r.outcome === "succeeded") return "Charge succeeded.";
      if (r.outcome === "failed") return "Charge declined again.";
      if (r.outcome === "requires_action") return "The bank asked the customer to authenticate.";
    }
    if (action.kind === "email") return r.duplicate === true ? "Already sent earlier (not sent twice)." : "Sent.";
    if (action.kind === "enter_grace") return "Grace period started.";
    if (action.kind === "final_action") return "Final action applied.";
    return null;
  }
  if (action.status === "skipped") return typeof r.reason === "string" ? `Skipped: ${humanize(r.reason)}.` : "Skipped.";
  if (action.status === "cancelled") {
    if (action.lastError) return `Called off: ${action.lastError.charAt(0).toLowerCase()}${action.lastError.slice(1)}.`;
    return action.kind === "email" ? "Called off: this customer has nothing left to pay." : "Called off when the case closed.";
  }
  // The error itself is shown apart (it can be long and technical); see PlanSection.
  if (action.status === "failed")
    return `Failed after ${action.runCount} ${action.runCount === 1 ? "try" : "tries"}: Reclaim stopped trying this step.`;
  if (action.status === "pending" && action.lastError) return `The last try failed; Reclaim tries again (attempt ${action.runCount + 1}).`;
  return null;
}

export function humanizeCode(value: string): string {
  return humanize(value);
}
