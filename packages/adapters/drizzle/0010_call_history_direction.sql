ALTER TABLE `call_history` ADD `direction` text DEFAULT 'inbound' NOT NULL;--> statement-breakpoint
ALTER TABLE `call_history` ADD `disposition` text;