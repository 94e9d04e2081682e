import { z } from "zod";
import { router, workspaceProcedure } from "@/server/api/trpc";
import { getAnalytics } from "@/server/analytics/breakdown";
import { periodInput } from "@/server/analytics/period";
import { reportScope } from "@/server/analytics/scope";

/**
 * The Analytics page: recovery rate by decline, recovered revenue by channel,
 * days to recovery and the comparison between sequences. Readable by every
 * member (nothing here that the Recoveries page does not show case by case).
 */
export const analyticsRouter = router({
  /**
   * Every figure of the page for one period (the last 30 days by default, as
   * the Overview), in the workspace's mode (live or sandbox, never both) and
   * on its clock.
   */
  summary: workspaceProcedure
    .input(z.object({ period: periodInput.default({ preset: "30d" }) }))
    .query(async ({ ctx, input }) => getAnalytics(ctx.db, await reportScope(ctx.db, ctx.workspace, input.period))),
});
