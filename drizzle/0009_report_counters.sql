DROP INDEX "outbox_messages_thread_idx";--> statement-breakpoint
DROP INDEX "outbox_messages_dunning_idx";--> statement-breakpoint
ALTER TABLE "outbox_messages" ADD COLUMN "livemode" boolean;--> statement-breakpoint
ALTER TABLE "dunning_threads" ADD COLUMN "emails_sent" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "dunning_threads_open_emails_idx" ON "dunning_threads" USING btree ("workspace_id","id","emails_sent") WHERE "dunning_threads"."status" = 'open';--> statement-breakpoint
CREATE INDEX "outbox_messages_dunning_idx" ON "outbox_messages" USING btree ("workspace_id","livemode","created_at","first_opened_at","first_clicked_at") WHERE "outbox_messages"."kind" = 'dunning' and "outbox_messages"."status" = 'sent';--> statement-breakpoint
UPDATE "dunning_threads" SET "emails_sent" = e."n" FROM (SELECT "thread_id", count(*)::int AS "n" FROM "timeline_events" WHERE "kind" = 'email_sent' GROUP BY "thread_id") e WHERE e."thread_id" = "dunning_threads"."id";--> statement-breakpoint
UPDATE "outbox_messages" SET "livemode" = c."livemode" FROM (SELECT "workspace_id", "thread_id", bool_or("livemode") AS "livemode" FROM "recovery_cases" GROUP BY "workspace_id", "thread_id") c WHERE "outbox_messages"."kind" = 'dunning' AND c."workspace_id" = "outbox_messages"."workspace_id" AND c."thread_id" = "outbox_messages"."metadata"->>'threadId';
