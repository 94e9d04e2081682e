import { z } from "zod";
import { router, workspaceProcedure, workspaceProcedureWith } from "@/server/api/trpc";
import { getJournalSummary } from "@/server/analytics/journal";
import { getLiftReport } from "@/server/analytics/lift";
import { periodInput } from "@/server/analytics/period";
import { reportScope } from "@/server/analytics/scope";

/** The lift report's default: long enough for most cases opened in it to have closed. */
export const DEFAULT_REPORT_PERIOD = { preset: "90d" } as const;

const reportInput = z.object({ period: periodInput.default(DEFAULT_REPORT_PERIOD) });

/**
 * Finance reports. Reading them is open to every member (they show nothing the
 * Recoveries page does not); exporting them needs `reports.export` (owner,
 * admin, finance). The CSV files are streamed by route handlers under
 * /w/[slug]/reports/*.csv, which ask `exportScope` first, so the guard and the
 * capability check are the same as for every procedure here.
 */
export const reportsRouter = router({
  lift: workspaceProcedure.input(reportInput).query(async ({ ctx, input }) => {
    const scope = await reportScope(ctx.db, ctx.workspace, input.period);
    return getLiftReport(ctx.db, scope);
  }),

  journal: workspaceProcedure.input(reportInput).query(async ({ ctx, input }) => {
    const scope = await reportScope(ctx.db, ctx.workspace, input.period);
    return { period: scope.period, now: scope.now, livemode: scope.livemode, ...(await getJournalSummary(ctx.db, scope)) };
  }),

  /** What an export covers, for a caller allowed to export: the workspace and the resolved scope. */
  exportScope: workspaceProcedureWith("reports.export")
    .input(reportInput)
    .query(async ({ ctx, input }) => {
      const scope = await reportScope(ctx.db, ctx.workspace, input.period);
      return { workspace: { id: ctx.workspace.id, slug: ctx.workspace.slug, name: ctx.workspace.name, mode: ctx.workspace.mode }, scope };
    }),
});
