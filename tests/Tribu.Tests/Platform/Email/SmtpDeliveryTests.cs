using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Tribu.Tests.Infrastructure;
using Tribu.Web.Platform.Email;

namespace Tribu.Tests.Platform.Email;

public sealed class SmtpAppFactory : TribuAppFactory
{
    public FakeSmtpServer Smtp { get; } = new();

    protected override void ConfigureSettings(IDictionary<string, string?> values)
    {
        values["Email:Delivery"] = "Smtp";
        values["Email:SmtpHost"] = "127.0.0.1";
        values["Email:SmtpPort"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        values["Email:FromAddress"] = "community@tribu.test";
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Smtp.DisposeAsync();
    }
}

/// <summary>Mail through a real SMTP conversation, and the outbox's retries when the server says "later".</summary>
public sealed class SmtpDeliveryTests(SmtpAppFactory app) : IClassFixture<SmtpAppFactory>
{
    private async Task<EmailMessage> WaitForStatusAsync(string to, Func<EmailMessage, bool> done)
    {
        for (var i = 0; i < 200; i++)
        {
            var message = await app.WithDbAsync(db => db.EmailMessages.AsNoTracking().FirstOrDefaultAsync(m => m.To == to));
            if (message is not null && done(message)) return message;
            await Task.Delay(100);
        }
        throw new TimeoutException($"The mail to {to} never reached the expected state.");
    }

    [Fact]
    public async Task Outbox_SendsThroughSmtpWithTheOneClickUnsubscribeHeaders()
    {
        await app.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<EmailOutbox>().SendAsync(new OutgoingEmail("reader@example.com", "Digest", "<p>Hi</p>", "Hi", "digest",
                UnsubscribeUrl: "https://tribu.test/unsubscribe/abc"));
            return 0;
        });

        var sent = await WaitForStatusAsync("reader@example.com", m => m.Status == EmailStatus.Sent);

        sent.Attempts.ShouldBe(1);
        var (from, to, data) = app.Smtp.Messages.Single(m => m.To.Contains("reader@example.com"));
        from.ShouldBe("community@tribu.test");
        data.ShouldContain("Subject: Digest");
        data.ShouldContain("List-Unsubscribe: <https://tribu.test/unsubscribe/abc>");
        data.ShouldContain("List-Unsubscribe-Post: List-Unsubscribe=One-Click");
    }

    [Fact]
    public async Task Outbox_ServerSaysLater_RetriesWithBackoffAndDeliversOnce()
    {
        app.Smtp.RefuseNext(1);
        await app.WithScopeAsync(async sp =>
        {
            await sp.GetRequiredService<EmailOutbox>().SendAsync(new OutgoingEmail("patient@example.com", "Welcome", "<p>Hi</p>", "Hi", "confirm-email"));
            return 0;
        });

        var failedOnce = await WaitForStatusAsync("patient@example.com", m => m.Attempts == 1);
        failedOnce.Status.ShouldBe(EmailStatus.Pending);
        failedOnce.LastError!.ShouldContain("Try again later");
        (failedOnce.NextAttemptAt - TimeProvider.System.GetUtcNow().UtcDateTime).TotalSeconds.ShouldBeGreaterThan(20);

        // Make it due now (as 30 s passing would), then let the job run.
        await app.WithDbAsync(db => db.EmailMessages.Where(m => m.To == "patient@example.com")
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.NextAttemptAt, TimeProvider.System.GetUtcNow().UtcDateTime.AddSeconds(-1))));
        await app.Service<Tribu.Web.Platform.Jobs.JobRunner>().TriggerAsync(EmailDeliveryJob.Name);

        var sent = await WaitForStatusAsync("patient@example.com", m => m.Status == EmailStatus.Sent);
        sent.Attempts.ShouldBe(2);
        sent.LastError.ShouldBeNull();
        app.Smtp.Messages.Count(m => m.To.Contains("patient@example.com")).ShouldBe(1);
    }
}
