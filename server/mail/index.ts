import { getDb } from "@/server/db";
import { env } from "@/server/env";
import { createMailer, type Mailer } from "./mailer";
import { outboxTransport, resendTransport } from "./transport";

/** The process's mailer: Resend when RESEND_API_KEY is set, the sandbox outbox otherwise. */
export async function getMailer(): Promise<Mailer> {
  const config = env();
  const transport = config.RESEND_API_KEY
    ? resendTransport(config.RESEND_API_KEY, config.RESEND_BASE_URL)
    : outboxTransport;
  return createMailer(await getDb(), transport, config.EMAIL_FROM);
}
