namespace Tribu.Web.Features.Ideas;

/// <summary>An idea board.</summary>
public sealed record IdeaBoardResponse(string Slug, string Name, string Description, int? SpaceId, string Url)
{
    public static IdeaBoardResponse FromEntity(IdeaBoard board) => new(board.Slug, board.Name, board.Description, board.SpaceId, $"/ideas/{board.Slug}");
}

/// <summary>A new board (staff): the slug is made from the name when not given; <c>Space</c> is a space's slug.</summary>
public sealed record NewIdeaBoardRequest(string? Name, string? Slug, string? Description, string? Space);

/// <summary>An idea in a list.</summary>
public sealed record IdeaSummaryResponse(long Id, string Board, string Title, IdeaStatus Status, int Votes, DateTime CreatedAt, string Author, string Url)
{
    public static IdeaSummaryResponse FromRow(IdeaRow row) => new(row.Id, row.BoardSlug, row.Title, row.Status, row.VoteCount, row.CreatedAt, row.AuthorHandle, row.Url);
}

/// <summary>A status change with the official response.</summary>
public sealed record IdeaStatusChangeResponse(IdeaStatus From, IdeaStatus To, string Response, string By, DateTime At);

/// <summary>One idea with its history and whether the caller voted for it.</summary>
public sealed record IdeaResponse(long Id, string Board, string Title, string BodyMarkdown, string BodyHtml, IdeaStatus Status, int Votes,
    DateTime CreatedAt, DateTime UpdatedAt, string Author, bool Voted, string Url, IdeaStatusChangeResponse[] History);

/// <summary>A new idea.</summary>
public sealed record NewIdeaRequest(string? Title, string? Body);

/// <summary>Whether the caller's vote is there now, and the idea's count.</summary>
public sealed record IdeaVoteResponse(long IdeaId, bool Voted, int Votes);

/// <summary>A status change by staff: one of New, UnderReview, Planned, InProgress, Shipped, Declined, with the official response (Markdown).</summary>
public sealed record IdeaStatusRequest(string? Status, string? Response);

/// <summary>Merge this idea into another (its id).</summary>
public sealed record IdeaMergeRequest(long Into);

/// <summary>The public roadmap's three columns.</summary>
public sealed record RoadmapResponse(IdeaSummaryResponse[] Planned, IdeaSummaryResponse[] InProgress, IdeaSummaryResponse[] Shipped);

/// <summary>An idea named in a list (merge targets, merged duplicates).</summary>
public sealed record IdeaRef(long Id, string Title, int Votes);

/// <summary>An idea's new title and text.</summary>
public sealed record EditIdeaRequest(string? Title, string? Body);
