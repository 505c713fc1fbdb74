//! The engines the books can be kept in. SQLite, the embedded default, is the rest of `store/`.
//! PostgreSQL, a team's shared server, is here: reaching it ([`pg_connect`], with
//! [`pgpass`]), its errors in Outturn's words ([`pg_error`]), and its books ([`pg`]): the
//! migrations in `postgres/*.sql`, the login, the team.

pub mod pg;
pub mod pg_connect;
pub mod pg_dump;
pub mod pg_error;
pub mod pgpass;
pub mod sql;
