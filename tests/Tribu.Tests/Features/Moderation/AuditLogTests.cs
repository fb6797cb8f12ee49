using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Moderation;

namespace Tribu.Tests.Features.Moderation;

/// <summary>The audit log: every staff action recorded with its before and after, filterable, exportable, never editable; on SQLite and PostgreSQL.</summary>
public abstract class AuditLogTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    [Fact]
    public async Task StaffActions_AreLoggedWithWhoWhatBeforeAndAfter_FilterableAndExportable()
    {
        var space = await TestSpaces.CreateAsync(App);
        var elsewhere = await TestSpaces.CreateAsync(App);
        using var author = await TestPerson.CreateAsync(App);
        using var moderator = await TestPerson.CreateAsync(App, Roles.Moderator);
        using var manager = await TestPerson.CreateAsync(App, Roles.CommunityManager);
        var topic = (await (await author.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Discussion", title = "Audit me please", body = "Original words" }))
            .Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();
        var opening = (await author.Client.Http.GetFromJsonAsync<JsonElement>($"/api/v1/topics/{topic}")).GetProperty("posts")[0].GetProperty("id").GetInt64();

        (await moderator.Client.Http.PatchAsJsonAsync($"/api/v1/topics/{topic}", new { locked = true })).EnsureSuccessStatusCode();
        // Someone else's words need a reason, which their author reads.
        (await moderator.Client.Http.PutAsJsonAsync($"/api/v1/posts/{opening}", new { body = "Moderated words" })).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await moderator.Client.Http.PutAsJsonAsync($"/api/v1/posts/{opening}", new { body = "Moderated words", reason = "=HYPERLINK(\"http://evil\")" })).EnsureSuccessStatusCode();
        (await author.Client.GetAsync("/notifications")).Text.ShouldContain("A moderator edited your post");
        (await manager.Client.Http.PatchAsJsonAsync($"/api/v1/topics/{topic}", new { space = elsewhere })).EnsureSuccessStatusCode();
        // The author editing their own post is not a staff action.
        (await author.Client.Http.PatchAsJsonAsync($"/api/v1/topics/{topic}", new { locked = false })).StatusCode.ShouldBe(HttpStatusCode.Forbidden);

        var entries = await moderator.Client.Http.GetFromJsonAsync<JsonElement>($"/api/v1/audit?target=topic&id={topic}");
        entries.EnumerateArray().Select(e => e.GetProperty("action").GetString()).ShouldBe(["topic.move", "topic.lock"]);
        var edit = (await moderator.Client.Http.GetFromJsonAsync<JsonElement>($"/api/v1/audit?action=post.edit&actor={moderator.Handle}"))
            .EnumerateArray().Single(e => e.GetProperty("targetId").GetString() == opening.ToString(System.Globalization.CultureInfo.InvariantCulture));
        edit.GetProperty("before").GetString()!.ShouldContain("Original words");
        edit.GetProperty("after").GetString()!.ShouldContain("Moderated words");
        edit.GetProperty("actorHandle").GetString().ShouldBe(moderator.Handle);

        var page = await moderator.Client.GetAsync($"/manage/audit?actor={manager.Handle}");
        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Document.QuerySelectorAll("table.audit tbody tr").Length.ShouldBe(1);
        page.Text.ShouldContain("Moved a topic");

        var csv = await moderator.Client.Http.GetAsync($"/manage/audit.csv?action=post.edit&actor={moderator.Handle}");
        csv.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe("id,at_utc,actor,action,target_type,target_id,before,after,reason");
        lines.Length.ShouldBe(2);
        lines[1].ShouldContain($",{moderator.Handle},post.edit,post,{opening},");
        // A reason that starts like a formula is escaped for spreadsheets.
        lines[1].ShouldNotContain(",=HYPERLINK");

        (await author.Client.GetAsync("/manage/audit")).Status.ShouldNotBe(HttpStatusCode.OK);
        (await author.Client.Http.GetAsync("/manage/audit.csv")).StatusCode.ShouldNotBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task AuditEntries_CannotBeChangedOrDeleted_ByTheAppOrTheDatabase()
    {
        using var manager = await TestPerson.CreateAsync(App, Roles.CommunityManager);
        (await manager.Client.Http.PostAsJsonAsync("/api/v1/spaces", new { slug = "audited-" + Guid.NewGuid().ToString("N")[..6], name = "Audited", description = "", visibility = "Public", color = "#123456" }))
            .EnsureSuccessStatusCode();
        var id = await App.WithDbAsync(db => db.AuditEntries.Where(e => e.Action == AuditActions.SpaceCreate).Select(e => e.Id).FirstAsync());

        await Should.ThrowAsync<InvalidOperationException>(() => App.WithDbAsync(async db =>
        {
            var entry = await db.AuditEntries.SingleAsync(e => e.Id == id);
            entry.Reason = "rewritten";
            return await db.SaveChangesAsync();
        }));
        await Should.ThrowAsync<Exception>(() => App.WithDbAsync(db => db.Database.ExecuteSqlAsync($"UPDATE \"AuditEntries\" SET \"Reason\" = 'rewritten' WHERE \"Id\" = {id}")));
        await Should.ThrowAsync<Exception>(() => App.WithDbAsync(db => db.Database.ExecuteSqlAsync($"DELETE FROM \"AuditEntries\" WHERE \"Id\" = {id}")));
        (await App.WithDbAsync(db => db.AuditEntries.SingleAsync(e => e.Id == id))).Reason.ShouldBeNull();
    }
}

public sealed class AuditLogSqliteTests(SqliteAppFactory app) : AuditLogTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class AuditLogPostgresTests(PostgresAppFactory app) : AuditLogTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
