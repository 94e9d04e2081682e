import { TRPCError } from "@trpc/server";
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { createCaller } from "@/server/api/root";
import type { Context } from "@/server/api/trpc";
import { attachmentDisposition, CSV_CONTENT_TYPE, csvStream, toCsv } from "@/server/analytics/csv";
import { journalColumns, journalRowBatches } from "@/server/analytics/journal";
import { getLiftReport, liftCaseColumns, liftCaseRowBatches, liftSummaryColumns, liftSummaryRows } from "@/server/analytics/lift";
import { overviewCaseColumns, overviewCaseRowBatches } from "@/server/analytics/overview-export";
import { periodFromSearchParams, type PeriodInput } from "@/server/analytics/period";
import type { ReportScope } from "@/server/analytics/scope";
import { DEFAULT_OVERVIEW_PERIOD } from "@/server/api/routers/overview";
import { DEFAULT_REPORT_PERIOD } from "@/server/api/routers/reports";

export type CsvExportKind = "lift-summary" | "lift-cases" | "journal" | "overview-cases";

const fileLabels: Record<CsvExportKind, string> = {
  "lift-summary": "holdout-lift-summary",
  "lift-cases": "holdout-lift-cases",
  journal: "recovered-revenue-journal",
  "overview-cases": "overview-cases",
};

/** The period a file covers when the address names none: the page's own default. */
const defaultPeriods: Record<CsvExportKind, PeriodInput> = {
  "lift-summary": DEFAULT_REPORT_PERIOD,
  "lift-cases": DEFAULT_REPORT_PERIOD,
  journal: DEFAULT_REPORT_PERIOD,
  "overview-cases": DEFAULT_OVERVIEW_PERIOD,
};

const day = (date: Date) => date.toISOString().slice(0, 10);

/** "acme-sandbox-holdout-lift-cases-2026-01-01-to-2026-03-31.csv": the workspace, its mode, the report and the days covered. */
export function exportFileName(
  kind: CsvExportKind,
  slug: string,
  mode: string,
  period: Pick<ReportScope["period"], "from" | "to">,
): string {
  const lastDay = new Date(period.to.getTime() - 24 * 60 * 60 * 1000);
  return `${slug}-${mode}-${fileLabels[kind]}-${day(period.from)}-to-${day(lastDay)}.csv`;
}

function problem(status: number, message: string): Response {
  return new Response(`${message}\n`, {
    status,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff" },
  });
}

function searchRecord(search: URLSearchParams): Record<string, string[]> {
  const record: Record<string, string[]> = {};
  for (const [key, value] of search) (record[key] ??= []).push(value);
  return record;
}

/**
 * A CSV download of a report, behind the same guard as every tRPC procedure:
 * the caller's session (401), membership of the workspace (404 for a
 * workspace that is not theirs, as everywhere in the app), the
 * `reports.export` capability (403), then the period from the query string
 * (400 with the reason). Files are streamed in batches.
 */
export async function csvExport(ctx: Context, slug: string, search: URLSearchParams, kind: CsvExportKind): Promise<Response> {
  const api = createCaller(ctx);
  const period = periodFromSearchParams(searchRecord(search), defaultPeriods[kind]);
  let allowed;
  try {
    const workspace = await api.workspace.bySlug({ slug });
    allowed = await api.reports.exportScope({ workspaceId: workspace.id, period: period.input });
  } catch (error) {
    if (error instanceof TRPCError) {
      const status = getHTTPStatusCodeFromError(error);
      if (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST") {
        return problem(404, "No workspace of yours has that address. Check the link, or ask an owner of the workspace to invite you.");
      }
      if (error.code === "UNAUTHORIZED") return problem(401, "Sign in to download reports.");
      if (error.code === "FORBIDDEN") {
        return problem(403, `${error.message} Exporting reports needs the owner, admin or finance role.`);
      }
      return problem(status, error.message);
    }
    throw error;
  }
  if (period.error) {
    return problem(400, `${period.error} Give ?period=7d, 30d, 90d or 365d, or ?from=YYYY-MM-DD&to=YYYY-MM-DD (both days included).`);
  }

  const { workspace, scope } = allowed;
  const headers = {
    "content-type": CSV_CONTENT_TYPE,
    "content-disposition": attachmentDisposition(exportFileName(kind, workspace.slug, workspace.mode, scope.period)),
    "cache-control": "no-store, private",
    "x-content-type-options": "nosniff",
  };
  if (kind === "lift-summary") {
    const report = await getLiftReport(ctx.db, scope);
    return new Response(toCsv(liftSummaryColumns, liftSummaryRows(report)), { headers });
  }
  const body =
    kind === "lift-cases"
      ? csvStream(liftCaseColumns, liftCaseRowBatches(ctx.db, scope))
      : kind === "overview-cases"
        ? csvStream(overviewCaseColumns, overviewCaseRowBatches(ctx.db, scope))
        : csvStream(journalColumns, journalRowBatches(ctx.db, scope));
  return new Response(body, { headers });
}
