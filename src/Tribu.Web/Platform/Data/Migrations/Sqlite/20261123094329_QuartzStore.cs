using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tribu.Web.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class QuartzStore : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Tribu.Web.Platform.Jobs.QuartzSchema.Script("sqlite"));
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql(Tribu.Web.Platform.Jobs.QuartzSchema.DropScript(postgres: false));
        }
    }
}
