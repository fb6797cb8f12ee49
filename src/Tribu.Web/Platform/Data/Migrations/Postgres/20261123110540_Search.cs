using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tribu.Web.Platform.Data.Migrations.Postgres
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
                    PostId = table.Column<long>(type: "bigint", nullable: false),
                    Language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Version = table.Column<int>(type: "integer", nullable: false),
                    PostEditedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    Text = table.Column<string>(type: "text", nullable: false)
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

            // French and English as PostgreSQL stems them, accents removed first (unaccent ships with PostgreSQL's
            // contrib and is a trusted extension: the database owner may create it). The tsvector is written by the
            // app (PostgresSearchIndex); existing posts are indexed by SearchBackfill when the app starts.
            migrationBuilder.Sql("""
                CREATE EXTENSION IF NOT EXISTS unaccent;
                CREATE TEXT SEARCH CONFIGURATION tribu_french (COPY = pg_catalog.french);
                ALTER TEXT SEARCH CONFIGURATION tribu_french ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
                CREATE TEXT SEARCH CONFIGURATION tribu_english (COPY = pg_catalog.english);
                ALTER TEXT SEARCH CONFIGURATION tribu_english ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
                ALTER TABLE "SearchDocuments" ADD "SearchVector" tsvector NOT NULL DEFAULT ''::tsvector;
                CREATE INDEX "IX_SearchDocuments_SearchVector" ON "SearchDocuments" USING GIN ("SearchVector");
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SearchDocuments");

            migrationBuilder.Sql("""
                DROP TEXT SEARCH CONFIGURATION IF EXISTS tribu_french;
                DROP TEXT SEARCH CONFIGURATION IF EXISTS tribu_english;
                """);
        }
    }
}
