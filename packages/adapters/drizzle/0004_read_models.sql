CREATE TABLE `audit_entries` (
	`seq` integer PRIMARY KEY NOT NULL,
	`at` integer,
	`actor_role` text,
	`actor_name` text,
	`kind` text NOT NULL,
	`target` text NOT NULL,
	`before` text NOT NULL,
	`after` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_entries_by_target` ON `audit_entries` (`target`,`seq`);--> statement-breakpoint
CREATE INDEX `audit_entries_by_time` ON `audit_entries` (`at`,`seq`);--> statement-breakpoint
CREATE TABLE `audit_settings` (
	`target` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `deliveries` (
	`message_id` text PRIMARY KEY NOT NULL,
	`purpose` text NOT NULL,
	`ref` text NOT NULL,
	`channel` text NOT NULL,
	`to_addresses` text NOT NULL,
	`queued_at` integer NOT NULL,
	`status` text NOT NULL,
	`attempts` integer NOT NULL,
	`retry_at` integer,
	`provider_id` text,
	`history` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `deliveries_by_queued` ON `deliveries` (`queued_at`,`message_id`);--> statement-breakpoint
CREATE INDEX `deliveries_by_purpose` ON `deliveries` (`purpose`,`queued_at`,`message_id`);--> statement-breakpoint
CREATE TABLE `operator_log` (
	`seq` integer PRIMARY KEY NOT NULL,
	`tag` text NOT NULL,
	`at` integer NOT NULL,
	`record` text NOT NULL
);
