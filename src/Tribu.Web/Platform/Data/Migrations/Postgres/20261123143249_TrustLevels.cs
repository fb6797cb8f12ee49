using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tribu.Web.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class TrustLevels : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "MergedIntoId",
                table: "Topics",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "IsWiki",
                table: "Posts",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<int>(
                name: "TrustLevel",
                table: "AspNetUsers",
                type: "integer",
                maxLength: 32,
                nullable: false,
                defaultValue: 0);

            // Members who were past the new-member period before trust levels existed start at Basic; the job does the rest.
            migrationBuilder.Sql("""
                UPDATE "AspNetUsers" SET "TrustLevel" = 1 WHERE "CreatedAt" < now() - interval '2 days';
                """);

            migrationBuilder.AddColumn<DateTime>(
                name: "TrustLevelChangedAt",
                table: "AspNetUsers",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<bool>(
                name: "TrustLevelLocked",
                table: "AspNetUsers",
                type: "boolean",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AlterColumn<long>(
                name: "PostId",
                table: "Appeal",
                type: "bigint",
                nullable: true,
                oldClrType: typeof(long),
                oldType: "bigint");

            migrationBuilder.AddColumn<long>(
                name: "SanctionId",
                table: "Appeal",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "MemberVisits",
                columns: table => new
                {
                    MemberId = table.Column<Guid>(type: "uuid", nullable: false),
                    Day = table.Column<DateOnly>(type: "date", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MemberVisits", x => new { x.MemberId, x.Day });
                    table.ForeignKey(
                        name: "FK_MemberVisits_AspNetUsers_MemberId",
                        column: x => x.MemberId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "TopicReads",
                columns: table => new
                {
                    MemberId = table.Column<Guid>(type: "uuid", nullable: false),
                    TopicId = table.Column<long>(type: "bigint", nullable: false),
                    HighestNumber = table.Column<int>(type: "integer", nullable: false),
                    FirstReadAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastReadAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TopicReads", x => new { x.MemberId, x.TopicId });
                    table.ForeignKey(
                        name: "FK_TopicReads_AspNetUsers_MemberId",
                        column: x => x.MemberId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_TopicReads_Topics_TopicId",
                        column: x => x.TopicId,
                        principalTable: "Topics",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_AspNetUsers_TrustLevel",
                table: "AspNetUsers",
                column: "TrustLevel");

            migrationBuilder.CreateIndex(
                name: "IX_Appeal_SanctionId_ResolvedAt",
                table: "Appeal",
                columns: new[] { "SanctionId", "ResolvedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_MemberVisits_Day",
                table: "MemberVisits",
                column: "Day");

            migrationBuilder.CreateIndex(
                name: "IX_TopicReads_LastReadAt",
                table: "TopicReads",
                column: "LastReadAt");

            migrationBuilder.CreateIndex(
                name: "IX_TopicReads_TopicId",
                table: "TopicReads",
                column: "TopicId");

            migrationBuilder.AddForeignKey(
                name: "FK_Appeal_Sanction_SanctionId",
                table: "Appeal",
                column: "SanctionId",
                principalTable: "Sanction",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Appeal_Sanction_SanctionId",
                table: "Appeal");

            migrationBuilder.DropTable(
                name: "MemberVisits");

            migrationBuilder.DropTable(
                name: "TopicReads");

            migrationBuilder.DropIndex(
                name: "IX_AspNetUsers_TrustLevel",
                table: "AspNetUsers");

            migrationBuilder.DropIndex(
                name: "IX_Appeal_SanctionId_ResolvedAt",
                table: "Appeal");

            migrationBuilder.DropColumn(
                name: "MergedIntoId",
                table: "Topics");

            migrationBuilder.DropColumn(
                name: "IsWiki",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "TrustLevel",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "TrustLevelChangedAt",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "TrustLevelLocked",
                table: "AspNetUsers");

            migrationBuilder.DropColumn(
                name: "SanctionId",
                table: "Appeal");

            migrationBuilder.AlterColumn<long>(
                name: "PostId",
                table: "Appeal",
                type: "bigint",
                nullable: false,
                defaultValue: 0L,
                oldClrType: typeof(long),
                oldType: "bigint",
                oldNullable: true);
        }
    }
}
