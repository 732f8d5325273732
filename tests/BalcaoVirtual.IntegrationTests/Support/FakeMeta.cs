using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using BalcaoVirtual.Web.Features.Channels.Meta;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace BalcaoVirtual.IntegrationTests.Support;

/// <summary>
/// Meta's Graph API on a loopback port, speaking its wire format: Bearer token, JSON in, {"messages":[{"id":"wamid…"}]}
/// out, or Meta's error JSON (scriptable per request). It also builds webhooks, signed with the app secret, for tests to
/// post to the service as Meta would.
/// </summary>
internal sealed class FakeMeta : IAsyncDisposable
{
    public const string AppSecret = "segredo-do-app-meta";
    public const string VerifyToken = "token-de-verificacao-do-balcao";
    public const string AccessToken = "EAAG-token-de-teste";
    public const string Version = "v21.0";
    public const string CentralId = "109876543210987";
    public const string CentralDisplay = "559130000000";
    public const string MacapaId = "106540352242922";
    public const string MacapaDisplay = "559621010210";
    public const string Citizen = "5591981234567";

    private readonly WebApplication app;
    private readonly ConcurrentQueue<(int Status, int Code)> script = new();
    private int counter;

    private FakeMeta(WebApplication app) => this.app = app;

    public ConcurrentQueue<GraphRequest> Requests { get; } = new();

    public Uri BaseUrl { get; private set; } = null!;

    public static async Task<FakeMeta> StartAsync()
    {
        var fake = new FakeMeta(LoopbackApp.Create());
        fake.app.MapPost("/{version}/{phoneNumberId}/messages", fake.HandleAsync);
        fake.BaseUrl = await LoopbackApp.StartAsync(fake.app);
        return fake;
    }

    /// <summary>The service's settings for this fake: Macapá has its own number, the central number is the court's.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["Meta:AppSecret"] = AppSecret,
        ["Meta:VerifyToken"] = VerifyToken,
        ["Meta:AccessToken"] = AccessToken,
        ["Meta:PhoneNumberId"] = CentralId,
        ["Meta:Units:trt8-vt-macapa-7:PhoneNumberId"] = MacapaId,
        ["Meta:GraphBaseUrl"] = BaseUrl.ToString(),
        ["Meta:GraphVersion"] = Version,
    };

    /// <summary>The next requests answer with Meta's error JSON for these codes; afterwards 200.</summary>
    public void Respond(params (int Status, int Code)[] responses)
    {
        foreach (var r in responses)
        {
            script.Enqueue(r);
        }
    }

    private async Task<IResult> HandleAsync(string version, string phoneNumberId, HttpContext http)
    {
        if (http.Request.Headers.Authorization != "Bearer " + AccessToken)
        {
            return Error(401, 190, "Invalid OAuth access token.");
        }

        JsonNode? body;
        try
        {
            body = await JsonNode.ParseAsync(http.Request.Body);
        }
        catch (JsonException)
        {
            return Error(400, 100, "Invalid parameter");
        }

        var request = new GraphRequest(version, phoneNumberId, body!.ToJsonString(), (string?)body["to"] ?? "", (string?)body["type"] ?? "",
            (string?)body["text"]?["body"], (string?)body["template"]?["name"], (string?)body["template"]?["language"]?["code"],
            [.. (body["template"]?["components"]?[0]?["parameters"]?.AsArray() ?? []).Select(p => (string?)p?["text"] ?? "")],
            "wamid.HBgM" + Interlocked.Increment(ref counter).ToString("x24", CultureInfo.InvariantCulture));
        Requests.Enqueue(request);
        if (script.TryDequeue(out var scripted))
        {
            return Error(scripted.Status, scripted.Code, "scripted failure");
        }

        if ((string?)body["messaging_product"] != "whatsapp" || request.To.Length == 0)
        {
            return Error(400, 100, "Invalid parameter");
        }

        if (request.Type == "interactive" && InteractiveProblem(body["interactive"]) is { } problem)
        {
            return Error(400, 131009, "Parameter value is not valid: " + problem);
        }

        return Results.Json(new
        {
            messaging_product = "whatsapp",
            contacts = new[] { new { input = request.To, wa_id = request.To } },
            messages = new[] { new { id = request.Wamid } },
        });
    }

    /// <summary>Meta's limits on interactive messages: body ≤ 1024; ≤ 3 buttons, titles ≤ 20; ≤ 10 rows, titles ≤ 24, descriptions ≤ 72.</summary>
    private static string? InteractiveProblem(JsonNode? interactive)
    {
        var body = (string?)interactive?["body"]?["text"] ?? "";
        if (body.Length is 0 or > 1024)
        {
            return "body.text";
        }

        switch ((string?)interactive?["type"])
        {
            case "button":
                var buttons = interactive!["action"]?["buttons"]?.AsArray() ?? [];
                return buttons.Count is < 1 or > 3 || buttons.Any(b => ((string?)b?["reply"]?["title"] ?? "").Length is 0 or > 20 || (string?)b?["reply"]?["id"] is null)
                    ? "action.buttons" : null;
            case "list":
                var rows = interactive!["action"]?["sections"]?.AsArray().SelectMany(x => x?["rows"]?.AsArray() ?? []).ToList() ?? [];
                return ((string?)interactive["action"]?["button"] ?? "").Length is 0 or > 20 || rows.Count is < 1 or > 10
                    || rows.Any(r => ((string?)r?["title"] ?? "").Length is 0 or > 24 || ((string?)r?["description"] ?? "").Length > 72 || (string?)r?["id"] is null)
                    ? "action.sections" : null;
            default:
                return "type";
        }
    }

    /// <summary>The option ids of an interactive message sent (list rows or reply buttons), in order.</summary>
    public static IReadOnlyList<string> OptionIds(GraphRequest request)
    {
        var interactive = JsonNode.Parse(request.Json)?["interactive"];
        var rows = interactive?["action"]?["sections"]?.AsArray().SelectMany(x => x?["rows"]?.AsArray() ?? []).Select(r => (string?)r?["id"])
            ?? interactive?["action"]?["buttons"]?.AsArray().Select(b => (string?)b?["reply"]?["id"]) ?? [];
        return [.. rows.OfType<string>()];
    }

    public static JsonObject ListReply(string wamid, string id, string title) => new()
    {
        ["from"] = Citizen,
        ["id"] = wamid,
        ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        ["type"] = "interactive",
        ["interactive"] = new JsonObject { ["type"] = "list_reply", ["list_reply"] = new JsonObject { ["id"] = id, ["title"] = title } },
    };

    private static IResult Error(int status, int code, string message) =>
        Results.Json(new { error = new { message = $"(#{code}) {message}", type = "OAuthException", code, error_data = new { messaging_product = "whatsapp", details = message }, fbtrace_id = "AbCdEf" } }, statusCode: status);

    /// <summary>A webhook envelope with one change for <paramref name="phoneNumberId"/> holding these messages and statuses.</summary>
    public static string Envelope(string phoneNumberId, string display, JsonArray? messages = null, JsonArray? statuses = null, string? name = "Maria")
    {
        var value = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["metadata"] = new JsonObject { ["display_phone_number"] = display, ["phone_number_id"] = phoneNumberId },
        };
        if (messages is not null)
        {
            value["contacts"] = new JsonArray(new JsonObject { ["profile"] = new JsonObject { ["name"] = name }, ["wa_id"] = Citizen });
            value["messages"] = messages;
        }

        if (statuses is not null)
        {
            value["statuses"] = statuses;
        }

        return new JsonObject
        {
            ["object"] = "whatsapp_business_account",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["id"] = "102290129340398",
                ["changes"] = new JsonArray(new JsonObject { ["value"] = value, ["field"] = "messages" }),
            }),
        }.ToJsonString();
    }

    public static JsonObject Text(string wamid, string text, string from = Citizen) => new()
    {
        ["from"] = from,
        ["id"] = wamid,
        ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
        ["type"] = "text",
        ["text"] = new JsonObject { ["body"] = text },
    };

    public static JsonObject Status(string wamid, string status, int? errorCode = null)
    {
        var node = new JsonObject
        {
            ["id"] = wamid,
            ["status"] = status,
            ["timestamp"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture),
            ["recipient_id"] = Citizen,
        };
        if (errorCode is { } code)
        {
            node["errors"] = new JsonArray(new JsonObject { ["code"] = code, ["title"] = "Message failed" });
        }

        return node;
    }

    /// <summary>Posts a webhook body to the service, signed with the app secret over exactly these bytes.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient service, string json, string? signature = null)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, MetaFeature.WebhookPath) { Content = content };
        request.Headers.Add(MetaSignature.Header, signature ?? MetaSignature.Compute(AppSecret, bytes));
        return await service.SendAsync(request);
    }

    public async ValueTask DisposeAsync() => await app.DisposeAsync();
}

internal sealed record GraphRequest(string Version, string PhoneNumberId, string Json, string To, string Type, string? Text,
    string? TemplateName, string? TemplateLanguage, IReadOnlyList<string> TemplateParameters, string Wamid);
