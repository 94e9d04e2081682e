import { getAuthSecret } from "@/server/auth/secret";
import { closeDatabase, getDb } from "@/server/db";
import { env, EnvError } from "@/server/env";
import { runCli, UsageError } from "./commands";

async function main(): Promise<number> {
  try {
    const config = env();
    await runCli(process.argv.slice(2), {
      db: getDb,
      secret: getAuthSecret,
      appUrl: config.APP_URL,
      out: (line) => console.log(line),
      worker: async () => {
        const { createAppLocalDriver } = await import("@/server/runtime");
        const driver = await createAppLocalDriver();
        driver.start();
        await new Promise<void>((resolve) => {
          process.once("SIGINT", resolve);
          process.once("SIGTERM", resolve);
        });
        await driver.stop();
      },
    });
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`Error: ${error.message}`);
      return 2;
    }
    console.error(error instanceof EnvError ? error.message : `Error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await closeDatabase();
  }
}

process.exitCode = await main();
