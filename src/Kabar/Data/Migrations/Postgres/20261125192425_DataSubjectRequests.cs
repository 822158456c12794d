using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kabar.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DataSubjectRequests : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Contacts_WhatsAppConsent",
                table: "Contacts");

            migrationBuilder.AddColumn<DateTime>(
                name: "ErasedAt",
                table: "Contacts",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "ErasedPhoneHash",
                table: "Contacts",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "DataSubjectRequests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    ContactId = table.Column<Guid>(type: "uuid", nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RequestedBy = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Reference = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    ReceivedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    AnsweredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Outcome = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Detail = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataSubjectRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DataSubjectRequests_Contacts_ContactId",
                        column: x => x.ContactId,
                        principalTable: "Contacts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Contacts_ErasedPhoneHash",
                table: "Contacts",
                column: "ErasedPhoneHash");

            migrationBuilder.CreateIndex(
                name: "IX_Contacts_WhatsAppConsent_ErasedAt",
                table: "Contacts",
                columns: new[] { "WhatsAppConsent", "ErasedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DataSubjectRequests_AnsweredAt",
                table: "DataSubjectRequests",
                column: "AnsweredAt");

            migrationBuilder.CreateIndex(
                name: "IX_DataSubjectRequests_ContactId_AnsweredAt",
                table: "DataSubjectRequests",
                columns: new[] { "ContactId", "AnsweredAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DataSubjectRequests");

            migrationBuilder.DropIndex(
                name: "IX_Contacts_ErasedPhoneHash",
                table: "Contacts");

            migrationBuilder.DropIndex(
                name: "IX_Contacts_WhatsAppConsent_ErasedAt",
                table: "Contacts");

            migrationBuilder.DropColumn(
                name: "ErasedAt",
                table: "Contacts");

            migrationBuilder.DropColumn(
                name: "ErasedPhoneHash",
                table: "Contacts");

            migrationBuilder.CreateIndex(
                name: "IX_Contacts_WhatsAppConsent",
                table: "Contacts",
                column: "WhatsAppConsent");
        }
    }
}
