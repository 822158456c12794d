using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kabar.Data.Migrations.Postgres
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
                type: "uuid",
                nullable: true);

            // A campaign's requests carry the campaign in their idempotency key,
            // campaign:{campaign id, 32 hex digits}:{contact id}.
            migrationBuilder.Sql("""
                UPDATE "Notifications"
                SET "CampaignId" = substr("IdempotencyKey", 10, 32)::uuid
                WHERE "CampaignId" IS NULL AND "IdempotencyKey" ~ '^campaign:[0-9a-f]{32}:';
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
