using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using BalcaoVirtual.Web.Features.Units;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace BalcaoVirtual.Web.Features.Court.DataJud;

/// <summary>
/// Case status from CNJ's public DataJud API: one query by the 20 digits to the court's index, a short timeout,
/// answers cached for minutes, a pause after 429/5xx. Every failure is a <see cref="CaseStatusResult.Unavailable"/>.
/// </summary>
public sealed partial class DataJudClient(
    IHttpClientFactory clients,
    IOptions<DataJudOptions> options,
    UnitCatalog catalog,
    Infrastructure.Telemetry.BalcaoMetrics metrics,
    TimeProvider time,
    ILogger<DataJudClient> logger) : ICaseStatusLookup
{
    public const string HttpClientName = "datajud";

    /// <summary>Room for each case's hits in a batch (one per degree or body; a case seldom has more than three).</summary>
    internal const int HitsPerCase = 20;

    private static readonly TimeZoneInfo Brasilia = TimeZoneInfo.FindSystemTimeZoneById("America/Sao_Paulo");
    private readonly ConcurrentDictionary<string, (CaseStatusResult Result, DateTimeOffset Until)> cache = new(StringComparer.Ordinal);
    private readonly Lock gate = new();
    private DateTimeOffset pausedUntil;
    private int failures;
    private int writes;

    /// <summary>Answers held in memory now (expired ones are dropped as new ones come in).</summary>
    internal int CachedCount => cache.Count;

    /// <summary>The index a court's cases are in: configuration first, then the catalogue, then CNJ's naming.</summary>
    public string? IndexFor(CnjNumber number)
    {
        var ours = catalog.Courts.FirstOrDefault(c => c.CnjCode == number.CourtKey);
        var acronym = ours?.Id ?? CnjCourts.Find(number)?.Acronym;
        if (acronym is null)
        {
            return null;
        }

        return options.Value.Indexes.GetValueOrDefault(acronym) ?? ours?.DataJudIndex ?? "api_publica_" + acronym.ToLowerInvariant();
    }

    public async Task<CaseStatusResult> GetStatusAsync(CnjNumber number, CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        var now = time.GetUtcNow();
        if (cache.TryGetValue(number.Digits, out var hit) && hit.Until > now)
        {
            return hit.Result;
        }

        var ours = catalog.Courts.FirstOrDefault(c => c.CnjCode == number.CourtKey);
        var court = ours?.Id ?? CnjCourts.Find(number)?.Acronym ?? number.CourtKey;
        var index = IndexFor(number);
        if (index is null)
        {
            return new CaseStatusResult.Unavailable($"no DataJud index for court {number.CourtKey}");
        }

        if (string.IsNullOrWhiteSpace(o.ApiKey))
        {
            return new CaseStatusResult.Unavailable("DataJud:ApiKey is not configured");
        }

        lock (gate)
        {
            if (pausedUntil > now)
            {
                return new CaseStatusResult.Unavailable("pausing after DataJud refused or failed", pausedUntil);
            }
        }

        var timeZone = ours is null ? Brasilia : TimeZoneInfo.FindSystemTimeZoneById(ours.TimeZone);
        var asked = time.GetTimestamp();
        using var activity = Infrastructure.Telemetry.BalcaoTracing.Source.StartActivity("datajud.query", System.Diagnostics.ActivityKind.Client);
        activity?.SetTag("balcao.datajud.index", index);
        var result = await QueryAsync(o, number, court, index, timeZone, cancellationToken).ConfigureAwait(false);
        activity?.SetTag("balcao.outcome", result switch { CaseStatusResult.Found => "found", CaseStatusResult.NotFound => "not-found", _ => "unavailable" });
        if (result is CaseStatusResult.Unavailable)
        {
            Infrastructure.Telemetry.BalcaoTracing.Failed(activity, "unavailable");
        }
        metrics.DataJudAnswered(time.GetElapsedTime(asked), result.GetType().Name.ToLowerInvariant());
        if (result is CaseStatusResult.Found or CaseStatusResult.NotFound)
        {
            lock (gate)
            {
                failures = 0;
            }

            cache[number.Digits] = (result, time.GetUtcNow() + o.CacheFor);
            if (Interlocked.Increment(ref writes) % 64 == 0)
            {
                // A case's status is public, but which cases were asked about is not kept longer than it is useful.
                foreach (var (key, entry) in cache)
                {
                    if (entry.Until <= time.GetUtcNow())
                    {
                        cache.TryRemove(key, out _);
                    }
                }
            }
        }

        LogOutcome(logger, court, result.GetType().Name);
        return result;
    }

    private async Task<CaseStatusResult> QueryAsync(DataJudOptions o, CnjNumber number, string court, string index, TimeZoneInfo timeZone, CancellationToken cancellationToken)
    {
        var (document, failure) = await SearchAsync(o, index, new { query = new { match = new { numeroProcesso = number.Digits } } }, cancellationToken).ConfigureAwait(false);
        using (document)
        {
            if (failure is not null)
            {
                return failure;
            }

            var summary = DataJudParser.Parse(document!.RootElement, number.Canonical, court, timeZone, o.Movements);
            return summary is null ? new CaseStatusResult.NotFound(number.Canonical, court) : new CaseStatusResult.Found(summary);
        }
    }

    /// <summary>
    /// Several cases of one court in one query (a <c>terms</c> on <c>numeroProcesso</c>), for the movement alerts: each
    /// found case's summary by its digits (a case not in the answer is not in the public index), or why DataJud could
    /// not be asked. What it finds fills the status cache too; the same pause after 429/5xx as one case's query.
    /// </summary>
    public async Task<CaseBatchResult> GetManyAsync(IReadOnlyList<CnjNumber> numbers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(numbers);
        var o = options.Value;
        if (numbers.Count == 0)
        {
            return new CaseBatchResult(new Dictionary<string, CaseSummary>(), null);
        }

        var first = numbers[0];
        var ours = catalog.Courts.FirstOrDefault(c => c.CnjCode == first.CourtKey);
        var court = ours?.Id ?? CnjCourts.Find(first)?.Acronym ?? first.CourtKey;
        if (IndexFor(first) is not { } index || string.IsNullOrWhiteSpace(o.ApiKey))
        {
            return new CaseBatchResult(new Dictionary<string, CaseSummary>(), new CaseStatusResult.Unavailable("no DataJud index or key"));
        }

        lock (gate)
        {
            if (pausedUntil > time.GetUtcNow())
            {
                return new CaseBatchResult(new Dictionary<string, CaseSummary>(), new CaseStatusResult.Unavailable("pausing after DataJud refused or failed", pausedUntil));
            }
        }

        var timeZone = ours is null ? Brasilia : TimeZoneInfo.FindSystemTimeZoneById(ours.TimeZone);
        var asked = time.GetTimestamp();
        // Several hits per case (one per degree or body): room for them all.
        var (document, failure) = await SearchAsync(o, index,
            new { size = Math.Min(10_000, numbers.Count * HitsPerCase), query = new { terms = new { numeroProcesso = numbers.Select(n => n.Digits).ToArray() } } },
            cancellationToken).ConfigureAwait(false);
        using (document)
        {
            metrics.DataJudAnswered(time.GetElapsedTime(asked), failure is null ? "batch" : "unavailable");
            if (failure is not null)
            {
                return new CaseBatchResult(new Dictionary<string, CaseSummary>(), failure);
            }

            lock (gate)
            {
                failures = 0;
            }

            var wanted = numbers.ToDictionary(n => n.Digits, StringComparer.Ordinal);
            var found = new Dictionary<string, CaseSummary>(StringComparer.Ordinal);
            foreach (var (digits, hits) in DataJudParser.HitsByNumber(document!.RootElement))
            {
                if (wanted.TryGetValue(digits, out var number) && DataJudParser.Parse(hits, number.Canonical, court, timeZone, o.Movements) is { } summary)
                {
                    found[digits] = summary;
                    cache[digits] = (new CaseStatusResult.Found(summary), time.GetUtcNow() + o.CacheFor); // a citizen asking next reads it
                }
            }

            var returned = document.RootElement.TryGetProperty("hits", out var outer) && outer.TryGetProperty("hits", out var list) && list.ValueKind == JsonValueKind.Array
                ? list.GetArrayLength() : 0;
            var total = outer.ValueKind == JsonValueKind.Object && outer.TryGetProperty("total", out var t)
                ? (t.ValueKind == JsonValueKind.Number ? t.GetInt32() : t.TryGetProperty("value", out var v) ? v.GetInt32() : 0) : 0;
            return new CaseBatchResult(found, null, total > returned);
        }
    }

    /// <summary>One <c>_search</c> on an index: the parsed answer, or why there is none (and the pause it started).</summary>
    private async Task<(JsonDocument? Document, CaseStatusResult.Unavailable? Failure)> SearchAsync(
        DataJudOptions o, string index, object query, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(o.BaseUrl, $"{o.BaseUrl.AbsolutePath.TrimEnd('/')}/{index}/_search"));
        request.Headers.Authorization = new AuthenticationHeaderValue("APIKey", o.ApiKey);
        request.Content = new StringContent(JsonSerializer.Serialize(query), Encoding.UTF8, "application/json");
        try
        {
            using var http = clients.CreateClient(HttpClientName);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500)
            {
                return (null, Pause(o, RetryDelay(response.Headers), $"DataJud answered {(int)response.StatusCode}"));
            }

            if (!response.IsSuccessStatusCode)
            {
                // 401/403: the public key changed; 404: no such index. Not worth retrying soon, not the citizen's fault.
                return (null, new CaseStatusResult.Unavailable($"DataJud answered {(int)response.StatusCode} for index {index}"));
            }

            var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                return (await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false), null);
            }
        }
        catch (TimeoutRejectedException)
        {
            return (null, Pause(o, null, $"DataJud did not answer within {o.Timeout.TotalSeconds:0.#} s"));
        }
        catch (HttpRequestException ex)
        {
            return (null, Pause(o, null, $"DataJud could not be reached ({ex.HttpRequestError})"));
        }
        catch (JsonException)
        {
            return (null, new CaseStatusResult.Unavailable("DataJud's answer was not JSON"));
        }
    }

    /// <summary>
    /// Retry-After as a delay. A date in it is DataJud's clock: measured against the answer's own Date header, never
    /// against this service's clock (ADR 0005); without a Date header it is not used.
    /// </summary>
    internal static TimeSpan? RetryDelay(System.Net.Http.Headers.HttpResponseHeaders headers) =>
        headers.RetryAfter?.Delta ?? (headers.RetryAfter?.Date is { } until && headers.Date is { } sent ? until - sent : null);

    private CaseStatusResult.Unavailable Pause(DataJudOptions o, TimeSpan? retryAfter, string reason)
    {
        var now = time.GetUtcNow();
        lock (gate)
        {
            failures++;
            var backoff = TimeSpan.FromTicks(Math.Min(o.MaxBackoff.Ticks, o.Backoff.Ticks * (1L << Math.Min(failures - 1, 16))));
            var until = retryAfter is { } delay ? now + (delay < TimeSpan.Zero ? TimeSpan.Zero : delay) : now + backoff;
            pausedUntil = until > now + o.MaxBackoff ? now + o.MaxBackoff : until;
            return new CaseStatusResult.Unavailable(reason, pausedUntil);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "DataJud status query for court {Court}: {Outcome}")]
    private static partial void LogOutcome(ILogger logger, string court, string outcome);
}
