import path from "node:path";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      // `server-only` throws outside React Server Components; tests run server code directly.
      "server-only": path.resolve(import.meta.dirname, "server/testing/server-only-stub.ts"),
    },
  },
  test: {
    include: ["{app,components,server,emails}/**/*.test.{ts,tsx}"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    env: { NODE_ENV: "test" },
    // next-auth imports "next/server" without an extension, which Node's ESM
    // loader cannot resolve; letting Vite process it resolves it as Next does.
    server: { deps: { inline: ["next-auth"] } },
  },
});
