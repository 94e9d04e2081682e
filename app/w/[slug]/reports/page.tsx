import type { Metadata } from "next";
import { FileChartColumn } from "lucide-react";
import { EmptyState, PageHeader } from "@/components/ui/empty-state";
import { getConsoleWorkspace } from "@/server/console";

export const metadata: Metadata = { title: "Reports" };

export default async function Page({ params }: { params: Promise<{ slug: string }> }) {
  await getConsoleWorkspace((await params).slug);
  return (
    <>
      <PageHeader title="Reports" description="Figures finance can check: holdout lift and recovered revenue, exported as CSV." />
      <EmptyState
        icon={FileChartColumn}
        title="No reports yet"
        items={["Holdout lift with a 95% confidence interval", "Recovered-revenue journal for the books", "CSV exports of summary and case rows", "A print-friendly page"]}
      >
        Once recoveries have closed, the holdout-lift report compares customers who got outreach with a group that got none, with confidence intervals, and exports the rows behind every figure.
      </EmptyState>
    </>
  );
}
