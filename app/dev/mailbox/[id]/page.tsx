import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/server/db";
import { env } from "@/server/env";
import { EmailMessageView } from "@/components/email-message-view";
import { getOutboxMessage } from "@/server/queries/outbox";

export const metadata: Metadata = { title: "Email" };
export const dynamic = "force-dynamic";

export default async function MailboxMessagePage({ params }: { params: Promise<{ id: string }> }) {
  if (!env().devMailbox) notFound();
  const { id } = await params;
  const message = /^[0-9a-f-]{36}$/.test(id) ? await getOutboxMessage(await getDb(), { id }) : null;
  if (!message) notFound();
  return (
    <main id="main" className="mx-auto max-w-4xl px-4 py-8">
      <Link href="/dev/mailbox" className="text-sm font-medium text-brand-700 underline">
        ← All emails
      </Link>
      <EmailMessageView message={message} />
    </main>
  );
}
