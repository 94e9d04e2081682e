import { parseArgs } from "node:util";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { createSignInLink } from "@/server/auth/magic-link";
import type { Db } from "@/server/db/client";
import { caseStatuses, users, workspaces } from "@/server/db/schema";
import { seedDemo } from "@/server/seed/demo";
import { HISTORY_DEFAULTS, HISTORY_LIMITS, seedHistory, type SeedHistoryResult } from "@/server/seed/history";
import { createWorkspace } from "@/server/queries/workspaces";
import { rebuildReportDays } from "@/server/analytics/report-days";

/** A mistake in how the command was called: printed with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export type CliDeps = {
  /** Runs the scheduler loop until the process is stopped (the `worker` command). */
  worker?: () => Promise<void>;
  /** Opens (and migrates) the database; called only by commands that need it. */
  db: () => Promise<Db>;
  secret: () => string;
  appUrl: string;
  out: (line: string) => void;
};

type Command = {
  summary: string;
  usage: string;
  options: Record<string, { type: "string" | "boolean"; description: string }>;
  run(values: Record<string, string | boolean | undefined>, deps: CliDeps): Promise<void>;
};

const emailOption = (option: string) =>
  z
    .string({ message: `--${option} is required` })
    .trim()
    .toLowerCase()
    .pipe(z.email(`--${option} must be a valid email address, like ada@example.com`));
const email = emailOption("email");

const minutes = z.coerce
  .number({ message: "--expires must be a number of minutes" })
  .int("--expires must be a whole number of minutes")
  .min(1, "--expires must be at least 1 minute")
  .max(7 * 24 * 60, "--expires can be at most 10080 minutes (7 days)");

/** A whole number option within [min, max], with messages that name it. */
const wholeNumber = (option: string, min: number, max: number) =>
  z.coerce
    .number({ message: `--${option} must be a number` })
    .int(`--${option} must be a whole number`)
    .min(min, `--${option} must be from ${min} to ${max}`)
    .max(max, `--${option} must be from ${min} to ${max}`);

function check<T>(schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (!result.success) throw new UsageError(result.error.issues.map((i) => i.message).join("; "));
  return result.data;
}

const expiresOption = (value: string | boolean | undefined) => (value === undefined ? 60 : check(minutes, value));

async function printSignInLink(deps: CliDeps, address: string, maxAgeMinutes: number) {
  const link = await createSignInLink(await deps.db(), {
    email: address,
    secret: deps.secret(),
    appUrl: deps.appUrl,
    maxAgeSeconds: maxAgeMinutes * 60,
  });
  deps.out(`Sign-in link for ${address} (works once, until ${link.expires.toISOString()}):`);
  deps.out(link.url);
}

export const commands: Record<string, Command> = {
  migrate: {
    summary: "Apply pending database migrations (the server also does this on start).",
    usage: "migrate",
    options: {},
    async run(_values, deps) {
      await deps.db();
      deps.out("The database is up to date.");
    },
  },

  "user:create": {
    summary: "Create a user (if new) and print a sign-in link for them.",
    usage: "user:create --email <address> [--name <name>] [--expires <minutes>]",
    options: {
      email: { type: "string", description: "the person's email address" },
      name: { type: "string", description: "their name, as shown to teammates" },
      expires: { type: "string", description: "minutes the sign-in link works (default 60)" },
    },
    async run(values, deps) {
      const address = check(email, values.email);
      const name = values.name === undefined ? null : check(z.string().trim().min(1, "--name cannot be empty").max(100), values.name);
      const maxAgeMinutes = expiresOption(values.expires);
      const db = await deps.db();
      const [created] = await db.insert(users).values({ email: address, name }).onConflictDoNothing({ target: users.email }).returning();
      deps.out(created ? `Created user ${address}.` : `User ${address} already exists.`);
      await printSignInLink(deps, address, maxAgeMinutes);
    },
  },

  "sign-in-link": {
    summary: "Print a sign-in link for an existing user.",
    usage: "sign-in-link --email <address> [--expires <minutes>]",
    options: {
      email: { type: "string", description: "the user's email address" },
      expires: { type: "string", description: "minutes the link works (default 60)" },
    },
    async run(values, deps) {
      const address = check(email, values.email);
      const maxAgeMinutes = expiresOption(values.expires);
      const db = await deps.db();
      const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, address));
      if (!user) throw new UsageError(`No user has the email ${address}. Create one with: user:create --email ${address}`);
      await printSignInLink(deps, address, maxAgeMinutes);
    },
  },

  "workspace:create": {
    summary: "Create a sandbox workspace owned by an existing user.",
    usage: "workspace:create --name <name> --owner <email>",
    options: {
      name: { type: "string", description: "the merchant's name" },
      owner: { type: "string", description: "email of the user who will own it" },
    },
    async run(values, deps) {
      const name = check(
        z.string({ message: "--name is required" }).trim().min(2, "--name must be at least 2 characters").max(60, "--name must be under 60 characters"),
        values.name,
      );
      const owner = check(emailOption("owner"), values.owner);
      const db = await deps.db();
      const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, owner));
      if (!user) throw new UsageError(`No user has the email ${owner}. Create one first with: user:create --email ${owner}`);
      const workspace = await createWorkspace(db, { name, ownerId: user.id });
      deps.out(`Created workspace "${workspace.name}" (sandbox mode), owned by ${owner}.`);
      deps.out(`Console: ${deps.appUrl}/w/${workspace.slug}/overview`);
    },
  },

  worker: {
    summary: "Run the scheduler: perform due retries, emails and stage changes until stopped (Ctrl-C).",
    usage: "worker",
    options: {},
    async run(_values, deps) {
      if (!deps.worker) throw new UsageError("The worker is not available in this context.");
      deps.out("Worker started: performing due actions. Stop with Ctrl-C.");
      await deps.worker();
    },
  },

  "seed:history": {
    summary: "Fill a sandbox workspace with months of realistic recovery history, so the reports can be seen full.",
    usage: "seed:history --workspace <slug> [--months <1-24>] [--cases <100-200000>] [--seed <text>]",
    options: {
      workspace: { type: "string", description: "the sandbox workspace, by its address (the <slug> in /w/<slug>)" },
      months: { type: "string", description: `how many months back the history goes, 1 to 24 (default ${HISTORY_DEFAULTS.months})` },
      cases: { type: "string", description: `how many recovery cases, 100 to 200000 (default ${HISTORY_DEFAULTS.cases})` },
      seed: { type: "string", description: `the same seed gives the same history (default "${HISTORY_DEFAULTS.seed}")` },
    },
    async run(values, deps) {
      const slug = check(
        z.string({ message: "--workspace is required: the workspace's address, as in /w/<slug>" }).trim().min(1, "--workspace cannot be empty"),
        values.workspace,
      );
      const months =
        values.months === undefined ? HISTORY_DEFAULTS.months : check(wholeNumber("months", HISTORY_LIMITS.months.min, HISTORY_LIMITS.months.max), values.months);
      const cases =
        values.cases === undefined ? HISTORY_DEFAULTS.cases : check(wholeNumber("cases", HISTORY_LIMITS.cases.min, HISTORY_LIMITS.cases.max), values.cases);
      const seed =
        values.seed === undefined
          ? HISTORY_DEFAULTS.seed
          : check(z.string().trim().min(1, "--seed cannot be empty").max(100, "--seed must be under 100 characters"), values.seed);
      const db = await deps.db();
      const [workspace] = await db.select().from(workspaces).where(eq(workspaces.slug, slug));
      if (!workspace) {
        throw new UsageError(`No workspace has the address "${slug}". Use the part after /w/ in the console's address, or create one with workspace:create.`);
      }
      if (workspace.mode !== "sandbox") {
        throw new UsageError(
          `"${workspace.name}" (${slug}) is a live workspace: seed:history only writes into sandbox workspaces, so invented history never mixes with real figures. Seed a sandbox workspace instead (workspace:create makes one).`,
        );
      }
      deps.out(`Seeding ${count(cases)} cases over ${months} ${months === 1 ? "month" : "months"} into "${workspace.name}"…`);
      let reported = 0;
      const result = await seedHistory(db, {
        workspaceId: workspace.id,
        months,
        cases,
        seed,
        appUrl: deps.appUrl,
        onProgress: (written, total) => {
          // A line per quarter or so on long runs; nothing in between.
          if (total >= 10_000 && written < total && written - reported >= total / 4) {
            reported = written;
            deps.out(`  ${count(written)} of ${count(total)} cases written`);
          }
        },
      });
      for (const line of historySummary(result, workspace, deps.appUrl)) deps.out(line);
    },
  },

  "reports:rebuild": {
    summary: "Recompute the reports' per-day totals from the recovery cases, attempts and emails (kept exact on every write; for repairs).",
    usage: "reports:rebuild [--workspace <slug>]",
    options: {
      workspace: { type: "string", description: "only this workspace, by its address (the <slug> in /w/<slug>); default every workspace" },
    },
    async run(values, deps) {
      const slug =
        values.workspace === undefined ? null : check(z.string().trim().min(1, "--workspace cannot be empty"), values.workspace);
      const db = await deps.db();
      let workspace: { id: string; name: string } | null = null;
      if (slug !== null) {
        [workspace = null] = await db.select({ id: workspaces.id, name: workspaces.name }).from(workspaces).where(eq(workspaces.slug, slug));
        if (!workspace) throw new UsageError(`No workspace has the address "${slug}". Use the part after /w/ in the console's address.`);
      }
      const started = performance.now();
      await rebuildReportDays(db, workspace?.id ?? null);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      deps.out(`Rebuilt the report totals of ${workspace ? `"${workspace.name}" (${slug})` : "every workspace"} in ${seconds} s.`);
    },
  },

  "seed:demo": {
    summary: "Create the demo user and its sandbox workspace (safe to run again).",
    usage: "seed:demo",
    options: {},
    async run(_values, deps) {
      const demo = await seedDemo(await deps.db());
      deps.out(demo.created ? "Created the demo workspace." : "The demo workspace already exists.");
      deps.out(`Sign in as ${demo.email}: npm run reclaim -- sign-in-link --email ${demo.email}`);
      deps.out(`Console: ${deps.appUrl}/w/${demo.workspaceSlug}/overview`);
    },
  },
};

const count = (n: number) => n.toLocaleString("en-US");
const percent = (part: number, whole: number) => (whole === 0 ? "0%" : `${Math.round((100 * part) / whole)}%`);

/** The end-of-run summary of seed:history: cases per status and cohort, how they were recovered, what else was written. */
function historySummary(result: SeedHistoryResult, workspace: { name: string; slug: string }, appUrl: string): string[] {
  const day = (d: Date) => d.toISOString().slice(0, 10);
  const lines = [
    `Seeded batch ${result.batch} of history into "${workspace.name}" (seed "${result.seed}"): ${count(result.cases)} cases opened ${day(result.from)} to ${day(result.to)}.`,
    `  ${"status".padEnd(10)} ${"treatment".padStart(10)} ${"holdout".padStart(10)}`,
  ];
  const total = { treatment: 0, holdout: 0 };
  for (const status of caseStatuses) {
    const row = result.byStatus[status];
    total.treatment += row.treatment;
    total.holdout += row.holdout;
    lines.push(`  ${status.padEnd(10)} ${count(row.treatment).padStart(10)} ${count(row.holdout).padStart(10)}`);
  }
  lines.push(`  ${"total".padEnd(10)} ${count(total.treatment).padStart(10)} ${count(total.holdout).padStart(10)}`);
  const closed = (cohort: "treatment" | "holdout") =>
    caseStatuses.filter((s) => s !== "open").reduce((sum, s) => sum + result.byStatus[s][cohort], 0);
  lines.push(
    `Recovered of closed cases: treatment ${percent(result.byStatus.recovered.treatment, closed("treatment"))}, holdout ${percent(result.byStatus.recovered.holdout, closed("holdout"))}.`,
    `Recovered through: ${Object.entries(result.byChannel)
      .map(([channel, n]) => `${channel} ${count(n.treatment + n.holdout)}`)
      .join(", ")}.`,
    `Also written: ${count(result.customers)} customers, ${count(result.paymentAttempts)} payment attempts, ${count(result.emails)} emails (${percent(result.emailsOpened, result.emails)} opened, ${percent(result.emailsClicked, result.emails)} clicked), ${count(result.timelineEvents)} timeline events, ${count(result.pendingActions)} planned actions waiting for the test clock.`,
    `Took ${(result.ms / 1000).toFixed(1)} s.`,
    `Console: ${appUrl}/w/${workspace.slug}/overview`,
  );
  return lines;
}

export function helpText(): string {
  const width = Math.max(...Object.keys(commands).map((c) => c.length));
  const lines = ["Usage: npm run reclaim -- <command> [options]", "", "Commands:"];
  for (const [name, command] of Object.entries(commands)) lines.push(`  ${name.padEnd(width)}  ${command.summary}`);
  lines.push("", "Run `npm run reclaim -- <command> --help` for a command's options.");
  return lines.join("\n");
}

function commandHelp(name: string, command: Command): string {
  const lines = [`Usage: npm run reclaim -- ${command.usage}`, "", command.summary];
  const options = Object.entries(command.options);
  if (options.length > 0) {
    lines.push("", "Options:");
    for (const [option, spec] of options) lines.push(`  --${option.padEnd(10)} ${spec.description}`);
  }
  return lines.join("\n");
}

/** Parses and runs one command line. Throws UsageError for a bad call. */
export async function runCli(argv: string[], deps: CliDeps): Promise<void> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    deps.out(helpText());
    return;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`Unknown command "${name}".\n\n${helpText()}`);
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: "boolean" } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError(`${error instanceof Error ? error.message : String(error)}\n\n${commandHelp(name, command)}`);
  }
  if (values.help) {
    deps.out(commandHelp(name, command));
    return;
  }
  await command.run(values, deps);
}
