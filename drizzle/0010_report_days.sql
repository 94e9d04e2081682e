CREATE TABLE "report_attempt_days" (
	"workspace_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"day" date NOT NULL,
	"source" text NOT NULL,
	"outcome" text NOT NULL,
	"attempts" integer NOT NULL,
	CONSTRAINT "report_attempt_days_workspace_id_livemode_day_source_outcome_pk" PRIMARY KEY("workspace_id","livemode","day","source","outcome")
);
--> statement-breakpoint
CREATE TABLE "report_closed_days" (
	"workspace_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"day" date NOT NULL,
	"currency" text NOT NULL,
	"cohort" "cohort" NOT NULL,
	"status" "case_status" NOT NULL,
	"cases" integer NOT NULL,
	"amount" bigint NOT NULL,
	"recovered_amount" bigint NOT NULL,
	CONSTRAINT "report_closed_days_workspace_id_livemode_day_currency_cohort_status_pk" PRIMARY KEY("workspace_id","livemode","day","currency","cohort","status")
);
--> statement-breakpoint
CREATE TABLE "report_email_days" (
	"workspace_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"day" date NOT NULL,
	"sent" integer NOT NULL,
	"opened" integer NOT NULL,
	"clicked" integer NOT NULL,
	CONSTRAINT "report_email_days_workspace_id_livemode_day_pk" PRIMARY KEY("workspace_id","livemode","day")
);
--> statement-breakpoint
CREATE TABLE "report_opened_days" (
	"workspace_id" text NOT NULL,
	"livemode" boolean NOT NULL,
	"day" date NOT NULL,
	"currency" text NOT NULL,
	"cohort" "cohort" NOT NULL,
	"status" "case_status" NOT NULL,
	"sequence_version_id" text NOT NULL,
	"cases" integer NOT NULL,
	"amount" bigint NOT NULL,
	"recovered_amount" bigint NOT NULL,
	"recovered_squares" numeric NOT NULL,
	CONSTRAINT "report_opened_days_workspace_id_livemode_day_currency_cohort_status_sequence_version_id_pk" PRIMARY KEY("workspace_id","livemode","day","currency","cohort","status","sequence_version_id")
);
--> statement-breakpoint
DROP INDEX "outbox_messages_dunning_idx";--> statement-breakpoint
DROP INDEX "payment_attempts_report_idx";--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD COLUMN "sent_at" timestamp with time zone;--> statement-breakpoint
-- An attempt takes its case's mode. Added as live (a constant default: no rewrite of the table), then the attempts of
-- sandbox cases, the fewer on any install that went live, are set apart.
ALTER TABLE "payment_attempts" ADD COLUMN "livemode" boolean DEFAULT true NOT NULL;--> statement-breakpoint
UPDATE "payment_attempts" a SET "livemode" = false FROM "recovery_cases" c WHERE c."id" = a."case_id" AND NOT c."livemode";--> statement-breakpoint
ALTER TABLE "payment_attempts" ALTER COLUMN "livemode" DROP DEFAULT;--> statement-breakpoint
-- When a dunning email went out on its workspace's clock. Live emails recorded before now keep it null: their
-- created_at is that time (the real clock), and the reports read coalesce(sent_at, created_at). Sandbox emails take
-- the time of their email_sent timeline entry (the test clock).
UPDATE "outbox_messages" m SET "sent_at" = (
  SELECT min(t."at") FROM "timeline_events" t
  WHERE t."thread_id" = m."metadata"->>'threadId' AND t."kind" = 'email_sent' AND t."data"->>'messageId' = m."id"
) WHERE m."kind" = 'dunning' AND m."livemode" = false;--> statement-breakpoint
ALTER TABLE "report_attempt_days" ADD CONSTRAINT "report_attempt_days_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_closed_days" ADD CONSTRAINT "report_closed_days_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_email_days" ADD CONSTRAINT "report_email_days_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_opened_days" ADD CONSTRAINT "report_opened_days_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
-- The per-day report totals (server/db/schema/report-days.ts) are kept by these triggers, in the statement that
-- writes the rows: a row inserted is added to its day's totals, a row updated is taken out of its old totals and
-- added to its new ones, a row deleted is taken out. Each trigger is per statement, on the statement's transition
-- tables, so a bulk load of a million cases costs one grouped upsert, not a million. Groups whose change nets to
-- zero (an update of a column the totals do not use) are left alone, so such updates lock no totals row. The upserts
-- go in key order (ORDER BY), so concurrent statements lock totals rows in the same order. The totals of a deleted
-- workspace are skipped (its rows are deleted with it, by the cascade).
-- The rows a statement changed, each with its sign: inserted rows add (+1), deleted rows take away (-1), and an
-- update takes the old row away and adds the new one. Transition tables are only visible to the trigger's own
-- queries, so this returns the query's text for them to run.
CREATE FUNCTION "report_days_source"("op" text) RETURNS text LANGUAGE sql IMMUTABLE AS $fn$
  SELECT CASE "op"
    WHEN 'INSERT' THEN 'SELECT 1 AS sign, * FROM new_rows'
    WHEN 'DELETE' THEN 'SELECT -1 AS sign, * FROM old_rows'
    ELSE 'SELECT 1 AS sign, * FROM new_rows UNION ALL SELECT -1, * FROM old_rows' END
$fn$;--> statement-breakpoint
CREATE FUNCTION "report_days_cases"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  src text := "report_days_source"(TG_OP);
BEGIN
  EXECUTE format($q$
    INSERT INTO "report_opened_days" AS r ("workspace_id", "livemode", "day", "currency", "cohort", "status", "sequence_version_id",
      "cases", "amount", "recovered_amount", "recovered_squares")
    SELECT "workspace_id", "livemode", ("opened_at" AT TIME ZONE 'UTC')::date, "currency", "cohort", "status", "sequence_version_id",
      sum(sign)::int, sum(sign * "amount"::int8)::int8, sum(sign * coalesce("recovered_amount", 0)::int8)::int8,
      sum(sign * coalesce("recovered_amount", 0)::int8 * coalesce("recovered_amount", 0))
    FROM (%s) d
    WHERE EXISTS (SELECT 1 FROM "workspaces" w WHERE w."id" = d."workspace_id")
    GROUP BY 1, 2, 3, 4, 5, 6, 7
    HAVING sum(sign) <> 0 OR sum(sign * "amount"::int8) <> 0 OR sum(sign * coalesce("recovered_amount", 0)::int8) <> 0
      OR sum(sign * coalesce("recovered_amount", 0)::int8 * coalesce("recovered_amount", 0)) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6, 7
    ON CONFLICT ("workspace_id", "livemode", "day", "currency", "cohort", "status", "sequence_version_id") DO UPDATE SET
      "cases" = r."cases" + excluded."cases", "amount" = r."amount" + excluded."amount",
      "recovered_amount" = r."recovered_amount" + excluded."recovered_amount",
      "recovered_squares" = r."recovered_squares" + excluded."recovered_squares"
  $q$, src);
  EXECUTE format($q$
    INSERT INTO "report_closed_days" AS r ("workspace_id", "livemode", "day", "currency", "cohort", "status", "cases", "amount", "recovered_amount")
    SELECT "workspace_id", "livemode", ("closed_at" AT TIME ZONE 'UTC')::date, "currency", "cohort", "status",
      sum(sign)::int, sum(sign * "amount"::int8)::int8, sum(sign * coalesce("recovered_amount", 0)::int8)::int8
    FROM (%s) d
    WHERE "closed_at" IS NOT NULL AND EXISTS (SELECT 1 FROM "workspaces" w WHERE w."id" = d."workspace_id")
    GROUP BY 1, 2, 3, 4, 5, 6
    HAVING sum(sign) <> 0 OR sum(sign * "amount"::int8) <> 0 OR sum(sign * coalesce("recovered_amount", 0)::int8) <> 0
    ORDER BY 1, 2, 3, 4, 5, 6
    ON CONFLICT ("workspace_id", "livemode", "day", "currency", "cohort", "status") DO UPDATE SET
      "cases" = r."cases" + excluded."cases", "amount" = r."amount" + excluded."amount",
      "recovered_amount" = r."recovered_amount" + excluded."recovered_amount"
  $q$, src);
  RETURN NULL;
END
$fn$;--> statement-breakpoint
CREATE FUNCTION "report_days_attempts"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  src text := "report_days_source"(TG_OP);
BEGIN
  EXECUTE format($q$
    INSERT INTO "report_attempt_days" AS r ("workspace_id", "livemode", "day", "source", "outcome", "attempts")
    SELECT "workspace_id", "livemode", ("at" AT TIME ZONE 'UTC')::date, "source", "outcome", sum(sign)::int
    FROM (%s) d
    WHERE EXISTS (SELECT 1 FROM "workspaces" w WHERE w."id" = d."workspace_id")
    GROUP BY 1, 2, 3, 4, 5
    HAVING sum(sign) <> 0
    ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ("workspace_id", "livemode", "day", "source", "outcome") DO UPDATE SET "attempts" = r."attempts" + excluded."attempts"
  $q$, src);
  RETURN NULL;
END
$fn$;--> statement-breakpoint
CREATE FUNCTION "report_days_emails"() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  src text := "report_days_source"(TG_OP);
BEGIN
  EXECUTE format($q$
    INSERT INTO "report_email_days" AS r ("workspace_id", "livemode", "day", "sent", "opened", "clicked")
    SELECT "workspace_id", "livemode", (coalesce("sent_at", "created_at") AT TIME ZONE 'UTC')::date, sum(sign)::int,
      sum(sign * ("first_opened_at" IS NOT NULL)::int)::int, sum(sign * ("first_clicked_at" IS NOT NULL)::int)::int
    FROM (%s) d
    WHERE "kind" = 'dunning' AND "status" = 'sent' AND "livemode" IS NOT NULL
      AND EXISTS (SELECT 1 FROM "workspaces" w WHERE w."id" = d."workspace_id")
    GROUP BY 1, 2, 3
    HAVING sum(sign) <> 0 OR sum(sign * ("first_opened_at" IS NOT NULL)::int) <> 0 OR sum(sign * ("first_clicked_at" IS NOT NULL)::int) <> 0
    ORDER BY 1, 2, 3
    ON CONFLICT ("workspace_id", "livemode", "day") DO UPDATE SET
      "sent" = r."sent" + excluded."sent", "opened" = r."opened" + excluded."opened", "clicked" = r."clicked" + excluded."clicked"
  $q$, src);
  RETURN NULL;
END
$fn$;--> statement-breakpoint
CREATE TRIGGER "report_days_cases_insert" AFTER INSERT ON "recovery_cases" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_days_cases"();--> statement-breakpoint
CREATE TRIGGER "report_days_cases_update" AFTER UPDATE ON "recovery_cases" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_days_cases"();--> statement-breakpoint
CREATE TRIGGER "report_days_cases_delete" AFTER DELETE ON "recovery_cases" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_days_cases"();--> statement-breakpoint
CREATE TRIGGER "report_days_attempts_insert" AFTER INSERT ON "payment_attempts" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_days_attempts"();--> statement-breakpoint
CREATE TRIGGER "report_days_attempts_update" AFTER UPDATE ON "payment_attempts" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_days_attempts"();--> statement-breakpoint
CREATE TRIGGER "report_days_attempts_delete" AFTER DELETE ON "payment_attempts" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_days_attempts"();--> statement-breakpoint
CREATE TRIGGER "report_days_emails_insert" AFTER INSERT ON "outbox_messages" REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_days_emails"();--> statement-breakpoint
CREATE TRIGGER "report_days_emails_update" AFTER UPDATE ON "outbox_messages" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_days_emails"();--> statement-breakpoint
CREATE TRIGGER "report_days_emails_delete" AFTER DELETE ON "outbox_messages" REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION "report_days_emails"();--> statement-breakpoint
-- Recomputes the totals from the rows, of one workspace or (null) of all: the migration's backfill, and
-- `npm run reclaim -- reports:rebuild`. Writes to the three tables wait until it commits, so no change is counted
-- twice or missed.
CREATE FUNCTION "report_days_rebuild"("only_workspace" text) RETURNS void LANGUAGE plpgsql AS $fn$
BEGIN
  LOCK TABLE "recovery_cases", "payment_attempts", "outbox_messages" IN SHARE MODE;
  DELETE FROM "report_opened_days" WHERE "only_workspace" IS NULL OR "workspace_id" = "only_workspace";
  DELETE FROM "report_closed_days" WHERE "only_workspace" IS NULL OR "workspace_id" = "only_workspace";
  DELETE FROM "report_attempt_days" WHERE "only_workspace" IS NULL OR "workspace_id" = "only_workspace";
  DELETE FROM "report_email_days" WHERE "only_workspace" IS NULL OR "workspace_id" = "only_workspace";
  INSERT INTO "report_opened_days" ("workspace_id", "livemode", "day", "currency", "cohort", "status", "sequence_version_id",
    "cases", "amount", "recovered_amount", "recovered_squares")
  SELECT "workspace_id", "livemode", ("opened_at" AT TIME ZONE 'UTC')::date, "currency", "cohort", "status", "sequence_version_id",
    count(*)::int, sum("amount"::int8)::int8, sum(coalesce("recovered_amount", 0)::int8)::int8,
    sum(coalesce("recovered_amount", 0)::int8 * coalesce("recovered_amount", 0))
  FROM "recovery_cases" WHERE "only_workspace" IS NULL OR "workspace_id" = "only_workspace"
  GROUP BY 1, 2, 3, 4, 5, 6, 7;
  INSERT INTO "report_closed_days" ("workspace_id", "livemode", "day", "currency", "cohort", "status", "cases", "amount", "recovered_amount")
  SELECT "workspace_id", "livemode", ("closed_at" AT TIME ZONE 'UTC')::date, "currency", "cohort", "status",
    count(*)::int, sum("amount"::int8)::int8, sum(coalesce("recovered_amount", 0)::int8)::int8
  FROM "recovery_cases" WHERE "closed_at" IS NOT NULL AND ("only_workspace" IS NULL OR "workspace_id" = "only_workspace")
  GROUP BY 1, 2, 3, 4, 5, 6;
  INSERT INTO "report_attempt_days" ("workspace_id", "livemode", "day", "source", "outcome", "attempts")
  SELECT "workspace_id", "livemode", ("at" AT TIME ZONE 'UTC')::date, "source", "outcome", count(*)::int
  FROM "payment_attempts" WHERE "only_workspace" IS NULL OR "workspace_id" = "only_workspace"
  GROUP BY 1, 2, 3, 4, 5;
  INSERT INTO "report_email_days" ("workspace_id", "livemode", "day", "sent", "opened", "clicked")
  SELECT "workspace_id", "livemode", (coalesce("sent_at", "created_at") AT TIME ZONE 'UTC')::date, count(*)::int,
    count("first_opened_at")::int, count("first_clicked_at")::int
  FROM "outbox_messages"
  WHERE "kind" = 'dunning' AND "status" = 'sent' AND "livemode" IS NOT NULL AND "workspace_id" IS NOT NULL
    AND ("only_workspace" IS NULL OR "workspace_id" = "only_workspace")
  GROUP BY 1, 2, 3;
END
$fn$;--> statement-breakpoint
SELECT "report_days_rebuild"(NULL);
