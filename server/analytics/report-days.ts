import { sql } from "drizzle-orm";
import type { Db } from "@/server/db/client";

/**
 * Recomputes the per-day report totals (server/db/schema/report-days.ts) from the case, attempt and
 * email rows, of one workspace or of all (`null`). The triggers keep them exact on every write;
 * this is for an operator who changed rows with the triggers disabled, or restored a partial
 * backup. Writes to those tables wait while it runs (a few seconds per million cases).
 */
export async function rebuildReportDays(db: Db, workspaceId: string | null): Promise<void> {
  await db.execute(sql`select report_days_rebuild(${workspaceId}::text)`);
}
