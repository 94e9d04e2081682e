import type { Metadata } from "next";
import Link from "next/link";
import { ModeBadge } from "@/components/console/mode-banner";
import { Card, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/empty-state";
import { can } from "@/server/auth/permissions";
import { getConsoleWorkspace } from "@/server/console";
import { RenameWorkspaceForm } from "./rename-form";

export const metadata: Metadata = { title: "Settings" };

export default async function SettingsPage({ params }: { params: Promise<{ slug: string }> }) {
  const { workspace } = await getConsoleWorkspace((await params).slug);
  const canManage = can(workspace.role, "workspace.manage");
  return (
    <>
      <PageHeader title="Settings" description="The workspace's name, mode and identifiers." />
      <div className="space-y-6">
        <Card>
          <CardHeader title="Workspace name" description="Shown to your team, and as the sender name until branding is set up." />
          <div className="p-5">
            {canManage ? (
              <RenameWorkspaceForm workspaceId={workspace.id} name={workspace.name} />
            ) : (
              <p className="text-sm text-zinc-700">
                {workspace.name} <span className="text-zinc-500">(only owners and admins can rename it)</span>
              </p>
            )}
          </div>
        </Card>
        <Card>
          <CardHeader title="Mode" />
          <div className="space-y-2 p-5 text-sm text-zinc-600">
            <p className="flex items-center gap-2">
              This workspace is in <ModeBadge mode={workspace.mode} /> mode.
            </p>
            <p>
              {workspace.mode === "sandbox"
                ? "Sandbox workspaces use simulated customers, payments and an outbox instead of real email. Connect Stripe with live-mode keys under Integrations, then switch to live there."
                : "Live workspaces act on real customers and real payments through the connected Stripe account. Disconnecting Stripe under Integrations brings the workspace back to the sandbox."}{" "}
              <Link href={`/w/${workspace.slug}/integrations`} className="font-medium text-brand-700 underline underline-offset-2">
                Open Integrations
              </Link>
            </p>
          </div>
        </Card>
        <Card>
          <CardHeader title="Identifiers" description="For the CLI, the API and support requests." />
          <dl className="grid gap-4 p-5 text-sm sm:grid-cols-2">
            <div>
              <dt className="text-zinc-500">Workspace ID</dt>
              <dd className="mt-1 break-all font-mono text-zinc-900">{workspace.id}</dd>
            </div>
            <div>
              <dt className="text-zinc-500">Address</dt>
              <dd className="mt-1 font-mono text-zinc-900">/w/{workspace.slug}</dd>
            </div>
          </dl>
        </Card>
      </div>
    </>
  );
}
