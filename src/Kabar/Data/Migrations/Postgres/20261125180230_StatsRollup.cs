using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Kabar.Data.Migrations.Postgres
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Taken = table.Column<bool>(type: "boolean", nullable: false),
                    WindowOpen = table.Column<bool>(type: "boolean", nullable: false),
                    Reason = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Billable = table.Column<bool>(type: "boolean", nullable: false),
                    PricingCategory = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    ErrorCode = table.Column<int>(type: "integer", nullable: true),
                    Count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatsAttemptDays", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "StatsConsentDays",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    Action = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Source = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatsConsentDays", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "StatsDays",
                columns: table => new
                {
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    TimeZone = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ComputedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_StatsDays", x => x.Day);
                });

            migrationBuilder.CreateTable(
                name: "StatsNotificationDays",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Day = table.Column<DateOnly>(type: "date", nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false)
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
