CREATE TABLE `rep_acs_identities` (
	`rep_id` text PRIMARY KEY NOT NULL,
	`acs_user_id` text NOT NULL,
	`created_at` integer NOT NULL
);
