import { TRPCError } from "@trpc/server";
import { z, ZodRealError } from "zod";
import { router, workspaceProcedure, workspaceProcedureWith } from "@/server/api/trpc";
import { requireOneFailure, simulateFailedRenewals, simulateFailureFields } from "@/server/billing/sandbox/simulate";
import type { CaseStatus, Workspace } from "@/server/db/schema";
import type { Db } from "@/server/db/client";
import { DAY, HOUR, systemClock } from "@/server/recovery/clock";
import { workspaceNow } from "@/server/recovery/context";
import { advanceSandboxClock, advanceToNextAction } from "@/server/recovery/sandbox-clock";
import {
  checkDateOrder,
  countRecoveryCasesByStatus,
  declineCodeOccurs,
  getNextPlannedAction,
  getRecoveryCase,
  getRecoveryFilterOptions,
  getWorkspaceOutboxMessage,
  isKnownDeclineCode,
  listRecoveryCases,
  listWorkspaceOutbox,
  recordId,
  recoveryFilterShape,
} from "@/server/queries/recoveries";
import { getRecoveryDeps } from "@/server/runtime";

/**
 * The most actions one request runs (about 15 seconds on embedded PGlite). A
 * longer advance answers `remaining: true` with its `target`, and the client
 * continues with `{ until: target }` until the clock gets there.
 */
const MAX_ACTIONS_PER_REQUEST = 250;
const MAX_ADVANCE = 60 * DAY;

function requireSandbox(workspace: Workspace): void {
  if (workspace.mode !== "sandbox") {
    throw new TRPCError({
      code: "BAD_REQUEST",
      message: `${workspace.name} is a live workspace: simulated failures and the test clock only exist in sandbox workspaces.`,
    });
  }
}

const advanceBy = z.union([
  z.literal("next"),
  z
    .strictObject({
      hours: z
        .number()
        .int("Advance by whole hours.")
        .min(0)
        .max(60 * 24)
        .optional(),
      days: z.number().int("Advance by whole days.").min(0).max(60).optional(),
    })
    .refine(({ hours = 0, days = 0 }) => {
      const ms = hours * HOUR + days * DAY;
      return ms >= HOUR && ms <= MAX_ADVANCE;
    }, "Advance the clock by at least 1 hour and at most 60 days."),
  /** Continues an advance that stopped part-way, to the target it answered. */
  z.strictObject({ until: z.date() }),
]);

const { status: _status, ...nonStatusFilters } = recoveryFilterShape;

/** The list's filters and its page. */
const listInput = z
  .object({ ...recoveryFilterShape, cursor: recordId("That is not a page of this list.").optional() })
  .superRefine(checkDateOrder);

/** The filters the status tabs' counts respect: all but the status itself. */
const countsInput = z.object(nonStatusFilters).superRefine(checkDateOrder);

/**
 * A decline code must be one Reclaim knows or one a case of the workspace
 * has (a provider can send codes the reference table lacks); anything else is
 * refused on its field, like the input's other mistakes.
 */
async function requireDeclineCode(db: Db, workspaceId: string, code: string | undefined): Promise<void> {
  if (!code || isKnownDeclineCode(code) || (await declineCodeOccurs(db, { workspaceId, code }))) return;
  const message = `"${code}" is not a decline code Reclaim knows, and no case of this workspace has it.`;
  throw new TRPCError({
    code: "BAD_REQUEST",
    message,
    cause: new ZodRealError([{ code: "custom", path: ["declineCode"], message, input: code }]),
  });
}

/** Recovery cases, their plans and timelines, and the sandbox controls. */
export const recoveryRouter = router({
  /** One page of the workspace's cases, newest first, narrowed by the filters; `nextCursor` continues it. */
  list: workspaceProcedure.input(listInput).query(async ({ ctx, input }) => {
    const { workspaceId: _workspaceId, ...filters } = input;
    await requireDeclineCode(ctx.db, ctx.workspace.id, filters.declineCode);
    return listRecoveryCases(ctx.db, { ...filters, workspaceId: ctx.workspace.id });
  }),

  /** Cases per status among those the other filters match (the status tabs' numbers). */
  counts: workspaceProcedure.input(countsInput).query(async ({ ctx, input }) => {
    const { workspaceId: _workspaceId, ...filters } = input;
    await requireDeclineCode(ctx.db, ctx.workspace.id, filters.declineCode);
    return countRecoveryCasesByStatus(ctx.db, { ...filters, workspaceId: ctx.workspace.id });
  }),

  /** What the filter form offers: the workspace's sequences and the decline codes its cases have. */
  filterOptions: workspaceProcedure.query(({ ctx }) => getRecoveryFilterOptions(ctx.db, { workspaceId: ctx.workspace.id })),

  get: workspaceProcedure.input(z.object({ caseId: recordId("That is not a recovery of this workspace.") })).query(async ({ ctx, input }) => {
    const now = await workspaceNow({ db: ctx.db, clock: systemClock }, ctx.workspace.id);
    const found = await getRecoveryCase(ctx.db, { workspaceId: ctx.workspace.id, caseId: input.caseId, now });
    if (!found) throw new TRPCError({ code: "NOT_FOUND", message: "That recovery does not exist in this workspace." });
    return found;
  }),

  sandboxState: workspaceProcedure.query(async ({ ctx }) => {
    requireSandbox(ctx.workspace);
    const workspaceId = ctx.workspace.id;
    const [now, nextAction, counts, outbox] = await Promise.all([
      workspaceNow({ db: ctx.db, clock: systemClock }, workspaceId),
      getNextPlannedAction(ctx.db, { workspaceId }),
      countRecoveryCasesByStatus(ctx.db, { workspaceId }),
      listWorkspaceOutbox(ctx.db, { workspaceId, limit: 20 }),
    ]);
    return { now, nextAction, counts, outbox };
  }),

  /** One email of this workspace's outbox, as the customer received it. */
  outboxMessage: workspaceProcedure.input(z.object({ messageId: recordId("That is not an email of this workspace.") })).query(async ({ ctx, input }) => {
    const message = await getWorkspaceOutboxMessage(ctx.db, { workspaceId: ctx.workspace.id, messageId: input.messageId });
    if (!message) throw new TRPCError({ code: "NOT_FOUND", message: "This email is not in this workspace's outbox." });
    return message;
  }),

  simulate: workspaceProcedureWith("workspace.manage")
    .input(
      simulateFailureFields
        .omit({ timezone: true })
        .superRefine(requireOneFailure)
        .refine((v) => !v.customerEmail || v.count === 1, {
          message: "A customer email can only be used when simulating one customer.",
          path: ["customerEmail"],
        }),
    )
    .mutation(async ({ ctx, input }) => {
      requireSandbox(ctx.workspace);
      const deps = await getRecoveryDeps();
      const results = await simulateFailedRenewals(deps, { ...input, workspaceId: ctx.workspace.id });
      const opened = results.flatMap((r) => (r.result === "opened" ? [{ caseId: r.caseId, status: r.status }] : []));
      const byStatus: Partial<Record<CaseStatus, number>> = {};
      for (const o of opened) byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
      return { caseIds: opened.map((o) => o.caseId), byStatus, ignored: results.length - opened.length };
    }),

  advance: workspaceProcedureWith("workspace.manage")
    .input(z.object({ by: advanceBy }))
    .mutation(async ({ ctx, input }) => {
      requireSandbox(ctx.workspace);
      const deps = await getRecoveryDeps();
      const workspaceId = ctx.workspace.id;
      if (input.by === "next") {
        const moved = await advanceToNextAction(deps, workspaceId);
        if (moved) return { ...moved, target: moved.to, nothingPlanned: false };
        const now = await workspaceNow(deps, workspaceId);
        return { from: now, to: now, target: now, performed: 0, customerEvents: 0, remaining: false, nothingPlanned: true };
      }
      const from = await workspaceNow(deps, workspaceId);
      const target =
        "until" in input.by ? input.by.until : new Date(from.getTime() + (input.by.hours ?? 0) * HOUR + (input.by.days ?? 0) * DAY);
      if (target.getTime() - from.getTime() > MAX_ADVANCE) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "Advance the clock by at most 60 days at a time." });
      }
      if (target.getTime() <= from.getTime()) {
        // A continuation another tab already finished: nothing left to run.
        return { from, to: from, target: from, performed: 0, customerEvents: 0, remaining: false, nothingPlanned: false };
      }
      const moved = await advanceSandboxClock(deps, { workspaceId, to: target, maxActions: MAX_ACTIONS_PER_REQUEST });
      return { ...moved, target, nothingPlanned: false };
    }),
});
