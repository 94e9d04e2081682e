import { Download, Lock } from "lucide-react";
import { buttonClass } from "@/components/ui/button";
import type { PeriodInput } from "@/server/analytics/period";
import { periodSearchParams } from "@/server/analytics/period";

export type ReportFile = "lift-summary" | "lift-cases" | "journal" | "overview-cases";

const filePaths: Record<ReportFile, string> = {
  "lift-summary": "reports/lift-summary.csv",
  "lift-cases": "reports/lift-cases.csv",
  journal: "reports/journal.csv",
  "overview-cases": "overview/cases.csv",
};

export function reportFileHref(slug: string, file: ReportFile, period: PeriodInput): string {
  return `/w/${slug}/${filePaths[file]}?${new URLSearchParams(periodSearchParams(period)).toString()}`;
}

/** A plain link the browser downloads (the route answers with Content-Disposition: attachment). */
export function DownloadLink({
  slug,
  file,
  period,
  children,
  variant = "secondary",
}: {
  slug: string;
  file: ReportFile;
  period: PeriodInput;
  children: string;
  variant?: "primary" | "secondary";
}) {
  return (
    <a href={reportFileHref(slug, file, period)} download className={buttonClass(variant, "whitespace-nowrap print:hidden")}>
      <Download className="size-4" aria-hidden="true" />
      {children}
    </a>
  );
}

/** Shown instead of the downloads to a role that may read but not export. */
export function ExportNotAllowed({ role }: { role: string }) {
  return (
    <p className="flex items-start gap-2 text-sm text-zinc-600 print:hidden">
      <Lock className="mt-0.5 size-4 shrink-0 text-zinc-400" aria-hidden="true" />
      <span>Your role ({role}) can read reports but not export them. Owners, admins and finance members can download the CSV files.</span>
    </p>
  );
}
