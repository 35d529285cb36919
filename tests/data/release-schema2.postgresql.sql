-- A database made and used by the last release before migrations (schema 2).
-- Made by tests/data/make_release_schema2.py from that release's source (dac8717):
-- its `serve --scenario` loaded user alice (a DSC+ and an SMS device); alice logged in
-- over HTTP with the DSC+, then sent one wrong password. Secrets: release-schema2.json.
-- This file: the same rows for PostgreSQL: the release's tables compiled for PostgreSQL
-- (what its create_all runs there), INSERTs, and the serial sequences moved past them.
CREATE TABLE login_failures (
	username VARCHAR(64) NOT NULL,
	consecutive INTEGER NOT NULL,
	first_failure_at TIMESTAMP WITH TIME ZONE,
	last_failure_at TIMESTAMP WITH TIME ZONE,
	PRIMARY KEY (username)
);
INSERT INTO login_failures (username, consecutive, first_failure_at, last_failure_at) VALUES ('alice', 1, '2026-11-30 04:02:31.387207+00', '2026-11-30 04:02:31.387207+00');
CREATE TABLE schema_info (
	id SERIAL NOT NULL,
	version INTEGER NOT NULL,
	PRIMARY KEY (id)
);
INSERT INTO schema_info (id, version) VALUES (1, 2);
SELECT setval(pg_get_serial_sequence('schema_info', 'id'), (SELECT max(id) FROM schema_info));
CREATE TABLE source_failures (
	source VARCHAR(64) NOT NULL,
	failures INTEGER NOT NULL,
	window_start TIMESTAMP WITH TIME ZONE,
	PRIMARY KEY (source)
);
INSERT INTO source_failures (source, failures, window_start) VALUES ('127.0.0.1', 1, '2026-11-30 04:02:31.387207+00');
CREATE TABLE users (
	id SERIAL NOT NULL,
	username VARCHAR(64) NOT NULL,
	password_hash VARCHAR(255) NOT NULL,
	phone VARCHAR(32),
	allowed_ips JSON NOT NULL,
	identity JSON NOT NULL,
	settings_key_enc BYTEA NOT NULL,
	preferred_device_id VARCHAR(32),
	last_temporary_issued_at TIMESTAMP WITH TIME ZONE,
	last_permanent_login_at TIMESTAMP WITH TIME ZONE,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	PRIMARY KEY (id)
);
CREATE UNIQUE INDEX ix_users_username ON users (username);
INSERT INTO users (id, username, password_hash, phone, allowed_ips, identity, settings_key_enc, preferred_device_id, last_temporary_issued_at, last_permanent_login_at, created_at) VALUES (1, 'alice', '$argon2id$v=19$m=65536,t=3,p=4$J2Jk3f7eGLzmxVf3SYGHgA$leYozCIcty1uJe5m3Rz1P6PFXm547FHeUWFtBti8PB4', '+15555550142', '[]', '{}', '\xbe7ff35231b57e899b8d40f0faa61457a96c87fe15b3bcef0753500163faa6fc7f452875ec66c9791649fc3c59b04fd6cffaf99c9a077375715153b0', 'alice-dscplus', NULL, '2026-11-30 04:02:31.278391+00', '2026-11-30 04:02:28.831107+00');
SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));
CREATE TABLE devices (
	id VARCHAR(32) NOT NULL,
	user_id INTEGER NOT NULL,
	kind VARCHAR(16) NOT NULL,
	label VARCHAR(64) NOT NULL,
	status VARCHAR(16) NOT NULL,
	secret_enc BYTEA,
	pin_enc BYTEA,
	phone VARCHAR(32),
	consecutive_failures INTEGER NOT NULL,
	issued_at TIMESTAMP WITH TIME ZONE NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_devices_user_id ON devices (user_id);
INSERT INTO devices (id, user_id, kind, label, status, secret_enc, pin_enc, phone, consecutive_failures, issued_at) VALUES ('alice-dscplus', 1, 'dsc_plus', 'Alice''s DSC+', 'active', '\x94e925f10681e42f3f17a8559bb9270d8a31a195f8c48e2a83948741c3234da29328c4c2421060687b1122075480130df236f1c0c4111efdb9807382', '\x136d769e941a00a29476f1471d9b34b9634625a5d40d555d6923a644ea389b5c', NULL, 0, '2026-11-30 04:02:28.162440+00');
INSERT INTO devices (id, user_id, kind, label, status, secret_enc, pin_enc, phone, consecutive_failures, issued_at) VALUES ('alice-sms', 1, 'sms', 'SMS to Alice''s phone', 'active', NULL, NULL, '+15555550142', 0, '2026-11-30 04:02:28.162440+00');
CREATE TABLE logins (
	id VARCHAR(64) NOT NULL,
	user_id INTEGER NOT NULL,
	platform VARCHAR(16) NOT NULL,
	source VARCHAR(64) NOT NULL,
	state VARCHAR(16) NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
	device_id VARCHAR(32),
	challenge VARCHAR(64),
	challenge_expires_at TIMESTAMP WITH TIME ZONE,
	wrong_responses INTEGER NOT NULL,
	code_digest VARCHAR(128),
	code_channel VARCHAR(8),
	code_device_id VARCHAR(32),
	code_expires_at TIMESTAMP WITH TIME ZONE,
	resends INTEGER NOT NULL,
	last_send_at TIMESTAMP WITH TIME ZONE,
	version INTEGER NOT NULL,
	PRIMARY KEY (id),
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_logins_user_id ON logins (user_id);
INSERT INTO logins (id, user_id, platform, source, state, created_at, expires_at, device_id, challenge, challenge_expires_at, wrong_responses, code_digest, code_channel, code_device_id, code_expires_at, resends, last_send_at, version) VALUES ('VmHSZkDuKKLFLm8yNovxaEEj-4Ce2qnX', 1, 'tws', '127.0.0.1', 'done', '2026-11-30 04:02:30.115146+00', '2026-11-30 04:07:30.115146+00', 'alice-dscplus', '615475', '2026-11-30 04:04:31.217017+00', 0, NULL, NULL, NULL, NULL, 0, NULL, 4);
CREATE TABLE sessions (
	token_hash VARCHAR(64) NOT NULL,
	user_id INTEGER NOT NULL,
	device_id VARCHAR(32) NOT NULL,
	scope VARCHAR(32) NOT NULL,
	platform VARCHAR(16) NOT NULL,
	created_at TIMESTAMP WITH TIME ZONE NOT NULL,
	expires_at TIMESTAMP WITH TIME ZONE NOT NULL,
	revoked_at TIMESTAMP WITH TIME ZONE,
	PRIMARY KEY (token_hash),
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_sessions_user_id ON sessions (user_id);
INSERT INTO sessions (token_hash, user_id, device_id, scope, platform, created_at, expires_at, revoked_at) VALUES ('66ce6d331d3aefcb8480d9d32a234790ea480f672ee6e5bd46884909a5ed8254', 1, 'alice-dscplus', 'full', 'tws', '2026-11-30 04:02:31.278391+00', '2026-11-30 16:02:31.278391+00', NULL);
CREATE TABLE used_challenges (
	device_id VARCHAR(32) NOT NULL,
	challenge VARCHAR(64) NOT NULL,
	used_at TIMESTAMP WITH TIME ZONE NOT NULL,
	PRIMARY KEY (device_id, challenge),
	FOREIGN KEY(device_id) REFERENCES devices (id) ON DELETE CASCADE
);
CREATE INDEX ix_used_challenges_used_at ON used_challenges (used_at);
INSERT INTO used_challenges (device_id, challenge, used_at) VALUES ('alice-dscplus', '615475', '2026-11-30 04:02:31.278391+00');
