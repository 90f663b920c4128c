-- Temporal's persistence and visibility databases beside skillcert's projection (one Postgres for a small
-- province; a large one gives Temporal its own cluster, see deploy/SIZING.md).
CREATE DATABASE temporal;
CREATE DATABASE temporal_visibility;
