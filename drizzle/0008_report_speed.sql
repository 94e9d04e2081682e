DROP INDEX "recovery_cases_report_opened_idx";--> statement-breakpoint
DROP INDEX "recovery_cases_report_closed_idx";--> statement-breakpoint
DROP INDEX "payment_attempts_report_idx";--> statement-breakpoint
CREATE INDEX "outbox_messages_dunning_idx" ON "outbox_messages" USING btree ("workspace_id","created_at","first_opened_at","first_clicked_at") WHERE "outbox_messages"."kind" = 'dunning' and "outbox_messages"."status" = 'sent';--> statement-breakpoint
CREATE INDEX "outbox_messages_thread_idx" ON "outbox_messages" USING btree (("metadata"->>'threadId'),"created_at") WHERE "outbox_messages"."kind" = 'dunning' and "outbox_messages"."status" = 'sent';--> statement-breakpoint
CREATE INDEX "recovery_cases_report_open_idx" ON "recovery_cases" USING btree ("workspace_id","livemode","currency","stage","cohort","amount","customer_id","thread_id") WHERE "recovery_cases"."status" = 'open';--> statement-breakpoint
CREATE INDEX "recovery_cases_report_opened_idx" ON "recovery_cases" USING btree ("workspace_id","livemode","opened_at","currency","status","cohort","sequence_version_id","amount","closed_at","recovered_amount");--> statement-breakpoint
CREATE INDEX "recovery_cases_report_closed_idx" ON "recovery_cases" USING btree ("workspace_id","livemode","closed_at","currency","status","cohort","amount","recovered_amount");--> statement-breakpoint
CREATE INDEX "payment_attempts_report_idx" ON "payment_attempts" USING btree ("workspace_id","at","source","outcome","case_id");