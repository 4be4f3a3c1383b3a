-- Mail bodies carry secrets (reset tokens, invite codes): new rows keep them encrypted in
-- body_sealed (AES-256-GCM, see src/auth/secret-box.ts) and "body" is left for rows queued before.
ALTER TABLE "outbox" ADD COLUMN "body_sealed" bytea;--> statement-breakpoint
ALTER TABLE "outbox" ALTER COLUMN "body" DROP NOT NULL;--> statement-breakpoint
-- A body is needed only until the mail is SENT or FAILED: empty those already kept in clear.
UPDATE "outbox" SET "body" = NULL WHERE "status" <> 'PENDING';
