-- pilito-box schema: invites instead of passwords passed by hand (issue #20). An admin makes an
-- invite; its code (128 random bits, shown once) is kept only as its SHA-256, so the database
-- alone cannot be used to join. `agent` invites create a user with `role`; `reset` invites set a
-- new password for `user_id`. Each is used once: redeeming sets used_at where it is still unset.
CREATE TABLE invites (
  id         INTEGER PRIMARY KEY,
  code_hash  TEXT NOT NULL UNIQUE,
  kind       TEXT NOT NULL CHECK (kind IN ('agent', 'reset')),
  role       TEXT CHECK (role IN ('agent', 'admin')),
  user_id    INTEGER REFERENCES users(id) ON DELETE CASCADE,
  created_by INTEGER REFERENCES users(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL,
  used_at    TEXT,
  revoked_at TEXT,
  CHECK ((kind = 'agent' AND role IS NOT NULL) OR (kind = 'reset' AND user_id IS NOT NULL))
);
CREATE INDEX invites_pending ON invites(expires_at) WHERE used_at IS NULL AND revoked_at IS NULL;

-- A box where an admin already signed in (one holds a token) does not offer the owner's first
-- visit: that admin chose how they sign in long ago.
INSERT OR IGNORE INTO settings (key, value, updated_at)
  SELECT 'setup.admin_signed_in', '1', strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
  WHERE EXISTS (SELECT 1 FROM auth_tokens t JOIN users u ON u.id = t.user_id
                WHERE u.role = 'admin');
