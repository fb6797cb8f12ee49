using System.Net;
using Microsoft.EntityFrameworkCore;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Features.Inbox;
using Tribu.Web.Features.Members;

namespace Tribu.Tests.Features.Inbox.Tickets;

/// <summary>
/// The helpdesk settings page, as a French-speaking manager uses it: labelled fields, field errors in French, private
/// addresses refused (this app keeps the default: no private networks), secrets shown once and regenerated.
/// </summary>
public abstract class HelpdeskSettingsPageTests<TFactory>(TFactory factory) : TribuTestBase<TFactory>(factory) where TFactory : TribuAppFactory
{
    private const string Page = "/manage/inbox/helpdesk";

    private static Dictionary<string, string> Form(string mode, string? url = null, string? email = null, string? name = null) => new()
    {
        ["Input.Mode"] = mode, ["Input.WebhookUrl"] = url ?? "", ["Input.Email"] = email ?? "", ["Input.Name"] = name ?? "",
    };

    [Fact]
    public async Task InFrench_TheFormIsLabelled_RefusesBadAndPrivateAddresses_AndShowsNewSecretsOnce()
    {
        using var admin = await TestMembers.LoggedInAsync(App, Roles.Admin, "fr");
        var page = await admin.GetAsync(Page);
        page.Status.ShouldBe(HttpStatusCode.OK);
        page.Title!.ShouldStartWith("Service client");
        page.Document.QuerySelector("h1")!.TextContent.ShouldBe("Service client");
        // Every field has its label (the radios, the text fields): usable by keyboard and screen reader.
        var fields = page.Document.QuerySelectorAll("main input:not([type=hidden]), main select, main textarea").ToList();
        fields.Count.ShouldBeGreaterThanOrEqualTo(6);
        foreach (var field in fields)
        {
            page.Document.QuerySelector($"label[for='{field.Id}']").ShouldNotBeNull($"the field {field.Id} has a label");
        }
        page.Document.QuerySelector("label[for=mode-Webhook]")!.TextContent.ShouldBe("Webhook");
        page.Document.QuerySelector("label[for=mode-Email]")!.TextContent.ShouldBe("Courriel");
        page.Document.QuerySelector("input[name='Input.Mode'][checked]")!.GetAttribute("value").ShouldBe("None");

        var bad = await admin.SubmitAndFollowAsync(Page, "helpdesk", Form("Webhook", url: "ftp://helpdesk.example/hook"));
        bad.Status.ShouldBe(HttpStatusCode.OK);
        bad.FieldError("WebhookUrl").ShouldBe("L’adresse du webhook doit être une adresse complète en http:// ou https://, sans nom d’utilisateur ni mot de passe.");
        bad.Document.QuerySelector("#helpdesk-url")!.GetAttribute("aria-invalid").ShouldBe("true");
        bad.Document.QuerySelector(".error-summary")!.GetAttribute("role").ShouldBe("alert");
        bad.Document.QuerySelector("input[name='Input.Mode'][checked]")!.GetAttribute("value").ShouldBe("Webhook", "what was typed is kept");

        var inside = await admin.SubmitAndFollowAsync(Page, "helpdesk", Form("Webhook", url: "http://10.1.2.3/hook"));
        inside.FieldError("WebhookUrl").ShouldBe("L’adresse du webhook mène à un réseau privé ou local, que Tribu n’appelle pas.");
        (await admin.SubmitAndFollowAsync(Page, "helpdesk", Form("Webhook", url: "http://[::1]:8080/hook"))).FieldError("WebhookUrl")!.ShouldContain("réseau privé");
        (await admin.SubmitAndFollowAsync(Page, "helpdesk", Form("Webhook"))).FieldError("WebhookUrl").ShouldBe("Indiquez l’adresse du webhook du service client.");
        (await admin.SubmitAndFollowAsync(Page, "helpdesk", Form("Email", email: "pas une adresse"))).FieldError("Email").ShouldBe("Ce n’est pas une adresse électronique (nom@exemple.fr).");
        (await admin.SubmitAndFollowAsync(Page, "helpdesk", Form("Sometimes"))).FieldError("Mode").ShouldBe("Choisissez comment les tickets sont envoyés.");
        var still = await App.WithDbAsync(db => db.InboxSettings.AsNoTracking().SingleAsync());
        still.HelpdeskMode.ShouldBe(HelpdeskMode.None, "nothing was stored");
        still.ProtectedHelpdeskSecret.ShouldBeNull();

        // A public address: saved, and both secrets are made and shown this once.
        var saved = await admin.SubmitAndFollowAsync(Page, "helpdesk", Form("Webhook", url: "https://93.184.215.14/api/tickets", name: "Zendesk"));
        saved.Status.ShouldBe(HttpStatusCode.OK);
        saved.Document.QuerySelector(".status")!.TextContent.ShouldBe("Réglages du service client enregistrés.");
        var signing = saved.Document.QuerySelector("#signing-secret-value")!.GetAttribute("value")!;
        var inbound = saved.Document.QuerySelector("#inbound-secret-value")!.GetAttribute("value")!;
        signing.ShouldStartWith("whsec_");
        inbound.ShouldStartWith("whsec_");
        signing.ShouldNotBe(inbound);
        var stored = await App.WithDbAsync(db => db.InboxSettings.AsNoTracking().SingleAsync());
        stored.HelpdeskMode.ShouldBe(HelpdeskMode.Webhook);
        stored.HelpdeskName.ShouldBe("Zendesk");
        stored.HelpdeskWebhookUrl.ShouldBe("https://93.184.215.14/api/tickets");
        stored.ProtectedHelpdeskSecret.ShouldNotBeNull();
        stored.ProtectedHelpdeskSecret.ShouldNotContain(signing, Case.Sensitive, "stored protected");
        stored.ProtectedInboundSecret!.ShouldNotContain(inbound, Case.Sensitive);

        // Never shown again: the page says they are set, and hides them.
        var again = await admin.GetAsync(Page);
        again.Html.ShouldNotContain(signing);
        again.Html.ShouldNotContain(inbound);
        again.Document.GetElementById("signing-secret-state")!.TextContent.ShouldBe("défini (masqué)");
        again.Document.QuerySelector("#inbound-url")!.GetAttribute("value")!.ShouldEndWith("/api/v1/inbox/helpdesk/webhook");
        var resaved = await admin.SubmitAndFollowAsync(Page, "helpdesk", Form("Webhook", url: "https://93.184.215.14/api/tickets", name: "Zendesk"));
        resaved.Document.QuerySelector("#signing-secret-value").ShouldBeNull("saving again keeps the secrets");
        resaved.Text.ShouldContain("Réglages du service client enregistrés.");

        var regenerated = await admin.SubmitAndFollowAsync(Page, "regenerate-inbound", new Dictionary<string, string>());
        var newInbound = regenerated.Document.QuerySelector("#inbound-secret-value")!.GetAttribute("value")!;
        newInbound.ShouldStartWith("whsec_");
        newInbound.ShouldNotBe(inbound);
        regenerated.Document.QuerySelector("#signing-secret-value").ShouldBeNull();
        App.Logs.ShouldNotContain(l => l.Contains(signing, StringComparison.Ordinal) || l.Contains(newInbound, StringComparison.Ordinal));
    }

    [Fact]
    public async Task AMember_CannotOpenThePage()
    {
        using var member = await TestMembers.LoggedInAsync(App, Roles.Member);
        var response = await member.Http.GetAsync(Page);
        response.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        response.Headers.Location!.OriginalString.ShouldContain("/account/access-denied");
    }
}

public sealed class HelpdeskSettingsPageSqliteTests(SqliteAppFactory app) : HelpdeskSettingsPageTests<SqliteAppFactory>(app), IClassFixture<SqliteAppFactory>;

[Trait("Category", "Postgres")]
public sealed class HelpdeskSettingsPagePostgresTests(PostgresAppFactory app) : HelpdeskSettingsPageTests<PostgresAppFactory>(app), IClassFixture<PostgresAppFactory>;
