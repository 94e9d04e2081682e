import type { Metadata } from "next";
import Link from "next/link";
import { MailCheck } from "lucide-react";
import { AuthCard } from "@/components/auth-card";
import { ButtonLink } from "@/components/ui/button";
import { env } from "@/server/env";

export const metadata: Metadata = { title: "Check your email" };
export const dynamic = "force-dynamic";

export default function CheckEmailPage() {
  const config = env();
  return (
    <AuthCard title="Check your email">
      <div className="space-y-4 text-sm text-zinc-600">
        <MailCheck className="size-8 text-brand-600" aria-hidden="true" />
        <p>We sent you a sign-in link. It works once and expires in 15 minutes.</p>
        {config.devMailbox ? (
          <>
            <p>This server uses the sandbox outbox, so the email is waiting in the dev mailbox (and in the server log).</p>
            <ButtonLink href="/dev/mailbox" className="w-full">
              Open the dev mailbox
            </ButtonLink>
          </>
        ) : (
          <p>No email after a few minutes? Check your spam folder, or ask for a new link.</p>
        )}
        <Link href="/sign-in" className="inline-block font-medium text-brand-700 underline">
          Use a different email
        </Link>
      </div>
    </AuthCard>
  );
}
