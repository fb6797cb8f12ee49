using Quartz;
using Tribu.Web.Platform.Data;
using Tribu.Web.Platform.Email;

namespace Tribu.Web.Platform.Jobs;

/// <summary>A recurring job: its fixed name (a persistent store must see the same name every start) and its schedule.</summary>
public sealed record TribuJob(string Name, Type Type, string Cron, string DescriptionKey);

/// <summary>Bound to the <c>Jobs</c> section.</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Off in tests that drive jobs by hand.</summary>
    public bool Enabled { get; set; } = true;
    public int MaxConcurrency { get; set; } = 4;

    /// <summary>Read once from configuration, for the registrations that need it before the container exists.</summary>
    public static JobsOptions From(IConfiguration configuration) => configuration.GetSection(Section).Get<JobsOptions>() ?? new JobsOptions();
}

public static class JobsFeature
{
    public const string Group = "tribu";

    /// <summary>Every recurring job of every feature. Quartz cron: seconds first.</summary>
    public static readonly TribuJob[] All =
    [
        new(EmailDeliveryJob.Name, typeof(EmailDeliveryJob), "0/30 * * * * ?", "Jobs.EmailDelivery"),
        new(OutboxCleanupJob.Name, typeof(OutboxCleanupJob), "0 30 3 * * ?", "Jobs.OutboxCleanup"),
        new(Features.Notifications.NotificationDigestJob.Name, typeof(Features.Notifications.NotificationDigestJob), "0 0 7 * * ?", "Jobs.NotificationDigest"),
        new(Features.Members.TrustLevelJob.Name, typeof(Features.Members.TrustLevelJob), "0 15 4 * * ?", "Jobs.TrustLevels"),
        new(Features.Listening.MentionRetentionJob.Name, typeof(Features.Listening.MentionRetentionJob), "0 45 3 * * ?", "Jobs.MentionRetention"),
        new(Features.Listening.Sources.ListeningPollJob.Name, typeof(Features.Listening.Sources.ListeningPollJob), "0/30 * * * * ?", "Jobs.ListeningPoll"),
        new(Webhooks.WebhookDeliveryJob.Name, typeof(Webhooks.WebhookDeliveryJob), "0/15 * * * * ?", "Jobs.WebhookDelivery"),
        new(Features.Listening.Alerts.ListeningAlertJob.Name, typeof(Features.Listening.Alerts.ListeningAlertJob), "30 * * * * ?", "Jobs.ListeningAlerts"),
        new(Features.Listening.Corrections.SentimentTrainingJob.Name, typeof(Features.Listening.Corrections.SentimentTrainingJob), "0 20 2 * * ?", "Jobs.SentimentTraining"),
        new(Features.Inbox.InboxIntakeJob.Name, typeof(Features.Inbox.InboxIntakeJob), "15 * * * * ?", "Jobs.InboxIntake"),
        new(Features.Inbox.InboxSlaJob.Name, typeof(Features.Inbox.InboxSlaJob), "45 * * * * ?", "Jobs.InboxSla"),
        new(Features.SocialAccounts.SocialNotificationsJob.Name, typeof(Features.SocialAccounts.SocialNotificationsJob), "0/30 * * * * ?", "Jobs.SocialNotifications"),
        new(Features.Events.EventReminderJob.Name, typeof(Features.Events.EventReminderJob), "0 0/5 * * * ?", "Jobs.EventReminders"),
    ];

    public static IServiceCollection AddTribuJobs(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(JobsOptions.From(configuration));
        services.AddSingleton<JobRunner>();
        return services;
    }

    /// <summary>
    /// Quartz with its persistent store in Tribu's own database (tables created by our migrations):
    /// SQLite in the embedded mode, PostgreSQL clustered at scale so each firing runs on one instance only.
    /// </summary>
    public static IServiceCollection AddTribuScheduler(this IServiceCollection services, IConfiguration configuration, TribuPaths paths)
    {
        var database = configuration.GetSection(DatabaseOptions.Section).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var jobs = JobsOptions.From(configuration);
        var connectionString = DataFeature.ResolveConnectionString(database, paths.Data);
        services.AddQuartz(q =>
        {
            // An instance id is generated per process when left unset: what clustering needs.
            q.ConfigureScheduler(o => o.InstanceName = "Tribu");
            q.UseDefaultThreadPool(jobs.MaxConcurrency);
            q.UsePersistentStore(store =>
            {
                if (database.Provider == DatabaseProvider.Postgres)
                {
                    store.UsePostgres(connectionString);
                    store.UseClustering(c =>
                    {
                        c.CheckinInterval = TimeSpan.FromSeconds(5);
                        c.CheckinMisfireThreshold = TimeSpan.FromSeconds(15);
                    });
                }
                else
                {
                    store.UseSqlite(connectionString);
                }
                store.UseSystemTextJsonSerializer();
                // Last run, result and error per job, kept in the database and shared by every instance.
                store.UseExecutionHistory();
            });
            foreach (var job in All)
            {
                q.AddJob(job.Type, j => j.WithIdentity(job.Name, Group).StoreDurably());
                q.AddTrigger(t => t
                    .ForJob(job.Name, Group)
                    .WithIdentity(job.Name, Group)
                    .WithCronSchedule(job.Cron, c => c.WithMisfireInstruction(CronTriggerMisfireInstruction.DoNothing)));
            }
        });
        services.AddQuartzHostedService(o =>
        {
            o.WaitForJobsToComplete = true;
            // The scheduler starts once the app serves requests: it never delays readiness.
            o.AwaitApplicationStarted = true;
            o.AutoStart = jobs.Enabled;
        });
        return services;
    }
}
