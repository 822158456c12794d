using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kabar.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class StatsRollup : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "StatsAttemptDays",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Taken = table.Column<bool>(type: "INTEGER", nullable: false),
                    WindowOpen = table.Column<bool>(type: "INTEGER", nullable: false),
                    Reason = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    Billable = table.Column<bool>(type: "INTEGER", nullable: false),
                    PricingCategory = table.Column<string>(type: "TEXT", maxLength: 40, nullable: true),
                    ErrorCode = table.Column<int>(type: "INTEGER", nullable: true),
                    Count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatsAttemptDays", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "StatsConsentDays",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Action = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatsConsentDays", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "StatsDays",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    TimeZone = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ComputedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatsDays", x => x.Day);
                });

            migrationBuilder.CreateTable(
                name: "StatsNotificationDays",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Day = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatsNotificationDays", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_StatsAttemptDays_Day",
                table: "StatsAttemptDays",
                column: "Day");

            migrationBuilder.CreateIndex(
                name: "IX_StatsConsentDays_Day",
                table: "StatsConsentDays",
                column: "Day");

            migrationBuilder.CreateIndex(
                name: "IX_StatsNotificationDays_Day",
                table: "StatsNotificationDays",
                column: "Day");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "StatsAttemptDays");

            migrationBuilder.DropTable(
                name: "StatsConsentDays");

            migrationBuilder.DropTable(
                name: "StatsDays");

            migrationBuilder.DropTable(
                name: "StatsNotificationDays");
        }
    }
}
