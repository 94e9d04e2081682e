#!/usr/bin/env node
// `npm test`: every test Reclaim has, in order.
//   1. unit and integration tests on the embedded database (PGlite)
//   2. the same suite on a real PostgreSQL, in a fresh database made for the run
//   3. the Playwright tests in Chromium, against a production build
// Options: --only=pglite|postgres|e2e (repeatable), --skip=... (repeatable).
// PostgreSQL: ADMIN_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres)
// is used to create and drop the run's database. When it cannot be reached the
// Postgres run is skipped with a warning, except under CI=true, where it fails.
import { spawnSync } from "node:child_process";
import postgres from "postgres";

const args = process.argv.slice(2);
const pick = (flag) => args.filter((a) => a.startsWith(`--${flag}=`)).map((a) => a.split("=")[1]);
const known = ["pglite", "postgres", "e2e"];
for (const name of [...pick("only"), ...pick("skip")]) {
  if (!known.includes(name)) {
    console.error(`Unknown suite "${name}". Use one of: ${known.join(", ")}.`);
    process.exit(2);
  }
}
const only = pick("only");
const skip = pick("skip");
const wanted = (name) => (only.length === 0 || only.includes(name)) && !skip.includes(name);
const inCi = Boolean(process.env.CI);

function run(title, command, commandArgs, env = {}) {
  console.log(`\n=== ${title} ===\n`);
  const result = spawnSync(command, commandArgs, { stdio: "inherit", env: { ...process.env, ...env } });
  if (result.status !== 0) {
    console.error(`\n${title}: failed (exit ${result.status ?? result.signal}).`);
    process.exit(result.status || 1);
  }
}

const vitest = ["vitest", "run"];

if (wanted("pglite")) run("Unit and integration tests on PGlite", "npx", vitest, { TEST_DATABASE_URL: "" });

if (wanted("postgres")) {
  const adminUrl = process.env.ADMIN_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
  const admin = postgres(adminUrl, { max: 1, connect_timeout: 5, onnotice: () => {} });
  const name = `reclaim_test_${process.pid}_${Date.now()}`;
  let reachable = true;
  try {
    await admin.unsafe(`create database ${name}`);
  } catch (error) {
    reachable = false;
    const message = `PostgreSQL is not reachable at ${adminUrl.replace(/\/\/[^@]*@/, "//")} (${error.message}).`;
    if (inCi) {
      console.error(`${message} The Postgres run is required in CI.`);
      await admin.end();
      process.exit(1);
    }
    console.warn(`\n!!! ${message}\n!!! Skipping the Postgres run. Start PostgreSQL or set ADMIN_DATABASE_URL to include it.\n`);
  }
  if (reachable) {
    const testUrl = new URL(adminUrl);
    testUrl.pathname = `/${name}`;
    try {
      run(`Unit and integration tests on PostgreSQL (${name})`, "npx", vitest, { TEST_DATABASE_URL: testUrl.toString() });
    } finally {
      await admin.unsafe(`drop database if exists ${name} with (force)`).catch(() => {});
    }
  }
  await admin.end();
}

if (wanted("e2e")) run("Playwright tests in Chromium", "npx", ["playwright", "test"]);

console.log("\nAll test suites passed.");
