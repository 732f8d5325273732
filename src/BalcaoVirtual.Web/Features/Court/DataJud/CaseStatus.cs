namespace BalcaoVirtual.Web.Features.Court.DataJud;

/// <summary>One movement of a case, with its date in the court's local time.</summary>
public sealed record CaseMovement(DateTimeOffset? At, string Name, string? Complement);

/// <summary>What a citizen may be told about a case (never party names; DataJud has none anyway).</summary>
public sealed record CaseSummary(
    string Number,
    string Court,
    string? Class,
    string? Body,
    IReadOnlyList<string> Degrees,
    DateTimeOffset? FiledAt,
    DateTimeOffset? LastUpdatedAt,
    IReadOnlyList<string> Subjects,
    IReadOnlyList<CaseMovement> LatestMovements)
{
    /// <summary>DataJud's <c>nivelSigilo</c> (0: public); above 0 the case is sealed and never followed.</summary>
    public int SecrecyLevel { get; init; }
}

/// <summary>The outcome of a status query: callers switch on it; nothing is thrown at them.</summary>
public abstract record CaseStatusResult
{
    private CaseStatusResult()
    {
    }

    public sealed record Found(CaseSummary Summary) : CaseStatusResult;

    /// <summary>The index has no such case (or it is sealed: sealed cases are not indexed).</summary>
    public sealed record NotFound(string Number, string Court) : CaseStatusResult;

    /// <summary>DataJud could not be asked or did not answer; <see cref="Reason"/> is for logs and operators, not citizens.</summary>
    public sealed record Unavailable(string Reason, DateTimeOffset? RetryAfter = null) : CaseStatusResult;
}

/// <summary>
/// Several cases' summaries by their digits (those absent are not in the public index), or why none could be read.
/// <paramref name="Truncated"/>: DataJud had more hits than it returned (a case with many documents): read it again in parts.
/// </summary>
public sealed record CaseBatchResult(IReadOnlyDictionary<string, CaseSummary> Found, CaseStatusResult.Unavailable? Failure, bool Truncated = false);

/// <summary>Where case status comes from (DataJud); an interface so the chatbot can be driven without the network.</summary>
public interface ICaseStatusLookup
{
    Task<CaseStatusResult> GetStatusAsync(CnjNumber number, CancellationToken cancellationToken = default);
}
