import type { Metadata } from "next";
import Link from "next/link";
import { redirect } from "next/navigation";
import { AuthCard } from "@/components/auth-card";
import { Alert } from "@/components/ui/card";
import { currentUser } from "@/server/auth";
import { safeCallbackPath } from "@/server/auth/redirect";
import { env } from "@/server/env";
import { SignInForm } from "./sign-in-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackPath(params.callbackUrl);
  if (await currentUser()) redirect(callbackUrl);
  const config = env();
  return (
    <AuthCard title="Sign in to Reclaim">
      <div className="space-y-4">
        {params.signedOut ? <Alert tone="success">You are signed out.</Alert> : null}
        <p className="text-sm text-zinc-600">
          We will email you a link that signs you in. No password to remember. New here? The same link creates your account.
        </p>
        <SignInForm callbackUrl={callbackUrl} />
        {config.emailTransport === "outbox" ? (
          <p className="rounded-md bg-amber-50 px-3 py-2 text-xs text-amber-900">
            Sandbox email: the link is not sent anywhere. It is printed in the server log
            {config.devMailbox ? (
              <>
                {" "}
                and shown in the{" "}
                <Link className="font-medium underline" href="/dev/mailbox">
                  dev mailbox
                </Link>
              </>
            ) : null}
            .
          </p>
        ) : null}
      </div>
    </AuthCard>
  );
}
