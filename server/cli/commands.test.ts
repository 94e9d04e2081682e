import crypto from "node:crypto";
import { and, eq } from "drizzle-orm";
import { beforeEach, describe, expect, it } from "vitest";
import { runCli, UsageError, commands, type CliDeps } from "@/server/cli/commands";
import { customers, memberships, outboxMessages, recoveryCases, reportClosedDays, users, verificationTokens, workspaces } from "@/server/db/schema";
import { DEMO_EMAIL } from "@/server/seed/demo";
import { createWorkspace, listWorkspacesForUser } from "@/server/queries/workspaces";
import { setSandboxClock } from "@/server/recovery/context";
import { openTestDatabase, uniqueEmail } from "@/server/testing/database";

const database = await openTestDatabase();
const db = database.db;
const SECRET = "cli-test-secret-0123456789abcdef0123456789";
const APP_URL = "https://reclaim.example.com";

let output: string[];
let dbOpened: number;

const deps: CliDeps = {
  db: async () => {
    dbOpened++;
    return db;
  },
  secret: () => SECRET,
  appUrl: APP_URL,
  out: (line) => output.push(...line.split("\n")),
};

beforeEach(() => {
  output = [];
  dbOpened = 0;
});

const run = (...argv: string[]) => runCli(argv, deps);

/** Runs the command line expecting a UsageError, and returns it. */
async function usageError(...argv: string[]): Promise<UsageError> {
  try {
    await run(...argv);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`"${argv.join(" ")}" was accepted`);
}

const sha256 = (value: string) => crypto.createHash("sha256").update(value).digest("hex");

/** The sign-in link printed last, parsed. */
function printedLink(): { url: URL; token: string; email: string; until: Date } {
  const link = output.findLast((line) => line.startsWith("http"));
  const intro = output.findLast((line) => line.startsWith("Sign-in link for "));
  if (!link || !intro) throw new Error(`no sign-in link in:\n${output.join("\n")}`);
  const url = new URL(link);
  const until = /until (\S+)\):$/.exec(intro)?.[1];
  if (!until) throw new Error(`no expiry in: ${intro}`);
  return { url, token: url.searchParams.get("token") ?? "", email: url.searchParams.get("email") ?? "", until: new Date(until) };
}

const tokensFor = (identifier: string) =>
  db.select().from(verificationTokens).where(eq(verificationTokens.identifier, identifier));

describe("help", () => {
  it.each([[[]], [["help"]], [["--help"]], [["-h"]]])("prints every command for %j without opening the database", async (argv) => {
    await runCli(argv, deps);
    const text = output.join("\n");
    expect(text).toContain("Usage: npm run reclaim -- <command> [options]");
    for (const [name, command] of Object.entries(commands)) {
      const line = output.find((l) => l.startsWith(`  ${name} `));
      expect(line, `a help line for ${name}`).toBeDefined();
      expect(line!.endsWith(`  ${command.summary}`)).toBe(true);
    }
    expect(Object.keys(commands)).toEqual(
      expect.arrayContaining(["user:create", "sign-in-link", "workspace:create", "seed:demo", "seed:history", "reports:rebuild", "migrate"]),
    );
    expect(dbOpened).toBe(0);
  });

  it("prints a command's usage and options with --help, and does nothing else", async () => {
    await run("user:create", "--help");
    const text = output.join("\n");
    expect(text).toContain("Usage: npm run reclaim -- user:create --email <address>");
    expect(text).toMatch(/--email\s+the person's email address/);
    expect(text).toMatch(/--expires\s+minutes the sign-in link works/);
    expect(dbOpened).toBe(0);
  });
});

describe("usage errors", () => {
  it("names an unknown command and shows the help", async () => {
    const error = await usageError("user:delete", "--email", "a@example.com");
    expect(error.name).toBe("UsageError");
    expect(error.message).toContain('Unknown command "user:delete"');
    expect(error.message).toContain("Commands:");
    expect(error.message).toContain("user:create");
    expect(dbOpened).toBe(0);
  });

  it("names an unknown option and shows the command's usage", async () => {
    const error = await usageError("user:create", "--email", uniqueEmail("opt"), "--role", "admin");
    expect(error.message).toContain("--role");
    expect(error.message).toContain("Usage: npm run reclaim -- user:create");
    expect(dbOpened).toBe(0);
  });

  it("refuses positional arguments", async () => {
    const error = await usageError("user:create", "someone@example.com");
    expect(error.message).toContain("Usage: npm run reclaim -- user:create");
  });

  it("refuses an option without its value", async () => {
    const error = await usageError("user:create", "--email");
    expect(error.message).toContain("--email");
  });

  it("requires --email", async () => {
    const error = await usageError("user:create");
    expect(error.message).toBe("--email is required");
    expect(dbOpened).toBe(0);
  });

  it.each(["not-an-email", "ada@", "@example.com", "ada lovelace@example.com", ""])("refuses --email %j", async (value) => {
    const error = await usageError("user:create", "--email", value);
    expect(error.message).toBe("--email must be a valid email address, like ada@example.com");
    expect(dbOpened).toBe(0);
  });

  it.each([
    ["soon", "--expires must be a number of minutes"],
    ["1.5", "--expires must be a whole number of minutes"],
    ["0", "--expires must be at least 1 minute"],
    ["-5", "--expires must be at least 1 minute"],
    ["10081", "--expires can be at most 10080 minutes (7 days)"],
  ])("refuses --expires=%s on sign-in-link", async (value, message) => {
    const address = uniqueEmail("expires");
    await db.insert(users).values({ email: address });
    const error = await usageError("sign-in-link", "--email", address, `--expires=${value}`);
    expect(error.message).toBe(message);
    expect(await tokensFor(address)).toHaveLength(0);
  });

  it("refuses a bad --expires on user:create without printing a link", async () => {
    const address = uniqueEmail("expires-create");
    const error = await usageError("user:create", "--email", address, "--expires", "forever");
    expect(error.message).toBe("--expires must be a number of minutes");
    expect(output.some((line) => line.startsWith("http"))).toBe(false);
    expect(await tokensFor(address)).toHaveLength(0);
  });

  it("creates no user when --expires is bad", async () => {
    const address = uniqueEmail("expires-nouser");
    await usageError("user:create", "--email", address, "--expires", "forever");
    expect(await db.select().from(users).where(eq(users.email, address))).toHaveLength(0);
  });

  it("refuses an empty --name", async () => {
    const error = await usageError("user:create", "--email", uniqueEmail("noname"), "--name", "   ");
    expect(error.message).toBe("--name cannot be empty");
  });
});

describe("user:create", () => {
  it("creates the user with a lowercased email and prints a working sign-in link", async () => {
    const address = uniqueEmail("ada");
    const typed = `  ${address.replace("ada", "Ada").toUpperCase()} `;
    const before = Date.now();

    await run("user:create", "--email", typed, "--name", "Ada Lovelace");

    const [user] = await db.select().from(users).where(eq(users.email, address));
    expect(user).toBeDefined();
    expect(user!.name).toBe("Ada Lovelace");
    expect(await db.select().from(users).where(eq(users.email, typed))).toHaveLength(0);
    expect(output[0]).toBe(`Created user ${address}.`);

    const link = printedLink();
    expect(link.url.origin).toBe(APP_URL);
    expect(link.url.pathname).toBe("/sign-in/verify");
    expect(link.email).toBe(address);
    expect(link.url.searchParams.get("callbackUrl")).toBe("/");
    expect(link.token).toMatch(/^[0-9a-f]{64}$/);

    // Stored as Auth.js stores it: sha256(token + secret), hex; never the token itself.
    const rows = await tokensFor(address);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token).toBe(sha256(`${link.token}${SECRET}`));
    expect(rows[0]!.token).not.toBe(link.token);
    expect(rows[0]!.token).not.toBe(sha256(link.token));

    // Default lifetime: 60 minutes, and the printed expiry is the stored one.
    const expires = rows[0]!.expires.getTime();
    expect(expires).toBeGreaterThanOrEqual(before + 60 * 60_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + 60 * 60_000);
    expect(link.until.getTime()).toBe(expires);
  });

  it("honours --expires", async () => {
    const address = uniqueEmail("short");
    const before = Date.now();
    await run("user:create", "--email", address, "--expires", "5");
    const [row] = await tokensFor(address);
    expect(row!.expires.getTime()).toBeGreaterThanOrEqual(before + 5 * 60_000);
    expect(row!.expires.getTime()).toBeLessThanOrEqual(Date.now() + 5 * 60_000);
    expect(printedLink().until.getTime()).toBe(row!.expires.getTime());
  });

  it("leaves the name empty when --name is not given", async () => {
    const address = uniqueEmail("anon");
    await run("user:create", "--email", address);
    const [user] = await db.select().from(users).where(eq(users.email, address));
    expect(user!.name).toBeNull();
  });

  it("does not duplicate or rename an existing user, and prints a fresh link", async () => {
    const address = uniqueEmail("twice");
    await run("user:create", "--email", address, "--name", "First");
    const first = printedLink();
    output = [];
    await run("user:create", "--email", address.toUpperCase(), "--name", "Second");
    const second = printedLink();

    expect(output[0]).toBe(`User ${address} already exists.`);
    const rows = await db.select().from(users).where(eq(users.email, address));
    expect(rows).toHaveLength(1);
    expect(rows[0]!.name).toBe("First");
    expect(second.token).not.toBe(first.token);
    const stored = (await tokensFor(address)).map((r) => r.token).sort();
    expect(stored).toEqual([sha256(`${first.token}${SECRET}`), sha256(`${second.token}${SECRET}`)].sort());
  });
});

describe("sign-in-link", () => {
  it("prints a link for an existing user, found case-insensitively", async () => {
    const address = uniqueEmail("existing");
    await db.insert(users).values({ email: address });
    await run("sign-in-link", "--email", address.toUpperCase(), "--expires", "30");
    const link = printedLink();
    expect(link.email).toBe(address);
    const [row] = await tokensFor(address);
    expect(row!.token).toBe(sha256(`${link.token}${SECRET}`));
    expect(Math.abs(row!.expires.getTime() - (Date.now() + 30 * 60_000))).toBeLessThan(10_000);
  });

  it("refuses an unknown user with a hint, and creates nothing", async () => {
    const address = uniqueEmail("ghost");
    const error = await usageError("sign-in-link", "--email", address);
    expect(error.message).toContain(`No user has the email ${address}`);
    expect(error.message).toContain(`user:create --email ${address}`);
    expect(await db.select().from(users).where(eq(users.email, address))).toHaveLength(0);
    expect(await tokensFor(address)).toHaveLength(0);
    expect(output).toEqual([]);
  });
});

describe("workspace:create", () => {
  it("creates a sandbox workspace owned by the user", async () => {
    const address = uniqueEmail("owner");
    const [owner] = await db.insert(users).values({ email: address }).returning();
    const name = `Acme ${crypto.randomBytes(3).toString("hex")}`;

    await run("workspace:create", "--name", `  ${name} `, "--owner", address.toUpperCase());

    const owned = await listWorkspacesForUser(db, { userId: owner!.id });
    expect(owned).toHaveLength(1);
    const workspace = owned[0]!;
    expect(workspace.name).toBe(name);
    expect(workspace.mode).toBe("sandbox");
    expect(workspace.role).toBe("owner");
    const members = await db.select().from(memberships).where(eq(memberships.workspaceId, workspace.id));
    expect(members.map((m) => [m.userId, m.role])).toEqual([[owner!.id, "owner"]]);
    expect(output).toEqual([
      `Created workspace "${name}" (sandbox mode), owned by ${address}.`,
      `Console: ${APP_URL}/w/${workspace.slug}/overview`,
    ]);
  });

  it("refuses an owner who is not a user", async () => {
    const address = uniqueEmail("nobody");
    const name = `Orphan ${crypto.randomBytes(3).toString("hex")}`;
    const error = await usageError("workspace:create", "--name", name, "--owner", address);
    expect(error.message).toContain(`No user has the email ${address}`);
    expect(await db.select().from(workspaces).where(eq(workspaces.name, name))).toHaveLength(0);
  });

  it.each([
    [[], "--name is required"],
    [["--name", "A"], "--name must be at least 2 characters"],
    [["--name", "x".repeat(61)], "--name must be under 60 characters"],
  ])("refuses %j", async (nameArgs, message) => {
    const error = await usageError("workspace:create", ...nameArgs, "--owner", uniqueEmail("o"));
    expect(error.message).toBe(message);
    expect(dbOpened).toBe(0);
  });

  it("refuses a missing or malformed --owner", async () => {
    await expect(run("workspace:create", "--name", "Acme")).rejects.toBeInstanceOf(UsageError);
    await expect(run("workspace:create", "--name", "Acme", "--owner", "acme")).rejects.toBeInstanceOf(UsageError);
    expect(dbOpened).toBe(0);
  });

  it("names --owner, not --email, when the owner is missing or malformed", async () => {
    const missing = await usageError("workspace:create", "--name", "Acme");
    expect(missing.message).toContain("--owner");
    const malformed = await usageError("workspace:create", "--name", "Acme", "--owner", "acme");
    expect(malformed.message).toContain("--owner");
  });
});

describe("seed:demo", () => {
  it("creates the demo user and one sandbox workspace, and changes nothing the second time", async () => {
    await run("seed:demo");
    const firstOutput = [...output];
    output = [];
    await run("seed:demo");

    // The first run may find an earlier seed (a shared Postgres); the second always does.
    expect(firstOutput[0]).toMatch(/^(Created the demo workspace\.|The demo workspace already exists\.)$/);
    expect(output[0]).toBe("The demo workspace already exists.");
    expect(output[1]).toBe(`Sign in as ${DEMO_EMAIL}: npm run reclaim -- sign-in-link --email ${DEMO_EMAIL}`);
    expect(output[2]).toBe(firstOutput[2]);

    const demoUsers = await db.select().from(users).where(eq(users.email, DEMO_EMAIL));
    expect(demoUsers).toHaveLength(1);
    const owned = await listWorkspacesForUser(db, { userId: demoUsers[0]!.id });
    expect(owned).toHaveLength(1);
    expect(owned[0]!.mode).toBe("sandbox");
    expect(owned[0]!.role).toBe("owner");
    expect(output[2]).toBe(`Console: ${APP_URL}/w/${owned[0]!.slug}/overview`);

    // The printed command works: the demo user can get a sign-in link.
    output = [];
    await run("sign-in-link", "--email", DEMO_EMAIL);
    expect(printedLink().email).toBe(DEMO_EMAIL);
    const [member] = await db
      .select()
      .from(memberships)
      .where(and(eq(memberships.userId, demoUsers[0]!.id), eq(memberships.workspaceId, owned[0]!.id)));
    expect(member!.role).toBe("owner");
  });
});

describe("migrate", () => {
  it("opens the database and says it is up to date", async () => {
    await run("migrate");
    expect(dbOpened).toBe(1);
    expect(output).toEqual(["The database is up to date."]);
  });
});

describe("seed:history", () => {
  /** A sandbox workspace with its test clock at a fixed time. */
  async function sandboxWorkspace(label: string) {
    const [owner] = await db.insert(users).values({ email: uniqueEmail(label) }).returning();
    const workspace = await createWorkspace(db, { name: `${label} ${crypto.randomBytes(3).toString("hex")}`, ownerId: owner!.id });
    await setSandboxClock(db, workspace.id, new Date("2026-03-04T15:00:00Z"));
    return workspace;
  }

  it("prints its options with --help", async () => {
    await run("seed:history", "--help");
    const text = output.join("\n");
    expect(text).toContain("Usage: npm run reclaim -- seed:history --workspace <slug> [--months <1-24>] [--cases <100-200000>] [--seed <text>]");
    expect(text).toMatch(/--workspace\s+the sandbox workspace/);
    expect(text).toMatch(/--months\s+how many months back the history goes, 1 to 24 \(default 6\)/);
    expect(text).toMatch(/--cases\s+how many recovery cases, 100 to 200000 \(default 20000\)/);
    expect(text).toMatch(/--seed\s+the same seed gives the same history/);
    expect(dbOpened).toBe(0);
  });

  it.each([
    [[], "--workspace is required: the workspace's address, as in /w/<slug>"],
    [["--workspace", "  "], "--workspace cannot be empty"],
    [["--workspace", "demo", "--months", "0"], "--months must be from 1 to 24"],
    [["--workspace", "demo", "--months", "25"], "--months must be from 1 to 24"],
    [["--workspace", "demo", "--months", "1.5"], "--months must be a whole number"],
    [["--workspace", "demo", "--months", "six"], "--months must be a number"],
    [["--workspace", "demo", "--cases", "99"], "--cases must be from 100 to 200000"],
    [["--workspace", "demo", "--cases", "200001"], "--cases must be from 100 to 200000"],
    [["--workspace", "demo", "--cases", "lots"], "--cases must be a number"],
    [["--workspace", "demo", "--seed", " "], "--seed cannot be empty"],
  ])("refuses %j without opening the database", async (args, message) => {
    const error = await usageError("seed:history", ...args);
    expect(error.message).toBe(message);
    expect(dbOpened).toBe(0);
  });

  it("refuses an unknown option with the command's usage", async () => {
    const error = await usageError("seed:history", "--workspace", "demo", "--days", "30");
    expect(error.message).toContain("--days");
    expect(error.message).toContain("Usage: npm run reclaim -- seed:history");
  });

  it("refuses a workspace that does not exist", async () => {
    const error = await usageError("seed:history", "--workspace", `nowhere-${crypto.randomBytes(3).toString("hex")}`);
    expect(error.message).toMatch(/^No workspace has the address "nowhere-[0-9a-f]+"\. Use the part after \/w\//);
  });

  it("refuses a live workspace and writes nothing", async () => {
    const workspace = await sandboxWorkspace("Live shop");
    await db.update(workspaces).set({ mode: "live" }).where(eq(workspaces.id, workspace.id));
    const error = await usageError("seed:history", "--workspace", workspace.slug, "--cases", "100");
    expect(error.message).toContain(`"${workspace.name}" (${workspace.slug}) is a live workspace`);
    expect(error.message).toContain("only writes into sandbox workspaces");
    expect(await db.select().from(recoveryCases).where(eq(recoveryCases.workspaceId, workspace.id))).toEqual([]);
  });

  it("seeds a small history and prints a summary", async () => {
    const workspace = await sandboxWorkspace("History shop");
    await run("seed:history", "--workspace", workspace.slug, "--months", "2", "--cases", "150", "--seed", "cli");

    const cases = await db.select().from(recoveryCases).where(eq(recoveryCases.workspaceId, workspace.id));
    expect(cases).toHaveLength(150);
    expect(output[0]).toBe(`Seeding 150 cases over 2 months into "${workspace.name}"…`);
    expect(output[1]).toBe(`Seeded batch 1 of history into "${workspace.name}" (seed "cli"): 150 cases opened 2026-01-04 to 2026-03-04.`);
    expect(output[2]).toMatch(/^ {2}status\s+treatment\s+holdout$/);
    for (const status of ["open", "recovered", "lost", "silenced", "cancelled"]) {
      const line = output.find((l) => l.startsWith(`  ${status} `));
      expect(line, status).toBeDefined();
      const [treatment, holdout] = line!.trim().split(/\s+/).slice(1).map(Number);
      expect(treatment).toBe(cases.filter((c) => c.status === status && c.cohort === "treatment").length);
      expect(holdout).toBe(cases.filter((c) => c.status === status && c.cohort === "holdout").length);
    }
    expect(output.find((l) => l.startsWith("  total "))!.trim().split(/\s+/).slice(1).map(Number).reduce((a, b) => a + b)).toBe(150);
    expect(output).toContainEqual(expect.stringMatching(/^Recovered of closed cases: treatment \d+%, holdout \d+%\.$/));
    expect(output).toContainEqual(expect.stringMatching(/^Recovered through: reclaim_retry \d+, provider_retry \d+, card_update \d+, card_updater \d+, out_of_band \d+\.$/));
    expect(output).toContainEqual(expect.stringMatching(/^Also written: [\d,]+ customers, [\d,]+ payment attempts, [\d,]+ emails \(\d+% opened, \d+% clicked\)/));
    expect(output).toContainEqual(expect.stringMatching(/^Took \d+\.\d s\.$/));
    expect(output.at(-1)).toBe(`Console: ${APP_URL}/w/${workspace.slug}/overview`);

    // The history's emails link to the hosted pages at the configured address.
    const emails = await db.select().from(outboxMessages).where(eq(outboxMessages.workspaceId, workspace.id));
    expect(emails.length).toBeGreaterThan(0);
    expect(emails.every((m) => m.html.includes(`href="${APP_URL}/u/`))).toBe(true);
    const customerRows = await db.select().from(customers).where(eq(customers.workspaceId, workspace.id));
    expect(customerRows.every((c) => c.externalId.startsWith("cus_sbx_h1_"))).toBe(true);

    // Again: a second batch, not a replacement.
    output = [];
    await run("seed:history", "--workspace", workspace.slug, "--months", "2", "--cases", "100", "--seed", "cli");
    expect(output[1]).toMatch(/^Seeded batch 2 of history/);
    expect(await db.select({ id: recoveryCases.id }).from(recoveryCases).where(eq(recoveryCases.workspaceId, workspace.id))).toHaveLength(250);
  }, 60_000);
});

describe("reports:rebuild", () => {
  it("refuses an empty or unknown workspace", async () => {
    expect((await usageError("reports:rebuild", "--workspace", " ")).message).toBe("--workspace cannot be empty");
    expect((await usageError("reports:rebuild", "--workspace", "no-such-workspace")).message).toMatch(/^No workspace has the address "no-such-workspace"/);
  });

  it("recomputes one workspace's report totals from its rows, leaving the others alone", async () => {
    const [owner] = await db.insert(users).values({ email: uniqueEmail("rebuild") }).returning();
    const mine = await createWorkspace(db, { name: `Rebuild ${crypto.randomBytes(3).toString("hex")}`, ownerId: owner!.id });
    await setSandboxClock(db, mine.id, new Date("2026-03-04T15:00:00Z"));
    await run("seed:history", "--workspace", mine.slug, "--months", "1", "--cases", "100");
    const totals = async (workspaceId: string) =>
      db
        .select({ day: reportClosedDays.day, status: reportClosedDays.status, cohort: reportClosedDays.cohort, currency: reportClosedDays.currency, cases: reportClosedDays.cases })
        .from(reportClosedDays)
        .where(eq(reportClosedDays.workspaceId, workspaceId))
        .orderBy(reportClosedDays.day, reportClosedDays.status, reportClosedDays.cohort, reportClosedDays.currency);
    const kept = await totals(mine.id);
    expect(kept.length).toBeGreaterThan(0);
    await db.update(reportClosedDays).set({ cases: 999 }).where(eq(reportClosedDays.workspaceId, mine.id));

    output = [];
    await run("reports:rebuild", "--workspace", mine.slug);
    expect(output).toEqual([expect.stringMatching(new RegExp(`^Rebuilt the report totals of "${mine.name}" \\(${mine.slug}\\) in \\d+\\.\\d s\\.$`))]);
    expect(await totals(mine.id)).toEqual(kept);
  }, 60_000);
});
