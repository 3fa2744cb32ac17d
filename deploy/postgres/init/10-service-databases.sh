#!/bin/sh
# One database and one login role per service, the database owned by its role: a service reaches its own data and
# nothing else, and its migrations (run as that role) create the tables it owns. The postgres image runs this once,
# when /docker-entrypoint-initdb.d is read on an empty data volume; against another server run it with PGHOST,
# PGPORT, POSTGRES_USER (a role allowed to create roles and databases) and POSTGRES_DB set.
#
#   REGISTRY_DB_PASSWORD, REPOSITORY_DB_PASSWORD, CONSENT_DB_PASSWORD, AUDIT_DB_PASSWORD
#                                  the roles' passwords (required)
#   REGISTRY_DB_NAME, REPOSITORY_DB_NAME, CONSENT_DB_NAME, AUDIT_DB_NAME
#                                  database and role names (default: registry, repository, consent, audit)
set -eu

create_service_database() {
  # psql variables (:"name", :'password') quote the identifier and the literal, whatever the password holds.
  psql -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname "${POSTGRES_DB:-postgres}" \
    -v name="$1" -v password="$2" <<'SQL'
CREATE ROLE :"name" LOGIN PASSWORD :'password';
CREATE DATABASE :"name" OWNER :"name";
REVOKE ALL ON DATABASE :"name" FROM PUBLIC;
SQL
}

create_service_database "${REGISTRY_DB_NAME:-registry}" "${REGISTRY_DB_PASSWORD:?set REGISTRY_DB_PASSWORD}"
create_service_database "${REPOSITORY_DB_NAME:-repository}" "${REPOSITORY_DB_PASSWORD:?set REPOSITORY_DB_PASSWORD}"
create_service_database "${CONSENT_DB_NAME:-consent}" "${CONSENT_DB_PASSWORD:?set CONSENT_DB_PASSWORD}"
# The audit trail: only the audit service's role can write it, the other services send their records to it.
create_service_database "${AUDIT_DB_NAME:-audit}" "${AUDIT_DB_PASSWORD:?set AUDIT_DB_PASSWORD}"
