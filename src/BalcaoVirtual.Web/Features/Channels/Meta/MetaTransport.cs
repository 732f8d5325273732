using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using BalcaoVirtual.Web.Features.Channels.WhatsApp;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Units;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace BalcaoVirtual.Web.Features.Channels.Meta;

/// <summary>
/// Sends through Meta's Graph API (protocols.md §6) from the number the citizen wrote to, at most
/// <see cref="MetaOptions.MessagesPerSecond"/> per number. 130429 and 131056 are retried with backoff, 131047 holds
/// the answer for a template, the rest are recorded.
/// </summary>
internal sealed class MetaTransport(HttpClient http, IOptions<MetaOptions> options, IOptions<WhatsAppOptions> whatsApp, UnitCatalog catalog)
    : IOutboundTransport, IDisposable
{
    /// <summary>Throughput limit, and the same user messaged too fast: not processed, safe to try again later.</summary>
    internal static readonly HashSet<string> RetryCodes = ["130429", "131056", "131000", "2"];

    private readonly SenderLimiters limiters = new();

    public async Task<SendOutcome> SendAsync(Conversation conversation, Message message, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var phoneNumberId = conversation.ChannelAccount is { } account && account.StartsWith("meta:", StringComparison.Ordinal) ? account[5..] : o.PhoneNumberId;
        if (string.IsNullOrEmpty(phoneNumberId) || !conversation.ContactAddress.StartsWith("whatsapp:+", StringComparison.Ordinal))
        {
            return new SendOutcome.Failed("no-number", "no Meta number or WhatsApp address for this conversation");
        }

        var payload = Payload(conversation, message);
        if (payload is null)
        {
            return new SendOutcome.Failed("no-template", $"no Meta template configured for '{message.Template?.Kind}'");
        }

        using var lease = await limiters.AcquireAsync(phoneNumberId, o.MessagesPerSecond, cancellationToken).ConfigureAwait(false);

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(o.GraphBaseUrl, $"/{o.GraphVersion}/{phoneNumberId}/messages"))
        {
            Content = JsonContent.Create(payload),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", o.TokenFor(phoneNumberId));
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return Interpret(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false), response.Headers.RetryAfter?.Delta);
        }
        catch (HttpRequestException ex)
        {
            return new SendOutcome.Retry($"connection failed ({ex.HttpRequestError})");
        }
        catch (TimeoutRejectedException)
        {
            return new SendOutcome.Retry("timed out");
        }
    }

    /// <summary>The Graph API body: free text, or the approved template with its body parameters.</summary>
    private JsonObject? Payload(Conversation conversation, Message message)
    {
        var body = new JsonObject
        {
            ["messaging_product"] = "whatsapp",
            ["recipient_type"] = "individual",
            ["to"] = conversation.ContactAddress["whatsapp:+".Length..],
        };
        if (message.Template is { } template)
        {
            var unit = conversation.UnitId is { } unitId ? catalog.Find(unitId) : null;
            var configured = whatsApp.Value.TemplateOf(template.Kind, unit?.Id, unit?.Court.Id ?? template.Values.GetValueOrDefault("courtId"));
            if (configured?.MetaName is not { } name)
            {
                return null;
            }

            var parameters = new JsonArray([.. configured.MetaParametersOf(template.Kind).Select(p => (JsonNode)new JsonObject
            {
                ["type"] = "text",
                ["text"] = template.Values.GetValueOrDefault(p, ""),
            })]);
            body["type"] = "template";
            body["template"] = new JsonObject
            {
                ["name"] = name,
                ["language"] = new JsonObject { ["code"] = configured.MetaLanguage },
                ["components"] = new JsonArray(new JsonObject { ["type"] = "body", ["parameters"] = parameters }),
            };
        }
        else if (message.MediaUrls.FirstOrDefault(u => u.StartsWith("https://", StringComparison.Ordinal)) is { } link)
        {
            // Media by link (Meta fetches it): an image, audio or video as such, anything else as a document; the text
            // is the caption (audio takes none).
            var type = message.MediaTypes.Count > 0 ? message.MediaTypes[0] : "";
            var kind = type.StartsWith("image/", StringComparison.Ordinal) ? "image"
                : type.StartsWith("audio/", StringComparison.Ordinal) ? "audio"
                : type.StartsWith("video/", StringComparison.Ordinal) ? "video"
                : "document";
            var media = new JsonObject { ["link"] = link };
            if (kind != "audio" && message.Text.Length > 0)
            {
                media["caption"] = message.Text;
            }

            if (kind == "document")
            {
                media["filename"] = Uri.UnescapeDataString(new Uri(link).Segments[^1]);
            }

            body["type"] = kind;
            body[kind] = media;
        }
        else if (message.Author == MessageAuthor.Bot && Interactive(message.Text) is { } interactive)
        {
            body["type"] = "interactive";
            body["interactive"] = interactive;
        }
        else
        {
            body["type"] = "text";
            body["text"] = new JsonObject { ["preview_url"] = false, ["body"] = message.Text };
        }

        return body;
    }

    /// <summary>
    /// The chatbot's numbered menu as Meta's interactive message: up to 3 options as reply buttons (title ≤ 20), more as
    /// a list (title ≤ 24, the full label as the row's description ≤ 72). Each option's id is its number. Null when the
    /// text holds no menu or is too long for an interactive body (1024), in which case it goes as plain text.
    /// </summary>
    internal static JsonObject? Interactive(string text)
    {
        if (MenuText.Find(text) is not var (body, options) || body.Length is 0 or > 1024)
        {
            return null;
        }

        if (options.Count <= 3)
        {
            return new JsonObject
            {
                ["type"] = "button",
                ["body"] = new JsonObject { ["text"] = body },
                ["action"] = new JsonObject
                {
                    ["buttons"] = new JsonArray([.. options.Select(o => (JsonNode)new JsonObject
                    {
                        ["type"] = "reply",
                        ["reply"] = new JsonObject { ["id"] = o.Number, ["title"] = Cut(o.Label, 20) },
                    })]),
                },
            };
        }

        return new JsonObject
        {
            ["type"] = "list",
            ["body"] = new JsonObject { ["text"] = body },
            ["action"] = new JsonObject
            {
                ["button"] = Resources.Texts.Get("MetaMenuButton"),
                ["sections"] = new JsonArray(new JsonObject
                {
                    ["title"] = Cut(Resources.Texts.Get("MetaMenuSection"), 24),
                    ["rows"] = new JsonArray([.. options.Select(o =>
                    {
                        var row = new JsonObject { ["id"] = o.Number, ["title"] = Cut(o.Label, 24) };
                        if (o.Label.Length > 24)
                        {
                            row["description"] = Cut(o.Label, 72);
                        }

                        return (JsonNode)row;
                    })]),
                }),
            },
        };
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)].TrimEnd() + "…";

    internal static SendOutcome Interpret(HttpStatusCode status, string body, TimeSpan? retryAfter = null)
    {
        string? wamid = null;
        string? code = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Array && messages.GetArrayLength() > 0
                && messages[0].TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String)
            {
                wamid = id.GetString();
            }

            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number)
            {
                code = c.GetInt64().ToString(CultureInfo.InvariantCulture);
            }
        }
        catch (JsonException)
        {
            // an HTML error page from a proxy: judged by the status alone
        }

        if (status == HttpStatusCode.OK && wamid is not null)
        {
            return new SendOutcome.Sent(wamid, "accepted");
        }

        var label = code is null ? $"HTTP {(int)status}" : $"HTTP {(int)status}, code {code}";
        if ((code is not null && RetryCodes.Contains(code)) || status == HttpStatusCode.TooManyRequests || (int)status >= 500)
        {
            return new SendOutcome.Retry(label, retryAfter);
        }

        return new SendOutcome.Failed(code ?? ((int)status).ToString(CultureInfo.InvariantCulture), label);
    }

    public void Dispose() => limiters.Dispose();
}
