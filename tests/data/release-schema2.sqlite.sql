-- A database made and used by the last release before migrations (schema 2).
-- Made by tests/data/make_release_schema2.py from that release's source (dac8717):
-- its `serve --scenario` loaded user alice (a DSC+ and an SMS device); alice logged in
-- over HTTP with the DSC+, then sent one wrong password. Secrets: release-schema2.json.
-- This file: the SQLite database, as `sqlite3 .dump` writes it.
BEGIN TRANSACTION;
CREATE TABLE devices (
	id VARCHAR(32) NOT NULL, 
	user_id INTEGER NOT NULL, 
	kind VARCHAR(16) NOT NULL, 
	label VARCHAR(64) NOT NULL, 
	status VARCHAR(16) NOT NULL, 
	secret_enc BLOB, 
	pin_enc BLOB, 
	phone VARCHAR(32), 
	consecutive_failures INTEGER NOT NULL, 
	issued_at DATETIME NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
INSERT INTO "devices" VALUES('alice-dscplus',1,'dsc_plus','Alice''s DSC+','active',X'94E925F10681E42F3F17A8559BB9270D8A31A195F8C48E2A83948741C3234DA29328C4C2421060687B1122075480130DF236F1C0C4111EFDB9807382',X'136D769E941A00A29476F1471D9B34B9634625A5D40D555D6923A644EA389B5C',NULL,0,'2026-11-30 04:02:28.162440');
INSERT INTO "devices" VALUES('alice-sms',1,'sms','SMS to Alice''s phone','active',NULL,NULL,'+15555550142',0,'2026-11-30 04:02:28.162440');
CREATE TABLE login_failures (
	username VARCHAR(64) NOT NULL, 
	consecutive INTEGER NOT NULL, 
	first_failure_at DATETIME, 
	last_failure_at DATETIME, 
	PRIMARY KEY (username)
);
INSERT INTO "login_failures" VALUES('alice',1,'2026-11-30 04:02:31.387207','2026-11-30 04:02:31.387207');
CREATE TABLE logins (
	id VARCHAR(64) NOT NULL, 
	user_id INTEGER NOT NULL, 
	platform VARCHAR(16) NOT NULL, 
	source VARCHAR(64) NOT NULL, 
	state VARCHAR(16) NOT NULL, 
	created_at DATETIME NOT NULL, 
	expires_at DATETIME NOT NULL, 
	device_id VARCHAR(32), 
	challenge VARCHAR(64), 
	challenge_expires_at DATETIME, 
	wrong_responses INTEGER NOT NULL, 
	code_digest VARCHAR(128), 
	code_channel VARCHAR(8), 
	code_device_id VARCHAR(32), 
	code_expires_at DATETIME, 
	resends INTEGER NOT NULL, 
	last_send_at DATETIME, 
	version INTEGER NOT NULL, 
	PRIMARY KEY (id), 
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
INSERT INTO "logins" VALUES('VmHSZkDuKKLFLm8yNovxaEEj-4Ce2qnX',1,'tws','127.0.0.1','done','2026-11-30 04:02:30.115146','2026-11-30 04:07:30.115146','alice-dscplus','615475','2026-11-30 04:04:31.217017',0,NULL,NULL,NULL,NULL,0,NULL,4);
CREATE TABLE schema_info (
	id INTEGER NOT NULL, 
	version INTEGER NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "schema_info" VALUES(1,2);
CREATE TABLE sessions (
	token_hash VARCHAR(64) NOT NULL, 
	user_id INTEGER NOT NULL, 
	device_id VARCHAR(32) NOT NULL, 
	scope VARCHAR(32) NOT NULL, 
	platform VARCHAR(16) NOT NULL, 
	created_at DATETIME NOT NULL, 
	expires_at DATETIME NOT NULL, 
	revoked_at DATETIME, 
	PRIMARY KEY (token_hash), 
	FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
INSERT INTO "sessions" VALUES('66ce6d331d3aefcb8480d9d32a234790ea480f672ee6e5bd46884909a5ed8254',1,'alice-dscplus','full','tws','2026-11-30 04:02:31.278391','2026-11-30 16:02:31.278391',NULL);
CREATE TABLE source_failures (
	source VARCHAR(64) NOT NULL, 
	failures INTEGER NOT NULL, 
	window_start DATETIME, 
	PRIMARY KEY (source)
);
INSERT INTO "source_failures" VALUES('127.0.0.1',1,'2026-11-30 04:02:31.387207');
CREATE TABLE used_challenges (
	device_id VARCHAR(32) NOT NULL, 
	challenge VARCHAR(64) NOT NULL, 
	used_at DATETIME NOT NULL, 
	PRIMARY KEY (device_id, challenge), 
	FOREIGN KEY(device_id) REFERENCES devices (id) ON DELETE CASCADE
);
INSERT INTO "used_challenges" VALUES('alice-dscplus','615475','2026-11-30 04:02:31.278391');
CREATE TABLE users (
	id INTEGER NOT NULL, 
	username VARCHAR(64) NOT NULL, 
	password_hash VARCHAR(255) NOT NULL, 
	phone VARCHAR(32), 
	allowed_ips JSON NOT NULL, 
	identity JSON NOT NULL, 
	settings_key_enc BLOB NOT NULL, 
	preferred_device_id VARCHAR(32), 
	last_temporary_issued_at DATETIME, 
	last_permanent_login_at DATETIME, 
	created_at DATETIME NOT NULL, 
	PRIMARY KEY (id)
);
INSERT INTO "users" VALUES(1,'alice','$argon2id$v=19$m=65536,t=3,p=4$J2Jk3f7eGLzmxVf3SYGHgA$leYozCIcty1uJe5m3Rz1P6PFXm547FHeUWFtBti8PB4','+15555550142','[]','{}',X'BE7FF35231B57E899B8D40F0FAA61457A96C87FE15B3BCEF0753500163FAA6FC7F452875EC66C9791649FC3C59B04FD6CFFAF99C9A077375715153B0','alice-dscplus',NULL,'2026-11-30 04:02:31.278391','2026-11-30 04:02:28.831107');
CREATE UNIQUE INDEX ix_users_username ON users (username);
CREATE INDEX ix_devices_user_id ON devices (user_id);
CREATE INDEX ix_logins_user_id ON logins (user_id);
CREATE INDEX ix_sessions_user_id ON sessions (user_id);
CREATE INDEX ix_used_challenges_used_at ON used_challenges (used_at);
COMMIT;
