using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kabar.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AttemptsCreatedAtIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_DeliveryAttempts_CreatedAt",
                table: "DeliveryAttempts",
                column: "CreatedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_DeliveryAttempts_CreatedAt",
                table: "DeliveryAttempts");
        }
    }
}
