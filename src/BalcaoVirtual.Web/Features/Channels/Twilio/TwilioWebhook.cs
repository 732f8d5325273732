using System.Buffers;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Units;
using Microsoft.AspNetCore.Http.Features;
using global::Twilio.TwiML;

namespace BalcaoVirtual.Web.Features.Channels.Twilio;

/// <summary>
/// POST /webhooks/twilio: a citizen's WhatsApp or SMS message. Verified, stored and queued in one store step,
/// then acknowledged with an empty TwiML response; everything slow happens after, off the request path.
/// </summary>
internal static partial class TwilioWebhook
{
    public const int MaxBodyBytes = 64 * 1024;
    /// <summary>The answer to every message: empty TwiML (the replies go out through the API, after the store).</summary>
    public static readonly string EmptyTwiml = new MessagingResponse().ToString(SaveOptions.DisableFormatting);

    public static async Task<IResult> ReceiveAsync(
        HttpContext http, TwilioAccounts accounts, UnitCatalog catalog, InboundStore store, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("BalcaoVirtual.Web.Features.Channels.Twilio.TwilioWebhook");
        var request = await VerifiedRequest.ReadAsync(http, accounts, logger).ConfigureAwait(false);
        if (request.Rejection is { } rejection)
        {
            return rejection;
        }

        var form = request.Form!;
        var sid = First(form, "MessageSid");
        var from = ContactAddress.FromTwilio(First(form, "From"));
        var to = ContactAddress.FromTwilio(First(form, "To"));
        if (sid is null || !SidPattern().IsMatch(sid) || from is null || to is null)
        {
            return Reject(http, logger, StatusCodes.Status400BadRequest, "missing or malformed MessageSid, From or To");
        }

        var numMedia = First(form, "NumMedia");
        var mediaCount = 0;
        if (numMedia is not null && (!int.TryParse(numMedia, NumberStyles.None, CultureInfo.InvariantCulture, out mediaCount) || mediaCount > 10))
        {
            return Reject(http, logger, StatusCodes.Status400BadRequest, "NumMedia is not a number from 0 to 10");
        }

        var media = Enumerable.Range(0, mediaCount).Select(i => First(form, $"MediaUrl{i}")).OfType<string>().ToList();
        var mediaTypes = Enumerable.Range(0, mediaCount).Select(i => First(form, $"MediaContentType{i}") ?? "").ToList();
        var unit = catalog.FindByPhone(to.Channel == Channel.WhatsApp, to.Normalized);
        var inbound = new InboundMessage(from, sid, First(form, "Body") ?? "", media, First(form, "ProfileName"), unit?.Id, to.Raw, First(form, "AccountSid"), mediaTypes);
        var result = await store.AppendAsync(inbound).ConfigureAwait(false);
        LogStored(logger, sid, result.ConversationId, result.IsNew, unit?.Id);
        return Results.Text(EmptyTwiml, "text/xml", System.Text.Encoding.UTF8);
    }

    internal static string? First(Dictionary<string, List<string>> form, string name) =>
        form.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    internal static IResult Reject(HttpContext http, ILogger logger, int status, string reason) =>
        http.RequestServices.GetRequiredService<Infrastructure.Http.WebhookRefusals>().Refuse(http, status, reason, () => LogRejected(logger, status, reason));

    [GeneratedRegex("^[A-Z]{2}[0-9a-fA-F]{32}$")]
    private static partial Regex SidPattern();

    [LoggerMessage(Level = LogLevel.Information, Message = "Twilio message {MessageSid} stored in conversation {ConversationId} (new: {IsNew}, unit {UnitId})")]
    private static partial void LogStored(ILogger logger, string messageSid, string conversationId, bool isNew, string? unitId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Twilio webhook rejected with {Status}: {Reason}")]
    private static partial void LogRejected(ILogger logger, int status, string reason);
}

/// <summary>The checks every Twilio webhook passes before it is read: content type, size, encoding, account, signature.</summary>
internal sealed record VerifiedRequest(Dictionary<string, List<string>>? Form, IResult? Rejection)
{
    public static async Task<VerifiedRequest> ReadAsync(HttpContext http, TwilioAccounts accounts, ILogger logger)
    {
        if (!MediaTypeHeaderValue.TryParse(http.Request.ContentType, out var type) ||
            !string.Equals(type.MediaType, "application/x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase))
        {
            return Fail(http, logger, StatusCodes.Status415UnsupportedMediaType, "content type is not application/x-www-form-urlencoded");
        }

        if (http.Request.ContentLength > TwilioWebhook.MaxBodyBytes)
        {
            return Fail(http, logger, StatusCodes.Status413PayloadTooLarge, "body over 64 KiB");
        }

        var body = await ReadBodyAsync(http.Request).ConfigureAwait(false);
        if (body is null)
        {
            return Fail(http, logger, StatusCodes.Status413PayloadTooLarge, "body over 64 KiB");
        }

        var form = FormBody.Parse(body);
        if (form is null)
        {
            return Fail(http, logger, StatusCodes.Status400BadRequest, "body is not valid form data in UTF-8");
        }

        var accountSid = TwilioWebhook.First(form, "AccountSid");
        if (accountSid is null || !accounts.Tokens.TryGetValue(accountSid, out var token))
        {
            return Fail(http, logger, StatusCodes.Status403Forbidden, "unknown or missing AccountSid");
        }

        var url = PublicUrl(http, accounts.PublicBaseUrl);
        var parameters = form.Select(p => new KeyValuePair<string, IReadOnlyList<string>>(p.Key, p.Value));
        if (!TwilioSignature.IsValid(token, url, parameters, http.Request.Headers[TwilioSignature.Header]))
        {
            return Fail(http, logger, StatusCodes.Status403Forbidden, "signature does not match");
        }

        return new VerifiedRequest(form, null);
    }

    /// <summary>The URL Twilio requested: the configured public origin plus the raw path and query as received.</summary>
    public static string PublicUrl(HttpContext http, Uri? publicBaseUrl)
    {
        var rawTarget = http.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(rawTarget) || rawTarget[0] != '/')
        {
            rawTarget = http.Request.PathBase + http.Request.Path + http.Request.QueryString;
        }

        var origin = publicBaseUrl?.GetLeftPart(UriPartial.Authority)
                     ?? $"{http.Request.Scheme}://{http.Request.Host}";
        return origin + rawTarget;
    }

    /// <summary>The whole body in one array of its size, or null beyond <see cref="TwilioWebhook.MaxBodyBytes"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request)
    {
        var reader = request.BodyReader;
        while (true)
        {
            var read = await reader.ReadAsync().ConfigureAwait(false);
            var buffer = read.Buffer;
            if (buffer.Length > TwilioWebhook.MaxBodyBytes)
            {
                reader.AdvanceTo(buffer.End);
                return null;
            }

            if (read.IsCompleted)
            {
                var body = buffer.ToArray();
                reader.AdvanceTo(buffer.End);
                return body;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private static VerifiedRequest Fail(HttpContext http, ILogger logger, int status, string reason) =>
        new(null, TwilioWebhook.Reject(http, logger, status, reason));
}
