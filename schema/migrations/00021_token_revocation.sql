-- +goose Up
-- Revocation of bearer tokens. A token names its user's token version when it was issued; changing the
-- password raises the version, which refuses every older token of that user. Logging out puts the token's
-- ID on the deny list until the token would have expired anyway.
CREATE TABLE token_versions (
    user_id uuid   PRIMARY KEY REFERENCES users (id),
    version bigint NOT NULL CHECK (version > 0)
);

CREATE TABLE revoked_tokens (
    jti        text        PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
CREATE INDEX revoked_tokens_expiry ON revoked_tokens (expires_at);

-- +goose Down
DROP TABLE revoked_tokens;
DROP TABLE token_versions;
