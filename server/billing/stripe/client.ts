import Stripe from "stripe";

/** The API version Reclaim is written against: the SDK's own pinned version (stripe@23). */
export const STRIPE_API_VERSION = "2026-10-28.endive" as const;

export type StripeClientOptions = {
  /** A restricted or secret key, an OAuth access token, or the platform's key (with `stripeAccount` per call). */
  apiKey: string;
  /** Another address for the API (a local server in tests: STRIPE_API_URL). */
  apiUrl?: string | null;
};

/**
 * A Stripe SDK client. The SDK itself retries connection errors, 409s and 5xx answers (two more
 * tries, exponential backoff; POSTs keep their idempotency key across them); rate limits (429) are
 * retried by `withRateLimitRetries` below, since the SDK leaves those to the caller.
 */
export function createStripeClient(options: StripeClientOptions): Stripe {
  const base = options.apiUrl ? new URL(options.apiUrl) : null;
  return new Stripe(options.apiKey, {
    apiVersion: STRIPE_API_VERSION,
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    appInfo: { name: "Reclaim" },
    ...(base
      ? {
          host: base.hostname,
          port: base.port || (base.protocol === "https:" ? "443" : "80"),
          protocol: base.protocol === "https:" ? ("https" as const) : ("http" as const),
        }
      : {}),
  });
}

export const isStripeError = (error: unknown): error is Stripe.errors.StripeError => error instanceof Stripe.errors.StripeError;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a Stripe call again when Stripe answers 429 (rate limited): after the Retry-After it sends, or
 * 0.5 s, 1 s, 2 s… with jitter, at most `attempts` tries in all. A rate-limited request was not
 * processed, so trying again cannot do it twice; calls with side effects carry idempotency keys anyway.
 */
export async function withRateLimitRetries<T>(call: () => Promise<T>, options: { attempts?: number; baseMs?: number; sleep?: (ms: number) => Promise<void> } = {}): Promise<T> {
  const attempts = options.attempts ?? 4;
  const baseMs = options.baseMs ?? 500;
  const wait = options.sleep ?? sleep;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (!(error instanceof Stripe.errors.StripeRateLimitError) || attempt >= attempts) throw error;
      const retryAfter = Number(error.headers?.["retry-after"]);
      const backoff = baseMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
      await wait(Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, 10_000) : backoff);
    }
  }
}
