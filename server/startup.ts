import { closeDatabase, getDatabase } from "@/server/db";
import { env, EnvError } from "@/server/env";
import { seedDemo } from "@/server/seed/demo";

/**
 * Runs once when the server starts (from instrumentation.ts): checks the
 * configuration, opens and migrates the database, makes the demo workspace in
 * development, and says where to go. A bad configuration stops the start.
 */
export async function startServer(): Promise<void> {
  let config;
  try {
    config = env();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`\n${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
  const database = await getDatabase().catch((error: unknown) => {
    console.error(`\nReclaim cannot open its database: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
  const lines = [
    "",
    `  Reclaim is ready at ${config.APP_URL}`,
    `  Database:  ${database.driver === "pglite" ? `embedded PGlite (${database.location})` : `PostgreSQL (${database.location})`}`,
    `  Email:     ${config.emailTransport === "resend" ? "Resend" : `sandbox outbox${config.devMailbox ? ` (read it at ${config.APP_URL}/dev/mailbox)` : ""}`}`,
  ];
  if (config.seedDemo) {
    const demo = await seedDemo(database.db);
    lines.push(
      `  Demo:      sign in as ${demo.email} to play with the sandbox workspace "${demo.workspaceSlug}";`,
      `             the sign-in link is printed here${config.devMailbox ? " and shown in the dev mailbox" : ""}.`,
    );
  }
  let stopDriver = async () => {};
  if (config.embeddedWorker) {
    const { createAppLocalDriver, setLocalDriverWake } = await import("@/server/runtime");
    const driver = await createAppLocalDriver();
    driver.start();
    setLocalDriverWake(driver.wake);
    stopDriver = () => driver.stop();
    lines.push("  Scheduler: built-in (due retries, emails and Stripe events run in this process)");
  } else {
    lines.push(`  Scheduler: ${config.SCHEDULER_DRIVER === "inngest" ? "Inngest (served at /api/inngest)" : "separate worker processes (npm run worker)"}`);
  }
  console.info(`${lines.join("\n")}\n`);
  const shutdown = () => void stopDriver().finally(() => closeDatabase());
  process.once("SIGTERM", shutdown);
  process.once("SIGINT", shutdown);
}
