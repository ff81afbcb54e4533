-- The SQL of the previous release's stores, run by PreviousReleaseQueriesTest against a database
-- migrated to this release's latest schema (see that class for how to renew this file at a release).
-- release: 831a524
-- databases: sqlite
--
-- One statement per line, exactly as that release's code sends it (string constants expanded), then
-- " -- params: " and its sample parameters: 123 (integer), 'text', x'0a0b' (bytes), null. A line may
-- start with [sqlite] or [postgres] when it is sent to that database only. The lines run in order,
-- on rows that this release's stores wrote first (user 1 'New-Agent', family 'new-family', key
-- 'new-kid', one audit event), and each must touch a row: a query answers one, a change changes one.
-- Times: 1772360130123 is 2026-03-01T10:15:30.123Z.

-- Migrations.version (at every start)
SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'
SELECT COALESCE(MAX(version), 0) FROM schema_migrations

-- UserStore
INSERT INTO users(username, username_key, password_hash, scopes, enabled, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) -- params: 'Old-Agent', 'old-agent', '$argon2id$old', 'read write', 1, 1772360130123, 1772360130123
SELECT id, username, password_hash, scopes, enabled, created_at, updated_at, last_login_at, credentials_changed_at, credential_version FROM users WHERE username_key = ? -- params: 'old-agent'
SELECT id, username, password_hash, scopes, enabled, created_at, updated_at, last_login_at, credentials_changed_at, credential_version FROM users WHERE username_key = ? -- params: 'new-agent'
SELECT id, username, password_hash, scopes, enabled, created_at, updated_at, last_login_at, credentials_changed_at, credential_version FROM users WHERE id = ? -- params: 2
SELECT id, username, password_hash, scopes, enabled, created_at, updated_at, last_login_at, credentials_changed_at, credential_version FROM users ORDER BY username_key
SELECT 1 FROM users LIMIT 1
UPDATE users SET password_hash = ?, scopes = ?, enabled = ?, updated_at = ?, credentials_changed_at = ?, credential_version = ? WHERE id = ? -- params: '$argon2id$changed', 'read', 1, 1772360131000, 1772360131000, 1, 2
UPDATE users SET password_hash = ? WHERE id = ? AND password_hash = ? -- params: '$argon2id$rehashed', 2, '$argon2id$changed'
UPDATE users SET last_login_at = ? WHERE id = ? -- params: 1772360132000, 2
SELECT scopes FROM users WHERE enabled = 1

-- RefreshTokenStore
INSERT INTO families(id, user_id, scope, audience, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?) -- params: 'old-family', 2, 'read', 'https://api.example', 1772360130123, 1772446530123
INSERT INTO refresh_tokens(hash, family_id, parent_hash, created_at) VALUES (?, ?, ?, ?) -- params: x'0101010101010101010101010101010101010101010101010101010101010101', 'old-family', null, 1772360130123
INSERT INTO refresh_tokens(hash, family_id, parent_hash, created_at) VALUES (?, ?, ?, ?) -- params: x'0202020202020202020202020202020202020202020202020202020202020202', 'old-family', x'0101010101010101010101010101010101010101010101010101010101010101', 1772360130200
SELECT f.id, f.user_id, f.scope, f.audience, f.created_at, f.expires_at, f.revoked_at, t.used_at, t.successor, t.successor_until FROM refresh_tokens t JOIN families f ON f.id = t.family_id WHERE t.hash = ? -- params: x'0101010101010101010101010101010101010101010101010101010101010101'
UPDATE refresh_tokens SET used_at = ?, successor = ?, successor_until = ? WHERE hash = ? -- params: 1772360130200, x'aabbcc', 1772360135200, x'0101010101010101010101010101010101010101010101010101010101010101'
SELECT used_at FROM refresh_tokens WHERE hash = ? -- params: x'0101010101010101010101010101010101010101010101010101010101010101'
UPDATE refresh_tokens SET successor = NULL, successor_until = NULL WHERE hash = (SELECT parent_hash FROM refresh_tokens WHERE hash = ?) AND successor IS NOT NULL -- params: x'0202020202020202020202020202020202020202020202020202020202020202'
UPDATE refresh_tokens SET used_at = ?, successor = ?, successor_until = ? WHERE hash = ? -- params: 1772360130300, x'ddeeff', 1772360135300, x'0202020202020202020202020202020202020202020202020202020202020202'
UPDATE refresh_tokens SET successor = NULL, successor_until = NULL WHERE successor IS NOT NULL AND successor_until <= ? -- params: 1772360135300
UPDATE families SET refreshed_at = ?, refresh_count = refresh_count + 1 WHERE id = ? -- params: 1772360130300, 'old-family'
UPDATE families SET scope = ? WHERE id = ? -- params: 'read', 'old-family'
SELECT f.id, f.user_id, f.scope, f.audience, f.created_at, f.expires_at, f.revoked_at FROM families f WHERE f.id = ? -- params: 'old-family'
SELECT id FROM families WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY created_at DESC, rowid DESC LIMIT -1 OFFSET ? -- params: 2, 1772360130123, 0
UPDATE families SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL -- params: 1772360130400, 'old-family'
UPDATE families SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? -- params: 1772360130500, 1, 1772360130500
DELETE FROM families WHERE expires_at < ? OR revoked_at < ? -- params: 1772360130450, 1772360130450

-- SigningKeyStore
INSERT INTO signing_keys(kid, created_at, public_key, private_key, signing, tokens_until) VALUES (?, ?, ?, ?, ?, ?) -- params: 'old-kid', 1772360130123, x'3059301306072a8648ce3d0201', x'00ff7f80', 0, 1772363730123
SELECT kid, created_at, public_key, private_key, signing, tokens_until, revoked_at FROM signing_keys ORDER BY created_at, kid
UPDATE signing_keys SET signing = (kid = ?) -- params: 'old-kid'
UPDATE signing_keys SET tokens_until = MAX(tokens_until, ?) WHERE kid = ? -- params: 1772367330123, 'old-kid'
UPDATE signing_keys SET tokens_until = ? WHERE kid = ? -- params: 1772363730123, 'new-kid'
UPDATE signing_keys SET revoked_at = ?, signing = 0 WHERE kid = ? AND revoked_at IS NULL -- params: 1772360130600, 'new-kid'

-- AuditLog (list builds its WHERE from the filters given: none, and all of them)
INSERT INTO audit_events(time, type, username, actor, address, detail) VALUES (?, ?, ?, ?, ?, ?) -- params: 1772360130123, 'user_created', 'Old-Agent', 'admin', '127.0.0.1', 'by the previous release'
SELECT id, time, type, username, actor, address, detail FROM audit_events WHERE 1 = 1 ORDER BY id DESC LIMIT ? -- params: 51
SELECT id, time, type, username, actor, address, detail FROM audit_events WHERE 1 = 1 AND id < ? AND username = ? COLLATE NOCASE AND type = ? ORDER BY id DESC LIMIT ? -- params: 1000, 'old-agent', 'user_created', 51
DELETE FROM audit_events WHERE time < ? -- params: 1772360130124

-- Deletions last, so that the statements above find their rows
DELETE FROM users WHERE id = ? -- params: 2
DELETE FROM signing_keys
