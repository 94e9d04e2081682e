import type { Metadata } from "next";
import { RotateCcw } from "lucide-react";
import { EmptyState, PageHeader } from "@/components/ui/empty-state";
import { getConsoleWorkspace } from "@/server/console";

export const metadata: Metadata = { title: "Recoveries" };

export default async function Page({ params }: { params: Promise<{ slug: string }> }) {
  await getConsoleWorkspace((await params).slug);
  return (
    <>
      <PageHeader title="Recoveries" description="Every failed payment Reclaim is working on, and how each one ended." />
      <EmptyState
        icon={RotateCcw}
        title="No recoveries to show"
        items={["Filters by status, decline reason and cohort", "A timeline per case: retries, emails, card updates", "Search by customer or invoice", "How hard each recovery was, and what closed it"]}
      >
        Each failed invoice becomes a recovery case here, with its decline reason, planned retries and emails, and a timeline of everything that happened and why.
      </EmptyState>
    </>
  );
}
