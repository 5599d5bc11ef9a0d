CREATE TABLE "conversation_reads" (
	"contact_id" text PRIMARY KEY NOT NULL,
	"read_up_to" timestamp (3) NOT NULL
);
--> statement-breakpoint
ALTER TABLE "conversation_reads" ADD CONSTRAINT "conversation_reads_contact_id_Contact_id_fk" FOREIGN KEY ("contact_id") REFERENCES "public"."Contact"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "Contact_userId_updatedAt_idx" ON "Contact" USING btree ("userId","updatedAt");