CREATE TABLE `events` (
	`stream` text NOT NULL,
	`version` integer NOT NULL,
	`payload` text NOT NULL,
	PRIMARY KEY(`stream`, `version`)
);
--> statement-breakpoint
CREATE TABLE `streams` (
	`stream` text PRIMARY KEY NOT NULL,
	`version` integer NOT NULL,
	CONSTRAINT "stale_expected_version" CHECK("streams"."version" >= 0)
);
--> statement-breakpoint
CREATE TABLE `timers` (
	`stream` text NOT NULL,
	`timer_id` text NOT NULL,
	`due_at` integer NOT NULL,
	`command` text NOT NULL,
	PRIMARY KEY(`stream`, `timer_id`)
);
