-- Why each token was revoked, so a socket opened with it later is told why in words (PROTOCOL
-- §3.2 `reason`); tokens revoked before this migration have none. The revocation log also learns
-- 'own_password': the user changed their own password, which ends their other sign-ins.
ALTER TABLE auth_tokens ADD COLUMN revoked_reason TEXT;

CREATE TABLE revocations_new (
  id         INTEGER PRIMARY KEY,
  jti        TEXT,
  user_id    INTEGER,
  reason     TEXT NOT NULL
             CHECK (reason IN ('logout', 'password', 'own_password', 'disabled', 'deleted')),
  created_at TEXT NOT NULL
);
INSERT INTO revocations_new (id, jti, user_id, reason, created_at)
  SELECT id, jti, user_id, reason, created_at FROM revocations;
DROP TABLE revocations;
ALTER TABLE revocations_new RENAME TO revocations;
