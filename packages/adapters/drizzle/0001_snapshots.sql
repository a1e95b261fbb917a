CREATE TABLE `snapshot_chunks` (
	`snapshot_id` text NOT NULL,
	`stream` text NOT NULL,
	`version` integer NOT NULL,
	`seq` integer NOT NULL,
	`data` blob NOT NULL,
	PRIMARY KEY(`snapshot_id`, `seq`)
);
--> statement-breakpoint
CREATE INDEX `snapshot_chunks_by_stream_version` ON `snapshot_chunks` (`stream`,`version`);--> statement-breakpoint
CREATE TABLE `snapshots` (
	`id` text PRIMARY KEY NOT NULL,
	`stream` text NOT NULL,
	`version` integer NOT NULL,
	`schema_version` integer NOT NULL,
	`taken_at` integer NOT NULL,
	`length` integer NOT NULL,
	`chunks` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `snapshots_by_stream_version` ON `snapshots` (`stream`,`version`);