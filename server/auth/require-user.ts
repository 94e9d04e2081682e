import "server-only";
import { redirect } from "next/navigation";
import { currentUser, type SignedInUser } from "./index";

/** For pages: the signed-in user, or a redirect to sign in and come back to `returnTo`. */
export async function requireUser(returnTo: string): Promise<SignedInUser> {
  const user = await currentUser();
  if (!user) redirect(`/sign-in?callbackUrl=${encodeURIComponent(returnTo)}`);
  return user;
}
