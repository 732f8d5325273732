using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BalcaoVirtual.Web.Features.Channels.Twilio;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace BalcaoVirtual.Web.Features.Channels.Meta;

/// <summary>
/// GET /webhooks/meta answers Meta's subscription check; POST /webhooks/meta takes messages and statuses. The signature
/// is checked on the raw bytes before anything is parsed; each message is stored (deduplicated on its wamid) before
/// the 200 that stops Meta's retries.
/// </summary>
internal static partial class MetaWebhook
{
    public const int MaxBodyBytes = 3 * 1024 * 1024;

    public static IResult Verify(HttpContext http, IOptions<MetaOptions> options)
    {
        var query = http.Request.Query;
        var token = options.Value.VerifyToken;
        var given = query["hub.verify_token"].ToString();
        var ok = !string.IsNullOrEmpty(token) && query["hub.mode"] == "subscribe"
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(token));
        return ok
            ? Results.Text(query["hub.challenge"].ToString(), "text/plain", Encoding.UTF8)
            : Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "verify token does not match");
    }

    public static async Task<IResult> ReceiveAsync(
        HttpContext http, IOptions<MetaOptions> options, UnitCatalog catalog, InboundStore store, ConversationStore conversations,
        MessageStatuses messageStatuses, WhatsAppWindowGuard window, RedisConnections redis, RedisKeys keys, ContactIds contactIds, TimeProvider time, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("BalcaoVirtual.Web.Features.Channels.Meta.MetaWebhook");
        var o = options.Value;
        if (!o.IsConfigured)
        {
            return Reject(http, logger, StatusCodes.Status404NotFound, "Meta is not configured");
        }

        if (http.Request.ContentLength > MaxBodyBytes)
        {
            return Reject(http, logger, StatusCodes.Status413PayloadTooLarge, "body over 3 MB");
        }

        var body = await ReadAsync(http.Request.Body, http.RequestAborted).ConfigureAwait(false);
        if (body is null)
        {
            return Reject(http, logger, StatusCodes.Status413PayloadTooLarge, "body over 3 MB");
        }

        if (!MetaSignature.IsValid(o.AppSecret!, body, http.Request.Headers[MetaSignature.Header].ToString() is { Length: > 0 } h ? h : null))
        {
            return Reject(http, logger, StatusCodes.Status403Forbidden, "missing or wrong X-Hub-Signature-256");
        }

        if (!System.Text.Unicode.Utf8.IsValid(body))
        {
            return Reject(http, logger, StatusCodes.Status400BadRequest, "body is not valid UTF-8");
        }

        List<MetaInbound> messages;
        List<MetaStatus> statuses;
        try
        {
            (messages, statuses) = MetaPayload.Parse(body);
        }
        catch (JsonException)
        {
            return Reject(http, logger, StatusCodes.Status400BadRequest, "body is not JSON");
        }

        foreach (var message in messages)
        {
            var (known, unitId) = o.Number(message.PhoneNumberId);
            if (!known)
            {
                // Acknowledged, so Meta stops retrying, but not stored: not a number of this service.
                LogUnknownNumber(logger, message.PhoneNumberId);
                continue;
            }

            var from = ContactAddress.FromTwilio("whatsapp:+" + message.From)!;
            var channelAddress = "whatsapp:+" + message.DisplayNumber;
            unitId ??= catalog.FindByPhone(true, ContactAddress.NormalizeDigits(message.DisplayNumber))?.Id;
            var result = await store.AppendAsync(new InboundMessage(
                from, message.Wamid, message.Text, message.Media, message.ProfileName, unitId, channelAddress,
                "meta:" + message.PhoneNumberId, message.MediaTypes)).ConfigureAwait(false);
            LogStored(logger, result.ConversationId, result.IsNew, unitId);
        }

        foreach (var status in statuses)
        {
            await ApplyAsync(status, conversations, messageStatuses, window, redis, keys, contactIds, time).ConfigureAwait(false);
        }

        return Results.Ok();
    }

    /// <summary>
    /// A status moves a message forward only (duplicates and late arrivals change nothing); a 131047 failure holds the
    /// answer and sends the template instead of failing it.
    /// </summary>
    private static async Task ApplyAsync(
        MetaStatus status, ConversationStore conversations, MessageStatuses statuses, WhatsAppWindowGuard window, RedisConnections redis, RedisKeys keys, ContactIds contactIds, TimeProvider time)
    {
        if (ContactAddress.FromTwilio("whatsapp:+" + status.RecipientId) is not { } recipient
            || (string?)await redis.GetDatabase().StringGetAsync(keys.OutboundByProviderId(contactIds.Of(recipient), status.Wamid)).ConfigureAwait(false) is not { } target
            || target.Split('|') is not [var conversationId, var messageId])
        {
            return;
        }

        if (status is { Status: "failed", ErrorCode: OutboundSender.OutsideWindowMeta }
            && await conversations.GetAsync(conversationId).ConfigureAwait(false) is { } conversation && WhatsAppWindowGuard.Guards(conversation)
            && await conversations.GetMessageAsync(conversationId, messageId).ConfigureAwait(false) is { Template: null } refused)
        {
            await window.HoldAsync(conversation, refused, status.ErrorCode).ConfigureAwait(false);
            return;
        }

        await statuses.ApplyAsync(conversationId, messageId, m => StatusOrder.Advances(m.Status, status.Status)
            ? m with { Status = status.Status, StatusAt = time.GetUtcNow(), ErrorCode = status.ErrorCode ?? m.ErrorCode }
            : null).ConfigureAwait(false);
    }

    /// <summary>The raw body, or null when it passes the limit (a chunked body has no Content-Length to refuse early).</summary>
    private static async Task<byte[]?> ReadAsync(Stream body, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await body.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (buffer.Length + read > MaxBodyBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static IResult Reject(HttpContext http, ILogger logger, int status, string reason) =>
        http.RequestServices.GetRequiredService<Infrastructure.Http.WebhookRefusals>().Refuse(http, status, reason, () => LogRejected(logger, status, reason));

    [LoggerMessage(Level = LogLevel.Information, Message = "Meta message stored in conversation {ConversationId} (new: {IsNew}, unit {UnitId})")]
    private static partial void LogStored(ILogger logger, string conversationId, bool isNew, string? unitId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meta webhook for phone_number_id {PhoneNumberId}, not one of this service's numbers: acknowledged, not stored")]
    private static partial void LogUnknownNumber(ILogger logger, string phoneNumberId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Meta webhook rejected with {Status}: {Reason}")]
    private static partial void LogRejected(ILogger logger, int status, string reason);
}
