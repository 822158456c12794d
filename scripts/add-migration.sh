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
# EF Core 10 leaves SqliteValueGenerationStrategy.None out of the SQLite model it writes, so a
# regenerated snapshot would read the status rows' plain rowid as AUTOINCREMENT again and every
# later migration would carry the same AlterColumn (SqliteKabarDbContext). Put it back.
python3 - Data/Migrations/Sqlite/SqliteKabarDbContextModelSnapshot.cs \
  "$(ls Data/Migrations/Sqlite/*_"$name".Designer.cs)" <<'PY'
import sys
entity = 'modelBuilder.Entity("Kabar.WhatsApp.WhatsAppStatusEvent", b =>'
plain = '.HasColumnType("INTEGER");'
kept = '.HasColumnType("INTEGER")\n                        .HasAnnotation("Sqlite:ValueGenerationStrategy", SqliteValueGenerationStrategy.None);'
for path in sys.argv[1:]:
    text = open(path, encoding="utf-8-sig").read()
    at = text.index(entity)
    if "SqliteValueGenerationStrategy.None" in text[at:at + 400]:
        continue
    key = text.index(plain, at)
    text = text[:key] + kept + text[key + len(plain):]
    if "using Microsoft.EntityFrameworkCore.Metadata;" not in text:
        text = text.replace("using Microsoft.EntityFrameworkCore.Infrastructure;\n",
                            "using Microsoft.EntityFrameworkCore.Infrastructure;\nusing Microsoft.EntityFrameworkCore.Metadata;\n")
    open(path, "w", encoding="utf-8-sig").write(text)
PY
