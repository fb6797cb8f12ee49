using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tribu.Web.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Search : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SearchDocuments",
                columns: table => new
                {
                    PostId = table.Column<long>(type: "INTEGER", nullable: false),
                    Language = table.Column<string>(type: "TEXT", maxLength: 8, nullable: false),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    PostEditedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Text = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SearchDocuments", x => x.PostId);
                    table.ForeignKey(
                        name: "FK_SearchDocuments_Posts_PostId",
                        column: x => x.PostId,
                        principalTable: "Posts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Stems computed by the app (SearchText), no copy of the text (contentless), rows deletable by post id.
            // Existing posts are indexed by SearchBackfill when the app starts.
            migrationBuilder.Sql("""
                CREATE VIRTUAL TABLE "PostSearch" USING fts5(title, body, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TABLE IF EXISTS "PostSearch";""");
            migrationBuilder.DropTable(
                name: "SearchDocuments");
        }
    }
}
