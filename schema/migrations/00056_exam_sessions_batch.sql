-- +goose Up
-- The exam-session list filtered by batch (and occupation and level), in its order: a province's sessions
-- of one batch are read from this index rather than by scanning and sorting every session.
CREATE INDEX exam_sessions_batch ON exam_sessions (batch_id, occupation_code, level, starts_at, id);

-- +goose Down
DROP INDEX exam_sessions_batch;
