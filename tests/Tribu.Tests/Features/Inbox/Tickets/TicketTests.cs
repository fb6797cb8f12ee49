using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Inbox;
using Tribu.Web.Features.Inbox.Tickets;
using Tribu.Web.Features.Members;
using Tribu.Web.Features.Notifications;
using Tribu.Web.Platform.Email;
using Tribu.Web.Platform.Webhooks;

namespace Tribu.Tests.Features.Inbox.Tickets;

/// <summary>
/// Tribu with a clock the tests move by hand, its scheduler off (the tests run the delivery jobs themselves), the helpdesk
/// allowed on loopback (the fake helpdesk) and three attempts per webhook call, so an outage fails for good quickly.
/// </summary>
public class TicketsAppFactory(TestDatabase database) : TribuAppFactory(database, new Dictionary<string, string?>
{
    ["Jobs:Enabled"] = "false",
    ["Inbox:Helpdesk:AllowPrivateNetworks"] = "true",
    ["Webhooks:MaxAttempts"] = "3",
    ["Webhooks:TimeoutSeconds"] = "5",
})
{
    public ManualClock Clock { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }
}

public sealed class TicketsSqliteAppFactory() : TicketsAppFactory(TestDatabase.Sqlite);

public sealed class TicketsPostgresAppFactory() : TicketsAppFactory(TestDatabase.Postgres);

/// <summary>
/// Customer-service tickets from the inbox: by webhook through the outbox (retried, created once, failed with the reason,
/// retried by hand as the same ticket, never sent twice), by e-mail, the helpdesk's signed status updates, the item's panel.
/// </summary>
public abstract class TicketTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TicketsAppFactory
{
    private ManualClock Clock => App.Clock;

    private static string Marker() => Guid.NewGuid().ToString("N")[..10];

    private Task<InboxItem> ItemAsync(string marker, Action<InboxItem>? configure = null) => App.WithScopeAsync(async sp =>
    {
        var draft = new InboxItem
        {
            Key = $"test:ticket:{marker}", Channel = InboxChannel.Mention, Subject = $"Broken bike {marker}",
            Excerpt = $"My bike {marker} broke after two days and nobody answers!", Language = "en",
            AuthorHandle = "@angry@social.example", AuthorName = "Angry Customer", Url = $"https://social.example/@angry/{marker}",
            Tags = "bike,refund",
        };
        configure?.Invoke(draft);
        return (await sp.GetRequiredService<InboxIntake>().AddAsync(draft)).Item;
    });

    private Task<InboxItem> GetItemAsync(long id) => App.WithDbAsync(db => db.InboxItems.AsNoTracking().SingleAsync(i => i.Id == id));

    private Task<List<InboxEventKind>> HistoryAsync(long id) =>
        App.WithDbAsync(db => db.InboxEvents.AsNoTracking().Where(e => e.ItemId == id).OrderBy(e => e.At).ThenBy(e => e.Id).Select(e => e.Kind).ToListAsync());

    private Task<int> DeliverWebhooksAsync() => App.WithScopeAsync(sp => ActivatorUtilities.CreateInstance<WebhookDeliveryJob>(sp).DeliverDueAsync());

    private Task<Guid> AdminIdAsync() => App.WithDbAsync(db => db.Users.Where(u => u.Email == TribuAppFactory.AdminEmail).Select(u => u.Id).SingleAsync());

    /// <summary>Webhook mode towards <paramref name="url"/>, with a fresh signing secret (returned) and an inbound secret.</summary>
    private Task<(string Signing, string Inbound)> UseWebhookAsync(string url, string? name = "HelpDesk Pro") => App.WithScopeAsync(async sp =>
    {
        var helpdesk = sp.GetRequiredService<HelpdeskSettingsService>();
        (await helpdesk.SaveAsync(new HelpdeskSettingsRequest("Webhook", name, url, null))).Errors.ShouldBeEmpty();
        return (await helpdesk.RegenerateAsync(HelpdeskSecret.Signing), await helpdesk.RegenerateAsync(HelpdeskSecret.Inbound));
    });

    private Task<string> UseEmailAsync(string address) => App.WithScopeAsync(async sp =>
    {
        var helpdesk = sp.GetRequiredService<HelpdeskSettingsService>();
        (await helpdesk.SaveAsync(new HelpdeskSettingsRequest("Email", "Support desk", null, address))).Errors.ShouldBeEmpty();
        return await helpdesk.RegenerateAsync(HelpdeskSecret.Inbound);
    });

    private static Task<HttpResponseMessage> AskAsync(TribuClient client, long itemId, bool notes = false) =>
        client.Http.PostAsJsonAsync($"/api/v1/inbox/items/{itemId}/ticket", new { includeInternalNotes = notes });

    private static async Task<JsonElement> TicketAsync(TribuClient client, long itemId) =>
        await client.Http.GetFromJsonAsync<JsonElement>($"/api/v1/inbox/items/{itemId}/ticket");

    /// <summary>The item's ticket panel as the item page shows it, in <paramref name="language"/>.</summary>
    private Task<IHtmlDocument> PanelAsync(long itemId, string language = "en") => App.WithScopeAsync(async sp =>
    {
        var item = await sp.GetRequiredService<Tribu.Web.Platform.Data.TribuDbContext>().InboxItems.AsNoTracking().SingleAsync(i => i.Id == itemId);
        await using var renderer = new HtmlRenderer(sp, sp.GetRequiredService<ILoggerFactory>());
        var html = await renderer.Dispatcher.InvokeAsync(async () =>
        {
            var before = CultureInfo.CurrentUICulture;
            CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo(language);
            try
            {
                var output = await renderer.RenderComponentAsync<TicketPanel>(ParameterView.FromDictionary(new Dictionary<string, object?> { [nameof(TicketPanel.Item)] = item }));
                return output.ToHtmlString();
            }
            finally
            {
                CultureInfo.CurrentUICulture = CultureInfo.CurrentCulture = before;
            }
        });
        return new AngleSharp.Html.Parser.HtmlParser().ParseDocument(html);
    });

    /// <summary>Counts the live signals of an item's page (what refreshes it), from the moment it returns.</summary>
    private sealed class LiveCounter : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _listening;
        private int _count;

        private LiveCounter(ILiveBus bus, string channel) =>
            _listening = Task.Run(async () =>
            {
                try
                {
                    await foreach (var _ in bus.ListenAsync(channel, _stop.Token)) Interlocked.Increment(ref _count);
                }
                catch (OperationCanceledException)
                {
                    // Stopped.
                }
            });

        public int Count => Volatile.Read(ref _count);

        public static async Task<LiveCounter> StartAsync(ILiveBus bus, string channel)
        {
            var counter = new LiveCounter(bus, channel);
            // Listening has begun once a probe is heard; then count from zero.
            for (var i = 0; i < 100 && counter.Count == 0; i++)
            {
                await bus.PublishAsync(channel);
                await Task.Delay(50);
            }
            counter.Count.ShouldBeGreaterThan(0, "the live bus should be heard");
            await Task.Delay(100);
            Interlocked.Exchange(ref counter._count, 0);
            return counter;
        }

        public async Task ShouldSignalAsync(string because)
        {
            for (var i = 0; i < 100 && Count == 0; i++) await Task.Delay(50);
            Count.ShouldBeGreaterThan(0, because);
            Interlocked.Exchange(ref _count, 0);
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await _listening;
            _stop.Dispose();
        }
    }

    [Fact]
    public async Task AHelpdeskThatFailsOnceThenAnswers_GetsTheSameCallTwice_AndTheItemKeepsOneTicketWithItsNumberAndLink()
    {
        await using var helpdesk = await FakeHelpdesk.StartAsync();
        helpdesk.Answer = n => n == 1 ? 500 : 201;
        var (signing, _) = await UseWebhookAsync(helpdesk.Url);
        var marker = Marker();
        var adminId = await AdminIdAsync();
        var item = await ItemAsync(marker, i => i.AuthorMemberId = adminId);
        await App.WithScopeAsync(async sp =>
        {
            (await sp.GetRequiredService<InboxService>().AddNoteAsync(item.Id, $"Internal: refund approved {marker}", adminId)).Succeeded.ShouldBeTrue();
            var db = sp.GetRequiredService<Tribu.Web.Platform.Data.TribuDbContext>();
            var now = Clock.GetUtcNow().UtcDateTime;
            db.InboxReplies.Add(new InboxReply { ItemId = item.Id, AuthorId = adminId, Body = $"Sorry to hear that {marker}, we are on it.", State = ReplyState.Sent, IdempotencyKey = Guid.NewGuid(), CreatedAt = now, SentAt = now });
            db.InboxReplies.Add(new InboxReply { ItemId = item.Id, AuthorId = adminId, Body = $"Never sent {marker}", State = ReplyState.Failed, IdempotencyKey = Guid.NewGuid(), CreatedAt = now, Error = "down" });
            await db.SaveChangesAsync();
            return 0;
        });
        using var cm = await TestMembers.LoggedInAsync(App, Roles.CommunityManager);

        var asked = await AskAsync(cm, item.Id);
        asked.StatusCode.ShouldBe(HttpStatusCode.Accepted);
        asked.Headers.Location!.OriginalString.ShouldBe($"/api/v1/inbox/items/{item.Id}/ticket");
        (await asked.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString().ShouldBe("Pending");
        (await AskAsync(cm, item.Id)).StatusCode.ShouldBe(HttpStatusCode.Conflict, "a pending ticket is not asked for twice");
        await using var live = await LiveCounter.StartAsync(App.Service<ILiveBus>(), LiveChannels.InboxItem(item.Id));

        // First attempt: the helpdesk is down. The item shows the ticket pending, the error and when it is tried again.
        (await DeliverWebhooksAsync()).ShouldBe(0);
        await live.ShouldSignalAsync("the item's page refreshes to show the error and the next attempt");
        var pending = await TicketAsync(cm, item.Id);
        pending.GetProperty("state").GetString().ShouldBe("Pending");
        pending.GetProperty("error").GetString().ShouldBe("HTTP 500 Internal Server Error");
        pending.GetProperty("attempts").GetInt32().ShouldBe(1);
        pending.GetProperty("nextAttemptAt").GetDateTime().ShouldBe(Clock.GetUtcNow().UtcDateTime.AddSeconds(30), TimeSpan.FromSeconds(2));
        var panel = await PanelAsync(item.Id);
        panel.QuerySelector(".ticket-state")!.TextContent.ShouldContain("Ticket pending.");
        panel.GetElementById("ticket-error")!.TextContent.ShouldBe("HTTP 500 Internal Server Error");
        panel.GetElementById("ticket-next-attempt").ShouldNotBeNull();
        panel.QuerySelector("form").ShouldBeNull("nothing to ask while it is pending");

        Clock.Advance(TimeSpan.FromSeconds(31));
        (await DeliverWebhooksAsync()).ShouldBeGreaterThanOrEqualTo(1);
        (await DeliverWebhooksAsync()).ShouldBe(0, "nothing left to send");
        await live.ShouldSignalAsync("the item's page refreshes to show the ticket");

        var stored = await GetItemAsync(item.Id);
        stored.TicketState.ShouldBe(TicketState.Created);
        stored.TicketId.ShouldBe("HD-1");
        stored.TicketUrl.ShouldBe($"{helpdesk.BaseUrl}/tickets/HD-1");
        stored.TicketError.ShouldBeNull();
        helpdesk.Tickets.Count.ShouldBe(1, "one ticket at the helpdesk");
        var history = await HistoryAsync(item.Id);
        history.Count(k => k == InboxEventKind.TicketRequested).ShouldBe(1);
        history.Count(k => k == InboxEventKind.TicketCreated).ShouldBe(1);
        (await App.WithDbAsync(db => db.WebhookDeliveries.CountAsync(d => d.Event == TicketComposer.CreateEvent && d.Url == helpdesk.Url))).ShouldBe(1);

        // The same call twice: same body, same Idempotency-Key, same ticket key, each signed with the signing secret.
        var calls = helpdesk.Calls.ToArray();
        calls.Length.ShouldBe(2);
        calls.Select(c => c.Header("Idempotency-Key")).Distinct().Count().ShouldBe(1);
        calls.Select(c => c.Text).Distinct().Count().ShouldBe(1);
        foreach (var call in calls)
        {
            call.Header("X-Tribu-Event").ShouldBe("inbox.ticket.create");
            call.Header("X-Tribu-Ticket-Key").ShouldBe(TicketComposer.TicketKey(stored));
            call.Header("X-Tribu-Signature").ShouldBe("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signing), call.Body)));
        }

        // What the helpdesk reads: the case, its author with their community profile, the conversation without internal notes, a link back.
        var payload = calls[0].Json;
        payload.GetProperty("event").GetString().ShouldBe("inbox.ticket.create");
        payload.GetProperty("ticketKey").GetString().ShouldBe(TicketComposer.TicketKey(stored));
        payload.GetProperty("includesInternalNotes").GetBoolean().ShouldBeFalse();
        var part = payload.GetProperty("item");
        part.GetProperty("id").GetInt64().ShouldBe(item.Id);
        part.GetProperty("channel").GetString().ShouldBe("Mention");
        part.GetProperty("subject").GetString().ShouldBe($"Broken bike {marker}");
        part.GetProperty("text").GetString().ShouldBe($"My bike {marker} broke after two days and nobody answers!");
        part.GetProperty("language").GetString().ShouldBe("en");
        part.GetProperty("url").GetString().ShouldBe($"https://social.example/@angry/{marker}");
        part.GetProperty("priority").GetString().ShouldNotBeNullOrEmpty();
        part.GetProperty("tags").EnumerateArray().Select(t => t.GetString()).ShouldBe(["bike", "refund"]);
        payload.GetProperty("author").GetProperty("handle").GetString().ShouldBe("@angry@social.example");
        payload.GetProperty("author").GetProperty("name").GetString().ShouldBe("Angry Customer");
        payload.GetProperty("author").GetProperty("profileUrl").GetString()!.ShouldEndWith("/u/admin");
        var conversation = payload.GetProperty("conversation").EnumerateArray().ToList();
        conversation.Select(m => m.GetProperty("type").GetString()).ShouldBe(["original", "reply"]);
        conversation[1].GetProperty("text").GetString().ShouldBe($"Sorry to hear that {marker}, we are on it.");
        calls[0].Text.ShouldNotContain("refund approved", Case.Sensitive, "internal notes stay in Tribu unless asked");
        calls[0].Text.ShouldNotContain("Never sent");
        payload.GetProperty("tribuUrl").GetString()!.ShouldEndWith($"/manage/inbox/items/{item.Id}");
        SchemaShape.ShouldMatch(payload, SchemaShape.Load("inbox-ticket.schema.json"));

        // The item's ticket: its number as a link to the helpdesk, no new ticket to ask for.
        var created = await TicketAsync(cm, item.Id);
        created.GetProperty("state").GetString().ShouldBe("Created");
        created.GetProperty("ticketId").GetString().ShouldBe("HD-1");
        created.GetProperty("canCreate").GetBoolean().ShouldBeFalse();
        panel = await PanelAsync(item.Id, "fr");
        var link = panel.QuerySelector("#ticket-id a")!;
        link.GetAttribute("href").ShouldBe($"{helpdesk.BaseUrl}/tickets/HD-1");
        link.TextContent.ShouldStartWith("HD-1");
        panel.QuerySelector(".ticket-state")!.TextContent.ShouldBe("Ticket créé auprès de HelpDesk Pro.");
        (await AskAsync(cm, item.Id)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        App.Logs.ShouldNotContain(l => l.Contains(signing, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AHelpdeskDownForGood_FailsTheTicketWithTheReason_TellsTheAssignee_AndRetrySendsTheSameTicketAgain()
    {
        await using var helpdesk = await FakeHelpdesk.StartAsync();
        helpdesk.Answer = _ => 503;
        await UseWebhookAsync(helpdesk.Url);
        var cmEmail = await TestMembers.CreateAsync(App, Roles.CommunityManager);
        var cmId = await App.WithDbAsync(db => db.Users.Where(u => u.Email == cmEmail).Select(u => u.Id).SingleAsync());
        var item = await ItemAsync(Marker(), i => i.AssigneeId = cmId);
        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin);

        (await AskAsync(admin, item.Id)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var first = (await GetItemAsync(item.Id)).TicketDeliveryId;
        for (var attempt = 0; attempt < 3; attempt++)
        {
            await DeliverWebhooksAsync();
            Clock.Advance(TimeSpan.FromMinutes(5));
        }
        var failed = await GetItemAsync(item.Id);
        failed.TicketState.ShouldBe(TicketState.Failed);
        failed.TicketError.ShouldBe("HTTP 503 Service Unavailable");
        (await HistoryAsync(item.Id)).Count(k => k == InboxEventKind.TicketFailed).ShouldBe(1);
        var notice = await App.WithDbAsync(db => db.Notifications.AsNoTracking().SingleAsync(n => n.Kind == NotificationKind.InboxTicket && n.PostId == item.Id));
        notice.RecipientId.ShouldBe(cmId, "the assignee is told, not the admin who asked");
        notice.Note.ShouldBe("HTTP 503 Service Unavailable");

        var view = await TicketAsync(admin, item.Id);
        view.GetProperty("state").GetString().ShouldBe("Failed");
        view.GetProperty("error").GetString().ShouldBe("HTTP 503 Service Unavailable");
        view.GetProperty("canRetry").GetBoolean().ShouldBeTrue();
        var panel = await PanelAsync(item.Id);
        panel.GetElementById("ticket-error")!.TextContent.ShouldBe("HTTP 503 Service Unavailable");
        panel.QuerySelector("form")!.GetAttribute("action").ShouldBe($"/manage/inbox/items/{item.Id}/ticket/retry");
        panel.QuerySelector("form button")!.TextContent.ShouldBe("Try again");

        // Back up: "Try again" from the item page's form, as a person presses it.
        helpdesk.Answer = _ => 201;
        var settingsPage = await admin.GetAsync("/manage/inbox/helpdesk");
        var token = settingsPage.Document.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        var retried = await admin.Http.PostAsync($"/manage/inbox/items/{item.Id}/ticket/retry", new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        retried.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        retried.Headers.Location!.OriginalString.ShouldBe($"/manage/inbox/items/{item.Id}#ticket");
        (await admin.Http.PostAsync($"/manage/inbox/items/{item.Id}/ticket/retry", new FormUrlEncodedContent([]))).StatusCode.ShouldBe(HttpStatusCode.BadRequest, "no antiforgery token");
        var again = await GetItemAsync(item.Id);
        again.TicketState.ShouldBe(TicketState.Pending);
        again.TicketDeliveryId.ShouldNotBe(first, "a new delivery");
        await DeliverWebhooksAsync();

        var done = await GetItemAsync(item.Id);
        done.TicketState.ShouldBe(TicketState.Created);
        done.TicketId.ShouldBe("HD-1");
        var calls = helpdesk.Calls.ToArray();
        calls.Length.ShouldBe(4);
        calls.Select(c => c.Header("X-Tribu-Ticket-Key")).Distinct().ShouldBe([TicketComposer.TicketKey(done)], "the same logical ticket, so the helpdesk can deduplicate");
        calls.Select(c => c.Header("Idempotency-Key")).Distinct().Count().ShouldBe(2, "one per delivery");
        calls.Select(c => c.Text).Distinct().Count().ShouldBe(1, "the retry sends what was asked for");
        (await HistoryAsync(item.Id)).Where(k => k is InboxEventKind.TicketRequested or InboxEventKind.TicketFailed or InboxEventKind.TicketCreated)
            .ShouldBe([InboxEventKind.TicketRequested, InboxEventKind.TicketFailed, InboxEventKind.TicketRequested, InboxEventKind.TicketCreated]);
        (await admin.Http.PostAsync($"/api/v1/inbox/items/{item.Id}/ticket/retry", null)).StatusCode.ShouldBe(HttpStatusCode.Conflict, "only a failed ticket is retried");
    }

    [Fact]
    public async Task ManyCreateCallsAtOnce_MakeOneDelivery()
    {
        await using var helpdesk = await FakeHelpdesk.StartAsync();
        await UseWebhookAsync(helpdesk.Url);
        var item = await ItemAsync(Marker());
        using var one = await TestMembers.LoggedInAsync(App, Roles.CommunityManager);
        using var two = await TestMembers.LoggedInAsync(App, Roles.Admin);

        var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(i => AskAsync(i % 2 == 0 ? one : two, item.Id)));
        answers.Count(a => a.StatusCode == HttpStatusCode.Accepted).ShouldBe(1);
        answers.Count(a => a.StatusCode == HttpStatusCode.Conflict).ShouldBe(5);
        var refused = await answers.First(a => a.StatusCode == HttpStatusCode.Conflict).Content.ReadFromJsonAsync<JsonElement>();
        refused.GetProperty("detail").GetString().ShouldBe("A ticket is already on its way for this item.");
        (await App.WithDbAsync(db => db.WebhookDeliveries.CountAsync(d => d.Url == helpdesk.Url))).ShouldBe(1);
        (await HistoryAsync(item.Id)).Count(k => k == InboxEventKind.TicketRequested).ShouldBe(1);
        await DeliverWebhooksAsync();
        helpdesk.Calls.Count.ShouldBe(1);
        (await GetItemAsync(item.Id)).TicketState.ShouldBe(TicketState.Created);
    }

    [Fact]
    public async Task WithoutAHelpdesk_NoTicketIsSent_AndThePanelSaysWhereToConfigureOne()
    {
        await App.WithScopeAsync(async sp => (await sp.GetRequiredService<HelpdeskSettingsService>().SaveAsync(new HelpdeskSettingsRequest("None", null, null, null))).Errors.Count);
        var item = await ItemAsync(Marker());
        using var cm = await TestMembers.LoggedInAsync(App, Roles.CommunityManager);
        var refused = await AskAsync(cm, item.Id);
        refused.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().ShouldBe("No helpdesk is configured.");
        (await cm.Http.PostAsync($"/api/v1/inbox/items/{item.Id}/ticket", null)).StatusCode.ShouldBe(HttpStatusCode.Conflict, "the body is optional");
        (await GetItemAsync(item.Id)).TicketState.ShouldBe(TicketState.None);
        (await cm.Http.GetAsync("/api/v1/inbox/items/999999999/ticket")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var panel = await PanelAsync(item.Id, "fr");
        panel.QuerySelector("a[href='/manage/inbox/helpdesk']")!.TextContent.ShouldBe("Configurer le service client");
        panel.QuerySelector("form").ShouldBeNull();
    }

    [Fact]
    public async Task ByEmail_TheCaseIsMailedToTheHelpdesk_WithTheConversation_AndTheTicketIsTheMailsMessageId()
    {
        var address = $"support-{Marker()}@helpdesk.example";
        await UseEmailAsync(address);
        var marker = Marker();
        var adminId = await AdminIdAsync();
        var plain = await ItemAsync(marker);
        var noted = await ItemAsync(marker + "n");
        foreach (var id in new[] { plain.Id, noted.Id })
        {
            await App.WithScopeAsync(async sp => (await sp.GetRequiredService<InboxService>().AddNoteAsync(id, $"Internal: VIP customer {marker}", adminId)).Succeeded);
        }
        using var cm = await TestMembers.LoggedInAsync(App, Roles.CommunityManager, "fr");

        // The panel offers it, in French, with the notes left out unless ticked.
        var panel = await PanelAsync(plain.Id, "fr");
        panel.QuerySelector("form")!.GetAttribute("action").ShouldBe($"/manage/inbox/items/{plain.Id}/ticket");
        panel.QuerySelector("label[for=ticket-include-notes]")!.TextContent.ShouldBe("Inclure les notes internes");
        panel.QuerySelector("form button")!.TextContent.ShouldBe("Créer un ticket auprès de Support desk");

        var asked = await AskAsync(cm, plain.Id);
        asked.StatusCode.ShouldBe(HttpStatusCode.Created, "sent by e-mail: nothing to wait for");
        var ticket = await asked.Content.ReadFromJsonAsync<JsonElement>();
        ticket.GetProperty("state").GetString().ShouldBe("Created");
        ticket.GetProperty("sentByEmail").GetBoolean().ShouldBeTrue();
        ticket.GetProperty("ticketUrl").ValueKind.ShouldBe(JsonValueKind.Null);
        var messageId = ticket.GetProperty("ticketId").GetString()!;
        (await AskAsync(cm, plain.Id)).StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await AskAsync(cm, noted.Id, notes: true)).StatusCode.ShouldBe(HttpStatusCode.Created);

        await App.WithScopeAsync(sp => ActivatorUtilities.CreateInstance<EmailDeliveryJob>(sp).DeliverDueAsync(CancellationToken.None));
        var mails = App.Mail.All().Where(m => m.To.Mailboxes.Any(a => a.Address == address)).ToList();
        mails.Count.ShouldBe(2);
        var mail = mails.Single(m => m.TextBody?.Contains($"My bike {marker} broke", StringComparison.Ordinal) == true);
        mail.MessageId.ShouldBe(messageId, "the ticket is the mail");
        mail.Headers["X-Tribu-Kind"].ShouldBe(TicketComposer.MailKind);
        mail.ReplyTo.Count.ShouldBe(0, "no personal reply-to");
        mail.Subject!.ShouldContain($"Broken bike {marker}");
        var text = mail.TextBody!;
        text.ShouldContain("@angry@social.example");
        text.ShouldContain($"/manage/inbox/items/{plain.Id}");
        text.ShouldContain(TicketComposer.TicketKey(await GetItemAsync(plain.Id)));
        text.ShouldNotContain("VIP customer");
        mail.HtmlBody!.ShouldNotContain("VIP customer");
        mails.Single(m => m != mail).TextBody!.ShouldContain($"Internal: VIP customer {marker}", Case.Sensitive, "ticked: the notes go too");

        panel = await PanelAsync(plain.Id);
        panel.QuerySelector(".ticket-state")!.TextContent.ShouldBe("Sent to Support desk by e-mail.");
        panel.GetElementById("ticket-id")!.TextContent.ShouldBe(messageId);
        (await HistoryAsync(plain.Id)).Where(k => k is InboxEventKind.TicketRequested or InboxEventKind.TicketCreated)
            .ShouldBe([InboxEventKind.TicketRequested, InboxEventKind.TicketCreated]);
    }

    private async Task<HttpResponseMessage> UpdateAsync(string body, string secret, DateTimeOffset? at = null, string? signature = null, bool timestamp = true)
    {
        using var client = App.CreateClient();
        var bytes = Encoding.UTF8.GetBytes(body);
        var stamp = (at ?? Clock.GetUtcNow()).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        byte[] signed = timestamp ? [.. Encoding.ASCII.GetBytes(stamp + "."), .. bytes] : bytes;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/inbox/helpdesk/webhook") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        if (timestamp) request.Headers.Add("X-Tribu-Timestamp", stamp);
        request.Headers.Add("X-Tribu-Signature", signature ?? "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), signed)));
        return await client.SendAsync(request);
    }

    private Task<InboxItem> TicketedItemAsync(string ticketId) => ItemAsync(Marker(), i =>
    {
        i.TicketState = TicketState.Created;
        i.TicketId = ticketId;
        i.TicketUrl = "https://helpdesk.example/tickets/" + ticketId;
    });

    [Fact]
    public async Task TheHelpdesksSignedUpdates_MoveTheItem_OnceEach()
    {
        await using var helpdesk = await FakeHelpdesk.StartAsync();
        var (_, inbound) = await UseWebhookAsync(helpdesk.Url);
        var ticketId = "HD-" + Marker();
        var item = await TicketedItemAsync(ticketId);

        var solved = $$"""{"ticket_id":"{{ticketId}}","status":"solved","comment":"Replaced the frame under warranty."}""";
        var answer = await UpdateAsync(solved, inbound);
        answer.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("changed").GetBoolean().ShouldBeTrue();
        var stored = await GetItemAsync(item.Id);
        stored.TicketStatus.ShouldBe("solved");
        stored.Status.ShouldBe(InboxStatus.Resolved);
        stored.ResolvedAt.ShouldNotBeNull();
        var lines = await App.WithDbAsync(db => db.InboxEvents.AsNoTracking().Where(e => e.ItemId == item.Id && (e.Kind == InboxEventKind.TicketUpdated || e.Kind == InboxEventKind.StatusChanged)).OrderBy(e => e.Id).ToListAsync());
        lines.Select(e => e.Kind).ShouldBe([InboxEventKind.TicketUpdated, InboxEventKind.StatusChanged]);
        lines[0].To.ShouldBe("solved");
        lines[0].Text.ShouldBe("Replaced the frame under warranty.");
        lines[0].ActorId.ShouldBeNull("the helpdesk, not a person");
        lines[1].Text.ShouldBe("HelpDesk Pro says the ticket is “solved”.");

        // The same update again (a retry of the helpdesk's own webhook): received, nothing changes.
        Clock.Advance(TimeSpan.FromSeconds(20));
        var twice = await UpdateAsync(solved, inbound);
        twice.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await twice.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("changed").GetBoolean().ShouldBeFalse();
        (await HistoryAsync(item.Id)).Count(k => k is InboxEventKind.TicketUpdated or InboxEventKind.StatusChanged).ShouldBe(2);

        // The mapping: pending → Pending, closed → Closed, reopened → Open (and a number as ticket id).
        foreach (var (word, expected) in new[] { ("pending", InboxStatus.Pending), ("closed", InboxStatus.Closed), ("reopened", InboxStatus.Open), ("Solved", InboxStatus.Resolved), ("open", InboxStatus.Open) })
        {
            (await UpdateAsync($$"""{"ticket_id":"{{ticketId}}","status":"{{word}}"}""", inbound)).StatusCode.ShouldBe(HttpStatusCode.OK);
            var now = await GetItemAsync(item.Id);
            now.Status.ShouldBe(expected, word);
            now.TicketStatus.ShouldBe(word.ToLowerInvariant());
        }
        var numbered = await TicketedItemAsync("48213" + Random.Shared.Next(1000, 9999).ToString(CultureInfo.InvariantCulture));
        (await UpdateAsync($$"""{"ticket_id":{{numbered.TicketId}},"status":"closed","url":"https://helpdesk.example/t/{{numbered.TicketId}}"}""", inbound)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var closed = await GetItemAsync(numbered.Id);
        closed.Status.ShouldBe(InboxStatus.Closed);
        closed.TicketUrl.ShouldBe($"https://helpdesk.example/t/{numbered.TicketId}");

        // The panel shows the helpdesk's word.
        var panel = await PanelAsync(numbered.Id);
        panel.GetElementById("ticket-status")!.TextContent.ShouldBe("closed");
    }

    [Fact]
    public async Task UpdatesWithABadSignature_AnUnknownTicket_AnOldTimestamp_OrABadField_AreRefused_AndChangeNothing()
    {
        await using var helpdesk = await FakeHelpdesk.StartAsync();
        var (_, inbound) = await UseWebhookAsync(helpdesk.Url);
        var ticketId = "HD-" + Marker();
        var item = await TicketedItemAsync(ticketId);
        var body = $$"""{"ticket_id":"{{ticketId}}","status":"solved"}""";

        var forged = await UpdateAsync(body, "whsec_not-the-secret");
        forged.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        forged.Content.Headers.ContentType!.MediaType.ShouldBe("application/problem+json");
        (await forged.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().ShouldBe("The X-Tribu-Signature does not match the body and the inbound secret.");
        (await UpdateAsync(body, inbound, signature: "")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await UpdateAsync(body, inbound, signature: "sha256=zz")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        // A captured call replayed ten minutes later.
        var replay = await UpdateAsync(body, inbound, at: Clock.GetUtcNow().AddMinutes(-10));
        replay.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await replay.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().ShouldBe("The X-Tribu-Timestamp is more than 5 minutes away from now.");

        var unknown = await UpdateAsync("""{"ticket_id":"HD-nobody","status":"solved"}""", inbound);
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await unknown.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString().ShouldBe("Unknown ticket");

        var bad = await UpdateAsync($$"""{"ticket_id":"{{ticketId}}","status":"archived","url":"javascript:alert(1)"}""", inbound);
        bad.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var errors = (await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.GetProperty("status")[0].GetString()!.ShouldStartWith("“status” cannot be “archived”");
        errors.GetProperty("url")[0].GetString().ShouldBe("“url” must be a full http:// or https:// address.");
        var missing = await UpdateAsync("""{"status":"solved"}""", inbound);
        missing.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await missing.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("ticket_id").GetArrayLength().ShouldBe(1);
        (await UpdateAsync("not json", inbound)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        SchemaShape.Load("inbox-helpdesk-update.schema.json").GetProperty("properties").GetProperty("status").GetProperty("enum").EnumerateArray()
            .Select(e => e.GetString()).Order().ShouldBe(HelpdeskWebhook.Statuses.Keys.Order(), "the documented status words are the accepted ones");

        var unchanged = await GetItemAsync(item.Id);
        unchanged.Status.ShouldBe(InboxStatus.Open);
        unchanged.TicketStatus.ShouldBeNull();
        (await HistoryAsync(item.Id)).ShouldNotContain(InboxEventKind.TicketUpdated);

        // Without a timestamp the body alone is signed (allowed), and a new inbound secret retires the old one.
        (await UpdateAsync(body, inbound, timestamp: false)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var fresh = await App.WithScopeAsync(sp => sp.GetRequiredService<HelpdeskSettingsService>().RegenerateAsync(HelpdeskSecret.Inbound));
        (await UpdateAsync(body, inbound)).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        (await UpdateAsync(body, fresh)).StatusCode.ShouldBe(HttpStatusCode.OK);
        App.Logs.ShouldNotContain(l => l.Contains(inbound, StringComparison.Ordinal) || l.Contains(fresh, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnUpdateBeforeTribuReadTheAnswer_FindsTheItemByItsTicketKey_AndTheLateAnswerChangesNothingMore()
    {
        await using var helpdesk = await FakeHelpdesk.StartAsync();
        var (_, inbound) = await UseWebhookAsync(helpdesk.Url);
        var item = await ItemAsync(Marker());
        using var cm = await TestMembers.LoggedInAsync(App, Roles.CommunityManager);
        (await AskAsync(cm, item.Id)).StatusCode.ShouldBe(HttpStatusCode.Accepted);
        var key = TicketComposer.TicketKey(await GetItemAsync(item.Id));

        // The helpdesk tells Tribu about the ticket before Tribu's call is even answered (say, from another worker).
        (await UpdateAsync($$"""{"ticket_id":"HD-early","ticket_key":"{{key}}","status":"open"}""", inbound)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var early = await GetItemAsync(item.Id);
        early.TicketState.ShouldBe(TicketState.Created);
        early.TicketId.ShouldBe("HD-early");
        (await UpdateAsync("""{"ticket_key":"inbox-1-20000101T000000Z","status":"open"}""", inbound)).StatusCode.ShouldBe(HttpStatusCode.NotFound, "a key must match the item exactly");

        await DeliverWebhooksAsync();
        var after = await GetItemAsync(item.Id);
        after.TicketId.ShouldBe("HD-early", "the ticket is not made twice, nor renamed");
        (await HistoryAsync(item.Id)).ShouldNotContain(InboxEventKind.TicketCreated);
    }

    [Fact]
    public async Task SendATest_CallsTheHelpdeskSigned_AndThePageShowsItsOutcome()
    {
        await using var helpdesk = await FakeHelpdesk.StartAsync();
        var (signing, _) = await UseWebhookAsync(helpdesk.Url);
        using var cm = await TestMembers.LoggedInAsync(App, Roles.CommunityManager);
        var sent = await cm.SubmitAndFollowAsync("/manage/inbox/helpdesk", "test", new Dictionary<string, string>());
        sent.Text.ShouldContain("Test call queued");
        await DeliverWebhooksAsync();
        var call = helpdesk.Calls.ShouldHaveSingleItem();
        call.Header("X-Tribu-Event").ShouldBe("inbox.ticket.test");
        call.Header("X-Tribu-Signature").ShouldBe("sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(signing), call.Body)));
        call.Json.GetProperty("test").GetBoolean().ShouldBeTrue();
        helpdesk.Tickets.ShouldBeEmpty();
        var page = await cm.GetAsync("/manage/inbox/helpdesk");
        page.Document.GetElementById("last-test")!.TextContent.ShouldContain("answered 2xx");
    }
}

public sealed class TicketSqliteTests(TicketsSqliteAppFactory app) : TicketTests<TicketsSqliteAppFactory>(app), IClassFixture<TicketsSqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class TicketPostgresTests(TicketsPostgresAppFactory app) : TicketTests<TicketsPostgresAppFactory>(app), IClassFixture<TicketsPostgresAppFactory>;
