import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getDb } from "@/server/db";
import { env } from "@/server/env";
import { extractLinks, getOutboxMessage } from "@/server/queries/outbox";

export const metadata: Metadata = { title: "Email" };
export const dynamic = "force-dynamic";

export default async function MailboxMessagePage({ params }: { params: Promise<{ id: string }> }) {
  if (!env().devMailbox) notFound();
  const { id } = await params;
  const message = /^[0-9a-f-]{36}$/.test(id) ? await getOutboxMessage(await getDb(), { id }) : null;
  if (!message) notFound();
  const links = extractLinks(message.html);
  return (
    <main id="main" className="mx-auto max-w-4xl px-4 py-8">
      <Link href="/dev/mailbox" className="text-sm font-medium text-brand-700 underline">
        ← All emails
      </Link>
      <h1 className="mt-4 text-xl font-semibold tracking-tight">{message.subject}</h1>
      <dl className="mt-2 grid grid-cols-[4rem_1fr] gap-x-2 gap-y-1 text-sm text-zinc-600">
        <dt>From</dt>
        <dd className="break-all">{message.from}</dd>
        <dt>To</dt>
        <dd className="break-all">{message.to}</dd>
        <dt>Sent</dt>
        <dd>{message.createdAt.toISOString()}</dd>
      </dl>
      {links.length > 0 ? (
        <section className="mt-4 rounded-md border border-zinc-200 bg-white p-3" aria-labelledby="links-heading">
          <h2 id="links-heading" className="text-sm font-medium text-zinc-900">
            Links in this email
          </h2>
          <ul className="mt-1 space-y-1 text-sm">
            {links.map((href) => (
              <li key={href} className="break-all">
                <a href={href} className="text-brand-700 underline">
                  {href}
                </a>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      <h2 className="mt-6 text-sm font-medium text-zinc-900">As the recipient sees it</h2>
      {/* Sandboxed: the email's HTML runs no script and cannot touch this page. */}
      <iframe
        title={`Email: ${message.subject}`}
        srcDoc={message.html}
        sandbox="allow-popups allow-popups-to-escape-sandbox"
        className="mt-2 h-[640px] w-full rounded-xl border border-zinc-200 bg-white"
      />
      <details className="mt-4 rounded-md border border-zinc-200 bg-white p-3">
        <summary className="cursor-pointer text-sm font-medium">Plain-text part</summary>
        <pre className="mt-2 whitespace-pre-wrap break-words text-sm text-zinc-700">{message.text}</pre>
      </details>
    </main>
  );
}
