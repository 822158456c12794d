using System;
using System.Linq;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kabar.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class NotificationCampaignId : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "CampaignId",
                table: "Notifications",
                type: "TEXT",
                nullable: true);

            // A campaign's requests carry the campaign in their idempotency key,
            // campaign:{campaign id, 32 hex digits}:{contact id}; SQLite stores a Guid as upper-case text with dashes.
            var hex32 = string.Concat(Enumerable.Repeat("[0-9a-f]", 32));
            migrationBuilder.Sql($"""
                UPDATE "Notifications"
                SET "CampaignId" = upper(substr("IdempotencyKey", 10, 8) || '-' || substr("IdempotencyKey", 18, 4) || '-'
                    || substr("IdempotencyKey", 22, 4) || '-' || substr("IdempotencyKey", 26, 4) || '-' || substr("IdempotencyKey", 30, 12))
                WHERE "CampaignId" IS NULL AND "IdempotencyKey" GLOB 'campaign:{hex32}:*';
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CampaignId",
                table: "Notifications");
        }
    }
}
