import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { TRPCError } from "@trpc/server";
import { EmailMessageView } from "@/components/email-message-view";
import { getConsoleWorkspace } from "@/server/console";
import { withoutOpenPixel } from "@/server/messaging/tracking";
import { LocalTime } from "../../recoveries/_components/format";

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
      {message.kind === "dunning" ? (
        <p className="mt-3 text-sm text-zinc-600">
          {message.firstClickedAt ? (
            <>
              Opened <LocalTime date={message.firstOpenedAt ?? message.firstClickedAt} style="short" />; card-update link followed{" "}
              <LocalTime date={message.firstClickedAt} style="short" />
              {message.clickCount > 1 ? ` (${message.clickCount} visits)` : ""}.
            </>
          ) : message.firstOpenedAt ? (
            <>
              Opened <LocalTime date={message.firstOpenedAt} style="short" />
              {message.openCount > 1 ? ` (${message.openCount} times)` : ""}; the link has not been followed yet.
            </>
          ) : (
            "Not opened yet, as far as we know: opens are seen only when the mail client loads images."
          )}
        </p>
      ) : null}
      {/* The merchant reading it here is not the customer opening it: shown without the open pixel. */}
      <EmailMessageView message={{ ...message, html: withoutOpenPixel(message.html) }} />
    </>
  );
}
