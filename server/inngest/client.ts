import { Inngest } from "inngest";

/** INNGEST_DEV asks for dev mode with "1", "true" or the dev server's URL (the SDK's own reading). */
function devModeRequested(value: string | undefined): boolean {
  const raw = value?.trim().toLowerCase();
  return Boolean(raw) && raw !== "0" && raw !== "false";
}

/**
 * Dev mode talks to a local `inngest dev` server and accepts unsigned calls to
 * /api/inngest, so it is on only when INNGEST_DEV asks for it, and never in
 * production whatever the variable says. Otherwise the client is in cloud
 * mode: INNGEST_SIGNING_KEY verifies Inngest's calls and INNGEST_EVENT_KEY
 * lets the app send events (Inngest Cloud, or a self-hosted `inngest start`
 * given the same keys).
 */
export function inngestDevMode(source: Record<string, string | undefined>): boolean {
  return devModeRequested(source.INNGEST_DEV) && source.NODE_ENV !== "production";
}

if (process.env.NODE_ENV === "production" && devModeRequested(process.env.INNGEST_DEV)) {
  console.warn(
    "[reclaim] INNGEST_DEV is set in production: Inngest stays in cloud mode, which accepts signed calls only. Unset INNGEST_DEV, and set INNGEST_SIGNING_KEY and INNGEST_EVENT_KEY.",
  );
}

/** `isDev` is always passed, so the SDK never switches to dev mode on its own when it sees INNGEST_DEV. */
export const inngest = new Inngest({ id: "reclaim", isDev: inngestDevMode(process.env) });
