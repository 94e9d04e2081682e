import type { Metadata } from "next";
import { LayoutDashboard } from "lucide-react";
import { ButtonLink } from "@/components/ui/button";
import { EmptyState, PageHeader } from "@/components/ui/empty-state";
import { getConsoleWorkspace } from "@/server/console";

export const metadata: Metadata = { title: "Overview" };

export default async function OverviewPage({ params }: { params: Promise<{ slug: string }> }) {
  const { workspace } = await getConsoleWorkspace((await params).slug);
  return (
    <>
      <PageHeader title="Overview" description={`What Reclaim has saved for ${workspace.name}, and what is still at risk.`} />
      <EmptyState
        icon={LayoutDashboard}
        title="No recoveries yet"
        items={[
          "Recovered revenue, per currency, against the previous period",
          "Revenue still at risk, by dunning step",
          "Recovery rate and active recoveries",
          "Lift over the no-outreach holdout group",
        ]}
        action={
          <div className="flex flex-col gap-2 sm:flex-row">
            <ButtonLink href={`/w/${workspace.slug}/integrations`}>Connect billing</ButtonLink>
            <ButtonLink href={`/w/${workspace.slug}/team`} variant="secondary">
              Invite your team
            </ButtonLink>
          </div>
        }
      >
        When a subscription payment fails, Reclaim opens a recovery and this page fills with what was saved and why.
        {workspace.mode === "sandbox" ? " This workspace is in sandbox mode: simulated failures will show here too." : ""}
      </EmptyState>
    </>
  );
}
