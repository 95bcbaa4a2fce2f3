-- pilito-box schema: fewer index entries rewritten by every message (issue #18).
--
-- Each reply bumps its conversation's updated_at, and every index holding updated_at is
-- rewritten with it. The customer's conversations are few, so looking them up by customer (and
-- source) and sorting them costs nothing, while two indexes ending in updated_at cost two entry
-- moves a message: they become one index without it.
DROP INDEX conversations_customer_updated;
DROP INDEX conversations_customer_source;
CREATE INDEX conversations_customer ON conversations(customer_id, source);

-- A queued reply's delivery id is random (20 letters) and only ever sent, never looked up: its
-- UNIQUE index was a random insert into a growing b-tree for each reply. SQLite cannot drop a
-- column's UNIQUE, so the outbox is rebuilt without it (rows keep their ids). The counts read the
-- waiting rows through outbox_pending and the failed ones (few) through their own index, so
-- outbox_state, rewritten for every reply, goes too.
CREATE TABLE outbox_v9 (
  id              INTEGER PRIMARY KEY,
  message_seq     INTEGER NOT NULL UNIQUE REFERENCES messages(seq) ON DELETE CASCADE,
  conversation_id TEXT NOT NULL,
  channel         TEXT NOT NULL CHECK (channel IN ('telegram', 'webhook')),
  delivery_id     TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  first_try_at    TEXT,
  next_attempt_at TEXT NOT NULL,
  last_error      TEXT,
  created_at      TEXT NOT NULL
);
INSERT INTO outbox_v9 (id, message_seq, conversation_id, channel, delivery_id, state, attempts,
                       first_try_at, next_attempt_at, last_error, created_at)
  SELECT id, message_seq, conversation_id, channel, delivery_id, state, attempts,
         first_try_at, next_attempt_at, last_error, created_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_v9 RENAME TO outbox;
CREATE INDEX outbox_pending ON outbox(channel, conversation_id, id) WHERE state = 'pending';
CREATE INDEX outbox_failed ON outbox(channel) WHERE state = 'failed';
