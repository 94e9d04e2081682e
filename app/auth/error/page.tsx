import type { Metadata } from "next";
import { AuthCard } from "@/components/auth-card";
import { ButtonLink } from "@/components/ui/button";

export const metadata: Metadata = { title: "Sign-in problem" };

const messages: Record<string, { title: string; body: string }> = {
  Verification: {
    title: "This sign-in link no longer works",
    body: "Sign-in links work once and expire after 15 minutes. This one has been used already or has expired. Ask for a new one below.",
  },
  AccessDenied: { title: "Access denied", body: "This account is not allowed to sign in here." },
  Configuration: {
    title: "Sign-in is not set up correctly",
    body: "The server's sign-in configuration has a problem. If you run this server, check its log; otherwise, try again later.",
  },
};

const fallback = { title: "We could not sign you in", body: "Something went wrong while signing you in. Ask for a new link and try again." };

export default async function AuthErrorPage({ searchParams }: { searchParams: Promise<{ error?: string }> }) {
  const { error } = await searchParams;
  const message = (error && messages[error]) || fallback;
  return (
    <AuthCard title={message.title}>
      <div className="space-y-5 text-sm text-zinc-600">
        <p>{message.body}</p>
        <ButtonLink href="/sign-in" className="w-full">
          Get a new sign-in link
        </ButtonLink>
      </div>
    </AuthCard>
  );
}
