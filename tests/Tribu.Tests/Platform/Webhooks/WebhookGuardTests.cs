using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Platform.Webhooks;

namespace Tribu.Tests.Platform.Webhooks;

/// <summary>Tribu as installed: webhooks may not call loopback or private addresses, checked when connecting.</summary>
public sealed class WebhookGuardAppFactory() : TribuAppFactory(TestDatabase.Sqlite, new Dictionary<string, string?>
{
    ["Jobs:Enabled"] = "false",
    ["Webhooks:AllowPrivateNetworks"] = "false",
});

/// <summary>
/// An outgoing webhook (a listening alert, a helpdesk ticket) to an address on the machine's own network is refused at
/// connection time — whatever the name it was typed with — and marked failed at once, without retries; nothing reaches it.
/// </summary>
public sealed class WebhookGuardTests(WebhookGuardAppFactory app) : IClassFixture<WebhookGuardAppFactory>
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("localhost")]
    public async Task ACallToALoopbackAddress_IsRefusedWhenConnecting_AndFailsWithoutRetry(string host)
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => 200);
        var url = new UriBuilder(receiver.Url) { Host = host }.Uri.ToString();
        var id = await app.WithScopeAsync(async sp =>
        {
            var outbox = sp.GetRequiredService<WebhookOutbox>();
            var delivery = outbox.Add(url, "test.guard", "{}", null);
            await sp.GetRequiredService<Tribu.Web.Platform.Data.TribuDbContext>().SaveChangesAsync();
            return delivery.Id;
        });

        var delivered = await app.WithScopeAsync(sp => ActivatorUtilities.CreateInstance<WebhookDeliveryJob>(sp).DeliverDueAsync());

        delivered.ShouldBe(0);
        receiver.Calls.ShouldBeEmpty();
        var row = await app.WithDbAsync(db => db.WebhookDeliveries.AsNoTracking().SingleAsync(d => d.Id == id));
        (row.Status, row.Attempts).ShouldBe((WebhookDeliveryStatus.Failed, 1));
        row.LastError.ShouldBe($"The address {host} is on a private or loopback network; webhooks may not call it.");
    }
}
