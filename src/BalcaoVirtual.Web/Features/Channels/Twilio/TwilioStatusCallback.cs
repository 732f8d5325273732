using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Channels.Twilio;

/// <summary>
/// POST /webhooks/twilio/status: delivery status of a message we sent. Callbacks arrive duplicated and out of
/// order, so a status only ever moves forward; failures keep their error code.
/// </summary>
internal static partial class TwilioStatusCallback
{
    public static async Task<IResult> ReceiveAsync(
        HttpContext http, TwilioAccounts accounts, RedisConnections redis, RedisKeys keys, ContactIds contactIds,
        ConversationStore conversations, MessageStatuses statuses, WhatsAppWindowGuard window, TimeProvider time, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger("BalcaoVirtual.Web.Features.Channels.Twilio.TwilioStatusCallback");
        var request = await VerifiedRequest.ReadAsync(http, accounts, logger).ConfigureAwait(false);
        if (request.Rejection is { } rejection)
        {
            return rejection;
        }

        var form = request.Form!;
        var sid = TwilioWebhook.First(form, "MessageSid");
        var status = TwilioWebhook.First(form, "MessageStatus") ?? TwilioWebhook.First(form, "SmsStatus");
        var to = ContactAddress.FromTwilio(TwilioWebhook.First(form, "To"));
        if (sid is null || status is null || to is null || StatusOrder.Rank(status) is null)
        {
            return TwilioWebhook.Reject(http, logger, StatusCodes.Status400BadRequest, "missing or unknown MessageSid, MessageStatus or To");
        }

        var target = (string?)await redis.GetDatabase().StringGetAsync(keys.OutboundByProviderId(contactIds.Of(to), sid)).ConfigureAwait(false);
        if (target?.Split('|') is not [var conversationId, var messageId])
        {
            LogUnknown(logger, sid);
            return Results.Ok(); // not ours, or expired: nothing to do, and Twilio must not retry
        }

        var errorCode = TwilioWebhook.First(form, "ErrorCode");
        if (errorCode == OutboundSender.OutsideWindowTwilio && status is "failed" or "undelivered"
            && await conversations.GetAsync(conversationId).ConfigureAwait(false) is { } conversation && WhatsAppWindowGuard.Guards(conversation)
            && await conversations.GetMessageAsync(conversationId, messageId).ConfigureAwait(false) is { Template: null } refused)
        {
            // Refused late for being outside the 24-hour window: never a silent failure. Held, the template goes.
            await window.HoldAsync(conversation, refused, errorCode).ConfigureAwait(false);
            LogApplied(logger, sid, WhatsAppWindowGuard.Held, messageId);
            return Results.Ok();
        }

        await statuses.ApplyAsync(conversationId, messageId, m => StatusOrder.Advances(m.Status, status)
            ? m with { Status = status, StatusAt = time.GetUtcNow(), ErrorCode = errorCode ?? m.ErrorCode }
            : null).ConfigureAwait(false);
        LogApplied(logger, sid, status, messageId);
        return Results.Ok();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Twilio status {Status} for {MessageSid} (message {MessageId})")]
    private static partial void LogApplied(ILogger logger, string messageSid, string status, string messageId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Twilio status for unknown message {MessageSid} ignored")]
    private static partial void LogUnknown(ILogger logger, string messageSid);
}

/// <summary>accepted/scheduled &lt; queued &lt; sending &lt; sent &lt; delivered &lt; read; failed, undelivered and canceled end it.</summary>
public static class StatusOrder
{
    public static int? Rank(string? status) => status switch
    {
        Outbox.Pending => 0,
        "accepted" or "scheduled" => 1,
        "queued" => 2,
        "sending" => 3,
        "sent" => 4,
        "delivered" => 5,
        "read" => 6,
        "failed" or "undelivered" or "canceled" => 7,
        _ => null,
    };

    /// <summary>True when moving from <paramref name="current"/> to <paramref name="next"/> is progress.</summary>
    public static bool Advances(string? current, string next)
    {
        var from = Rank(current) ?? 0;
        var to = Rank(next) ?? -1;
        return from < 7 && to > from;
    }
}
