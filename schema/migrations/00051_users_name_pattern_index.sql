-- +goose Up
-- The admin search by masked name (LIKE '张_伟', SearchApplications) finds the accounts through the name's
-- leading characters instead of reading every account; text_pattern_ops serves LIKE prefixes under any
-- collation.
CREATE INDEX users_name_pattern ON users (name text_pattern_ops);

-- +goose Down
DROP INDEX users_name_pattern;
