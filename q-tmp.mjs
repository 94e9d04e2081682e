import { PGlite } from "@electric-sql/pglite";
const db = new PGlite("/work/main/.data/e2e/pglite");
const r = await db.query("select event_id, type, status, run_count, result, received_at from webhook_events order by received_at");
console.log(r.rows);
const c = await db.query("select id, status, decline_code, livemode from recovery_cases");
console.log(c.rows.length, c.rows.slice(0,3));
const w = await db.query("select slug, mode from workspaces");
console.log(w.rows);
