CREATE INDEX "payment_attempts_report_idx" ON "payment_attempts" USING btree ("workspace_id","at");--> statement-breakpoint
CREATE INDEX "timeline_events_kind_idx" ON "timeline_events" USING btree ("workspace_id","kind","at");--> statement-breakpoint
CREATE INDEX "timeline_events_email_sent_idx" ON "timeline_events" USING btree ("thread_id") WHERE "timeline_events"."kind" = 'email_sent';--> statement-breakpoint
CREATE INDEX "timeline_events_message_idx" ON "timeline_events" USING btree ("workspace_id",("data"->>'messageId'));