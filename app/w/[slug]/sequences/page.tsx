import type { Metadata } from "next";
import { Badge } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/empty-state";
import { HISTORY_LIMIT } from "@/server/api/routers/sequence";
import { can } from "@/server/auth/permissions";
import { getConsoleWorkspace } from "@/server/console";
import { SequenceEditor } from "./sequence-editor";
import { VersionHistory } from "./version-history";

export const metadata: Metadata = { title: "Sequences" };

const savedOn = new Intl.DateTimeFormat("en-GB", { dateStyle: "medium", timeZone: "UTC" });

export default async function SequencesPage({ params }: { params: Promise<{ slug: string }> }) {
  const { workspace, api } = await getConsoleWorkspace((await params).slug);
  const sequence = await api.sequence.get({ workspaceId: workspace.id });
  const canManage = can(workspace.role, "workspace.manage");
  const current = sequence.history.find((v) => v.current);
  return (
    <>
      <PageHeader
        title="Sequences"
        description="The dunning policy: when Reclaim retries a failed charge, which emails the customer gets, and what happens at the end."
        action={
          <div className="flex items-center gap-2 text-sm text-zinc-600">
            <Badge tone="brand">Version {sequence.version}</Badge>
            <span>
              saved {savedOn.format(sequence.savedAt)}
              {current?.savedBy ? ` by ${current.savedBy}` : ""}
            </span>
          </div>
        }
      />
      <div className="space-y-6">
        <SequenceEditor
          workspaceId={workspace.id}
          workspaceName={workspace.name}
          role={workspace.role}
          canManage={canManage}
          version={sequence.version}
          policy={sequence.policy}
        />
        <VersionHistory versions={sequence.history} limit={HISTORY_LIMIT} />
      </div>
    </>
  );
}
