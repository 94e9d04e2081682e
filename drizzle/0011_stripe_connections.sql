CREATE TYPE "public"."connection_method" AS ENUM('oauth', 'api_key');--> statement-breakpoint
CREATE TYPE "public"."connection_status" AS ENUM('active', 'disconnected');--> statement-breakpoint
CREATE TYPE "public"."webhook_event_status" AS ENUM('pending', 'processing', 'processed', 'ignored', 'failed');--> statement-breakpoint
CREATE TABLE "billing_connections" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_id" text NOT NULL,
	"provider" text DEFAULT 'stripe' NOT NULL,
	"method" "connection_method" NOT NULL,
	"status" "connection_status" DEFAULT 'active' NOT NULL,
	"account_id" text,
	"account_name" text,
	"livemode" boolean NOT NULL,
	"secret_sealed" text,
	"webhook_secret_sealed" text,
	"publishable_key" text,
	"connected_at" timestamp with time zone DEFAULT now() NOT NULL,
	"disconnected_at" timestamp with time zone,
	"disconnect_reason" text,
	"last_event_at" timestamp with time zone,
	"last_event_type" text,
	"signature_failures" integer DEFAULT 0 NOT NULL,
	"last_signature_failure_at" timestamp with time zone,
	"last_error" text,
	"last_error_at" timestamp with time zone,
	"provider_retries_seen_at" timestamp with time zone,
	"scanned_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "webhook_events" (
	"id" text PRIMARY KEY NOT NULL,
	"provider" text NOT NULL,
	"event_id" text NOT NULL,
	"workspace_id" text NOT NULL,
	"connection_id" text,
	"type" text NOT NULL,
	"livemode" boolean NOT NULL,
	"account" text,
	"created_at" timestamp with time zone NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"payload" jsonb NOT NULL,
	"status" "webhook_event_status" DEFAULT 'pending' NOT NULL,
	"run_count" integer DEFAULT 0 NOT NULL,
	"due_at" timestamp with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp with time zone,
	"result" text
);
--> statement-breakpoint
ALTER TABLE "billing_connections" ADD CONSTRAINT "billing_connections_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "webhook_events" ADD CONSTRAINT "webhook_events_connection_id_billing_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."billing_connections"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "billing_connections_workspace_idx" ON "billing_connections" USING btree ("workspace_id");--> statement-breakpoint
CREATE UNIQUE INDEX "billing_connections_connect_account_idx" ON "billing_connections" USING btree ("provider","account_id") WHERE "billing_connections"."status" = 'active' and "billing_connections"."method" = 'oauth';--> statement-breakpoint
CREATE UNIQUE INDEX "webhook_events_event_idx" ON "webhook_events" USING btree ("provider","event_id");--> statement-breakpoint
CREATE INDEX "webhook_events_due_idx" ON "webhook_events" USING btree ("due_at") WHERE "webhook_events"."status" in ('pending', 'processing');--> statement-breakpoint
CREATE INDEX "webhook_events_workspace_idx" ON "webhook_events" USING btree ("workspace_id","received_at");