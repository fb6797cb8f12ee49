namespace Tribu.Web.Platform.Email;

public enum EmailDelivery
{
    /// <summary>Mails are written as .eml files to the pickup folder and read at /manage/outbox.</summary>
    Pickup,
    /// <summary>Mails are sent through an SMTP server.</summary>
    Smtp,
}

/// <summary>Bound to the <c>Email</c> configuration section.</summary>
public sealed class EmailOptions
{
    public const string Section = "Email";

    public EmailDelivery Delivery { get; set; } = EmailDelivery.Pickup;
    public string FromAddress { get; set; } = "community@tribu.local";
    public string? FromName { get; set; }
    /// <summary>Defaults to <c>mail</c> in the data folder.</summary>
    public string? PickupDirectory { get; set; }
    public string SmtpHost { get; set; } = "localhost";
    public int SmtpPort { get; set; } = 25;
    public bool SmtpUseTls { get; set; }
    public string? SmtpUser { get; set; }
    public string? SmtpPassword { get; set; }
    /// <summary>Sent and failed mails older than this are purged from the outbox.</summary>
    public int RetentionDays { get; set; } = 30;
}
