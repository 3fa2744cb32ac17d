#!/bin/sh
# Brings every service's database to its latest migration, one service after the other, each against its own
# database: REGISTRY_DATABASE_URL for the registry, REPOSITORY_DATABASE_URL for the repository, CONSENT_DATABASE_URL
# for consent, AUDIT_DATABASE_URL for the audit service. Stops at the first failure with that service's exit code,
# so the deployment (docker compose, the Kubernetes Job) never starts services on a schema behind their code. Run
# from the image's /app (or the repository root).
set -eu

migrate() {
  service="$1"
  url="$2"
  DATABASE_URL="$url" node --import tsx "services/$service/src/migrate.ts"
}

migrate registry "${REGISTRY_DATABASE_URL:?set REGISTRY_DATABASE_URL to the registry database URL}"
migrate repository "${REPOSITORY_DATABASE_URL:?set REPOSITORY_DATABASE_URL to the repository database URL}"
migrate consent "${CONSENT_DATABASE_URL:?set CONSENT_DATABASE_URL to the consent database URL}"
migrate audit "${AUDIT_DATABASE_URL:?set AUDIT_DATABASE_URL to the audit database URL}"
