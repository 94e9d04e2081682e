import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Inbox } from "lucide-react";
import { Logo } from "@/components/logo";
import { EmptyState } from "@/components/ui/empty-state";
import { getDb } from "@/server/db";
import { env } from "@/server/env";
import { listOutbox } from "@/server/queries/outbox";

export const metadata: Metadata = { title: "Dev mailbox" };
export const dynamic = "force-dynamic";

const timeFormat = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "medium" });

/**
 * Every email the sandbox outbox holds, sign-in links included. Only served
 * when DEV_MAILBOX is on (the default outside production without Resend).
 */
export default async function MailboxPage({ searchParams }: { searchParams: Promise<{ to?: string }> }) {
  if (!env().devMailbox) notFound();
  const { to } = await searchParams;
  const messages = await listOutbox(await getDb(), { to: to?.slice(0, 254) });
  return (
    <main id="main" className="mx-auto max-w-4xl px-4 py-8">
      <div className="mb-6 flex flex-wrap items-center justify-between gap-4">
        <Logo />
        <span className="rounded-full bg-amber-100 px-3 py-1 text-xs font-medium text-amber-900">Sandbox outbox: nothing here was really sent</span>
      </div>
      <h1 className="text-2xl font-semibold tracking-tight">Dev mailbox</h1>
      <p className="mt-1 text-sm text-zinc-600">
        Emails this server would have sent. Newest first.{" "}
        {to ? (
          <>
            Showing mail to <strong>{to}</strong>.{" "}
            <Link href="/dev/mailbox" className="font-medium text-brand-700 underline">
              Show all
            </Link>
          </>
        ) : null}
      </p>
      <form className="mt-4 flex gap-2" action="/dev/mailbox">
        <label htmlFor="to" className="sr-only">
          Recipient
        </label>
        <input
          id="to"
          name="to"
          type="email"
          defaultValue={to}
          placeholder="Filter by recipient"
          className="min-h-10 flex-1 rounded-md border border-zinc-300 px-3 text-sm"
        />
        <button className="min-h-10 rounded-md border border-zinc-300 bg-white px-4 text-sm font-medium hover:bg-zinc-50">Filter</button>
      </form>
      <div className="mt-6">
        {messages.length === 0 ? (
          <EmptyState icon={Inbox} title="The outbox is empty">
            Sign-in links and invitations appear here as soon as they are sent. <Link className="font-medium text-brand-700 underline" href="/sign-in">Ask for a sign-in link</Link>.
          </EmptyState>
        ) : (
          <ul className="divide-y divide-zinc-100 rounded-xl border border-zinc-200 bg-white">
            {messages.map((m) => (
              <li key={m.id}>
                <Link href={`/dev/mailbox/${m.id}`} className="flex flex-col gap-1 px-4 py-3 hover:bg-zinc-50 sm:flex-row sm:items-center sm:gap-4">
                  <span className="min-w-0 flex-1">
                    <span className="block truncate text-sm font-medium text-zinc-900">{m.subject}</span>
                    <span className="block truncate text-sm text-zinc-500">To {m.to}</span>
                  </span>
                  <span className="text-xs text-zinc-500">{timeFormat.format(m.createdAt)}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </div>
    </main>
  );
}
