namespace Tribu.Web.Features.Segments;

/// <summary>
/// What the other features (programmes' entry criteria, surveys, the inbox, ideas' votes by segment, analytics) need from member
/// segments: their list and who is in one, evaluated from the segment's rules at the time of the call.
/// </summary>
public interface ISegmentDirectory
{
    Task<IReadOnlyList<SegmentSummary>> ListAsync(CancellationToken ct = default);

    Task<SegmentSummary?> FindAsync(int segmentId, CancellationToken ct = default);

    /// <summary>Whether the member matches the segment's rules now (false for an unknown segment).</summary>
    Task<bool> ContainsAsync(int segmentId, Guid memberId, CancellationToken ct = default);

    /// <summary>Every member matching the segment's rules now.</summary>
    Task<IReadOnlyList<Guid>> MemberIdsAsync(int segmentId, CancellationToken ct = default);
}

public sealed record SegmentSummary(int Id, string Name, string Description);
