using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Features.Topics;

/// <summary>New members are slowed down when posting, told when to retry, and keep their text; on SQLite and PostgreSQL.</summary>
public abstract class PostingPaceTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    [Fact]
    public async Task NewMember_PostingTwiceInARow_IsToldWhenToRetry_AndKeepsTheDraft()
    {
        var space = await TestSpaces.CreateAsync(App);
        using var newcomer = await TestPerson.CreateAsync(App, language: "fr", newcomer: true);
        using var regular = await TestPerson.CreateAsync(App);

        var started = await newcomer.Client.Http.PostAsJsonAsync($"/api/v1/spaces/{space}/topics", new { kind = "Question", title = "Premier vélo cargo", body = "Lequel choisir ?" });
        started.StatusCode.ShouldBe(HttpStatusCode.Created);
        var topic = (await started.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetInt64();

        // The API says 429, when, and why.
        var again = await newcomer.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = "Et pour la batterie ?" });
        again.StatusCode.ShouldBe(HttpStatusCode.TooManyRequests);
        int.Parse(again.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture).ShouldBeInRange(1, 20);
        var problem = await again.Content.ReadFromJsonAsync<JsonElement>();
        problem.GetProperty("detail").GetString()!.ShouldStartWith("Vous publiez un peu vite pour un nouveau membre. Vous pourrez publier à nouveau dans ");

        // The page shows the same reason, and the text is still in the form.
        var page = await newcomer.Client.SubmitAndFollowAsync($"/t/{topic}", "reply", new Dictionary<string, string> { ["Reply.Body"] = "Et pour la batterie ?" });
        page.Text.ShouldContain("Vous pourrez publier à nouveau dans");
        page.Document.QuerySelector("#reply-body")!.TextContent.ShouldBe("Et pour la batterie ?");
        (await newcomer.Client.Http.GetFromJsonAsync<JsonElement>($"/api/v1/topics/{topic}")).GetProperty("posts").GetArrayLength().ShouldBe(1);

        // Established members are not slowed down.
        for (var i = 0; i < 3; i++)
        {
            (await regular.Client.Http.PostAsJsonAsync($"/api/v1/topics/{topic}/replies", new { body = $"Answer {i}" })).StatusCode.ShouldBe(HttpStatusCode.Created);
        }
    }
}

public sealed class PostingPaceSqliteTests(SqliteAppFactory app) : PostingPaceTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class PostingPacePostgresTests(PostgresAppFactory app) : PostingPaceTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
