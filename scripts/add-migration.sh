#!/usr/bin/env bash
# Adds a migration to both providers' sets in one step: every model change needs both
# (MigrationTests fails otherwise). Usage: scripts/add-migration.sh NAME
set -euo pipefail
name=${1:?usage: scripts/add-migration.sh NAME}
cd "$(dirname "$0")/../src/Kabar"
dotnet tool restore >/dev/null
for provider in Sqlite Postgres; do
  dotnet ef migrations add "$name" --context "${provider}KabarDbContext" \
    --output-dir "Data/Migrations/$provider" --namespace "Kabar.Data.Migrations.$provider"
  # EF places the model snapshot by namespace; keep it beside its migrations.
  if [ -f "Kabar/Data/Migrations/$provider/${provider}KabarDbContextModelSnapshot.cs" ]; then
    mv "Kabar/Data/Migrations/$provider/${provider}KabarDbContextModelSnapshot.cs" "Data/Migrations/$provider/"
  fi
done
rm -rf Kabar design.db
