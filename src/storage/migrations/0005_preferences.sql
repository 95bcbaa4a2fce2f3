-- Each user's own preferences for the agent page (PROTOCOL §10.2, usr/me/preferences): which
-- sound a new customer message plays, desktop notifications… kept as one JSON object the inbox
-- validates, so a new preference needs no migration. Removing a user removes theirs.

CREATE TABLE user_preferences (
  user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
  body       TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
