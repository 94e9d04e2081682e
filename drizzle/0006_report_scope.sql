ALTER TABLE "recovery_cases" ADD COLUMN "livemode" boolean DEFAULT false NOT NULL;
--> statement-breakpoint
UPDATE "recovery_cases" SET "livemode" = true FROM "customers" WHERE "customers"."id" = "recovery_cases"."customer_id" AND "customers"."provider" <> 'sandbox';--> statement-breakpoint
CREATE INDEX "recovery_cases_report_opened_idx" ON "recovery_cases" USING btree ("workspace_id","livemode","opened_at");--> statement-breakpoint
CREATE INDEX "recovery_cases_report_closed_idx" ON "recovery_cases" USING btree ("workspace_id","livemode","closed_at");