-- Saved replies (PROTOCOL §10.11): texts admins keep for agents to insert with /shortcut.
-- A shortcut is unique whatever its case; the author is forgotten, not the reply, when their
-- user is removed.
CREATE TABLE saved_replies (
  id         INTEGER PRIMARY KEY,
  shortcut   TEXT NOT NULL UNIQUE COLLATE NOCASE,
  content    TEXT NOT NULL,
  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
