using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
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
/// Twilio's Messages API on a loopback port, speaking its wire format: HTTP Basic with AccountSid:AuthToken,
/// form fields in, 201 JSON with an SM sid out, or Twilio's error JSON. Responses can be scripted per request.
/// It also sends signed status callbacks, as Twilio does.
/// </summary>
internal sealed class FakeTwilio : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentQueue<(int Status, int? Code, int? RetryAfter)> script = new();
    private int counter;

    private FakeTwilio(WebApplication app) => this.app = app;

    public ConcurrentQueue<SentRequest> Requests { get; } = new();

    public Uri BaseUrl { get; private set; } = null!;

    public static async Task<FakeTwilio> StartAsync()
    {
        var fake = new FakeTwilio(LoopbackApp.Create());
        fake.app.MapPost("/2010-04-01/Accounts/{accountSid}/Messages.json", fake.HandleAsync);
        fake.BaseUrl = await LoopbackApp.StartAsync(fake.app);
        return fake;
    }

    /// <summary>The next requests answer with these (HTTP status, Twilio error code); afterwards 201.</summary>
    public void Respond(params (int Status, int? Code)[] responses)
    {
        foreach (var (status, code) in responses)
        {
            script.Enqueue((status, code, null));
        }
    }

    /// <summary>The next request answers 429 (code 20429) with Retry-After in seconds, as Twilio's rate limit does.</summary>
    public void RespondTooManyRequests(int retryAfterSeconds) => script.Enqueue((429, 20429, retryAfterSeconds));

    private async Task<IResult> HandleAsync(string accountSid, HttpContext http)
    {
        var expected = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TwilioSigner.AccountSid}:{TwilioSigner.AuthToken}"));
        if (http.Request.Headers.Authorization != expected || accountSid != TwilioSigner.AccountSid)
        {
            return Error(401, 20003, "Authenticate");
        }

        var form = await http.Request.ReadFormAsync();
        var sent = new SentRequest(
            form["To"].ToString(), form["From"].ToString(), form["Body"].ToString(), form["StatusCallback"].ToString(),
            "SM" + Interlocked.Increment(ref counter).ToString("x32", CultureInfo.InvariantCulture))
        {
            ContentSid = form["ContentSid"].ToString() is { Length: > 0 } contentSid ? contentSid : null,
            ContentVariables = form["ContentVariables"].ToString() is { Length: > 0 } variables ? variables : null,
            MediaUrls = [.. form["MediaUrl"].OfType<string>()],
        };
        Requests.Enqueue(sent);

        // As Twilio: a message needs a Body, media or a template; a template's variables are a JSON object of strings.
        if (sent.Body.Length == 0 && sent.ContentSid is null && form["MediaUrl"].Count == 0)
        {
            return Error(400, 21619, "A text message body, media URL or content SID is required");
        }

        if (sent.ContentVariables is { } json && !IsStringObject(json))
        {
            return Error(400, 21656, "The ContentVariables Parameter is invalid");
        }

        if (script.TryDequeue(out var scripted))
        {
            if (scripted.RetryAfter is { } seconds)
            {
                http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            }

            return Error(scripted.Status, scripted.Code, "scripted failure");
        }

        return Results.Json(new Dictionary<string, object?>
        {
            ["sid"] = sent.Sid,
            ["account_sid"] = accountSid,
            ["to"] = sent.To,
            ["from"] = sent.From,
            ["body"] = sent.Body,
            ["status"] = "queued",
            ["num_segments"] = "1",
            ["error_code"] = null,
            ["error_message"] = null,
            ["date_created"] = DateTimeOffset.UtcNow.ToString("r", CultureInfo.InvariantCulture),
            ["api_version"] = "2010-04-01",
        }, statusCode: 201);
    }

    private static bool IsStringObject(string json)
    {
        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(json);
            return doc.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && doc.RootElement.EnumerateObject().All(p => p.Value.ValueKind == System.Text.Json.JsonValueKind.String);
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static IResult Error(int status, int? code, string message) =>
        Results.Json(new { code, message, more_info = $"https://www.twilio.com/docs/errors/{code}", status }, statusCode: status);

    /// <summary>Posts a signed status callback for a sent message to the service, as Twilio would.</summary>
    public static Task<HttpResponseMessage> SendStatusAsync(HttpClient service, SentRequest sent, string status, string? errorCode = null)
    {
        var path = new Uri(sent.StatusCallback).PathAndQuery;
        var form = new List<KeyValuePair<string, string>>
        {
            new("MessageSid", sent.Sid),
            new("SmsSid", sent.Sid),
            new("MessageStatus", status),
            new("SmsStatus", status),
            new("AccountSid", TwilioSigner.AccountSid),
            new("From", sent.From),
            new("To", sent.To),
            new("ApiVersion", "2010-04-01"),
        };
        if (errorCode is not null)
        {
            form.Add(new("ErrorCode", errorCode));
        }

        return TwilioSigner.PostAsync(service, path, form);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

internal sealed record SentRequest(string To, string From, string Body, string StatusCallback, string Sid)
{
    /// <summary>The template sent instead of a body (HX…), if any.</summary>
    public string? ContentSid { get; init; }

    /// <summary>The template's variables as sent: a JSON object such as {"1":"7ª Vara do Trabalho de Macapá"}.</summary>
    public string? ContentVariables { get; init; }

    public IReadOnlyList<string> MediaUrls { get; init; } = [];

    /// <summary>When it arrived (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>), for end-to-end timings.</summary>
    public long ArrivedAt { get; init; } = System.Diagnostics.Stopwatch.GetTimestamp();
}
