import type { Metadata } from "next";
import Link from "next/link";
import { AuthCard } from "@/components/auth-card";
import { buttonClass } from "@/components/ui/button";
import { toCallbackPath } from "@/server/auth/magic-link";

export const metadata: Metadata = { title: "Confirm sign-in" };

const one = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/**
 * The page an emailed link opens. Signing in takes a click, so a mail scanner
 * that follows links cannot spend the single-use token first.
 */
export default async function VerifyPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const token = one(params.token);
  const email = one(params.email);
  if (!token || !email || token.length > 200 || email.length > 254) {
    return (
      <AuthCard title="This link is incomplete">
        <p className="text-sm text-zinc-600">
          The sign-in link is missing a part. Copy the whole address from the email, or{" "}
          <Link className="font-medium text-brand-700 underline" href="/sign-in">
            ask for a new link
          </Link>
          .
        </p>
      </AuthCard>
    );
  }
  const href = toCallbackPath({ token, email, callbackUrl: one(params.callbackUrl) ?? "/" });
  return (
    <AuthCard title="Sign in to Reclaim">
      <div className="space-y-4 text-sm text-zinc-600">
        <p>
          Continue as <strong className="text-zinc-900">{email}</strong>.
        </p>
        <a href={href} className={buttonClass("primary", "w-full")}>
          Sign in
        </a>
        <p className="text-xs text-zinc-500">Not you? Close this page; nobody is signed in until the button is pressed.</p>
      </div>
    </AuthCard>
  );
}
