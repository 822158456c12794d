using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kabar.Data.Migrations.Postgres
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
                    RegistrationId = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    List = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Fingerprint = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PermitType = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    PermitNumber = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    StepId = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    StepName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    StepUnmapped = table.Column<bool>(type: "boolean", nullable: false),
                    PhoneProblem = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    ApplicantName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    PermitId = table.Column<Guid>(type: "uuid", nullable: true),
                    DetailDueAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Quiet = table.Column<bool>(type: "boolean", nullable: false),
                    FirstSeenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SiCantikApplications", x => x.RegistrationId);
                });

            migrationBuilder.CreateTable(
                name: "SiCantikSyncStates",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    BackfilledAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastSyncAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastReportJson = table.Column<string>(type: "text", nullable: true)
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
