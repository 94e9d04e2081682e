import { getDatabase } from "@/server/db";
import { pingDatabase } from "@/server/db/client";

export const dynamic = "force-dynamic";

/** Liveness and database state, for load balancers and operators. 503 when the database is unreachable. */
export async function GET() {
  const checkedAt = new Date().toISOString();
  try {
    const database = await getDatabase();
    const latencyMs = await pingDatabase(database.db);
    return Response.json({
      status: "ok",
      checkedAt,
      app: { version: process.env.npm_package_version ?? "0.1.0" },
      database: { status: "ok", driver: database.driver, latencyMs },
    });
  } catch (error) {
    return Response.json(
      {
        status: "error",
        checkedAt,
        database: { status: "error", message: error instanceof Error ? error.message : "unreachable" },
      },
      { status: 503, headers: { "cache-control": "no-store" } },
    );
  }
}
