import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { EmailMessageView } from "@/components/email-message-view";
import { getConsoleWorkspace } from "@/server/console";

export const metadata: Metadata = { title: "Email" };

/** An email this workspace sent (or, in sandbox mode, recorded), as the customer saw it. Members only; other workspaces' mail is a 404. */
export default async function SandboxEmailPage({ params }: { params: Promise<{ slug: string; messageId: string }> }) {
  const { slug, messageId } = await params;
  const { workspace, api } = await getConsoleWorkspace(slug);
  let message;
  try {
    message = await api.recovery.outboxMessage({ workspaceId: workspace.id, messageId });
  } catch (error) {
    if (error instanceof TRPCError && (error.code === "NOT_FOUND" || error.code === "BAD_REQUEST")) notFound();
    throw error;
  }
  return (
    <>
      <div>
        <Link href={`/w/${workspace.slug}/${workspace.mode === "sandbox" ? "sandbox" : "recoveries"}`} className="text-sm font-medium text-brand-700 underline">
          ← {workspace.mode === "sandbox" ? "Sandbox" : "Recoveries"}
        </Link>
      </div>
      {message.transport === "outbox" ? (
        <p className="mt-3 inline-flex rounded-full bg-amber-100 px-3 py-1 text-xs font-medium text-amber-900">
          Sandbox outbox: this email was recorded, not sent
        </p>
      ) : null}
      <EmailMessageView message={message} />
    </>
  );
}
