using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace BalcaoVirtual.IntegrationTests.Support;

/// <summary>
/// CNJ's DataJud public API on a loopback port, in its real shape: <c>POST /{index}/_search</c> with
/// <c>Authorization: APIKey …</c> and a <c>match</c> (or a <c>terms</c>) on <c>numeroProcesso</c>, answered with Elasticsearch's
/// <c>hits.hits[]._source</c>. Cases are added as raw <c>_source</c> JSON (so tests can include the traps); answers
/// can be scripted (429 with Retry-After, 500, a hang until released).
/// </summary>
internal sealed class FakeDataJud : IAsyncDisposable
{
    public const string ApiKey = "cDZHYzlZa0JadVREZDJCendFbXNBR3A6SkJlTzNjLV9TRENyQk1RdnFKZGRQdw==";

    private readonly WebApplication app;
    private readonly ConcurrentDictionary<(string Index, string Digits), List<string>> cases = new();
    private readonly ConcurrentQueue<Func<HttpContext, Task<IResult>>> script = new();

    private FakeDataJud(WebApplication app) => this.app = app;

    public ConcurrentQueue<(string Index, string Authorization, string Body)> Requests { get; } = new();

    public Uri BaseUrl { get; private set; } = null!;

    /// <summary>Released by <see cref="ReleaseHangs"/> (or when the fake stops): a request that never gets its answer in time.</summary>
    public TaskCompletionSource Hang { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static async Task<FakeDataJud> StartAsync()
    {
        var fake = new FakeDataJud(LoopbackApp.Create());
        fake.app.MapPost("/{index}/_search", fake.HandleAsync);
        fake.BaseUrl = await LoopbackApp.StartAsync(fake.app);
        return fake;
    }

    /// <summary>Adds one hit (a raw <c>_source</c> object) for a case in an index; several calls give several hits.</summary>
    public void AddHit(string index, string digits, string sourceJson) =>
        cases.GetOrAdd((index, digits), _ => []).Add(sourceJson);

    /// <summary>Replaces a case's hits by this one (the case as DataJud shows it after it moved).</summary>
    public void SetHit(string index, string digits, string sourceJson) => cases[(index, digits)] = [sourceJson];

    public void RespondStatus(int status, string? retryAfter = null) => script.Enqueue(http =>
    {
        if (retryAfter is not null)
        {
            http.Response.Headers.RetryAfter = retryAfter;
        }

        return Task.FromResult(Results.Json(new { error = "scripted", status }, statusCode: status));
    });

    public void RespondHang() => script.Enqueue(async http =>
    {
        await Hang.Task.WaitAsync(http.RequestAborted);
        return Results.Ok();
    });

    public void ReleaseHangs() => Hang.TrySetResult();

    private async Task<IResult> HandleAsync(string index, HttpContext http)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync();
        Requests.Enqueue((index, http.Request.Headers.Authorization.ToString(), body));
        if (http.Request.Headers.Authorization != "APIKey " + ApiKey)
        {
            return Results.Json(new { error = "unauthorized" }, statusCode: 401);
        }

        if (script.TryDequeue(out var scripted))
        {
            return await scripted(http);
        }

        List<string> numbers;
        var size = 10; // Elasticsearch's default: hits beyond it are counted in the total, not returned
        try
        {
            // One case (a match) or several (a terms query, as the movement alerts ask).
            using var query = JsonDocument.Parse(body);
            var q = query.RootElement.GetProperty("query");
            size = query.RootElement.TryGetProperty("size", out var asked) ? asked.GetInt32() : size;
            numbers = q.TryGetProperty("terms", out var terms)
                ? [.. terms.GetProperty("numeroProcesso").EnumerateArray().Select(n => n.GetString()!)]
                : [q.GetProperty("match").GetProperty("numeroProcesso").GetString()!];
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return Results.Json(new { error = new { type = "parsing_exception" }, status = 400 }, statusCode: 400);
        }

        var sources = numbers.SelectMany(digits => cases.TryGetValue((index, digits), out var list) ? list.ToList() : []).ToList();
        var hits = string.Join(',', sources.Take(size).Select((s, i) => $$"""{"_index":"{{index}}","_id":"{{index}}_{{i}}","_score":12.5,"_source":{{s}}}"""));
        var json = $$$"""{"took":7,"timed_out":false,"_shards":{"total":7,"successful":7,"skipped":0,"failed":0},"hits":{"total":{"value":{{{sources.Count}}},"relation":"eq"},"max_score":12.5,"hits":[{{{hits}}}]}}""";
        return Results.Text(json, "application/json");
    }

    public async ValueTask DisposeAsync()
    {
        ReleaseHangs();
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
