-- A sign-in's tokens share a session: the first access token's id, carried by every pair that
-- refreshing it issues, so signing out revokes the whole session (tokens of earlier
-- refreshes included). Tokens issued before this migration have none and are revoked by pair.
ALTER TABLE auth_tokens ADD COLUMN session TEXT;
CREATE INDEX auth_tokens_session ON auth_tokens(session) WHERE session IS NOT NULL;
