-- pilito-box schema v1: the original's tables, adapted to one workspace (PROTOCOL §1, §12).
-- Times are RFC 3339 UTC text with microseconds ("…Z"), so they sort as text.

CREATE TABLE users (
  id            INTEGER PRIMARY KEY,
  username      TEXT NOT NULL UNIQUE COLLATE NOCASE,
  email         TEXT UNIQUE COLLATE NOCASE,
  password_hash TEXT NOT NULL,
  first_name    TEXT,
  last_name     TEXT,
  role          TEXT NOT NULL DEFAULT 'agent' CHECK (role IN ('admin', 'agent')),
  is_active     INTEGER NOT NULL DEFAULT 1,
  is_online     INTEGER NOT NULL DEFAULT 0,
  last_seen_at  TEXT,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);

CREATE TABLE customers (
  id              INTEGER PRIMARY KEY,
  first_name      TEXT,
  last_name       TEXT,
  username        TEXT,
  email           TEXT,
  phone_number    TEXT,
  description     TEXT,
  profile_picture TEXT,
  source          TEXT NOT NULL DEFAULT 'unknown' CHECK (source IN ('unknown', 'telegram', 'instagram')),
  source_id       TEXT,
  data            TEXT NOT NULL DEFAULT '{}',
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  UNIQUE (source, source_id)
);
CREATE INDEX customers_created ON customers(created_at DESC, id DESC);
CREATE INDEX customers_updated ON customers(updated_at DESC, id DESC);

CREATE TABLE tags (
  id         INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT
);

CREATE TABLE customer_tags (
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  tag_id      INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
  PRIMARY KEY (customer_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX customer_tags_tag ON customer_tags(tag_id);

-- user_id is the assigned agent; NULL means unassigned (PROTOCOL §1). A customer may have several
-- conversations on one source (data imported from the original has one per former owner);
-- inbound messages continue the most recent one. last_message_seq and
-- unread_count are kept by every message write and mark_read, so list pages need no per-row
-- counting and "unread only" is an index scan.
CREATE TABLE conversations (
  id          TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 10),
  user_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  title       TEXT,
  status      TEXT NOT NULL DEFAULT 'active'
              CHECK (status IN ('active', 'support_active', 'marketing_active', 'closed')),
  is_active   INTEGER NOT NULL DEFAULT 1,
  source      TEXT NOT NULL DEFAULT 'unknown' CHECK (source IN ('unknown', 'telegram', 'instagram')),
  priority    INTEGER NOT NULL DEFAULT 1 CHECK (priority >= 0),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  last_message_seq INTEGER,
  unread_count     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX conversations_updated ON conversations(updated_at DESC, id);
CREATE INDEX conversations_created ON conversations(created_at DESC, id);
CREATE INDEX conversations_user_updated ON conversations(user_id, updated_at DESC);
CREATE INDEX conversations_status_updated ON conversations(status, updated_at DESC);
CREATE INDEX conversations_customer_updated ON conversations(customer_id, updated_at DESC);
CREATE INDEX conversations_customer_source ON conversations(customer_id, source, updated_at DESC);
CREATE INDEX conversations_unread ON conversations(updated_at DESC) WHERE unread_count > 0;
CREATE INDEX conversations_unread_customer ON conversations(customer_id) WHERE unread_count > 0;

-- seq orders a conversation's history; id is the public, opaque message id.
CREATE TABLE messages (
  seq               INTEGER PRIMARY KEY,
  id                TEXT NOT NULL UNIQUE CHECK (length(id) BETWEEN 1 AND 10),
  conversation_id   TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  customer_id       INTEGER REFERENCES customers(id) ON DELETE CASCADE,
  sender_user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
  client_msg_id     TEXT,
  type              TEXT NOT NULL DEFAULT 'customer' CHECK (type IN ('customer', 'AI', 'support', 'marketing')),
  content           TEXT NOT NULL,
  is_ai_response    INTEGER NOT NULL DEFAULT 0,
  is_answered       INTEGER NOT NULL DEFAULT 0,
  created_at        TEXT NOT NULL,
  feedback          TEXT NOT NULL DEFAULT 'none' CHECK (feedback IN ('none', 'positive', 'negative')),
  feedback_comment  TEXT NOT NULL DEFAULT '',
  feedback_at       TEXT,
  message_type      TEXT NOT NULL DEFAULT 'text',
  media_url         TEXT,
  media_file        TEXT,
  transcription     TEXT,
  processing_status TEXT NOT NULL DEFAULT 'completed',
  metadata          TEXT
);
CREATE INDEX messages_conv_seq ON messages(conversation_id, seq);
CREATE UNIQUE INDEX messages_client_msg ON messages(conversation_id, client_msg_id)
  WHERE client_msg_id IS NOT NULL;
CREATE INDEX messages_unanswered ON messages(conversation_id)
  WHERE type = 'customer' AND is_answered = 0;

-- Every issued token, by jti; revoked_at set by logout, password change or deactivation.
CREATE TABLE auth_tokens (
  jti        TEXT PRIMARY KEY,
  user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  kind       TEXT NOT NULL CHECK (kind IN ('access', 'refresh')),
  pair_jti   TEXT,
  issued_at  TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX auth_tokens_user ON auth_tokens(user_id);

-- An append-only log of revocations, so a running server can close the sockets of tokens
-- revoked by another process (the CLI) within a second.
CREATE TABLE revocations (
  id         INTEGER PRIMARY KEY,
  jti        TEXT,
  user_id    INTEGER,
  reason     TEXT NOT NULL CHECK (reason IN ('logout', 'password', 'disabled', 'deleted')),
  created_at TEXT NOT NULL
);

CREATE TABLE ip_blacklist (
  ip         TEXT PRIMARY KEY,
  reason     TEXT,
  created_at TEXT NOT NULL
);
