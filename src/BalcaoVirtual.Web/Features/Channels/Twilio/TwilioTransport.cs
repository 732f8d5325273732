using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading.RateLimiting;
using BalcaoVirtual.Web.Features.Channels.WhatsApp;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Units;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Channels.Twilio;

/// <summary>Sends through Twilio's Messages API (protocols.md §3), at most the configured rate per sender.</summary>
internal sealed class TwilioTransport(HttpClient http, IOptions<TwilioOptions> options, IOptions<WhatsAppOptions> whatsApp, UnitCatalog catalog)
    : IOutboundTransport, IDisposable
{
    // Never retried: auth, invalid To, region, opted out (STOP), not a mobile, too long, no content, outside the WhatsApp window.
    internal static readonly HashSet<int> PermanentCodes = [20003, 21211, 21408, 21610, 21614, 21617, 21619, 63016];

    private readonly SenderLimiters limiters = new();

    /// <summary>Builds the limiter of one sender from its rate per second (tests replace it to move time by hand).</summary>
    internal Func<int, RateLimiter> LimiterFactory
    {
        get => limiters.Factory;
        init => limiters.Factory = value;
    }

    public async Task<SendOutcome> SendAsync(Conversation conversation, Message message, CancellationToken cancellationToken)
    {
        var o = options.Value;
        var tokens = o.TokensBySid();
        var accountSid = conversation.ChannelAccount is { } sid && tokens.ContainsKey(sid) ? sid : tokens.Keys.FirstOrDefault();
        if (accountSid is null || conversation.ChannelAddress is null)
        {
            return new SendOutcome.Failed("no-account", "no Twilio account or sender address for this conversation");
        }

        var from = conversation.ChannelAddress;
        var perSecond = conversation.Channel == Channel.WhatsApp ? o.WhatsAppMessagesPerSecond : o.SmsMessagesPerSecond;
        using var lease = await limiters.AcquireAsync(from, perSecond, cancellationToken).ConfigureAwait(false);

        var form = new List<KeyValuePair<string, string>>
        {
            new("To", conversation.ContactAddress),
            new("From", from),
        };
        if (message.Template is { } template)
        {
            // An approved template: ContentSid and its variables, and no Body (protocols.md §5).
            var unit = conversation.UnitId is { } unitId ? catalog.Find(unitId) : null;
            var configured = template.Kind == WhatsAppWindowGuard.AnswerWaiting ? whatsApp.Value.AnswerWaitingOf(unit?.Id, unit?.Court.Id) : null;
            if (configured?.TwilioContentSid is not { } contentSid)
            {
                return new SendOutcome.Failed("no-template", $"no Twilio template configured for '{template.Kind}'");
            }

            form.Add(new("ContentSid", contentSid));
            form.Add(new("ContentVariables", JsonSerializer.Serialize(
                configured.TwilioVariables.ToDictionary(v => v.Key, v => template.Values.GetValueOrDefault(v.Value, ""), StringComparer.Ordinal))));
        }
        else
        {
            form.Add(new("Body", message.Text));
            // Media by public link (Twilio fetches it), at most 10.
            form.AddRange(message.MediaUrls.Where(u => u.StartsWith("https://", StringComparison.Ordinal)).Take(10).Select(u => new KeyValuePair<string, string>("MediaUrl", u)));
        }
        if (o.PublicBaseUrl is { } publicBase)
        {
            form.Add(new("StatusCallback", new Uri(publicBase, TwilioFeature.StatusPath).ToString()));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(o.ApiBaseUrl, $"/2010-04-01/Accounts/{accountSid}/Messages.json"))
        {
            Content = new FormUrlEncodedContent(form),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{accountSid}:{tokens[accountSid]}")));

        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return Interpret(response.StatusCode, body);
        }
        catch (HttpRequestException ex)
        {
            return new SendOutcome.Retry($"connection failed ({ex.HttpRequestError})");
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The request may have reached Twilio: sending again may duplicate, which beats losing the answer.
            return new SendOutcome.Retry("timed out");
        }
    }

    internal static SendOutcome Interpret(HttpStatusCode status, string body)
    {
        var (sid, sendStatus, code) = Parse(body);
        if (status == HttpStatusCode.Created && sid is not null)
        {
            return new SendOutcome.Sent(sid, sendStatus ?? "queued");
        }

        var label = code is null ? $"HTTP {(int)status}" : $"HTTP {(int)status}, code {code}";
        if (status == HttpStatusCode.TooManyRequests || code == 20429 || (int)status >= 500)
        {
            return new SendOutcome.Retry(label);
        }

        return new SendOutcome.Failed(code?.ToString(CultureInfo.InvariantCulture) ?? ((int)status).ToString(CultureInfo.InvariantCulture), label);
    }

    private static (string? Sid, string? Status, int? Code) Parse(string body)
    {
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            string? Text(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            int? code = root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.Number ? c.GetInt32() : null;
            return (Text("sid"), Text("status"), code);
        }
        catch (JsonException)
        {
            return (null, null, null);
        }
    }

    public void Dispose() => limiters.Dispose();
}
