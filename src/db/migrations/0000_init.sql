CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"user_id" text NOT NULL,
	"key_hash" text NOT NULL,
	"name" text DEFAULT 'default' NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "Contact" (
	"id" text PRIMARY KEY NOT NULL,
	"phone" text NOT NULL,
	"name" text,
	"userId" text NOT NULL,
	"waUserId" text,
	"lastInboundAt" timestamp (3),
	"createdAt" timestamp (3) DEFAULT now() NOT NULL,
	"updatedAt" timestamp (3) DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "flow_versions" (
	"flow_id" text NOT NULL,
	"version" integer NOT NULL,
	"definition" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "flow_versions_flow_id_version_pk" PRIMARY KEY("flow_id","version")
);
--> statement-breakpoint
CREATE TABLE "Flow" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"trigger" text NOT NULL,
	"status" text DEFAULT 'Draft' NOT NULL,
	"definition" jsonb NOT NULL,
	"userId" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"createdAt" timestamp (3) DEFAULT now() NOT NULL,
	"updatedAt" timestamp (3) DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "inbound_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"dedupe_key" text NOT NULL,
	"kind" text NOT NULL,
	"phone_number_id" text,
	"contact_key" text,
	"wamid" text,
	"occurred_at" timestamp (3) with time zone,
	"payload" jsonb NOT NULL,
	"state" text NOT NULL,
	"reason" text,
	"received_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"processed_at" timestamp (3) with time zone,
	CONSTRAINT "inbound_events_dedupe_key_unique" UNIQUE("dedupe_key")
);
--> statement-breakpoint
CREATE TABLE "Message" (
	"id" text PRIMARY KEY NOT NULL,
	"waMessageId" text,
	"direction" text NOT NULL,
	"type" text DEFAULT 'text' NOT NULL,
	"content" text,
	"payload" jsonb,
	"status" text DEFAULT 'Pending' NOT NULL,
	"error" text,
	"statusUpdatedAt" timestamp (3),
	"createdAt" timestamp (3) DEFAULT now() NOT NULL,
	"contactId" text NOT NULL,
	"userId" text NOT NULL,
	"sessionId" text
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"message_id" text NOT NULL,
	"user_id" text NOT NULL,
	"contact_id" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_error" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "outbox_message_id_unique" UNIQUE("message_id")
);
--> statement-breakpoint
CREATE TABLE "Session" (
	"id" text PRIMARY KEY NOT NULL,
	"status" text DEFAULT 'Active' NOT NULL,
	"currentNodeId" text,
	"context" jsonb,
	"createdAt" timestamp (3) DEFAULT now() NOT NULL,
	"updatedAt" timestamp (3) DEFAULT now() NOT NULL,
	"contactId" text NOT NULL,
	"flowId" text NOT NULL,
	"flowVersion" integer,
	"nextTimerAt" timestamp (3)
);
--> statement-breakpoint
CREATE TABLE "User" (
	"id" text PRIMARY KEY NOT NULL,
	"email" text,
	"name" text,
	"metaPhoneNumberId" text,
	"metaAccessToken" text,
	"appSecret" text,
	"tokenExpiredAt" timestamp (3),
	"createdAt" timestamp (3) DEFAULT now() NOT NULL,
	"updatedAt" timestamp (3) DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_user_id_User_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."User"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "Contact" ADD CONSTRAINT "Contact_userId_User_id_fk" FOREIGN KEY ("userId") REFERENCES "public"."User"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "flow_versions" ADD CONSTRAINT "flow_versions_flow_id_Flow_id_fk" FOREIGN KEY ("flow_id") REFERENCES "public"."Flow"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "Flow" ADD CONSTRAINT "Flow_userId_User_id_fk" FOREIGN KEY ("userId") REFERENCES "public"."User"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "Message" ADD CONSTRAINT "Message_contactId_Contact_id_fk" FOREIGN KEY ("contactId") REFERENCES "public"."Contact"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "Message" ADD CONSTRAINT "Message_userId_User_id_fk" FOREIGN KEY ("userId") REFERENCES "public"."User"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "Message" ADD CONSTRAINT "Message_sessionId_Session_id_fk" FOREIGN KEY ("sessionId") REFERENCES "public"."Session"("id") ON DELETE set null ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "outbox" ADD CONSTRAINT "outbox_message_id_Message_id_fk" FOREIGN KEY ("message_id") REFERENCES "public"."Message"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "Session" ADD CONSTRAINT "Session_contactId_Contact_id_fk" FOREIGN KEY ("contactId") REFERENCES "public"."Contact"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
ALTER TABLE "Session" ADD CONSTRAINT "Session_flowId_Flow_id_fk" FOREIGN KEY ("flowId") REFERENCES "public"."Flow"("id") ON DELETE cascade ON UPDATE cascade;--> statement-breakpoint
CREATE UNIQUE INDEX "Contact_userId_phone_key" ON "Contact" USING btree ("userId","phone");--> statement-breakpoint
CREATE UNIQUE INDEX "Contact_userId_waUserId_key" ON "Contact" USING btree ("userId","waUserId") WHERE "waUserId" IS NOT NULL;--> statement-breakpoint
CREATE INDEX "Flow_userId_status_idx" ON "Flow" USING btree ("userId","status");--> statement-breakpoint
CREATE INDEX "inbound_events_pending_idx" ON "inbound_events" USING btree ("phone_number_id","contact_key","occurred_at","id") WHERE state = 'pending';--> statement-breakpoint
CREATE INDEX "inbound_events_unmatched_idx" ON "inbound_events" USING btree ("wamid") WHERE state = 'unmatched';--> statement-breakpoint
CREATE UNIQUE INDEX "Message_waMessageId_key" ON "Message" USING btree ("waMessageId");--> statement-breakpoint
CREATE INDEX "Message_contactId_createdAt_idx" ON "Message" USING btree ("contactId","createdAt");--> statement-breakpoint
CREATE INDEX "outbox_contact_idx" ON "outbox" USING btree ("contact_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "Session_contactId_flowId_key" ON "Session" USING btree ("contactId","flowId");--> statement-breakpoint
CREATE INDEX "Session_nextTimerAt_idx" ON "Session" USING btree ("nextTimerAt") WHERE "nextTimerAt" IS NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "User_email_key" ON "User" USING btree ("email");--> statement-breakpoint
CREATE UNIQUE INDEX "User_metaPhoneNumberId_key" ON "User" USING btree ("metaPhoneNumberId");