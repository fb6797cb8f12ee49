using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using QRCoder;
using Tribu.Web.Platform.Data;

namespace Tribu.Web.Features.Events;

/// <summary>Whose ticket a code is, for the staff member who scanned it.</summary>
public sealed record TicketHolder(int EventId, string Handle, string DisplayName, RsvpStatus Status, bool Attended, DateTime? CheckedInAt);

/// <summary>
/// Tickets: a member going to an event gets a secret code (12 characters of an unambiguous alphabet), shown as a QR code
/// that opens the staff check-in page for them. The code names one RSVP only; it says nothing about the member.
/// </summary>
public sealed class EventTickets(TribuDbContext db)
{
    private const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    public const int CodeLength = 12;

    /// <summary>The member's ticket code for an event they are going to (given on first ask, then always the same); null when not going.</summary>
    public async Task<string?> CodeAsync(int eventId, Guid memberId, CancellationToken ct = default)
    {
        var rsvp = await db.EventRsvps.AsNoTracking().Where(r => r.EventId == eventId && r.MemberId == memberId)
            .Select(r => new { r.Status, r.TicketCode }).FirstOrDefaultAsync(ct);
        if (rsvp?.Status != RsvpStatus.Going) return null;
        if (rsvp.TicketCode is not null) return rsvp.TicketCode;
        // Set only where none is yet: two tabs opening the ticket at once end with the same code.
        await db.EventRsvps.Where(r => r.EventId == eventId && r.MemberId == memberId && r.TicketCode == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.TicketCode, NewCode()), ct);
        return await db.EventRsvps.Where(r => r.EventId == eventId && r.MemberId == memberId).Select(r => r.TicketCode).FirstAsync(ct);
    }

    /// <summary>The ticket behind a code typed or scanned for this event; null for a code of another event or none.</summary>
    public async Task<TicketHolder?> FindAsync(int eventId, string? code, CancellationToken ct = default)
    {
        var normalized = Normalize(code);
        if (normalized is null) return null;
        return await db.EventRsvps.AsNoTracking().Where(r => r.EventId == eventId && r.TicketCode == normalized)
            .Join(db.Users, r => r.MemberId, u => u.Id, (r, u) => new TicketHolder(r.EventId, u.Handle, u.DisplayName, r.Status, r.Attended, r.CheckedInAt))
            .FirstOrDefaultAsync(ct);
    }

    /// <summary>Upper case, without the spaces and dashes people type; null when it cannot be a code.</summary>
    public static string? Normalize(string? code)
    {
        var cleaned = new string((code ?? "").Where(char.IsLetterOrDigit).Select(char.ToUpperInvariant).ToArray());
        return cleaned.Length == CodeLength && cleaned.All(c => Alphabet.Contains(c, StringComparison.Ordinal)) ? cleaned : null;
    }

    /// <summary>"ABCD-EFGH-JKLM", easier to read aloud or type.</summary>
    public static string Display(string code) => string.Join('-', code.Chunk(4).Select(c => new string(c)));

    /// <summary>The QR code of a URL as inline SVG (black on white, a quiet zone included).</summary>
    public static string QrSvg(string url)
    {
        using var generator = new QRCodeGenerator();
        using var data = generator.CreateQrCode(url, QRCodeGenerator.ECCLevel.M);
        return new SvgQRCode(data).GetGraphic(5);
    }

    private static string NewCode() => string.Create(CodeLength, 0, (span, _) =>
    {
        for (var i = 0; i < span.Length; i++) span[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
    });
}
