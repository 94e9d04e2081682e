import { z } from "zod";

/**
 * The one place where configuration from the environment is read and checked.
 * Anything invalid stops the start with a message that names the variable and
 * says how to fix it (see `formatEnvError`).
 */

const emptyToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const booleanFlag = z.preprocess(
  emptyToUndefined,
  z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(["1", "0", "true", "false", "yes", "no"], { message: "use true or false" }))
    .transform((v) => v === "1" || v === "true" || v === "yes")
    .optional(),
);

const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\//.test(v), "must start with postgres:// or postgresql://")
  .refine((v) => URL.canParse(v), "is not a valid URL");

export const envSchema = z.object({
  NODE_ENV: z.preprocess(emptyToUndefined, z.enum(["development", "production", "test"]).default("development")),
  /** Unset: embedded PGlite under RECLAIM_DATA_DIR. Set: real Postgres through postgres-js. */
  DATABASE_URL: z.preprocess(emptyToUndefined, postgresUrl.optional()),
  RECLAIM_DATA_DIR: z.preprocess(emptyToUndefined, z.string().default(".data")),
  APP_URL: z.preprocess(
    emptyToUndefined,
    z
      .url({ protocol: /^https?$/, message: "must be an http(s) URL such as http://localhost:3000" })
      .default("http://localhost:3000")
      .transform((v) => v.replace(/\/+$/, "")),
  ),
  AUTH_SECRET: z.preprocess(
    emptyToUndefined,
    z.string().min(32, "must be at least 32 characters (generate one with: openssl rand -base64 32)").optional(),
  ),
  /** Set: email (sign-in links, invitations) is sent through Resend. Unset: the sandbox outbox. */
  RESEND_API_KEY: z.preprocess(
    emptyToUndefined,
    z.string().startsWith("re_", "must be a Resend API key starting with re_").optional(),
  ),
  /** Override Resend's API address (used by tests that run a local server speaking Resend's API). */
  RESEND_BASE_URL: z.preprocess(emptyToUndefined, z.url().optional()),
  EMAIL_FROM: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .regex(/^(.+<[^<>\s@]+@[^<>\s@]+\.[^<>\s@]+>|[^<>\s@]+@[^<>\s@]+\.[^<>\s@]+)$/, "must be an address such as Reclaim <no-reply@example.com>")
      .default("Reclaim <no-reply@reclaim.local>"),
  ),
  /** The page at /dev/mailbox that shows the sandbox outbox. On by default outside production. */
  DEV_MAILBOX: booleanFlag,
  /** Create the demo user and sandbox workspace on start. On by default in `npm run dev`. */
  RECLAIM_SEED_DEMO: booleanFlag,
  /** Which scheduler executes due actions: the built-in loop, or Inngest (production, serverless). */
  SCHEDULER_DRIVER: z.preprocess(emptyToUndefined, z.enum(["local", "inngest"], { message: "use local or inngest" }).default("local")),
  /** Inngest (SCHEDULER_DRIVER=inngest): verifies Inngest's calls to /api/inngest. */
  INNGEST_SIGNING_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  /** Inngest: lets Reclaim send events. */
  INNGEST_EVENT_KEY: z.preprocess(emptyToUndefined, z.string().optional()),
  /** Inngest: talk to a local dev server (never in production: it accepts unsigned calls). */
  INNGEST_DEV: z.preprocess(emptyToUndefined, z.string().optional()),
  /** Run the local scheduler loop inside the web server (on by default); off when separate `worker` processes run it. */
  RECLAIM_EMBEDDED_WORKER: booleanFlag,
  LOG_LEVEL: z.preprocess(emptyToUndefined, z.enum(["debug", "info", "warn", "error"]).default("info")),
  /** Seals merchants' secrets at rest (Stripe keys and tokens, webhook secrets). Required in production. */
  RECLAIM_ENCRYPTION_KEY: z.preprocess(
    emptyToUndefined,
    z
      .string()
      .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v.trim()) && Buffer.from(v.trim(), "base64").length === 32, {
        message: "must be 32 random bytes in base64 (generate with: openssl rand -base64 32)",
      })
      .optional(),
  ),
  /** Stripe Connect (a platform deployment): the platform's secret key, used for OAuth and for acting on connected accounts. */
  STRIPE_SECRET_KEY: z.preprocess(emptyToUndefined, z.string().regex(/^(sk|rk)_(live|test)_\w+$/, "must be a Stripe secret key (sk_live_… or sk_test_…)").optional()),
  /** Stripe Connect: the platform's publishable key, for Stripe Elements on connected accounts. */
  STRIPE_PUBLISHABLE_KEY: z.preprocess(emptyToUndefined, z.string().regex(/^pk_(live|test)_\w+$/, "must be a Stripe publishable key (pk_live_… or pk_test_…)").optional()),
  /** Stripe Connect: the platform's OAuth client id (Dashboard → Connect → Settings). */
  STRIPE_CONNECT_CLIENT_ID: z.preprocess(emptyToUndefined, z.string().regex(/^ca_\w+$/, "must be a Connect client id (ca_…)").optional()),
  /** Stripe Connect: the signing secret of the platform's Connect webhook endpoint (events of every connected account). */
  STRIPE_CONNECT_WEBHOOK_SECRET: z.preprocess(emptyToUndefined, z.string().regex(/^whsec_\w+$/, "must be a webhook signing secret (whsec_…)").optional()),
  /** Another address for Stripe's API (and its Connect OAuth): tests point it at a local server. */
  STRIPE_API_URL: z.preprocess(emptyToUndefined, z.url({ protocol: /^https?$/, message: "must be an http(s) URL such as http://127.0.0.1:12111" }).optional()),
});

export type Env = z.infer<typeof envSchema> & {
  emailTransport: "resend" | "outbox";
  databaseDriver: "postgres" | "pglite";
  devMailbox: boolean;
  seedDemo: boolean;
  embeddedWorker: boolean;
  /** Stripe Connect OAuth is offered (all four platform variables are set). */
  stripeConnect: boolean;
};

export class EnvError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(formatEnvError(problems));
    this.name = "EnvError";
  }
}

function formatEnvError(problems: { variable: string; message: string }[]): string {
  const lines = problems.map((p) => `  - ${p.variable}: ${p.message}`);
  return [
    "Reclaim cannot start: the configuration is invalid.",
    ...lines,
    "Fix these in your environment or in .env (see .env.example and the README's Configuration section).",
  ].join("\n");
}

export type LoadEnvOptions = {
  /** True for a server that will take traffic (not for `next build`): production secrets must be set. */
  runtime?: boolean;
};

export function parseEnv(source: Record<string, string | undefined>, options: LoadEnvOptions = {}): Env {
  const result = envSchema.safeParse(source);
  if (!result.success) {
    throw new EnvError(
      result.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? "environment"),
        message: issue.message,
      })),
    );
  }
  const data = result.data;
  const problems: { variable: string; message: string }[] = [];
  if (options.runtime && data.NODE_ENV === "production" && !data.AUTH_SECRET) {
    problems.push({
      variable: "AUTH_SECRET",
      message: "is required in production (generate one with: openssl rand -base64 32)",
    });
  }
  if (options.runtime && data.NODE_ENV === "production" && data.SCHEDULER_DRIVER === "inngest") {
    if (!data.INNGEST_SIGNING_KEY) {
      problems.push({
        variable: "INNGEST_SIGNING_KEY",
        message: "is required with SCHEDULER_DRIVER=inngest in production: it verifies Inngest's calls to /api/inngest (see your Inngest environment's settings)",
      });
    }
    if (!data.INNGEST_EVENT_KEY) {
      problems.push({ variable: "INNGEST_EVENT_KEY", message: "is required with SCHEDULER_DRIVER=inngest in production: it lets Reclaim send events to Inngest" });
    }
    if (data.INNGEST_DEV) {
      problems.push({ variable: "INNGEST_DEV", message: "must not be set in production: dev mode accepts unsigned calls. Remove it." });
    }
  }
  if (options.runtime && data.NODE_ENV === "production" && !data.RECLAIM_ENCRYPTION_KEY) {
    problems.push({
      variable: "RECLAIM_ENCRYPTION_KEY",
      message: "is required in production: it seals merchants' Stripe keys and webhook secrets (generate one with: openssl rand -base64 32, and keep it: secrets sealed with it cannot be read without it)",
    });
  }
  const connect = ["STRIPE_SECRET_KEY", "STRIPE_CONNECT_CLIENT_ID", "STRIPE_PUBLISHABLE_KEY", "STRIPE_CONNECT_WEBHOOK_SECRET"] as const;
  const connectSet = connect.filter((name) => data[name] !== undefined);
  if (connectSet.length > 0 && connectSet.length < connect.length) {
    for (const name of connect.filter((n) => data[n] === undefined)) {
      problems.push({ variable: name, message: `is required for Stripe Connect, since ${connectSet.join(", ")} ${connectSet.length === 1 ? "is" : "are"} set (set all four, or none to connect with pasted API keys only)` });
    }
  }
  if (data.RESEND_API_KEY && emptyToUndefined(source.EMAIL_FROM) === undefined) {
    problems.push({
      variable: "EMAIL_FROM",
      message: "is required when RESEND_API_KEY is set: an address on a domain verified in Resend, such as Acme <billing@acme.com>",
    });
  }
  if (problems.length > 0) throw new EnvError(problems);

  const isProduction = data.NODE_ENV === "production";
  return {
    ...data,
    emailTransport: data.RESEND_API_KEY ? "resend" : "outbox",
    databaseDriver: data.DATABASE_URL ? "postgres" : "pglite",
    devMailbox: data.DEV_MAILBOX ?? (!isProduction && !data.RESEND_API_KEY),
    seedDemo: data.RECLAIM_SEED_DEMO ?? data.NODE_ENV === "development",
    embeddedWorker: data.SCHEDULER_DRIVER === "local" && (data.RECLAIM_EMBEDDED_WORKER ?? data.NODE_ENV !== "test"),
    stripeConnect: connectSet.length === connect.length,
  };
}

const cache = globalThis as unknown as { __reclaimEnv?: Env };

/** The validated environment of this process, read once. */
export function env(): Env {
  if (!cache.__reclaimEnv) cache.__reclaimEnv = parseEnv(process.env, { runtime: true });
  return cache.__reclaimEnv;
}

/** For tests: forget the cached environment after changing process.env. */
export function resetEnvCache(): void {
  cache.__reclaimEnv = undefined;
}
