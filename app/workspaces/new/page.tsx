import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth-card";
import { getServerApi } from "@/server/api/server";
import { requireUser } from "@/server/auth/require-user";
import { CreateWorkspaceForm } from "./create-workspace-form";

export const metadata: Metadata = { title: "Create a workspace" };

export default async function NewWorkspacePage() {
  const user = await requireUser("/workspaces/new");
  const workspaces = await (await getServerApi()).workspace.list();
  const first = workspaces.length === 0;
  return (
    <AuthCard title={first ? `Welcome${user.name ? `, ${user.name}` : ""}: create your workspace` : "Create a workspace"}>
      <div className="space-y-4 text-sm text-zinc-600">
        <p>
          A workspace is one merchant: its billing connection, recovery sequences, branding and team. It starts in{" "}
          <strong className="text-zinc-900">sandbox mode</strong>, with simulated customers and payments, so you can try
          everything before connecting real billing.
        </p>
        <CreateWorkspaceForm />
        {!first ? (
          <Link href="/" className="inline-block font-medium text-brand-700 underline">
            Back to my workspaces
          </Link>
        ) : null}
      </div>
    </AuthCard>
  );
}
