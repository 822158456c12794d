using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Kabar.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Pipeline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Notifications_ContactId",
                table: "Notifications");

            migrationBuilder.DropIndex(
                name: "IX_Notifications_State_DueAt",
                table: "Notifications");

            migrationBuilder.AddColumn<string>(
                name: "Basis",
                table: "Notifications",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "consent");

            migrationBuilder.AddColumn<string>(
                name: "Category",
                table: "Notifications",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "utility");

            migrationBuilder.AddColumn<string>(
                name: "Channel",
                table: "Notifications",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                defaultValue: "none");

            migrationBuilder.AddColumn<Guid>(
                name: "CurrentAttemptId",
                table: "Notifications",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DecisionJson",
                table: "Notifications",
                type: "text",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "Essential",
                table: "Notifications",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<DateTime>(
                name: "FallbackDueAt",
                table: "Notifications",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "FallbackReason",
                table: "Notifications",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "FallbackTries",
                table: "Notifications",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<bool>(
                name: "IncludeOptInLink",
                table: "Notifications",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "LastError",
                table: "Notifications",
                type: "character varying(512)",
                maxLength: 512,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "LastErrorCode",
                table: "Notifications",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LockedBy",
                table: "Notifications",
                type: "character varying(100)",
                maxLength: 100,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "LockedUntil",
                table: "Notifications",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PairRateHits",
                table: "Notifications",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<Guid>(
                name: "PermitId",
                table: "Notifications",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "PhoneNumberId",
                table: "Notifications",
                type: "character varying(64)",
                maxLength: 64,
                nullable: false,
                defaultValue: "900000000000001");

            migrationBuilder.AddColumn<string>(
                name: "RequestHash",
                table: "Notifications",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Version",
                table: "Notifications",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<int>(
                name: "WhatsAppTries",
                table: "Notifications",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "DeliveryAttempts",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    NotificationId = table.Column<Guid>(type: "uuid", nullable: false),
                    ContactId = table.Column<Guid>(type: "uuid", nullable: true),
                    Channel = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ProviderMessageId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    PhoneNumberId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    TemplateName = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    ErrorCode = table.Column<int>(type: "integer", nullable: true),
                    Error = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    WindowOpen = table.Column<bool>(type: "boolean", nullable: false),
                    CountsAgainstLimit = table.Column<bool>(type: "boolean", nullable: false),
                    Billable = table.Column<bool>(type: "boolean", nullable: false),
                    PricingCategory = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    Ambiguous = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DeliveryAttempts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_DeliveryAttempts_Notifications_NotificationId",
                        column: x => x.NotificationId,
                        principalTable: "Notifications",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "OptInTokens",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    TokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    ContactId = table.Column<Guid>(type: "uuid", nullable: false),
                    Scope = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    NotificationId = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ExpiresAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UsedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_OptInTokens", x => x.Id);
                    table.ForeignKey(
                        name: "FK_OptInTokens_Contacts_ContactId",
                        column: x => x.ContactId,
                        principalTable: "Contacts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SenderNumbers",
                columns: table => new
                {
                    PhoneNumberId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    LeaseHolder = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    LeaseUntil = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    PausedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    PauseCode = table.Column<int>(type: "integer", nullable: true),
                    PauseReason = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SenderNumbers", x => x.PhoneNumberId);
                });

            migrationBuilder.CreateTable(
                name: "WhatsAppTemplates",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    Language = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    RemoteId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                    Status = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                    Category = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                    ParameterFormat = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                    BodyParameters = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    SyncedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    FlaggedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FlagCode = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WhatsAppTemplates", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "AttemptStatusChanges",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AttemptId = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ErrorCode = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AttemptStatusChanges", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AttemptStatusChanges_DeliveryAttempts_AttemptId",
                        column: x => x.AttemptId,
                        principalTable: "DeliveryAttempts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_ContactId_CreatedAt",
                table: "Notifications",
                columns: new[] { "ContactId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_CreatedAt",
                table: "Notifications",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_PermitId",
                table: "Notifications",
                column: "PermitId");

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_PhoneNumberId_State_DueAt",
                table: "Notifications",
                columns: new[] { "PhoneNumberId", "State", "DueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_State_FallbackDueAt",
                table: "Notifications",
                columns: new[] { "State", "FallbackDueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_AttemptStatusChanges_AttemptId",
                table: "AttemptStatusChanges",
                column: "AttemptId");

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryAttempts_ContactId_Channel_CreatedAt",
                table: "DeliveryAttempts",
                columns: new[] { "ContactId", "Channel", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryAttempts_CountsAgainstLimit_CreatedAt",
                table: "DeliveryAttempts",
                columns: new[] { "CountsAgainstLimit", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryAttempts_NotificationId",
                table: "DeliveryAttempts",
                column: "NotificationId");

            migrationBuilder.CreateIndex(
                name: "IX_DeliveryAttempts_ProviderMessageId",
                table: "DeliveryAttempts",
                column: "ProviderMessageId");

            migrationBuilder.CreateIndex(
                name: "IX_OptInTokens_ContactId",
                table: "OptInTokens",
                column: "ContactId");

            migrationBuilder.CreateIndex(
                name: "IX_OptInTokens_TokenHash",
                table: "OptInTokens",
                column: "TokenHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WhatsAppTemplates_Name_Language",
                table: "WhatsAppTemplates",
                columns: new[] { "Name", "Language" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "AttemptStatusChanges");

            migrationBuilder.DropTable(
                name: "OptInTokens");

            migrationBuilder.DropTable(
                name: "SenderNumbers");

            migrationBuilder.DropTable(
                name: "WhatsAppTemplates");

            migrationBuilder.DropTable(
                name: "DeliveryAttempts");

            migrationBuilder.DropIndex(
                name: "IX_Notifications_ContactId_CreatedAt",
                table: "Notifications");

            migrationBuilder.DropIndex(
                name: "IX_Notifications_CreatedAt",
                table: "Notifications");

            migrationBuilder.DropIndex(
                name: "IX_Notifications_PermitId",
                table: "Notifications");

            migrationBuilder.DropIndex(
                name: "IX_Notifications_PhoneNumberId_State_DueAt",
                table: "Notifications");

            migrationBuilder.DropIndex(
                name: "IX_Notifications_State_FallbackDueAt",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "Basis",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "Category",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "Channel",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "CurrentAttemptId",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "DecisionJson",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "Essential",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "FallbackDueAt",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "FallbackReason",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "FallbackTries",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "IncludeOptInLink",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "LastError",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "LastErrorCode",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "LockedBy",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "LockedUntil",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "PairRateHits",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "PermitId",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "PhoneNumberId",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "RequestHash",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "Version",
                table: "Notifications");

            migrationBuilder.DropColumn(
                name: "WhatsAppTries",
                table: "Notifications");

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_ContactId",
                table: "Notifications",
                column: "ContactId");

            migrationBuilder.CreateIndex(
                name: "IX_Notifications_State_DueAt",
                table: "Notifications",
                columns: new[] { "State", "DueAt" });
        }
    }
}
