using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kabar.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class WebhookQuarantine : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "WebhookQuarantine",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ReceivedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Body = table.Column<byte[]>(type: "BLOB", nullable: false),
                    Size = table.Column<int>(type: "INTEGER", nullable: false),
                    Sha256 = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Skipped = table.Column<int>(type: "INTEGER", nullable: false),
                    Reasons = table.Column<string>(type: "TEXT", maxLength: 4000, nullable: false),
                    ReplayedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    ReplayOutcome = table.Column<string>(type: "TEXT", maxLength: 400, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookQuarantine", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_WebhookQuarantine_ReceivedAt",
                table: "WebhookQuarantine",
                column: "ReceivedAt");

            migrationBuilder.CreateIndex(
                name: "IX_WebhookQuarantine_Sha256",
                table: "WebhookQuarantine",
                column: "Sha256");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "WebhookQuarantine");
        }
    }
}
