"use server";

import { AuthError } from "next-auth";
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { signIn, signOut } from "@/server/auth";
import { safeCallbackPath } from "@/server/auth/redirect";

export type SignInState = { error?: string; email?: string };

const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email("Enter a valid email address, like ada@example.com.").max(254, "That email address is too long."));

export async function requestSignInLink(_prev: SignInState, form: FormData): Promise<SignInState> {
  const raw = form.get("email");
  const parsed = emailSchema.safeParse(typeof raw === "string" ? raw : "");
  if (!parsed.success) {
    return { error: parsed.error.issues[0]?.message ?? "Enter a valid email address.", email: String(raw ?? "") };
  }
  try {
    await signIn("email", { email: parsed.data, redirectTo: safeCallbackPath(form.get("callbackUrl")) });
    return {};
  } catch (error) {
    unstable_rethrow(error); // the redirect to "check your email"
    console.error("[auth] sending a sign-in link failed:", error);
    return {
      email: parsed.data,
      error:
        error instanceof AuthError
          ? "We could not send the sign-in email. Try again in a minute; if it keeps failing, check the email settings (RESEND_API_KEY, EMAIL_FROM)."
          : "Something went wrong on our side. Try again.",
    };
  }
}

export async function signOutAction(): Promise<void> {
  await signOut({ redirectTo: "/sign-in?signedOut=1" });
}
