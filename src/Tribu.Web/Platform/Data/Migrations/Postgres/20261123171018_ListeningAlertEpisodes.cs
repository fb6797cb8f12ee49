using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tribu.Web.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ListeningAlertEpisodes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_ListeningAlerts_OneEpisode",
                table: "ListeningAlerts",
                columns: new[] { "WatchId", "Kind" },
                unique: true,
                filter: "\"Status\" <> 'Resolved'");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ListeningAlerts_OneEpisode",
                table: "ListeningAlerts");
        }
    }
}
