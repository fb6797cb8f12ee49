using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Tribu.Web.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class EventsFollowUp : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "CancelReason",
                table: "Events",
                type: "character varying(1000)",
                maxLength: 1000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "CancelledAt",
                table: "Events",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "DiscussionTopicId",
                table: "Events",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "TicketCode",
                table: "EventRsvps",
                type: "character varying(32)",
                maxLength: 32,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "EventPhotos",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    EventId = table.Column<int>(type: "integer", nullable: false),
                    UploadId = table.Column<long>(type: "bigint", nullable: false),
                    Alt = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    AddedById = table.Column<Guid>(type: "uuid", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_EventPhotos", x => x.Id);
                    table.ForeignKey(
                        name: "FK_EventPhotos_Events_EventId",
                        column: x => x.EventId,
                        principalTable: "Events",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_EventPhotos_Uploads_UploadId",
                        column: x => x.UploadId,
                        principalTable: "Uploads",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Events_DiscussionTopicId",
                table: "Events",
                column: "DiscussionTopicId");

            migrationBuilder.CreateIndex(
                name: "IX_EventRsvps_TicketCode",
                table: "EventRsvps",
                column: "TicketCode",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EventPhotos_EventId_UploadId",
                table: "EventPhotos",
                columns: new[] { "EventId", "UploadId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_EventPhotos_UploadId",
                table: "EventPhotos",
                column: "UploadId");

            migrationBuilder.AddForeignKey(
                name: "FK_Events_Topics_DiscussionTopicId",
                table: "Events",
                column: "DiscussionTopicId",
                principalTable: "Topics",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Events_Topics_DiscussionTopicId",
                table: "Events");

            migrationBuilder.DropTable(
                name: "EventPhotos");

            migrationBuilder.DropIndex(
                name: "IX_Events_DiscussionTopicId",
                table: "Events");

            migrationBuilder.DropIndex(
                name: "IX_EventRsvps_TicketCode",
                table: "EventRsvps");

            migrationBuilder.DropColumn(
                name: "CancelReason",
                table: "Events");

            migrationBuilder.DropColumn(
                name: "CancelledAt",
                table: "Events");

            migrationBuilder.DropColumn(
                name: "DiscussionTopicId",
                table: "Events");

            migrationBuilder.DropColumn(
                name: "TicketCode",
                table: "EventRsvps");
        }
    }
}
