import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { EmailDeliveryError, outboxTransport, resendTransport, type EmailEnvelope } from "@/server/mail/transport";

/**
 * A local server that speaks the part of Resend's API the transport uses:
 * POST /emails with a Bearer key, a JSON body and an Idempotency-Key header,
 * answering 200 {"id"} or an error object {statusCode, name, message}.
 */
type Received = { method: string; url: string; headers: http.IncomingHttpHeaders; body: unknown };
type Reply = { status: number; body: string; contentType?: string };

const API_KEY = "re_test_0123456789";
const received: Received[] = [];
let nextReplies: Reply[] = [];

const json = (status: number, body: unknown): Reply => ({ status, body: JSON.stringify(body) });
const resendError = (statusCode: number, name: string, message: string) => json(statusCode, { statusCode, name, message });

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: unknown = raw;
    try {
      body = JSON.parse(raw);
    } catch {
      // keep the raw text: the assertion on the body will show it
    }
    received.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });

    let reply: Reply;
    if (req.headers.authorization !== `Bearer ${API_KEY}`) {
      reply = resendError(401, "missing_api_key", "Missing API key in the authorization header.");
    } else if (req.method !== "POST" || req.url !== "/emails") {
      reply = resendError(404, "not_found", "The requested endpoint does not exist.");
    } else {
      reply = nextReplies.shift() ?? json(200, { id: `email-${received.length}` });
    }
    res.writeHead(reply.status, { "Content-Type": reply.contentType ?? "application/json" });
    res.end(reply.body);
  });
});

let baseUrl: string;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
});

beforeEach(() => {
  received.length = 0;
  nextReplies = [];
});

const envelope = (overrides: Partial<EmailEnvelope> = {}): EmailEnvelope => ({
  idempotencyKey: "dunning:case_123:step_1",
  from: "Acme Billing <billing@acme.com>",
  to: "customer@example.com",
  subject: "Your payment didn't go through",
  html: "<p>Please <a href=\"https://pay.acme.com/u/abc\">update your card</a>.</p>",
  text: "Please update your card: https://pay.acme.com/u/abc",
  ...overrides,
});

/** Delivers expecting a refusal, and returns the EmailDeliveryError. */
async function refusal(promise: Promise<unknown>): Promise<EmailDeliveryError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof EmailDeliveryError) return error;
    throw error;
  }
  throw new Error("the delivery was not refused");
}

describe("resendTransport", () => {
  it("is named resend", () => {
    expect(resendTransport(API_KEY, baseUrl).name).toBe("resend");
  });

  it("POSTs the email to /emails with the API key, the idempotency key and a JSON body", async () => {
    nextReplies = [json(200, { id: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c" })];
    const message = envelope();

    const result = await resendTransport(API_KEY, baseUrl).deliver(message);

    expect(result).toEqual({ providerMessageId: "4ef9a417-02e9-4d39-ad75-9611e0fcc33c" });
    expect(received).toHaveLength(1);
    const request = received[0]!;
    expect(request.method).toBe("POST");
    expect(request.url).toBe("/emails");
    expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(request.headers["idempotency-key"]).toBe("dunning:case_123:step_1");
    expect(request.headers["content-type"]).toBe("application/json");
    // Exactly these fields: nothing else (no stray undefined-turned-null fields).
    expect(request.body).toEqual({
      from: message.from,
      to: message.to,
      subject: message.subject,
      html: message.html,
      text: message.text,
    });
  });

  it("sends each email's own idempotency key", async () => {
    const transport = resendTransport(API_KEY, baseUrl);
    await transport.deliver(envelope({ idempotencyKey: "sign-in:aaa", to: "a@example.com" }));
    await transport.deliver(envelope({ idempotencyKey: "sign-in:bbb", to: "b@example.com" }));
    expect(received.map((r) => r.headers["idempotency-key"])).toEqual(["sign-in:aaa", "sign-in:bbb"]);
    expect(received.map((r) => (r.body as { to: string }).to)).toEqual(["a@example.com", "b@example.com"]);
  });

  it("turns a 422 validation error into a permanent EmailDeliveryError", async () => {
    nextReplies = [resendError(422, "validation_error", "Invalid `to` field. The email address needs to follow the `email@example.com` format.")];
    const error = await refusal(resendTransport(API_KEY, baseUrl).deliver(envelope({ to: "not-an-address" })));
    expect(error.name).toBe("EmailDeliveryError");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("not-an-address");
    expect(error.message).toContain("Invalid `to` field");
    expect(received).toHaveLength(1);
  });

  it("turns a 500 into a retryable EmailDeliveryError", async () => {
    nextReplies = [resendError(500, "internal_server_error", "An unexpected error occurred.")];
    const error = await refusal(resendTransport(API_KEY, baseUrl).deliver(envelope()));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("An unexpected error occurred.");
    expect(error.message).toContain("customer@example.com");
  });

  it("treats rate limiting (429) as retryable", async () => {
    nextReplies = [resendError(429, "rate_limit_exceeded", "Too many requests. You can only make 2 requests per second.")];
    const error = await refusal(resendTransport(API_KEY, baseUrl).deliver(envelope()));
    expect(error.retryable).toBe(true);
  });

  it.each([
    [403, "validation_error", "The acme.com domain is not verified."],
    [409, "invalid_idempotent_request", "Same idempotency key used with a different request payload."],
    [400, "invalid_idempotency_key", "The key must be between 1-256 chars."],
  ])("treats a %i %s as permanent", async (status, name, message) => {
    nextReplies = [resendError(status, name, message)];
    const error = await refusal(resendTransport(API_KEY, baseUrl).deliver(envelope()));
    expect(error.retryable).toBe(false);
    expect(error.message).toContain(message);
  });

  it("treats a wrong API key (401) as permanent", async () => {
    const error = await refusal(resendTransport("re_wrong_key", baseUrl).deliver(envelope()));
    expect(received[0]!.headers.authorization).toBe("Bearer re_wrong_key");
    expect(error.retryable).toBe(false);
    expect(error.message).toContain("Missing API key");
  });

  it("treats a 409 concurrent_idempotent_requests as retryable", async () => {
    nextReplies = [
      resendError(409, "concurrent_idempotent_requests", "Same idempotency key used while original request is still in progress."),
    ];
    const error = await refusal(resendTransport(API_KEY, baseUrl).deliver(envelope()));
    expect(error.retryable).toBe(true);
  });

  it("treats a gateway error with a non-JSON body as retryable", async () => {
    nextReplies = [{ status: 502, body: "<html><body>502 Bad Gateway</body></html>", contentType: "text/html" }];
    const error = await refusal(resendTransport(API_KEY, baseUrl).deliver(envelope()));
    expect(error).toBeInstanceOf(EmailDeliveryError);
    expect(error.retryable).toBe(true);
  });

  it("treats an unreachable API as retryable", async () => {
    // A port that was just free: nothing listens on it any more.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));

    const error = await refusal(resendTransport(API_KEY, `http://127.0.0.1:${port}`).deliver(envelope()));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("customer@example.com");
  });

  it("treats a 200 whose body is null as a retryable failure, not a delivery", async () => {
    nextReplies = [{ status: 200, body: "null" }];
    const error = await refusal(resendTransport(API_KEY, baseUrl).deliver(envelope()));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain("no answer");
  });
});

describe("outboxTransport", () => {
  it("delivers by being recorded: no provider id and no network", async () => {
    expect(outboxTransport.name).toBe("outbox");
    expect(await outboxTransport.deliver(envelope())).toEqual({ providerMessageId: null });
    expect(received).toHaveLength(0);
  });
});
