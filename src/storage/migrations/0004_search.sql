-- Full-text search (PROTOCOL §5.4, §6.4, §10 user-messages): trigram indexes, so any substring of
-- three characters or more is an index lookup, over text folded by storage::search::normalize.
-- The indexes hold no text of their own (content = ''): a hit is a rowid, joined to its row.
-- Case is folded by normalize, not by the tokenizer, so the index and the scans that cover the
-- not-yet-indexed rows fold exactly alike.
--
-- The writer fills them in batches of its own a moment after the rows are written, never in the
-- transaction of a chat message (BENCHMARKS.md, "Search"). Until then a row is "pending" and
-- searches scan it instead, so a search always sees every committed row:
--   messages:      every message with seq <= search_state.messages_through is indexed;
--   customers:     rows of search_pending_customers are (re)indexed next, their index entries
--                  are ignored until then;
--   conversations: likewise with search_pending_conversations.
-- This migration indexes nothing itself: it marks every existing row pending, and the writer
-- builds the index in the background after start-up (searches scan meanwhile).

CREATE VIRTUAL TABLE search_messages USING fts5(
  body,
  content = '', contentless_delete = 1, tokenize = 'trigram case_sensitive 1'
);

CREATE VIRTUAL TABLE search_customers USING fts5(
  first_name, last_name, username, email, phone_number,
  content = '', contentless_delete = 1, tokenize = 'trigram case_sensitive 1'
);

-- Conversation ids are text, so their titles are indexed under a key of this table.
CREATE VIRTUAL TABLE search_titles USING fts5(
  title,
  content = '', contentless_delete = 1, tokenize = 'trigram case_sensitive 1'
);
CREATE TABLE search_title_keys (
  key             INTEGER PRIMARY KEY,
  conversation_id TEXT NOT NULL UNIQUE
);

CREATE TABLE search_state (
  id               INTEGER PRIMARY KEY CHECK (id = 1),
  messages_through INTEGER NOT NULL
);
INSERT INTO search_state (id, messages_through) VALUES (1, 0);

CREATE TABLE search_pending_customers (id INTEGER PRIMARY KEY);
CREATE TABLE search_pending_conversations (id TEXT PRIMARY KEY) WITHOUT ROWID;
INSERT INTO search_pending_customers (id) SELECT id FROM customers;
INSERT INTO search_pending_conversations (id) SELECT id FROM conversations;

CREATE TRIGGER search_customer_added AFTER INSERT ON customers BEGIN
  INSERT OR IGNORE INTO search_pending_customers (id) VALUES (new.id);
END;
CREATE TRIGGER search_customer_changed
  AFTER UPDATE OF first_name, last_name, username, email, phone_number ON customers
  WHEN old.first_name IS NOT new.first_name OR old.last_name IS NOT new.last_name
    OR old.username IS NOT new.username OR old.email IS NOT new.email
    OR old.phone_number IS NOT new.phone_number
BEGIN
  INSERT OR IGNORE INTO search_pending_customers (id) VALUES (new.id);
END;
CREATE TRIGGER search_customer_removed AFTER DELETE ON customers BEGIN
  INSERT OR IGNORE INTO search_pending_customers (id) VALUES (old.id);
END;

CREATE TRIGGER search_conversation_added AFTER INSERT ON conversations BEGIN
  INSERT OR IGNORE INTO search_pending_conversations (id) VALUES (new.id);
END;
CREATE TRIGGER search_conversation_retitled AFTER UPDATE OF title ON conversations
  WHEN old.title IS NOT new.title
BEGIN
  INSERT OR IGNORE INTO search_pending_conversations (id) VALUES (new.id);
END;
CREATE TRIGGER search_conversation_removed AFTER DELETE ON conversations BEGIN
  INSERT OR IGNORE INTO search_pending_conversations (id) VALUES (old.id);
END;

-- Messages are only ever deleted with their conversation; an edit (a Telegram customer's, a
-- webhook's) indexes its message again in its own transaction (storage::search::reindex_message).
-- A deleted message leaves the index at once; and since SQLite gives the next message
-- max(seq) + 1, deleting the newest messages lowers the watermark to the newest one left, so a
-- reused seq is indexed again rather than taken for indexed.
CREATE TRIGGER search_message_removed AFTER DELETE ON messages
  WHEN old.seq <= (SELECT messages_through FROM search_state)
BEGIN
  DELETE FROM search_messages WHERE rowid = old.seq;
  UPDATE search_state SET messages_through = (SELECT coalesce(max(seq), 0) FROM messages)
    WHERE messages_through > (SELECT coalesce(max(seq), 0) FROM messages);
END;
