using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Tribu.Web.Features.Accounts;
using Tribu.Web.Features.Admin;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Features.Spaces;
using Tribu.Web.Features.Topics;
using Tribu.Web.Platform.Email;
using Tribu.Web.Platform.Jobs;

namespace Tribu.Web.Platform.Data;

/// <summary>
/// The unit of work for every feature. Each provider has its own subclass so that each keeps
/// its own migrations set (see <see cref="SqliteTribuDbContext"/> and <see cref="PostgresTribuDbContext"/>).
/// </summary>
public abstract class TribuDbContext(DbContextOptions options)
    : IdentityDbContext<Member, IdentityRole<Guid>, Guid>(options)
{
    public DbSet<SiteSettings> SiteSettings => Set<SiteSettings>();
    public DbSet<Invitation> Invitations => Set<Invitation>();
    public DbSet<Consent> Consents => Set<Consent>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<EmailMessage> EmailMessages => Set<EmailMessage>();
    public DbSet<Space> Spaces => Set<Space>();
    public DbSet<SpaceMembership> SpaceMemberships => Set<SpaceMembership>();
    public DbSet<Topic> Topics => Set<Topic>();
    public DbSet<Post> Posts => Set<Post>();
    public DbSet<PostReaction> PostReactions => Set<PostReaction>();
    public DbSet<PostRevision> PostRevisions => Set<PostRevision>();
    public DbSet<Bookmark> Bookmarks => Set<Bookmark>();
    public DbSet<Features.Uploads.Upload> Uploads => Set<Features.Uploads.Upload>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<Follow> Follows => Set<Follow>();
    public DbSet<MemberVisit> MemberVisits => Set<MemberVisit>();
    public DbSet<TopicRead> TopicReads => Set<TopicRead>();
    public DbSet<Features.Listening.ListeningSource> ListeningSources => Set<Features.Listening.ListeningSource>();
    public DbSet<Features.Listening.Mention> Mentions => Set<Features.Listening.Mention>();
    public DbSet<Features.Listening.MentionMatch> MentionMatches => Set<Features.Listening.MentionMatch>();
    public DbSet<Features.Listening.Watch> Watches => Set<Features.Listening.Watch>();
    public DbSet<Features.Listening.AuthorLink> AuthorLinks => Set<Features.Listening.AuthorLink>();
    public DbSet<Features.Listening.Alerts.ListeningAlert> ListeningAlerts => Set<Features.Listening.Alerts.ListeningAlert>();
    public DbSet<Features.Listening.Corrections.SentimentCorrection> SentimentCorrections => Set<Features.Listening.Corrections.SentimentCorrection>();
    public DbSet<Features.Listening.Corrections.SentimentModel> SentimentModels => Set<Features.Listening.Corrections.SentimentModel>();
    public DbSet<Platform.Webhooks.WebhookDelivery> WebhookDeliveries => Set<Platform.Webhooks.WebhookDelivery>();
    public DbSet<Features.Inbox.InboxItem> InboxItems => Set<Features.Inbox.InboxItem>();
    public DbSet<Features.Inbox.InboxEvent> InboxEvents => Set<Features.Inbox.InboxEvent>();
    public DbSet<Features.Inbox.InboxReply> InboxReplies => Set<Features.Inbox.InboxReply>();
    public DbSet<Features.Inbox.InboxTeam> InboxTeams => Set<Features.Inbox.InboxTeam>();
    public DbSet<Features.Inbox.InboxTeamMember> InboxTeamMembers => Set<Features.Inbox.InboxTeamMember>();
    public DbSet<Features.Inbox.InboxRule> InboxRules => Set<Features.Inbox.InboxRule>();
    public DbSet<Features.Inbox.SavedReply> SavedReplies => Set<Features.Inbox.SavedReply>();
    public DbSet<Features.Inbox.InboxSettings> InboxSettings => Set<Features.Inbox.InboxSettings>();
    public DbSet<Features.Inbox.InboxPresence> InboxPresences => Set<Features.Inbox.InboxPresence>();
    public DbSet<Features.SocialAccounts.SocialAccount> SocialAccounts => Set<Features.SocialAccounts.SocialAccount>();
    public DbSet<Features.Events.CommunityEvent> Events => Set<Features.Events.CommunityEvent>();
    public DbSet<Features.Events.EventRsvp> EventRsvps => Set<Features.Events.EventRsvp>();
    public DbSet<Features.Events.EventFeedToken> EventFeedTokens => Set<Features.Events.EventFeedToken>();
    public DbSet<Features.Events.EventPhoto> EventPhotos => Set<Features.Events.EventPhoto>();
    public DbSet<Features.Analytics.PageView> PageViews => Set<Features.Analytics.PageView>();
    public DbSet<Features.Analytics.VisitorSalt> VisitorSalts => Set<Features.Analytics.VisitorSalt>();
    public DbSet<Features.Ideas.IdeaBoard> IdeaBoards => Set<Features.Ideas.IdeaBoard>();
    public DbSet<Features.Ideas.Idea> Ideas => Set<Features.Ideas.Idea>();
    public DbSet<Features.Ideas.IdeaVote> IdeaVotes => Set<Features.Ideas.IdeaVote>();
    public DbSet<Features.Ideas.IdeaFollower> IdeaFollowers => Set<Features.Ideas.IdeaFollower>();
    public DbSet<Features.Ideas.IdeaStatusChange> IdeaStatusChanges => Set<Features.Ideas.IdeaStatusChange>();
    public DbSet<NotificationPreference> NotificationPreferences => Set<NotificationPreference>();
    public DbSet<Features.Moderation.AuditEntry> AuditEntries => Set<Features.Moderation.AuditEntry>();

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RefuseAuditChanges();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RefuseAuditChanges();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>The audit log is append-only: an entry is added, never changed nor removed (the database's triggers agree).</summary>
    private void RefuseAuditChanges()
    {
        if (ChangeTracker.Entries<Features.Moderation.AuditEntry>().Any(e => e.State is EntityState.Modified or EntityState.Deleted))
        {
            throw new InvalidOperationException("The audit log is append-only: its entries cannot be changed or deleted.");
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(TribuDbContext).Assembly);
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // Enums are stored by name: readable in both databases and safe against reordering.
        configurationBuilder.Properties<Enum>().HaveConversion<string>().HaveMaxLength(32);
    }
}

/// <summary>The embedded default: one SQLite file under the data folder.</summary>
public sealed class SqliteTribuDbContext(DbContextOptions<SqliteTribuDbContext> options) : TribuDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite keeps no kind on DateTime: every timestamp we write is UTC, so read it back as UTC.
        configurationBuilder.Properties<DateTime>().HaveConversion<UtcDateTimeConverter>();
    }
}

/// <summary>The scale-out database.</summary>
public sealed class PostgresTribuDbContext(DbContextOptions<PostgresTribuDbContext> options) : TribuDbContext(options);
