using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kabar.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SiCantikConnector : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SiCantikApplications",
                columns: table => new
                {
                    RegistrationId = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    List = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Fingerprint = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PermitType = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    PermitNumber = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    StepId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    StepName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    StepUnmapped = table.Column<bool>(type: "INTEGER", nullable: false),
                    PhoneProblem = table.Column<string>(type: "TEXT", maxLength: 300, nullable: true),
                    ApplicantName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    PermitId = table.Column<Guid>(type: "TEXT", nullable: true),
                    DetailDueAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Quiet = table.Column<bool>(type: "INTEGER", nullable: false),
                    FirstSeenAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SiCantikApplications", x => x.RegistrationId);
                });

            migrationBuilder.CreateTable(
                name: "SiCantikSyncStates",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    BackfilledAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastSyncAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    LastReportJson = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SiCantikSyncStates", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SiCantikApplications_PermitId",
                table: "SiCantikApplications",
                column: "PermitId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SiCantikApplications");

            migrationBuilder.DropTable(
                name: "SiCantikSyncStates");
        }
    }
}
