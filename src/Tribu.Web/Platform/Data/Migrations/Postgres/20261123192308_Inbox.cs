using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace Tribu.Web.Platform.Data.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class Inbox : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "InboxWhen",
                table: "Watches",
                type: "integer",
                maxLength: 32,
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "InboxSettings",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    QuestionUnansweredHours = table.Column<int>(type: "integer", nullable: false),
                    InfluencerFollowers = table.Column<int>(type: "integer", nullable: false),
                    UrgentFirstResponseMinutes = table.Column<int>(type: "integer", nullable: false),
                    UrgentResolutionMinutes = table.Column<int>(type: "integer", nullable: false),
                    HighFirstResponseMinutes = table.Column<int>(type: "integer", nullable: false),
                    HighResolutionMinutes = table.Column<int>(type: "integer", nullable: false),
                    NormalFirstResponseMinutes = table.Column<int>(type: "integer", nullable: false),
                    NormalResolutionMinutes = table.Column<int>(type: "integer", nullable: false),
                    LowFirstResponseMinutes = table.Column<int>(type: "integer", nullable: false),
                    LowResolutionMinutes = table.Column<int>(type: "integer", nullable: false),
                    WarnAtPercent = table.Column<int>(type: "integer", nullable: false),
                    HelpdeskMode = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    HelpdeskName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    HelpdeskWebhookUrl = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ProtectedHelpdeskSecret = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    HelpdeskEmail = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: true),
                    ProtectedInboundSecret = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboxSettings", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "InboxTeams",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(80)", maxLength: 80, nullable: false),
                    LastAssignedId = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboxTeams", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InboxTeams_AspNetUsers_LastAssignedId",
                        column: x => x.LastAssignedId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "SavedReplies",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    BodyEn = table.Column<string>(type: "character varying(5000)", maxLength: 5000, nullable: true),
                    BodyFr = table.Column<string>(type: "character varying(5000)", maxLength: 5000, nullable: true),
                    Tags = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    UseCount = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedById = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SavedReplies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SavedReplies_AspNetUsers_UpdatedById",
                        column: x => x.UpdatedById,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "SocialAccounts",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Network = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    BaseUrl = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Handle = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    ExternalAccountId = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    ProtectedCredential = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    IsEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    LastError = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    LastCheckedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    NotificationsCursor = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    NextPollAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ConsecutiveFailures = table.Column<int>(type: "integer", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedById = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SocialAccounts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SocialAccounts_AspNetUsers_CreatedById",
                        column: x => x.CreatedById,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "InboxRules",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Name = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                    Position = table.Column<int>(type: "integer", nullable: false),
                    IsEnabled = table.Column<bool>(type: "boolean", nullable: false),
                    WatchId = table.Column<int>(type: "integer", nullable: true),
                    SpaceId = table.Column<int>(type: "integer", nullable: true),
                    Language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                    Channel = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    Keywords = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    AssignToId = table.Column<Guid>(type: "uuid", nullable: true),
                    AssignToTeamId = table.Column<int>(type: "integer", nullable: true),
                    AddTags = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    SetPriority = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboxRules", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InboxRules_AspNetUsers_AssignToId",
                        column: x => x.AssignToId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_InboxRules_InboxTeams_AssignToTeamId",
                        column: x => x.AssignToTeamId,
                        principalTable: "InboxTeams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_InboxRules_Spaces_SpaceId",
                        column: x => x.SpaceId,
                        principalTable: "Spaces",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_InboxRules_Watches_WatchId",
                        column: x => x.WatchId,
                        principalTable: "Watches",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "InboxTeamMembers",
                columns: table => new
                {
                    TeamId = table.Column<int>(type: "integer", nullable: false),
                    MemberId = table.Column<Guid>(type: "uuid", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboxTeamMembers", x => new { x.TeamId, x.MemberId });
                    table.ForeignKey(
                        name: "FK_InboxTeamMembers_AspNetUsers_MemberId",
                        column: x => x.MemberId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_InboxTeamMembers_InboxTeams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "InboxTeams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "InboxItems",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Key = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Channel = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Status = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Priority = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    PriorityIsManual = table.Column<bool>(type: "boolean", nullable: false),
                    AssigneeId = table.Column<Guid>(type: "uuid", nullable: true),
                    TeamId = table.Column<int>(type: "integer", nullable: true),
                    Tags = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Subject = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    Excerpt = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                    Language = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: false),
                    Sentiment = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    Url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    AuthorHandle = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    AuthorName = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    AuthorFollowers = table.Column<int>(type: "integer", nullable: true),
                    AuthorMemberId = table.Column<Guid>(type: "uuid", nullable: true),
                    MentionId = table.Column<long>(type: "bigint", nullable: true),
                    TopicId = table.Column<long>(type: "bigint", nullable: true),
                    PostId = table.Column<long>(type: "bigint", nullable: true),
                    WatchId = table.Column<int>(type: "integer", nullable: true),
                    SpaceId = table.Column<int>(type: "integer", nullable: true),
                    SocialAccountId = table.Column<int>(type: "integer", nullable: true),
                    ExternalId = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    OccurredAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    UpdatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    FirstResponseAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ResolvedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    FirstResponseDueAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    ResolutionDueAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    SlaNotices = table.Column<int>(type: "integer", maxLength: 32, nullable: false),
                    TicketState = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    TicketId = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    TicketUrl = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    TicketStatus = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    TicketError = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    TicketRequestedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                    TicketDeliveryId = table.Column<long>(type: "bigint", nullable: true),
                    LastReplyError = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    ReplyCount = table.Column<int>(type: "integer", nullable: false),
                    NoteCount = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboxItems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InboxItems_AspNetUsers_AssigneeId",
                        column: x => x.AssigneeId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_InboxItems_AspNetUsers_AuthorMemberId",
                        column: x => x.AuthorMemberId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_InboxItems_InboxTeams_TeamId",
                        column: x => x.TeamId,
                        principalTable: "InboxTeams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_InboxItems_Mentions_MentionId",
                        column: x => x.MentionId,
                        principalTable: "Mentions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_InboxItems_Posts_PostId",
                        column: x => x.PostId,
                        principalTable: "Posts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_InboxItems_SocialAccounts_SocialAccountId",
                        column: x => x.SocialAccountId,
                        principalTable: "SocialAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_InboxItems_Spaces_SpaceId",
                        column: x => x.SpaceId,
                        principalTable: "Spaces",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_InboxItems_Topics_TopicId",
                        column: x => x.TopicId,
                        principalTable: "Topics",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_InboxItems_Watches_WatchId",
                        column: x => x.WatchId,
                        principalTable: "Watches",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "InboxEvents",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ItemId = table.Column<long>(type: "bigint", nullable: false),
                    At = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    ActorId = table.Column<Guid>(type: "uuid", nullable: true),
                    Kind = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    From = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    To = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    Text = table.Column<string>(type: "character varying(10000)", maxLength: 10000, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboxEvents", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InboxEvents_AspNetUsers_ActorId",
                        column: x => x.ActorId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_InboxEvents_InboxItems_ItemId",
                        column: x => x.ItemId,
                        principalTable: "InboxItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "InboxPresences",
                columns: table => new
                {
                    ItemId = table.Column<long>(type: "bigint", nullable: false),
                    MemberId = table.Column<Guid>(type: "uuid", nullable: false),
                    IsTyping = table.Column<bool>(type: "boolean", nullable: false),
                    SeenAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboxPresences", x => new { x.ItemId, x.MemberId });
                    table.ForeignKey(
                        name: "FK_InboxPresences_AspNetUsers_MemberId",
                        column: x => x.MemberId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_InboxPresences_InboxItems_ItemId",
                        column: x => x.ItemId,
                        principalTable: "InboxItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "InboxReplies",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    ItemId = table.Column<long>(type: "bigint", nullable: false),
                    AuthorId = table.Column<Guid>(type: "uuid", nullable: false),
                    Route = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    SocialAccountId = table.Column<int>(type: "integer", nullable: true),
                    Body = table.Column<string>(type: "character varying(20000)", maxLength: 20000, nullable: false),
                    SavedReplyId = table.Column<int>(type: "integer", nullable: true),
                    State = table.Column<string>(type: "character varying(32)", maxLength: 32, nullable: false),
                    IdempotencyKey = table.Column<Guid>(type: "uuid", nullable: false),
                    ExternalId = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                    Url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    Error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                    CreatedAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                    SentAt = table.Column<DateTime>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_InboxReplies", x => x.Id);
                    table.ForeignKey(
                        name: "FK_InboxReplies_AspNetUsers_AuthorId",
                        column: x => x.AuthorId,
                        principalTable: "AspNetUsers",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_InboxReplies_InboxItems_ItemId",
                        column: x => x.ItemId,
                        principalTable: "InboxItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_InboxReplies_SavedReplies_SavedReplyId",
                        column: x => x.SavedReplyId,
                        principalTable: "SavedReplies",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "FK_InboxReplies_SocialAccounts_SocialAccountId",
                        column: x => x.SocialAccountId,
                        principalTable: "SocialAccounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_InboxEvents_ActorId",
                table: "InboxEvents",
                column: "ActorId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxEvents_ItemId_At",
                table: "InboxEvents",
                columns: new[] { "ItemId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_InboxEvents_Kind_At",
                table: "InboxEvents",
                columns: new[] { "Kind", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_InboxItems_AssigneeId_Status",
                table: "InboxItems",
                columns: new[] { "AssigneeId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_InboxItems_AuthorHandle",
                table: "InboxItems",
                column: "AuthorHandle");

            migrationBuilder.CreateIndex(
                name: "IX_InboxItems_AuthorMemberId",
                table: "InboxItems",
                column: "AuthorMemberId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxItems_Key",
                table: "InboxItems",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InboxItems_MentionId",
                table: "InboxItems",
                column: "MentionId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxItems_PostId",
                table: "InboxItems",
                column: "PostId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxItems_SocialAccountId",
                table: "InboxItems",
                column: "SocialAccountId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxItems_SpaceId",
                table: "InboxItems",
                column: "SpaceId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxItems_Status_CreatedAt",
                table: "InboxItems",
                columns: new[] { "Status", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_InboxItems_Status_FirstResponseDueAt",
                table: "InboxItems",
                columns: new[] { "Status", "FirstResponseDueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_InboxItems_Status_ResolutionDueAt",
                table: "InboxItems",
                columns: new[] { "Status", "ResolutionDueAt" });

            migrationBuilder.CreateIndex(
                name: "IX_InboxItems_TeamId",
                table: "InboxItems",
                column: "TeamId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxItems_TicketId",
                table: "InboxItems",
                column: "TicketId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxItems_TopicId",
                table: "InboxItems",
                column: "TopicId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxItems_WatchId",
                table: "InboxItems",
                column: "WatchId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxPresences_MemberId",
                table: "InboxPresences",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxPresences_SeenAt",
                table: "InboxPresences",
                column: "SeenAt");

            migrationBuilder.CreateIndex(
                name: "IX_InboxReplies_AuthorId",
                table: "InboxReplies",
                column: "AuthorId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxReplies_IdempotencyKey",
                table: "InboxReplies",
                column: "IdempotencyKey",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_InboxReplies_ItemId_CreatedAt",
                table: "InboxReplies",
                columns: new[] { "ItemId", "CreatedAt" });

            migrationBuilder.CreateIndex(
                name: "IX_InboxReplies_SavedReplyId",
                table: "InboxReplies",
                column: "SavedReplyId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxReplies_SocialAccountId",
                table: "InboxReplies",
                column: "SocialAccountId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxRules_AssignToId",
                table: "InboxRules",
                column: "AssignToId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxRules_AssignToTeamId",
                table: "InboxRules",
                column: "AssignToTeamId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxRules_SpaceId",
                table: "InboxRules",
                column: "SpaceId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxRules_WatchId",
                table: "InboxRules",
                column: "WatchId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxTeamMembers_MemberId",
                table: "InboxTeamMembers",
                column: "MemberId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxTeams_LastAssignedId",
                table: "InboxTeams",
                column: "LastAssignedId");

            migrationBuilder.CreateIndex(
                name: "IX_InboxTeams_Name",
                table: "InboxTeams",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SavedReplies_Name",
                table: "SavedReplies",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SavedReplies_UpdatedById",
                table: "SavedReplies",
                column: "UpdatedById");

            migrationBuilder.CreateIndex(
                name: "IX_SocialAccounts_CreatedById",
                table: "SocialAccounts",
                column: "CreatedById");

            migrationBuilder.CreateIndex(
                name: "IX_SocialAccounts_Network_Handle",
                table: "SocialAccounts",
                columns: new[] { "Network", "Handle" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "InboxEvents");

            migrationBuilder.DropTable(
                name: "InboxPresences");

            migrationBuilder.DropTable(
                name: "InboxReplies");

            migrationBuilder.DropTable(
                name: "InboxRules");

            migrationBuilder.DropTable(
                name: "InboxSettings");

            migrationBuilder.DropTable(
                name: "InboxTeamMembers");

            migrationBuilder.DropTable(
                name: "InboxItems");

            migrationBuilder.DropTable(
                name: "SavedReplies");

            migrationBuilder.DropTable(
                name: "InboxTeams");

            migrationBuilder.DropTable(
                name: "SocialAccounts");

            migrationBuilder.DropColumn(
                name: "InboxWhen",
                table: "Watches");
        }
    }
}
