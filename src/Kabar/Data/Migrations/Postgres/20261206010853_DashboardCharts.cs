using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Kabar.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class DashboardCharts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "CampaignAsk",
                table: "StatsNotificationDays",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            // Days counted before campaign asks were told apart are counted again by the next
            // stats-rollup run; until then the dashboard counts them from the rows.
            migrationBuilder.Sql("DELETE FROM \"StatsDays\";");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "CampaignAsk",
                table: "StatsNotificationDays");
        }
    }
}
