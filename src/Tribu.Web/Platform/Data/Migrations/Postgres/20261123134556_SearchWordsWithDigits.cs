using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tribu.Web.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class SearchWordsWithDigits : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Words mixing letters and digits ("réf3x", "v2") get accents removed like other words, so they match the
            // query's reading of them (SearchText folds accents); the vectors are rebuilt by SearchBackfill (index version 3).
            migrationBuilder.Sql("""
                ALTER TEXT SEARCH CONFIGURATION tribu_french ALTER MAPPING FOR numword, numhword, hword_numpart WITH unaccent, simple;
                ALTER TEXT SEARCH CONFIGURATION tribu_english ALTER MAPPING FOR numword, numhword, hword_numpart WITH unaccent, simple;
                """);

        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                ALTER TEXT SEARCH CONFIGURATION tribu_french ALTER MAPPING FOR numword, numhword, hword_numpart WITH simple;
                ALTER TEXT SEARCH CONFIGURATION tribu_english ALTER MAPPING FOR numword, numhword, hword_numpart WITH simple;
                """);

        }
    }
}
