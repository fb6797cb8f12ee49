using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Listening;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Moderation;

namespace Tribu.Tests.Features.Listening;

/// <summary>Listening mentions are kept for the months the admins chose, then deleted by a nightly job.</summary>
public abstract class MentionRetentionTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private Task<int> PurgeAsync() => App.WithScopeAsync(sp => ActivatorUtilities.CreateInstance<MentionRetentionJob>(sp).PurgeAsync());

    [Fact]
    public async Task MentionsPastTheRetentionChosenInSettings_AreDeletedByTheJob_AndTheRestKept()
    {
        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var marker = Guid.NewGuid().ToString("N")[..8];
        var sourceId = await App.WithDbAsync(async db =>
        {
            var source = new ListeningSource { Kind = SourceKind.Webhook, Name = $"Blog {marker}", CreatedAt = now };
            db.ListeningSources.Add(source);
            await db.SaveChangesAsync();
            foreach (var (id, monthsAgo) in new[] { ("old", 30), ("older", 40), ("recent", 2), ("edge", 11) })
            {
                db.Mentions.Add(new Mention
                {
                    SourceId = source.Id, ExternalId = $"{marker}-{id}", Text = $"Véloria {id}", Language = "fr", ContentHash = $"{marker}{id}",
                    AuthorHandle = "@someone@social.example", PublishedAt = now.AddMonths(-monthsAgo), CollectedAt = now,
                });
            }
            await db.SaveChangesAsync();
            return source.Id;
        });
        Task<List<string>> LeftAsync() => App.WithDbAsync(db => db.Mentions.Where(m => m.SourceId == sourceId).OrderBy(m => m.ExternalId).Select(m => m.ExternalId).ToListAsync());

        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin, "fr");
        // Bad input is explained in the admin's language and changes nothing.
        var bad = await admin.SubmitAndFollowAsync("/manage/settings", "settings", new Dictionary<string, string> { ["Input.ListeningRetentionMonths"] = "500" });
        bad.FieldError("ListeningRetentionMonths").ShouldBe("Indiquez un nombre de mois de 0 à 120.");
        var api = await admin.Http.PutAsJsonAsync("/api/v1/site", new { listeningRetentionMonths = -1 });
        api.StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        // 0 keeps everything.
        (await admin.Http.PutAsJsonAsync("/api/v1/site", new { listeningRetentionMonths = 0 })).EnsureSuccessStatusCode();
        (await PurgeAsync()).ShouldBe(0);
        (await LeftAsync()).Count.ShouldBe(4);

        // The settings form keeps the other settings as they are (a browser posts every field of the form).
        var site = await admin.Http.GetFromJsonAsync<JsonElement>("/api/v1/site");
        var saved = await admin.SubmitAndFollowAsync("/manage/settings", "settings", new Dictionary<string, string>
        {
            ["Input.CommunityName"] = site.GetProperty("communityName").GetString()!, ["Input.PrimaryColor"] = site.GetProperty("primaryColor").GetString()!,
            ["Input.AccentColor"] = site.GetProperty("accentColor").GetString()!, ["Input.DefaultLanguage"] = site.GetProperty("defaultLanguage").GetString()!,
            ["Input.SignUpMode"] = site.GetProperty("signUpMode").GetString()!, ["Input.ListeningRetentionMonths"] = "12",
        });
        saved.Text.ShouldContain("Paramètres enregistrés.");
        saved.Document.QuerySelector("#retention")!.GetAttribute("value").ShouldBe("12");
        (await PurgeAsync()).ShouldBeGreaterThanOrEqualTo(2);
        (await LeftAsync()).ShouldBe([$"{marker}-edge", $"{marker}-recent"]);
        (await PurgeAsync()).ShouldBe(0, "a second run has nothing left to do");
        var entry = await App.WithDbAsync(db => db.AuditEntries.AsNoTracking().Where(a => a.Action == AuditActions.MentionRetention).OrderByDescending(a => a.Id).FirstAsync());
        entry.ActorId.ShouldBeNull();
        JsonDocument.Parse(entry.After!).RootElement.GetProperty("Deleted").GetInt32().ShouldBeGreaterThanOrEqualTo(2);
    }
}

public sealed class MentionRetentionSqliteTests(SqliteAppFactory app) : MentionRetentionTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class MentionRetentionPostgresTests(PostgresAppFactory app) : MentionRetentionTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
