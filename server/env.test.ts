import { describe, expect, it } from "vitest";
import { EnvError, parseEnv, type LoadEnvOptions } from "@/server/env";

const SECRET = "0123456789abcdef0123456789abcdef"; // 32 characters
const KEY = Buffer.alloc(32, 1).toString("base64"); // RECLAIM_ENCRYPTION_KEY: 32 bytes in base64

/** Runs parseEnv expecting it to refuse, and returns the EnvError. */
function envError(source: Record<string, string | undefined>, options?: LoadEnvOptions): EnvError {
  try {
    parseEnv(source, options);
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error(`parseEnv accepted ${JSON.stringify(source)}`);
}

const variables = (error: EnvError) => error.problems.map((p) => p.variable);

describe("parseEnv defaults", () => {
  it("runs with nothing configured: PGlite, the sandbox outbox, local URL, development", () => {
    const config = parseEnv({});
    expect(config.NODE_ENV).toBe("development");
    expect(config.databaseDriver).toBe("pglite");
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.RECLAIM_DATA_DIR).toBe(".data");
    expect(config.emailTransport).toBe("outbox");
    expect(config.RESEND_API_KEY).toBeUndefined();
    expect(config.EMAIL_FROM).toBe("Reclaim <no-reply@reclaim.local>");
    expect(config.APP_URL).toBe("http://localhost:3000");
    expect(config.LOG_LEVEL).toBe("info");
    expect(config.AUTH_SECRET).toBeUndefined();
  });

  it("turns the dev mailbox and the demo seed on in development", () => {
    const config = parseEnv({ NODE_ENV: "development" });
    expect(config.devMailbox).toBe(true);
    expect(config.seedDemo).toBe(true);
  });

  it("turns the dev mailbox and the demo seed off in production", () => {
    const config = parseEnv({ NODE_ENV: "production" });
    expect(config.devMailbox).toBe(false);
    expect(config.seedDemo).toBe(false);
  });

  it("keeps the mailbox on but does not seed the demo in test", () => {
    const config = parseEnv({ NODE_ENV: "test" });
    expect(config.devMailbox).toBe(true);
    expect(config.seedDemo).toBe(false);
  });

  it("hides the dev mailbox by default when real email goes through Resend", () => {
    const config = parseEnv({ NODE_ENV: "development", RESEND_API_KEY: "re_123", EMAIL_FROM: "Acme <billing@acme.com>" });
    expect(config.emailTransport).toBe("resend");
    expect(config.devMailbox).toBe(false);
  });

  it("lets DEV_MAILBOX and RECLAIM_SEED_DEMO override the defaults in both directions", () => {
    const dev = parseEnv({ NODE_ENV: "development", DEV_MAILBOX: "false", RECLAIM_SEED_DEMO: "0" });
    expect(dev.devMailbox).toBe(false);
    expect(dev.seedDemo).toBe(false);
    const prod = parseEnv({ NODE_ENV: "production", DEV_MAILBOX: "yes", RECLAIM_SEED_DEMO: "1" });
    expect(prod.devMailbox).toBe(true);
    expect(prod.seedDemo).toBe(true);
    expect(prod.DEV_MAILBOX).toBe(true);
  });

  it.each([
    ["1", true],
    ["true", true],
    ["yes", true],
    ["0", false],
    ["false", false],
    ["no", false],
  ])("reads DEV_MAILBOX=%s as %s", (value, expected) => {
    expect(parseEnv({ NODE_ENV: "development", DEV_MAILBOX: value }).devMailbox).toBe(expected);
    expect(parseEnv({ NODE_ENV: "production", DEV_MAILBOX: value }).devMailbox).toBe(expected);
  });

  it("uses Postgres when DATABASE_URL is set", () => {
    for (const url of ["postgres://user:pw@db.internal:5432/reclaim", "postgresql://localhost/reclaim"]) {
      const config = parseEnv({ DATABASE_URL: url });
      expect(config.databaseDriver).toBe("postgres");
      expect(config.DATABASE_URL).toBe(url);
    }
  });

  it("strips trailing slashes from APP_URL", () => {
    expect(parseEnv({ APP_URL: "https://reclaim.example.com/" }).APP_URL).toBe("https://reclaim.example.com");
    expect(parseEnv({ APP_URL: "https://example.com/reclaim//" }).APP_URL).toBe("https://example.com/reclaim");
  });

  it("accepts a real Resend configuration", () => {
    const config = parseEnv({
      RESEND_API_KEY: "re_live_abc",
      EMAIL_FROM: "Acme Billing <billing@acme.com>",
      RESEND_BASE_URL: "http://127.0.0.1:9999",
    });
    expect(config.emailTransport).toBe("resend");
    expect(config.EMAIL_FROM).toBe("Acme Billing <billing@acme.com>");
    expect(config.RESEND_BASE_URL).toBe("http://127.0.0.1:9999");
    expect(parseEnv({ RESEND_API_KEY: "re_x", EMAIL_FROM: "billing@acme.com" }).EMAIL_FROM).toBe("billing@acme.com");
  });
});

describe("parseEnv rejects malformed values, naming the variable", () => {
  it.each([
    ["DATABASE_URL", "mysql://root@localhost/reclaim", /postgres:\/\//],
    ["DATABASE_URL", "localhost:5432/reclaim", /postgres:\/\//],
    ["DATABASE_URL", "postgres://[not-a-host", /not a valid URL/],
    ["APP_URL", "not a url", /http\(s\) URL/],
    ["APP_URL", "ftp://files.example.com", /http\(s\) URL/],
    ["RESEND_API_KEY", "sk_live_123", /starting with re_/],
    ["DEV_MAILBOX", "maybe", /true or false/],
    ["RECLAIM_SEED_DEMO", "2", /true or false/],
    ["AUTH_SECRET", "too-short", /at least 32 characters/],
    ["EMAIL_FROM", "billing-at-acme", /address such as/],
    ["LOG_LEVEL", "verbose", /.+/],
  ])("%s=%s", (variable, value, message) => {
    const error = envError({ [variable]: value });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("EnvError");
    expect(variables(error)).toEqual([variable]);
    expect(error.problems[0]!.message).toMatch(message);
    // The thrown message is what the operator sees: it names the variable and the fix.
    expect(error.message).toContain(`${variable}: `);
    expect(error.message).toMatch(message);
    expect(error.message).toContain("Reclaim cannot start");
    // The value itself (possibly a secret) is not echoed back.
    expect(error.message).not.toContain(value);
  });

  it("reports every bad variable at once", () => {
    const error = envError({ DATABASE_URL: "mysql://x", APP_URL: "nope", RESEND_API_KEY: "key", DEV_MAILBOX: "perhaps" });
    expect(new Set(variables(error))).toEqual(new Set(["DATABASE_URL", "APP_URL", "RESEND_API_KEY", "DEV_MAILBOX"]));
    for (const variable of ["DATABASE_URL", "APP_URL", "RESEND_API_KEY", "DEV_MAILBOX"]) {
      expect(error.message).toContain(`  - ${variable}: `);
    }
  });
});

describe("AUTH_SECRET", () => {
  it("is required in production for a server that takes traffic", () => {
    const error = envError({ NODE_ENV: "production", RECLAIM_ENCRYPTION_KEY: KEY }, { runtime: true });
    expect(variables(error)).toEqual(["AUTH_SECRET"]);
    expect(error.message).toMatch(/AUTH_SECRET: is required in production/);
    expect(error.message).toContain("openssl rand -base64 32");
  });

  it("is not required to build for production (no runtime option)", () => {
    expect(parseEnv({ NODE_ENV: "production" }).AUTH_SECRET).toBeUndefined();
    expect(parseEnv({ NODE_ENV: "production" }, { runtime: false }).NODE_ENV).toBe("production");
  });

  it("is not required at runtime outside production", () => {
    expect(parseEnv({ NODE_ENV: "development" }, { runtime: true }).AUTH_SECRET).toBeUndefined();
    expect(parseEnv({ NODE_ENV: "test" }, { runtime: true }).AUTH_SECRET).toBeUndefined();
  });

  it("satisfies the production requirement when set", () => {
    expect(parseEnv({ NODE_ENV: "production", AUTH_SECRET: SECRET, RECLAIM_ENCRYPTION_KEY: KEY }, { runtime: true }).AUTH_SECRET).toBe(SECRET);
  });
});

describe("RECLAIM_ENCRYPTION_KEY", () => {
  it("is required in production for a server that takes traffic, with how to make one", () => {
    const error = envError({ NODE_ENV: "production", AUTH_SECRET: SECRET }, { runtime: true });
    expect(variables(error)).toEqual(["RECLAIM_ENCRYPTION_KEY"]);
    expect(error.message).toMatch(/RECLAIM_ENCRYPTION_KEY: is required in production.*openssl rand -base64 32/);
  });

  it("must be 32 bytes in base64", () => {
    for (const bad of ["short", Buffer.alloc(16).toString("base64"), Buffer.alloc(33).toString("base64"), "not base64 at all!!"]) {
      const error = envError({ RECLAIM_ENCRYPTION_KEY: bad });
      expect(variables(error)).toEqual(["RECLAIM_ENCRYPTION_KEY"]);
      expect(error.message).toContain("must be 32 random bytes in base64");
    }
    expect(parseEnv({ RECLAIM_ENCRYPTION_KEY: KEY }).RECLAIM_ENCRYPTION_KEY).toBe(KEY);
  });
});

describe("Stripe", () => {
  const connect = {
    STRIPE_SECRET_KEY: "sk_live_platform123",
    STRIPE_PUBLISHABLE_KEY: "pk_live_platform123",
    STRIPE_CONNECT_CLIENT_ID: "ca_platform123",
    STRIPE_CONNECT_WEBHOOK_SECRET: "whsec_platform123",
  };

  it("offers Connect only when all four platform variables are set, and names the missing ones", () => {
    expect(parseEnv({}).stripeConnect).toBe(false);
    expect(parseEnv(connect).stripeConnect).toBe(true);
    const error = envError({ STRIPE_SECRET_KEY: connect.STRIPE_SECRET_KEY, STRIPE_CONNECT_CLIENT_ID: connect.STRIPE_CONNECT_CLIENT_ID });
    expect(new Set(variables(error))).toEqual(new Set(["STRIPE_PUBLISHABLE_KEY", "STRIPE_CONNECT_WEBHOOK_SECRET"]));
    expect(error.message).toMatch(/STRIPE_PUBLISHABLE_KEY: is required for Stripe Connect, since STRIPE_SECRET_KEY, STRIPE_CONNECT_CLIENT_ID are set/);
  });

  it("checks the shape of each key", () => {
    const error = envError({ STRIPE_SECRET_KEY: "pk_live_x", STRIPE_PUBLISHABLE_KEY: "sk_live_x", STRIPE_CONNECT_CLIENT_ID: "client", STRIPE_CONNECT_WEBHOOK_SECRET: "secret", STRIPE_API_URL: "ftp://x" });
    expect(new Set(variables(error))).toEqual(new Set(["STRIPE_SECRET_KEY", "STRIPE_PUBLISHABLE_KEY", "STRIPE_CONNECT_CLIENT_ID", "STRIPE_CONNECT_WEBHOOK_SECRET", "STRIPE_API_URL"]));
  });
});

describe("EMAIL_FROM with Resend", () => {
  it("is required when RESEND_API_KEY is set, even though it has a default", () => {
    const error = envError({ RESEND_API_KEY: "re_123" });
    expect(variables(error)).toEqual(["EMAIL_FROM"]);
    expect(error.message).toMatch(/EMAIL_FROM: is required when RESEND_API_KEY is set/);
  });

  it("is reported together with a missing production AUTH_SECRET", () => {
    const error = envError({ NODE_ENV: "production", RESEND_API_KEY: "re_123", RECLAIM_ENCRYPTION_KEY: KEY }, { runtime: true });
    expect(new Set(variables(error))).toEqual(new Set(["AUTH_SECRET", "EMAIL_FROM"]));
  });

  it("is not required for the sandbox outbox", () => {
    expect(parseEnv({ NODE_ENV: "production", AUTH_SECRET: SECRET, RECLAIM_ENCRYPTION_KEY: KEY }, { runtime: true }).emailTransport).toBe("outbox");
  });
});

describe("empty values are treated as unset", () => {
  it("uses every default when each optional variable is an empty string", () => {
    const blank = {
      DATABASE_URL: "",
      RECLAIM_DATA_DIR: "",
      APP_URL: "",
      AUTH_SECRET: "",
      RESEND_API_KEY: "",
      RESEND_BASE_URL: "",
      EMAIL_FROM: "",
      DEV_MAILBOX: "",
      RECLAIM_SEED_DEMO: "",
      LOG_LEVEL: "",
    };
    const config = parseEnv(blank);
    expect(config.databaseDriver).toBe("pglite");
    expect(config.DATABASE_URL).toBeUndefined();
    expect(config.RECLAIM_DATA_DIR).toBe(".data");
    expect(config.APP_URL).toBe("http://localhost:3000");
    expect(config.AUTH_SECRET).toBeUndefined();
    expect(config.emailTransport).toBe("outbox");
    expect(config.RESEND_BASE_URL).toBeUndefined();
    expect(config.EMAIL_FROM).toBe("Reclaim <no-reply@reclaim.local>");
    expect(config.devMailbox).toBe(true);
    expect(config.seedDemo).toBe(true);
    expect(config.LOG_LEVEL).toBe("info");
  });

  it("treats whitespace-only values as unset too", () => {
    const config = parseEnv({ DATABASE_URL: "   ", APP_URL: " ", RESEND_API_KEY: "\t", DEV_MAILBOX: "  " });
    expect(config.databaseDriver).toBe("pglite");
    expect(config.APP_URL).toBe("http://localhost:3000");
    expect(config.emailTransport).toBe("outbox");
    expect(config.devMailbox).toBe(true);
  });

  it("counts an empty AUTH_SECRET as missing in production", () => {
    const error = envError({ NODE_ENV: "production", AUTH_SECRET: "", RECLAIM_ENCRYPTION_KEY: KEY }, { runtime: true });
    expect(variables(error)).toEqual(["AUTH_SECRET"]);
    expect(error.problems[0]!.message).toMatch(/is required in production/);
  });

  it("counts an empty EMAIL_FROM as missing when Resend is configured", () => {
    expect(variables(envError({ RESEND_API_KEY: "re_123", EMAIL_FROM: "" }))).toEqual(["EMAIL_FROM"]);
  });

  it("counts a whitespace-only EMAIL_FROM as missing when Resend is configured", () => {
    expect(variables(envError({ RESEND_API_KEY: "re_123", EMAIL_FROM: "   " }))).toEqual(["EMAIL_FROM"]);
  });

  it("does not let an empty DEV_MAILBOX turn the mailbox on in production", () => {
    expect(parseEnv({ NODE_ENV: "production", DEV_MAILBOX: "" }).devMailbox).toBe(false);
  });
});
