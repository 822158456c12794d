using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kabar.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class WebhookInboxBodyEncoding : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterTable(
                name: "WebhookInbox")
                .Annotation("Npgsql:StorageParameter:toast_tuple_target", 8160);

            migrationBuilder.AddColumn<string>(
                name: "BodyEncoding",
                table: "WebhookInbox",
                type: "character varying(16)",
                maxLength: 16,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "BodyEncoding",
                table: "WebhookInbox");

            migrationBuilder.AlterTable(
                name: "WebhookInbox")
                .OldAnnotation("Npgsql:StorageParameter:toast_tuple_target", 8160);
        }
    }
}
