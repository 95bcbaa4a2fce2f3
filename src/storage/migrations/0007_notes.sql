-- pilito-box schema: internal notes and the inbox's Mine / Unassigned / All counts (issue #16).
--
-- A note is a message of type 'note': an agent's words to the other agents, kept in the
-- conversation's history and never sent to a channel. `messages.type` carries a CHECK, which
-- SQLite cannot alter, so the table is rebuilt as 0003 rebuilt customers and conversations (new
-- table, copy, drop, rename, indexes and the search trigger), foreign keys off for the whole
-- migration and checked before it commits. Rows keep their seq, so the outbox's references and
-- the search index (keyed by seq) stay valid.

CREATE TABLE messages_v7 (
  seq               INTEGER PRIMARY KEY,
  id                TEXT NOT NULL UNIQUE CHECK (length(id) BETWEEN 1 AND 10),
  conversation_id   TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
  customer_id       INTEGER REFERENCES customers(id) ON DELETE CASCADE,
  sender_user_id    INTEGER REFERENCES users(id) ON DELETE SET NULL,
  client_msg_id     TEXT,
  type              TEXT NOT NULL DEFAULT 'customer'
                    CHECK (type IN ('customer', 'AI', 'support', 'marketing', 'note')),
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
  metadata          TEXT,
  external_send_result TEXT
);
INSERT INTO messages_v7 (seq, id, conversation_id, customer_id, sender_user_id, client_msg_id,
                         type, content, is_ai_response, is_answered, created_at, feedback,
                         feedback_comment, feedback_at, message_type, media_url, media_file,
                         transcription, processing_status, metadata, external_send_result)
  SELECT seq, id, conversation_id, customer_id, sender_user_id, client_msg_id,
         type, content, is_ai_response, is_answered, created_at, feedback,
         feedback_comment, feedback_at, message_type, media_url, media_file,
         transcription, processing_status, metadata, external_send_result FROM messages;
DROP TABLE messages;
ALTER TABLE messages_v7 RENAME TO messages;
CREATE INDEX messages_conv_seq ON messages(conversation_id, seq);
CREATE UNIQUE INDEX messages_client_msg ON messages(conversation_id, client_msg_id)
  WHERE client_msg_id IS NOT NULL;
CREATE INDEX messages_unanswered ON messages(conversation_id)
  WHERE type = 'customer' AND is_answered = 0;
CREATE TRIGGER search_message_removed AFTER DELETE ON messages
  WHEN old.seq <= (SELECT messages_through FROM search_state)
BEGIN
  DELETE FROM search_messages WHERE rowid = old.seq;
  UPDATE search_state SET messages_through = (SELECT coalesce(max(seq), 0) FROM messages)
    WHERE messages_through > (SELECT coalesce(max(seq), 0) FROM messages);
END;

-- The counts every conversation-list frame carries (PROTOCOL §5.2) read this index alone.
CREATE INDEX conversations_status_user ON conversations(status, user_id);
