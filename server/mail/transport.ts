import { Resend } from "resend";

export type EmailEnvelope = {
  idempotencyKey: string;
  from: string;
  to: string;
  replyTo?: string | null;
  subject: string;
  html: string;
  text: string;
};

/** Something that delivers an email. The outbox transport delivers by being recorded. */
export interface EmailTransport {
  readonly name: "outbox" | "resend";
  deliver(message: EmailEnvelope): Promise<{ providerMessageId: string | null }>;
}

export const outboxTransport: EmailTransport = {
  name: "outbox",
  async deliver() {
    return { providerMessageId: null };
  },
};

export class EmailDeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = "EmailDeliveryError";
  }
}

/** Sends through Resend. The idempotency key makes a repeated call deliver once. */
export function resendTransport(apiKey: string, baseUrl?: string): EmailTransport {
  const client = new Resend(apiKey, baseUrl ? { baseUrl } : undefined);
  return {
    name: "resend",
    async deliver(message) {
      const { data, error } = await client.emails.send(
        {
          from: message.from,
          to: message.to,
          subject: message.subject,
          html: message.html,
          text: message.text,
          ...(message.replyTo ? { replyTo: message.replyTo } : {}),
        },
        { idempotencyKey: message.idempotencyKey },
      );
      if (error || !data) {
        const status = error?.statusCode ?? 0;
        throw new EmailDeliveryError(
          `Resend refused the email to ${message.to}: ${error?.message ?? "no answer"}`,
          // A 409 is retryable only when another request with this key is still
          // in flight; a key reused for a different email is permanent.
          status === 0 || status === 429 || status >= 500 || error?.name === "concurrent_idempotent_requests",
        );
      }
      return { providerMessageId: data.id };
    },
  };
}
