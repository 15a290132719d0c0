"""The Slack face: Bolt app and server, listeners, job runners, outbox, statuses, gates and thread state."""
