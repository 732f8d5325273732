using System.Globalization;
using System.Text.Json;
using System.Threading.RateLimiting;
using BalcaoVirtual.Web.Features.Channels.WhatsApp;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Units;
using Microsoft.Extensions.Options;
using Polly.Timeout;
using global::Twilio.Clients;
using global::Twilio.Exceptions;
using global::Twilio.Rest.Api.V2010.Account;
using global::Twilio.Types;

namespace BalcaoVirtual.Web.Features.Channels.Twilio;

/// <summary>
/// Sends through Twilio's Messages API (protocols.md §3) with Twilio's SDK, over the service's own HttpClient
/// (<see cref="TwilioHttp"/>), at most the configured rate per sender.
/// </summary>
internal sealed class TwilioTransport(HttpClient http, IOptions<TwilioOptions> options, IOptions<WhatsAppOptions> whatsApp, UnitCatalog catalog)
    : IOutboundTransport, IDisposable
{
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

        var send = new CreateMessageOptions(new PhoneNumber(conversation.ContactAddress)) { From = new PhoneNumber(from) };
        if (message.Template is { } template)
        {
            // An approved template: ContentSid and its variables, and no Body (protocols.md §5).
            var unit = conversation.UnitId is { } unitId ? catalog.Find(unitId) : null;
            var configured = whatsApp.Value.TemplateOf(template.Kind, unit?.Id, unit?.Court.Id ?? template.Values.GetValueOrDefault("courtId"));
            if (configured?.TwilioContentSid is not { } contentSid)
            {
                return new SendOutcome.Failed("no-template", $"no Twilio template configured for '{template.Kind}'");
            }

            send.ContentSid = contentSid;
            send.ContentVariables = JsonSerializer.Serialize(
                configured.TwilioVariablesOf(template.Kind).ToDictionary(v => v.Key, v => template.Values.GetValueOrDefault(v.Value, ""), StringComparer.Ordinal));
        }
        else
        {
            send.Body = message.Text;
            // Media by public link (Twilio fetches it), at most 10.
            send.MediaUrl = [.. message.MediaUrls.Where(u => u.StartsWith("https://", StringComparison.Ordinal)).Take(10).Select(u => new Uri(u))];
        }

        if (o.PublicBaseUrl is { } publicBase)
        {
            send.StatusCallback = new Uri(publicBase, TwilioFeature.StatusPath);
        }

        var wire = new TwilioHttp(http, o.ApiBaseUrl, cancellationToken);
        try
        {
            var sent = await MessageResource.CreateAsync(send, new TwilioRestClient(accountSid, tokens[accountSid], httpClient: wire)).ConfigureAwait(false);
            return new SendOutcome.Sent(sent.Sid, sent.Status?.ToString() ?? "queued");
        }
        catch (ApiException ex)
        {
            // The SDK leaves code and status at 0 when it cannot read Twilio's error body (a proxy's page): the answer
            // itself still says what happened.
            var status = ex.Status != 0 ? ex.Status : (int?)wire.LastResponse?.StatusCode ?? 0;
            return Interpret(status, ex.Code != 0 ? ex.Code : null, wire.RetryAfter);
        }
        catch (ApiConnectionException ex) when (ex.InnerException is HttpRequestException inner)
        {
            return new SendOutcome.Retry($"connection failed ({inner.HttpRequestError})");
        }
        catch (ApiConnectionException ex) when (ex.InnerException is TimeoutRejectedException
                                                 || (ex.InnerException is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // The request may have reached Twilio: sending again may duplicate, which beats losing the answer.
            return new SendOutcome.Retry("timed out");
        }
        catch (ApiConnectionException ex) when (ex.InnerException is OperationCanceledException canceled)
        {
            // The service is stopping: the cancellation itself, with its own stack, not the SDK's wrapper.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(canceled);
            throw;
        }
    }

    /// <summary>
    /// Twilio's answer to a send it refused: try later (429, its code 20429, 5xx; after its Retry-After if longer than
    /// the outbox's backoff) or never: auth (20003), invalid To (21211), region (21408), opted out by STOP (21610), not
    /// a mobile (21614), too long (21617), no content (21619), outside the WhatsApp window (63016), and the rest.
    /// </summary>
    internal static SendOutcome Interpret(int status, int? code, TimeSpan? retryAfter)
    {
        var label = code is null ? $"HTTP {status}" : $"HTTP {status}, code {code}";
        if (status == 429 || code == 20429 || status >= 500)
        {
            return new SendOutcome.Retry(label, retryAfter);
        }

        return new SendOutcome.Failed(code?.ToString(CultureInfo.InvariantCulture) ?? status.ToString(CultureInfo.InvariantCulture), label);
    }

    public void Dispose() => limiters.Dispose();
}
