using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kabar.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DepartureMark : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "LeaseEpoch",
                table: "SenderNumbers",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "ReleasedUntil",
                table: "SenderNumbers",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LeavesAt",
                table: "DeliveryAttempts",
                type: "timestamp with time zone",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "LeaseEpoch",
                table: "SenderNumbers");

            migrationBuilder.DropColumn(
                name: "ReleasedUntil",
                table: "SenderNumbers");

            migrationBuilder.DropColumn(
                name: "LeavesAt",
                table: "DeliveryAttempts");
        }
    }
}
