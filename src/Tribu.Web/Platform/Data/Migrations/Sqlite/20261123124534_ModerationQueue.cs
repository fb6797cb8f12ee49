using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Tribu.Web.Platform.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ModerationQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "IsHidden",
                table: "Topics",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.AddColumn<string>(
                name: "HeldReasons",
                table: "Posts",
                type: "TEXT",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "ReviewedAt",
                table: "Posts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "ReviewedById",
                table: "Posts",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Status",
                table: "Posts",
                type: "TEXT",
                maxLength: 32,
                nullable: false,
                defaultValue: "Published");

            migrationBuilder.AddColumn<string>(
                name: "TextHash",
                table: "Posts",
                type: "TEXT",
                maxLength: 32,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Note",
                table: "Notifications",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ModerationSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    BlockedWordsFr = table.Column<string>(type: "TEXT", maxLength: 200000, nullable: false),
                    BlockedWordsEn = table.Column<string>(type: "TEXT", maxLength: 200000, nullable: false),
                    BlockedDomains = table.Column<string>(type: "TEXT", maxLength: 100000, nullable: false),
                    FirstPostsNeedApproval = table.Column<int>(type: "INTEGER", nullable: false),
                    NewMemberMaxLinks = table.Column<int>(type: "INTEGER", nullable: false),
                    NewMemberMaxImages = table.Column<int>(type: "INTEGER", nullable: false),
                    NewMemberMaxMentions = table.Column<int>(type: "INTEGER", nullable: false),
                    LinkHeavyThreshold = table.Column<int>(type: "INTEGER", nullable: false),
                    RepeatedTextLimit = table.Column<int>(type: "INTEGER", nullable: false),
                    FlagHideThreshold = table.Column<int>(type: "INTEGER", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ModerationSettings", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Posts_AuthorId_TextHash",
                table: "Posts",
                columns: new[] { "AuthorId", "TextHash" });

            migrationBuilder.CreateIndex(
                name: "IX_Posts_Status_CreatedAt",
                table: "Posts",
                columns: new[] { "Status", "CreatedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ModerationSettings");

            migrationBuilder.DropIndex(
                name: "IX_Posts_AuthorId_TextHash",
                table: "Posts");

            migrationBuilder.DropIndex(
                name: "IX_Posts_Status_CreatedAt",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "IsHidden",
                table: "Topics");

            migrationBuilder.DropColumn(
                name: "HeldReasons",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "ReviewedAt",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "ReviewedById",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "Status",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "TextHash",
                table: "Posts");

            migrationBuilder.DropColumn(
                name: "Note",
                table: "Notifications");
        }
    }
}
