-- +goose Up
-- Substring search of Chinese names (the inbox's q). The cluster runs without a locale, so pg_trgm indexes no
-- CJK characters; instead each name is indexed by its characters and its pairs of adjacent characters (GIN).
-- A query string of one character looks that character up, a longer one every pair of adjacent characters in
-- it: a name containing the string contains them all, and LIKE rechecks the few names that merely have them.

-- name_grams is what the index holds of a name: its characters and its pairs of adjacent characters.
CREATE FUNCTION name_grams(s text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN ARRAY(SELECT substr(s, i, n)
             FROM generate_series(1, char_length(s)) AS i, (VALUES (1), (2)) AS g (n)
             WHERE i + n - 1 <= char_length(s));

-- name_query_grams is what a name containing s must hold: s when it is one character, else its pairs.
CREATE FUNCTION name_query_grams(s text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN char_length(s) < 2 THEN ARRAY[s]
            ELSE ARRAY(SELECT substr(s, i, 2) FROM generate_series(1, char_length(s) - 1) AS i) END;

-- name_pattern_grams is what a name matching the LIKE pattern p (with _ for any one character, as the admin
-- search's masked names are) must hold: the grams of each run of known characters. A pattern with % or an
-- escape holds no run it can vouch for: the empty array, which every name contains.
CREATE FUNCTION name_pattern_grams(p text) RETURNS text[]
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN CASE WHEN p ~ '[%\\]' THEN '{}'::text[]
            ELSE ARRAY(SELECT g FROM regexp_split_to_table(p, '_') AS run, unnest(name_query_grams(run)) AS g
                       WHERE run <> '') END;

-- like_literal escapes LIKE's wildcards (and the escape character), so that s matches only itself.
CREATE FUNCTION like_literal(s text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN replace(replace(replace(s, '\', '\\'), '%', '\%'), '_', '\_');

-- name_search_bound is how many accounts may contain an inbox search's q for the search to start from those
-- accounts rather than walk the inbox (ListInboxTasks): sqrt(150 × accounts) by the planner's count, at
-- least 1000.
CREATE FUNCTION name_search_bound() RETURNS int
    LANGUAGE sql STABLE PARALLEL SAFE
RETURN greatest(1000, (SELECT sqrt(150 * greatest(c.reltuples, 0))::int FROM pg_class c WHERE c.oid = to_regclass('users')));

CREATE INDEX users_name_grams ON users USING gin (name_grams(name));

-- +goose Down
DROP INDEX users_name_grams;
DROP FUNCTION name_search_bound();
DROP FUNCTION like_literal(text);
DROP FUNCTION name_pattern_grams(text);
DROP FUNCTION name_query_grams(text);
DROP FUNCTION name_grams(text);
