-- Outturn on PostgreSQL: the cluster-wide group roles (issue 25). Roles belong to the cluster, not
-- to a database, so this runs once per server, before the first database's v1.sql, as a superuser
-- or a role with CREATEROLE (the DBA). It is idempotent: a role is created only when missing, and
-- granting a membership that exists changes nothing.
--
--   outturn_owner    NOLOGIN. Owns every table, function and sequence of the books. Nobody logs in
--                    as it: an owner can switch off forced row-level security, so no person may be
--                    it. It holds ADMIN OPTION on the three groups below so that the team functions
--                    (SECURITY DEFINER, owned by it) can grant and revoke them for a lead.
--   outturn_viewer   NOLOGIN group: reads the books of its organisation.
--   outturn_officer  NOLOGIN group, member of outturn_viewer: also writes records.
--   outturn_lead     NOLOGIN group, member of outturn_officer: also closes and reopens periods,
--                    approves budget changes, finalises financing and manages the team.
--
-- People log in as themselves (CREATE ROLE jsmith LOGIN ..., made by the DBA) and hold exactly one
-- of the three groups, given by `outturn_team_grant` (a lead) or `outturn_org_create` (the DBA).

DO $roles$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'outturn_owner') THEN
        CREATE ROLE outturn_owner NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'outturn_viewer') THEN
        CREATE ROLE outturn_viewer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'outturn_officer') THEN
        CREATE ROLE outturn_officer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'outturn_lead') THEN
        CREATE ROLE outturn_lead NOLOGIN;
    END IF;
END
$roles$;

-- A role that existed before (made by hand) is brought into line: no login for the groups or the
-- owner, and none of them can bypass row-level security.
ALTER ROLE outturn_owner NOLOGIN NOSUPERUSER NOBYPASSRLS;
ALTER ROLE outturn_viewer NOLOGIN NOSUPERUSER NOBYPASSRLS;
ALTER ROLE outturn_officer NOLOGIN NOSUPERUSER NOBYPASSRLS;
ALTER ROLE outturn_lead NOLOGIN NOSUPERUSER NOBYPASSRLS;

-- viewer ⊂ officer ⊂ lead: each group has the privileges of the one before it.
GRANT outturn_viewer TO outturn_officer;
GRANT outturn_officer TO outturn_lead;

-- The owner may grant and revoke the groups (only through the SECURITY DEFINER team functions of
-- v1.sql, since nobody logs in as the owner).
GRANT outturn_viewer TO outturn_owner WITH ADMIN OPTION;
GRANT outturn_officer TO outturn_owner WITH ADMIN OPTION;
GRANT outturn_lead TO outturn_owner WITH ADMIN OPTION;
