import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { createElement, type ReactElement } from "react";
import DunningEmail, { dunningSubject } from "@/emails/dunning";
import ReceiptEmail, { receiptSubject } from "@/emails/receipt";
import SignInEmail from "@/emails/sign-in";
import TeamInvitationEmail from "@/emails/team-invitation";
import { Logo } from "@/components/logo";
import { env } from "@/server/env";
import { renderEmail } from "@/server/mail/render";
import { defaultPolicy, tones } from "@/server/recovery/policy";

export const metadata: Metadata = { title: "Email templates" };
export const dynamic = "force-dynamic";

type Preview = { id: string; title: string; file: string; subject: string; element: ReactElement };

/** Every template in emails/ with its preview props; the dunning email once per tone, with the default sequence's copy. */
function previews(): Preview[] {
  const dunning = tones.map((tone): Preview => {
    const step = defaultPolicy.emails.find((s) => s.tone === tone) ?? { ...DunningEmail.PreviewProps.step, tone };
    const props = { ...DunningEmail.PreviewProps, step };
    return {
      id: `dunning-${tone}`,
      title: `Dunning: ${tone} (day ${step.day})`,
      file: "emails/dunning.tsx",
      subject: dunningSubject(props),
      element: createElement(DunningEmail, props),
    };
  });
  return [
    {
      id: "sign-in",
      title: "Sign-in link",
      file: "emails/sign-in.tsx",
      subject: "Your sign-in link for Reclaim",
      element: createElement(SignInEmail, SignInEmail.PreviewProps),
    },
    {
      id: "team-invitation",
      title: "Team invitation",
      file: "emails/team-invitation.tsx",
      subject: `${TeamInvitationEmail.PreviewProps.inviterName} invited you to ${TeamInvitationEmail.PreviewProps.workspaceName} on Reclaim`,
      element: createElement(TeamInvitationEmail, TeamInvitationEmail.PreviewProps),
    },
    ...dunning,
    {
      id: "receipt",
      title: "Receipt",
      file: "emails/receipt.tsx",
      subject: receiptSubject(ReceiptEmail.PreviewProps),
      element: createElement(ReceiptEmail, ReceiptEmail.PreviewProps),
    },
  ];
}

/**
 * Every email template rendered with its preview props, for developers. Only served when
 * DEV_MAILBOX is on, like the dev mailbox. `npm run email` writes the same emails to files.
 */
export default async function EmailTemplatesPage() {
  if (!env().devMailbox) notFound();
  const rendered = await Promise.all(previews().map(async (p) => ({ ...p, ...(await renderEmail(p.element)) })));
  return (
    <main id="main" className="mx-auto max-w-4xl px-4 py-8">
      <div className="mb-6 flex flex-wrap items-center justify-between gap-4">
        <Logo />
        <span className="rounded-full bg-amber-100 px-3 py-1 text-xs font-medium text-amber-900">Preview data: nothing here is sent</span>
      </div>
      <h1 className="text-2xl font-semibold tracking-tight">Email templates</h1>
      <p className="mt-1 text-sm text-zinc-600">
        Each template in <code>emails/</code> rendered with its preview props. Emails that were really sent are in the{" "}
        <Link href="/dev/mailbox" className="font-medium text-brand-700 underline">
          dev mailbox
        </Link>
        .
      </p>
      <nav aria-label="Templates" className="mt-4">
        <ul className="flex flex-wrap gap-2 text-sm">
          {rendered.map((p) => (
            <li key={p.id}>
              <a href={`#${p.id}`} className="inline-flex min-h-9 items-center rounded-md border border-zinc-300 bg-white px-3 hover:bg-zinc-50">
                {p.title}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      {rendered.map((p) => (
        <section key={p.id} id={p.id} aria-labelledby={`${p.id}-heading`} className="mt-10 scroll-mt-4">
          <h2 id={`${p.id}-heading`} className="text-lg font-semibold tracking-tight">
            {p.title}
          </h2>
          <dl className="mt-1 grid grid-cols-[4.5rem_1fr] gap-x-2 gap-y-1 text-sm text-zinc-600">
            <dt>Subject</dt>
            <dd className="break-words">{p.subject}</dd>
            <dt>Template</dt>
            <dd>
              <code>{p.file}</code>
            </dd>
          </dl>
          {/* Fully sandboxed: the email's HTML runs no script and cannot touch this page. */}
          <iframe
            title={`Email preview: ${p.title}`}
            srcDoc={p.html}
            sandbox=""
            className="mt-3 h-[880px] w-full rounded-xl border border-zinc-200 bg-white"
          />
          <details className="mt-3 rounded-md border border-zinc-200 bg-white p-3">
            <summary className="cursor-pointer text-sm font-medium">Plain-text part</summary>
            <pre className="mt-2 whitespace-pre-wrap break-words text-sm text-zinc-700">{p.text}</pre>
          </details>
        </section>
      ))}
    </main>
  );
}
