-- pilito-box schema v3: channels (issue #13). The `api` source for customers and conversations
-- (the webhook channel), the delivery state of a message sent out, channel settings and the
-- persisted outbox.
--
-- customers and conversations carry a CHECK on `source`; SQLite cannot alter a CHECK, so both
-- are rebuilt the way its documentation prescribes (new table, copy, drop, rename, indexes),
-- with foreign keys switched off by the migration runner for the whole migration and checked
-- (`foreign_key_check`) before it commits. Rows keep their ids, so every reference stays valid.

CREATE TABLE customers_v3 (
  id              INTEGER PRIMARY KEY,
  first_name      TEXT,
  last_name       TEXT,
  username        TEXT,
  email           TEXT,
  phone_number    TEXT,
  description     TEXT,
  profile_picture TEXT,
  source          TEXT NOT NULL DEFAULT 'unknown'
                  CHECK (source IN ('unknown', 'telegram', 'instagram', 'api')),
  source_id       TEXT,
  data            TEXT NOT NULL DEFAULT '{}',
  created_at      TEXT NOT NULL,
  updated_at      TEXT NOT NULL,
  UNIQUE (source, source_id)
);
INSERT INTO customers_v3 (id, first_name, last_name, username, email, phone_number, description,
                          profile_picture, source, source_id, data, created_at, updated_at)
  SELECT id, first_name, last_name, username, email, phone_number, description,
         profile_picture, source, source_id, data, created_at, updated_at FROM customers;
DROP TABLE customers;
ALTER TABLE customers_v3 RENAME TO customers;
CREATE INDEX customers_created ON customers(created_at DESC, id DESC);
CREATE INDEX customers_updated ON customers(updated_at DESC, id DESC);

CREATE TABLE conversations_v3 (
  id          TEXT PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 10),
  user_id     INTEGER REFERENCES users(id) ON DELETE SET NULL,
  customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
  title       TEXT,
  status      TEXT NOT NULL DEFAULT 'active'
              CHECK (status IN ('active', 'support_active', 'marketing_active', 'closed')),
  is_active   INTEGER NOT NULL DEFAULT 1,
  source      TEXT NOT NULL DEFAULT 'unknown'
              CHECK (source IN ('unknown', 'telegram', 'instagram', 'api')),
  priority    INTEGER NOT NULL DEFAULT 1 CHECK (priority >= 0),
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL,
  last_message_seq INTEGER,
  unread_count     INTEGER NOT NULL DEFAULT 0
);
INSERT INTO conversations_v3 (id, user_id, customer_id, title, status, is_active, source,
                              priority, created_at, updated_at, last_message_seq, unread_count)
  SELECT id, user_id, customer_id, title, status, is_active, source,
         priority, created_at, updated_at, last_message_seq, unread_count FROM conversations;
DROP TABLE conversations;
ALTER TABLE conversations_v3 RENAME TO conversations;
CREATE INDEX conversations_updated ON conversations(updated_at DESC, id);
CREATE INDEX conversations_created ON conversations(created_at DESC, id);
CREATE INDEX conversations_user_updated ON conversations(user_id, updated_at DESC);
CREATE INDEX conversations_status_updated ON conversations(status, updated_at DESC);
CREATE INDEX conversations_customer_updated ON conversations(customer_id, updated_at DESC);
CREATE INDEX conversations_customer_source ON conversations(customer_id, source, updated_at DESC);
CREATE INDEX conversations_unread ON conversations(updated_at DESC) WHERE unread_count > 0;
CREATE INDEX conversations_unread_customer ON conversations(customer_id) WHERE unread_count > 0;

-- The delivery state of a message sent out through a channel, as the wire's
-- `external_send_result` object (JSON); NULL when nothing is sent out for it.
ALTER TABLE messages ADD COLUMN external_send_result TEXT;

-- Channel settings set from the agent page: `telegram.bot_token`, `telegram.offset` (the next
-- getUpdates offset), `webhook.url`, `webhook.secret`. Secrets live here, in the private
-- database file, and are never returned in full.
CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value      TEXT NOT NULL,
  updated_at TEXT NOT NULL
) WITHOUT ROWID;

-- Messages waiting to go out (or failed going out). A row is written in the same transaction
-- as its message and removed in the one that records its delivery; a failed row stays until
-- it is retried. `delivery_id` is what the webhook receiver de-duplicates by.
CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  message_seq     INTEGER NOT NULL UNIQUE REFERENCES messages(seq) ON DELETE CASCADE,
  conversation_id TEXT NOT NULL,
  channel         TEXT NOT NULL CHECK (channel IN ('telegram', 'webhook')),
  delivery_id     TEXT NOT NULL UNIQUE,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  first_try_at    TEXT,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  created_at      TEXT NOT NULL
);
CREATE INDEX outbox_pending ON outbox(channel, conversation_id, id) WHERE state = 'pending';
CREATE INDEX outbox_state ON outbox(channel, state);
