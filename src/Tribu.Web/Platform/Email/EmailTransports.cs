using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Tribu.Web.Platform.Email;

/// <summary>Hands one message to the outside world. A boundary: SMTP in production, a folder by default.</summary>
public interface IEmailTransport
{
    Task SendAsync(MimeMessage message, CancellationToken cancellationToken);
}

internal sealed class SmtpEmailTransport(IOptions<EmailOptions> options) : IEmailTransport
{
    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        var o = options.Value;
        using var client = new SmtpClient();
        var security = o.SmtpUseTls ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.None;
        await client.ConnectAsync(o.SmtpHost, o.SmtpPort, security, cancellationToken);
        if (!string.IsNullOrEmpty(o.SmtpUser))
        {
            await client.AuthenticateAsync(o.SmtpUser, o.SmtpPassword ?? "", cancellationToken);
        }
        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(true, cancellationToken);
    }
}

internal sealed class PickupDirectoryTransport(IOptions<EmailOptions> options, TribuPaths paths) : IEmailTransport
{
    public string Directory => options.Value.PickupDirectory ?? Path.Combine(paths.Data, "mail");

    public async Task SendAsync(MimeMessage message, CancellationToken cancellationToken)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var file = Path.Combine(Directory, $"{message.Date:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}.eml");
        // Written aside, then renamed: whoever watches the folder never sees half a mail.
        var partial = file + ".partial";
        await message.WriteToAsync(partial, cancellationToken);
        File.Move(partial, file);
    }
}
