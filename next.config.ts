import { PHASE_DEVELOPMENT_SERVER, PHASE_PRODUCTION_SERVER } from "next/constants";
import type { NextConfig } from "next";
import { parseEnv } from "./server/env";

export default function config(phase: string): NextConfig {
  // Check the configuration before anything starts: a bad variable stops
  // `next dev`, `next build` and `next start` with a message naming it.
  // Production secrets are only required of a server that takes traffic.
  try {
    parseEnv(process.env, { runtime: phase === PHASE_PRODUCTION_SERVER || phase === PHASE_DEVELOPMENT_SERVER });
  } catch (error) {
    console.error(`\n${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
  return {
    reactStrictMode: true,
    poweredByHeader: false,
    // PGlite ships WebAssembly and data files it loads from its own folder.
    serverExternalPackages: ["@electric-sql/pglite"],
    typedRoutes: false,
  };
}
