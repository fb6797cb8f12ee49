using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Tribu.Web.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class ListeningPipeline : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "MemberId",
                table: "Mentions",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "OriginalId",
                table: "Mentions",
                type: "bigint",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RepostCount",
                table: "Mentions",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "SentimentOrigin",
                table: "Mentions",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                defaultValue: "");

            migrationBuilder.AddColumn<int>(
                name: "ConsecutiveFailures",
                table: "ListeningSources",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<DateTime>(
                name: "LastSuccessAt",
                table: "ListeningSources",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "LastWarning",
                table: "ListeningSources",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "NextPollAt",
                table: "ListeningSources",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "PollIntervalMinutes",
                table: "ListeningSources",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "ProtectedSecret",
                table: "ListeningSources",
                type: "character varying(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "AuthorLinks",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Handle = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    MemberId = table.Column<Guid>(type: "uuid", nullable: false),
                    Origin = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedById = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_AuthorLinks", x => x.Id);
                    table.ForeignKey(
                        name: "FK_AuthorLinks_AspNetUsers_MemberId",
                        column: x => x.MemberId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SentimentCorrections",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    MentionId = table.Column<long>(type: "bigint", nullable: true),
                    Text = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    Language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Previous = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Corrected = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    ById = table.Column<Guid>(type: "uuid", nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SentimentCorrections", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SentimentCorrections_Mentions_MentionId",
                        column: x => x.MentionId,
                        principalTable: "Mentions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "SentimentModels",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TrainedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Samples = table.Column<int>(type: "integer", nullable: false),
                    HoldoutAccuracy = table.Column<double>(type: "double precision", nullable: false),
                    EvaluationAccuracy = table.Column<double>(type: "double precision", nullable: false),
                    IsActive = table.Column<bool>(type: "boolean", nullable: false),
                    Content = table.Column<byte[]>(type: "bytea", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SentimentModels", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Watches",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Query = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Languages = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    SourceIds = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    IsActive = table.Column<bool>(type: "boolean", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedById = table.Column<Guid>(type: "uuid", nullable: true),
                    AlertKeywords = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    AlertOnSpike = table.Column<bool>(type: "boolean", nullable: false),
                    SpikeFactor = table.Column<int>(type: "integer", nullable: false),
                    SpikeMinimum = table.Column<int>(type: "integer", nullable: false),
                    AlertOnNegativeSurge = table.Column<bool>(type: "boolean", nullable: false),
                    NegativeSharePercent = table.Column<int>(type: "integer", nullable: false),
                    NegativeMinimum = table.Column<int>(type: "integer", nullable: false),
                    BigAuthorFollowers = table.Column<int>(type: "integer", nullable: true),
                    AlertEmails = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    AlertWebhookUrl = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ProtectedAlertWebhookSecret = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Watches", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "WebhookDeliveries",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Event = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    Url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    ProtectedSecret = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Payload = table.Column<string>(type: "character varying(200000)", maxLength: 200000, nullable: false),
                    IdempotencyKey = table.Column<Guid>(type: "uuid", nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Attempts = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    NextAttemptAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    DeliveredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    LastError = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Response = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_WebhookDeliveries", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ListeningAlerts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    WatchId = table.Column<int>(type: "integer", nullable: false),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    OpenedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    LastSeenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    MentionCount = table.Column<int>(type: "integer", nullable: false),
                    MentionId = table.Column<long>(type: "bigint", nullable: true),
                    ExplanationKey = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    ExplanationArgs = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    AcknowledgedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    AcknowledgedById = table.Column<Guid>(type: "uuid", nullable: true),
                    ResolvedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ResolvedById = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ListeningAlerts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ListeningAlerts_Mentions_MentionId",
                        column: x => x.MentionId,
                        principalTable: "Mentions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_ListeningAlerts_Watches_WatchId",
                        column: x => x.WatchId,
                        principalTable: "Watches",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "MentionMatches",
                columns: table => new
                {
                    MentionId = table.Column<long>(type: "bigint", nullable: false),
                    WatchId = table.Column<int>(type: "integer", nullable: false),
                    PublishedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    Sentiment = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_MentionMatches", x => new { x.WatchId, x.MentionId });
                    table.ForeignKey(
                        name: "FK_MentionMatches_Mentions_MentionId",
                        column: x => x.MentionId,
                        principalTable: "Mentions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_MentionMatches_Watches_WatchId",
                        column: x => x.WatchId,
                        principalTable: "Watches",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Mentions_AuthorHandle",
                table: "Mentions",
                column: "AuthorHandle");

            migrationBuilder.CreateIndex(
                name: "IX_Mentions_MemberId",
                table: "Mentions",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_Mentions_OriginalId",
                table: "Mentions",
                column: "OriginalId");

            migrationBuilder.CreateIndex(
                name: "IX_ListeningSources_NextPollAt",
                table: "ListeningSources",
                column: "NextPollAt");

            migrationBuilder.CreateIndex(
                name: "IX_AuthorLinks_Handle",
                table: "AuthorLinks",
                column: "Handle",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_AuthorLinks_MemberId",
                table: "AuthorLinks",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_ListeningAlerts_MentionId",
                table: "ListeningAlerts",
                column: "MentionId");

            migrationBuilder.CreateIndex(
                name: "IX_ListeningAlerts_Status_OpenedAt",
                table: "ListeningAlerts",
                columns: new[] { "Status", "OpenedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_ListeningAlerts_WatchId_Kind_Status",
                table: "ListeningAlerts",
                columns: new[] { "WatchId", "Kind", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_MentionMatches_MentionId",
                table: "MentionMatches",
                column: "MentionId");

            migrationBuilder.CreateIndex(
                name: "IX_MentionMatches_WatchId_PublishedAt",
                table: "MentionMatches",
                columns: new[] { "WatchId", "PublishedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_SentimentCorrections_CreatedAt",
                table: "SentimentCorrections",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_SentimentCorrections_MentionId",
                table: "SentimentCorrections",
                column: "MentionId");

            migrationBuilder.CreateIndex(
                name: "IX_SentimentModels_TrainedAt",
                table: "SentimentModels",
                column: "TrainedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Watches_Name",
                table: "Watches",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_IdempotencyKey",
                table: "WebhookDeliveries",
                column: "IdempotencyKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_WebhookDeliveries_Status_NextAttemptAt",
                table: "WebhookDeliveries",
                columns: new[] { "Status", "NextAttemptAt" });

            migrationBuilder.AddForeignKey(
                name: "FK_Mentions_AspNetUsers_MemberId",
                table: "Mentions",
                column: "MemberId",
                principalTable: "AspNetUsers",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);

            migrationBuilder.AddForeignKey(
                name: "FK_Mentions_Mentions_OriginalId",
                table: "Mentions",
                column: "OriginalId",
                principalTable: "Mentions",
                principalColumn: "Id",
                onDelete: ReferentialAction.SetNull);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Mentions_AspNetUsers_MemberId",
                table: "Mentions");

            migrationBuilder.DropForeignKey(
                name: "FK_Mentions_Mentions_OriginalId",
                table: "Mentions");

            migrationBuilder.DropTable(
                name: "AuthorLinks");

            migrationBuilder.DropTable(
                name: "ListeningAlerts");

            migrationBuilder.DropTable(
                name: "MentionMatches");

            migrationBuilder.DropTable(
                name: "SentimentCorrections");

            migrationBuilder.DropTable(
                name: "SentimentModels");

            migrationBuilder.DropTable(
                name: "WebhookDeliveries");

            migrationBuilder.DropTable(
                name: "Watches");

            migrationBuilder.DropIndex(
                name: "IX_Mentions_AuthorHandle",
                table: "Mentions");

            migrationBuilder.DropIndex(
                name: "IX_Mentions_MemberId",
                table: "Mentions");

            migrationBuilder.DropIndex(
                name: "IX_Mentions_OriginalId",
                table: "Mentions");

            migrationBuilder.DropIndex(
                name: "IX_ListeningSources_NextPollAt",
                table: "ListeningSources");

            migrationBuilder.DropColumn(
                name: "MemberId",
                table: "Mentions");

            migrationBuilder.DropColumn(
                name: "OriginalId",
                table: "Mentions");

            migrationBuilder.DropColumn(
                name: "RepostCount",
                table: "Mentions");

            migrationBuilder.DropColumn(
                name: "SentimentOrigin",
                table: "Mentions");

            migrationBuilder.DropColumn(
                name: "ConsecutiveFailures",
                table: "ListeningSources");

            migrationBuilder.DropColumn(
                name: "LastSuccessAt",
                table: "ListeningSources");

            migrationBuilder.DropColumn(
                name: "LastWarning",
                table: "ListeningSources");

            migrationBuilder.DropColumn(
                name: "NextPollAt",
                table: "ListeningSources");

            migrationBuilder.DropColumn(
                name: "PollIntervalMinutes",
                table: "ListeningSources");

            migrationBuilder.DropColumn(
                name: "ProtectedSecret",
                table: "ListeningSources");
        }
    }
}
