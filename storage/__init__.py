"""Domain tables, sessions, queries, plan import and migrations. Knows nothing of chats."""
