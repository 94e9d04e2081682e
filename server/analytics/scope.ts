import type { Db } from "@/server/db/client";
import type { Workspace } from "@/server/db/schema";
import { systemClock } from "@/server/recovery/clock";
import { workspaceNow } from "@/server/recovery/context";
import { resolvePeriod, type Period, type PeriodInput } from "./period";

/**
 * What every report query is scoped to: one workspace, and either its live or
 * its sandbox figures (never both: a workspace that went live keeps its sandbox
 * history apart), over a period ending at the workspace's now (a sandbox's test
 * clock).
 */
export type ReportScope = { workspaceId: string; livemode: boolean; now: Date; period: Period };

/**
 * The UTC day (YYYY-MM-DD) a period bound starts: the key of the per-day report totals
 * (server/db/schema/report-days.ts). Period bounds are always midnight UTC.
 */
export const utcDay = (d: Date): string => d.toISOString().slice(0, 10);

export async function reportScope(db: Db, workspace: Pick<Workspace, "id" | "mode">, input: PeriodInput): Promise<ReportScope> {
  const now = await workspaceNow({ db, clock: systemClock }, workspace.id);
  return { workspaceId: workspace.id, livemode: workspace.mode === "live", now, period: resolvePeriod(input, now) };
}
