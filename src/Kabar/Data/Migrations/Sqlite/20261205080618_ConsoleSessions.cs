using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kabar.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ConsoleSessions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ConsoleSessions",
                columns: table => new
                {
                    Id = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    OperatorId = table.Column<Guid>(type: "TEXT", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    LastSeenAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ConsoleSessions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SignInThrottles",
                columns: table => new
                {
                    Account = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Client = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Failures = table.Column<int>(type: "INTEGER", nullable: false),
                    Rounds = table.Column<int>(type: "INTEGER", nullable: false),
                    BlockedUntil = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastFailureAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SignInThrottles", x => new { x.Account, x.Client });
                });

            migrationBuilder.CreateIndex(
                name: "IX_ConsoleSessions_ExpiresAt",
                table: "ConsoleSessions",
                column: "ExpiresAt");

            migrationBuilder.CreateIndex(
                name: "IX_ConsoleSessions_OperatorId",
                table: "ConsoleSessions",
                column: "OperatorId");

            migrationBuilder.CreateIndex(
                name: "IX_SignInThrottles_LastFailureAt",
                table: "SignInThrottles",
                column: "LastFailureAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ConsoleSessions");

            migrationBuilder.DropTable(
                name: "SignInThrottles");
        }
    }
}
