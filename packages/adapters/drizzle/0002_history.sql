CREATE TABLE `call_history` (
	`item_id` text PRIMARY KEY NOT NULL,
	`queue_id` text NOT NULL,
	`workstream_id` text,
	`priority` integer NOT NULL,
	`from_number` text,
	`to_number` text,
	`arrived_at` integer NOT NULL,
	`outcome` text NOT NULL,
	`rep_id` text,
	`offers` integer NOT NULL,
	`refusals` integer NOT NULL,
	`answered_at` integer,
	`ended_at` integer,
	`handle_ms` integer,
	`kind` text NOT NULL,
	`end_reason` text,
	`attempts` integer NOT NULL,
	`joined_into` text,
	`transferred_from` text
);
--> statement-breakpoint
CREATE INDEX `call_history_by_arrival` ON `call_history` (`arrived_at`,`item_id`);--> statement-breakpoint
CREATE INDEX `call_history_by_queue` ON `call_history` (`queue_id`,`arrived_at`,`item_id`);--> statement-breakpoint
CREATE INDEX `call_history_by_rep` ON `call_history` (`rep_id`,`arrived_at`,`item_id`);--> statement-breakpoint
CREATE INDEX `call_history_by_outcome` ON `call_history` (`outcome`,`arrived_at`,`item_id`);--> statement-breakpoint
CREATE TABLE `projections` (
	`name` text PRIMARY KEY NOT NULL,
	`position` integer NOT NULL,
	CONSTRAINT "projection_moved" CHECK("projections"."position" >= 0)
);
