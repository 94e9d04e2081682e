import type { Metadata } from "next";
import { Workflow } from "lucide-react";
import { EmptyState, PageHeader } from "@/components/ui/empty-state";
import { getConsoleWorkspace } from "@/server/console";

export const metadata: Metadata = { title: "Sequences" };

export default async function Page({ params }: { params: Promise<{ slug: string }> }) {
  await getConsoleWorkspace((await params).slug);
  return (
    <>
      <PageHeader title="Sequences" description="The dunning policy: when to retry, what to say, and what happens at the end." />
      <EmptyState
        icon={Workflow}
        title="The recovery sequence is not set up yet"
        items={["Retries per decline category, payday-aware", "Emails by day, escalating from friendly to final", "Grace period and final action", "Holdout share for measuring lift"]}
      >
        A sequence decides, per decline reason, when Reclaim retries a charge, which branded emails go out over about four weeks, the grace period, and the final action.
      </EmptyState>
    </>
  );
}
