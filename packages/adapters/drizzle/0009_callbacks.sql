CREATE TABLE `callbacks` (
	`callback_id` text PRIMARY KEY NOT NULL,
	`number` text NOT NULL,
	`queue_id` text NOT NULL,
	`source` text NOT NULL,
	`status` text NOT NULL,
	`outcome` text,
	`attempts` integer NOT NULL,
	`joined` integer NOT NULL,
	`requested_at` integer NOT NULL,
	`window_start` integer,
	`window_end` integer,
	`deadline` integer NOT NULL,
	`ended_at` integer
);
--> statement-breakpoint
CREATE INDEX `callbacks_by_requested` ON `callbacks` (`requested_at`,`callback_id`);--> statement-breakpoint
CREATE INDEX `callbacks_by_queue` ON `callbacks` (`queue_id`,`requested_at`,`callback_id`);--> statement-breakpoint
CREATE INDEX `callbacks_by_number` ON `callbacks` (`number`,`requested_at`,`callback_id`);--> statement-breakpoint
CREATE INDEX `callbacks_by_status` ON `callbacks` (`status`,`requested_at`,`callback_id`);