-- The schema at version 1, as the first release created it (history: never changes).
CREATE TABLE users (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  username TEXT NOT NULL,
  username_key TEXT NOT NULL UNIQUE,      -- lower-cased (ASCII, Locale.ROOT): names are unique ignoring case
  password_hash TEXT NOT NULL,            -- Argon2id, standard encoded form
  scopes TEXT NOT NULL,                   -- space-separated
  enabled INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_login_at INTEGER,
  credentials_changed_at INTEGER,         -- last password change or disable; tokens before it die
  credential_version INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE families (
  id TEXT PRIMARY KEY,                    -- the sid claim
  user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
  scope TEXT NOT NULL,
  audience TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,            -- absolute: rotation never extends it
  revoked_at INTEGER,
  refreshed_at INTEGER,
  refresh_count INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX families_by_user ON families(user_id, created_at);
CREATE TABLE refresh_tokens (
  hash BLOB PRIMARY KEY,                  -- SHA-256 of the token; the token itself is never stored
  family_id TEXT NOT NULL REFERENCES families(id) ON DELETE CASCADE,
  parent_hash BLOB,
  created_at INTEGER NOT NULL,
  used_at INTEGER,
  successor BLOB,                         -- retry window only: encrypted under a key derived from the token
  successor_until INTEGER
) WITHOUT ROWID;
CREATE INDEX refresh_tokens_by_family ON refresh_tokens(family_id);
CREATE TABLE signing_keys (
  kid TEXT PRIMARY KEY,
  created_at INTEGER NOT NULL,
  public_key BLOB NOT NULL,               -- X.509 DER
  private_key BLOB NOT NULL,              -- AES-256-GCM under the master key, kid as associated data
  signing INTEGER NOT NULL,
  tokens_until INTEGER NOT NULL,          -- no token it signed expires after this
  revoked_at INTEGER
);
CREATE TABLE audit_events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  time INTEGER NOT NULL,
  type TEXT NOT NULL,
  username TEXT,
  actor TEXT,
  address TEXT,
  detail TEXT
);
CREATE INDEX audit_by_time ON audit_events(time);
CREATE INDEX audit_by_user ON audit_events(username, id);
CREATE INDEX audit_by_type ON audit_events(type, id);
