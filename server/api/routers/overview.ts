import { z } from "zod";
import { router, workspaceProcedure } from "@/server/api/trpc";
import { getOverview } from "@/server/analytics/overview";
import { periodInput } from "@/server/analytics/period";
import { reportScope } from "@/server/analytics/scope";

/** The Overview's period when none is chosen (its case-rows export uses the same). */
export const DEFAULT_OVERVIEW_PERIOD = { preset: "30d" } as const;

/** The Overview page: recovered and at-risk revenue, rates and recent cases for a period. */
export const overviewRouter = router({
  /**
   * Every figure of the page for one period (the last 30 days by default), in
   * the workspace's mode (live or sandbox, never both) and on its clock.
   */
  summary: workspaceProcedure
    .input(z.object({ period: periodInput.default(DEFAULT_OVERVIEW_PERIOD) }))
    .query(async ({ ctx, input }) => getOverview(ctx.db, await reportScope(ctx.db, ctx.workspace, input.period))),
});
