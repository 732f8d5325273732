using System.Text.Json;
using BalcaoVirtual.Web.Features.Auth;
using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Mail;
using BalcaoVirtual.Web.Infrastructure.Storage;
using BalcaoVirtual.Web.Resources;
using Microsoft.Extensions.Options;
using MimeKit;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Sla;

/// <summary>An alert as the unit's inbox lists it.</summary>
public sealed record InboxAlert(string Kind, string Key, string ConversationId, int Seq, string UnitId, DateTimeOffset At, DateTimeOffset? DueAt, string Text);

/// <summary>Someone an alert goes to: an e-mail, a phone, or both.</summary>
internal sealed record AlertRecipient(string Name, string? Email, string? Phone);

/// <summary>
/// Delivers an event's alerts: warnings to the unit's clerks, breaches to its managers, escalations to the court's
/// contact, each by e-mail and (with a phone) WhatsApp or SMS through the outbox, and always to the unit's inbox.
/// Every recipient is marked once served, so a retried delivery sends only what is missing. Alerts name the unit, the
/// inbox link and the wait, and of the citizen only a masked contact.
/// </summary>
internal sealed partial class SlaAlerts(
    SlaStore store,
    ConversationStore conversations,
    Outbox outbox,
    UserStore users,
    UnitCatalog catalog,
    IMailSender mail,
    RedisConnections redis,
    RedisKeys keys,
    ContactIds contactIds,
    IOptions<SlaOptions> options,
    Infrastructure.Telemetry.BalcaoMetrics metrics,
    TimeProvider time,
    ILogger<SlaAlerts> logger)
{
    private const int InboxAlertsKept = 500;

    /// <summary>Delivers what is still missing of an event's alerts; false when another delivery holds it.</summary>
    public async Task<bool> DeliverAsync(string conversationId, int seq, string key, CancellationToken cancellationToken)
    {
        var e = await store.GetEventAsync(conversationId, seq, key).ConfigureAwait(false);
        if (e is null || e.Suppressed || e.DeliveredAt is not null)
        {
            if (e is not null)
            {
                await store.MarkDeliveredAsync(e, e.DeliveredAt ?? time.GetUtcNow()).ConfigureAwait(false);
            }

            return true;
        }

        var owner = Guid.NewGuid().ToString("N");
        if (!await store.TryLockDeliveryAsync(e, owner, options.Value.DeliveryLease).ConfigureAwait(false))
        {
            return false;
        }

        try
        {
            var period = (await store.GetAsync(conversationId, seq).ConfigureAwait(false))?.Period;
            var conversation = await conversations.GetAsync(conversationId).ConfigureAwait(false);
            var unit = catalog.Find(e.UnitId);
            if (period is null || conversation is null || unit is null || (e.Kind == SlaEventKind.Warning && !period.IsOpen))
            {
                // Nothing left to warn about (answered meanwhile), or the unit left the catalogue.
                await store.MarkDeliveredAsync(e, time.GetUtcNow()).ConfigureAwait(false);
                return true;
            }

            var alert = Compose(e, period, conversation, unit);
            foreach (var recipient in await RecipientsAsync(e.Kind, unit).ConfigureAwait(false))
            {
                if (recipient.Email is { } email)
                {
                    await OnceAsync(e, "mail:" + RedisKeys.Digest(email.ToLowerInvariant()), () => SendMailAsync(e, email, recipient.Name, alert, cancellationToken)).ConfigureAwait(false);
                }

                if (recipient.Phone is { } phone)
                {
                    await OnceAsync(e, "phone:" + RedisKeys.Digest(phone), () => SendPhoneAsync(e, unit, phone, alert.Short)).ConfigureAwait(false);
                }
            }

            await OnceAsync(e, "inbox", () => AddToInboxAsync(e, period, alert.Head)).ConfigureAwait(false);
            await store.MarkDeliveredAsync(e, time.GetUtcNow()).ConfigureAwait(false);
            metrics.SlaAlert(e.Kind.ToString().ToLowerInvariant());
            LogDelivered(logger, conversationId, seq, key, e.UnitId);
            return true;
        }
        finally
        {
            await store.UnlockDeliveryAsync(e, owner).ConfigureAwait(false);
        }
    }

    /// <summary>The latest alerts of a unit, newest first.</summary>
    public async Task<IReadOnlyList<InboxAlert>> InboxAlertsAsync(string unitId, int count)
    {
        var values = await redis.GetDatabase().ListRangeAsync(keys.UnitAlerts(unitId), 0, count - 1).ConfigureAwait(false);
        return [.. values.Select(v => JsonSerializer.Deserialize<InboxAlert>(v.ToString(), SlaStore.Json)!)];
    }

    private async Task OnceAsync(SlaEvent e, string recipient, Func<Task> send)
    {
        if (await store.WasSentAsync(e, recipient).ConfigureAwait(false))
        {
            return;
        }

        await send().ConfigureAwait(false);
        await store.MarkSentAsync(e, recipient).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<AlertRecipient>> RecipientsAsync(SlaEventKind kind, Unit unit)
    {
        var people = new List<AlertRecipient>();
        var all = await users.ListAsync().ConfigureAwait(false);
        var managers = unit.Managers.Select(m => new AlertRecipient(m.Name, m.Email, m.Phone))
            .Concat(all.Where(u => !u.Disabled && u.ManagerOf.Contains(unit.Id)).Select(u => new AlertRecipient(u.Name, u.Email, null)))
            .ToList();
        switch (kind)
        {
            case SlaEventKind.Warning:
                people.AddRange(all.Where(u => !u.Disabled && u.ClerkOf.Contains(unit.Id)).Select(u => new AlertRecipient(u.Name, u.Email, null)));
                if (people.Count == 0)
                {
                    people.AddRange(managers); // a unit without clerks: someone must hear of it
                }

                break;
            case SlaEventKind.Breach:
                people.AddRange(managers);
                break;
            case SlaEventKind.Escalation:
                if (unit.Court.Escalation is { } contact)
                {
                    people.Add(new AlertRecipient(contact.Name, contact.Email, contact.Phone));
                }
                else
                {
                    LogNoEscalationContact(logger, unit.Court.Id);
                    people.AddRange(managers);
                }

                break;
        }

        // One alert per address, however many roles a person has.
        return [.. people.DistinctBy(p => (p.Email?.ToLowerInvariant(), p.Phone))];
    }

    private sealed record Alert(string Subject, string Head, string Body, string Short);

    private Alert Compose(SlaEvent e, WaitingPeriod period, Conversation conversation, Unit unit)
    {
        var now = time.GetUtcNow();
        var zone = unit.TimeZone;
        var due = period.DueAt ?? e.At;
        var (subject, head) = e.Kind switch
        {
            SlaEventKind.Warning => (
                Texts.Format("SlaSubjectWarning", unit.Name),
                Texts.Format("SlaHeadWarning", unit.Name, BotFormat.When(due, zone), SlaFormat.Duration(due - now))),
            SlaEventKind.Breach => (
                Texts.Format("SlaSubjectBreach", unit.Name),
                Texts.Format("SlaHeadBreach", unit.Name, BotFormat.When(due, zone))),
            _ => (
                Texts.Format("SlaSubjectEscalation", unit.Name),
                Texts.Format("SlaHeadEscalation", unit.Name, BotFormat.When(due, zone), SlaFormat.Duration(now - due))),
        };
        var link = new Uri(options.Value.InboxBaseUrl, $"inbox/conversations/{Uri.EscapeDataString(conversation.Id)}").ToString();
        var body = string.Join(Environment.NewLine,
            head,
            "",
            Texts.Format("SlaBodyChannel", SlaFormat.ChannelName(conversation.Channel), SlaFormat.MaskedContact(conversation.Channel, conversation.ContactAddress)),
            Texts.Format("SlaBodyWaiting", SlaFormat.Duration(now - period.StartedAt), BotFormat.When(period.StartedAt, zone)),
            Texts.Format("SlaBodyLink", link),
            "",
            Texts.Get("SlaBodyFooter"));
        return new Alert(subject, head, body, $"{head} {link}");
    }

    /// <summary>
    /// The alert's Message-ID is the same each time it is made (event and recipient): if the service dies after the
    /// SMTP server took it and before that was recorded, the copy sent again is the same message to mail servers and
    /// clients, which drop it as a duplicate.
    /// </summary>
    private async Task SendMailAsync(SlaEvent e, string email, string name, Alert alert, CancellationToken cancellationToken)
    {
        using var message = new MimeMessage();
        message.From.Add(mail.From);
        message.MessageId = AlertMessageId(e, email, mail.From.Domain);
        message.To.Add(new MailboxAddress(name, email));
        message.Subject = alert.Subject;
        message.Date = time.GetUtcNow();
        message.Headers.Add("Auto-Submitted", "auto-generated");
        var body = new TextPart("plain");
        body.SetText(System.Text.Encoding.UTF8, alert.Body); // one charset for every client, whatever the text holds
        message.Body = body;
        await mail.SendAsync(message, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A staff member's phone gets the alert through the outbox, from the unit's WhatsApp (or SMS) number, on a
    /// conversation of its own that no inbox lists.
    /// </summary>
    internal static string AlertMessageId(SlaEvent e, string email, string domain) =>
        $"sla.{e.ConversationId}.{e.Seq}.{e.Key}.{RedisKeys.Digest(email.ToLowerInvariant())[..16]}@{(domain.Length > 0 ? domain : "balcao.invalid")}";

    private async Task SendPhoneAsync(SlaEvent e, Unit unit, string phone, string text)
    {
        var (channel, from, to) = unit.Channels.WhatsApp.Count > 0
            ? (Channel.WhatsApp, "whatsapp:" + unit.Channels.WhatsApp[0], "whatsapp:" + phone)
            : unit.Channels.Sms.Count > 0
                ? (Channel.Sms, unit.Channels.Sms[0], phone)
                : (Channel.Email, "", "");
        if (channel == Channel.Email || ContactAddress.FromTwilio(to) is not { } contact)
        {
            return; // the unit has no number to send from
        }

        var id = $"{contactIds.Of(contact)}-staff{RedisKeys.Digest(from)[..8]}";
        var now = time.GetUtcNow();
        var conversation = await conversations.GetAsync(id).ConfigureAwait(false);
        if (conversation is null)
        {
            conversation = new Conversation
            {
                Id = id,
                Channel = channel,
                ContactAddress = to,
                ChannelAddress = from,
                State = ConversationState.Closed,
                CreatedAt = now,
                LastActivityAt = now,
                Staff = true,
            };
            await conversations.SaveAsync(conversation).ConfigureAwait(false);
        }

        // Queued at most once per event, even when this delivery dies between queueing and recording it.
        await outbox.QueueOnceAsync(conversation, $"sla:{e.ConversationId}:{e.Seq}:{e.Key}", text, MessageAuthor.System).ConfigureAwait(false);
    }

    private async Task AddToInboxAsync(SlaEvent e, WaitingPeriod period, string head)
    {
        var alert = new InboxAlert(e.Kind.ToString().ToLowerInvariant(), e.Key, e.ConversationId, e.Seq, e.UnitId, e.WrittenAt, period.DueAt, head);
        var db = redis.GetDatabase();
        var tran = db.CreateTransaction();
        _ = tran.ListLeftPushAsync(keys.UnitAlerts(e.UnitId), JsonSerializer.Serialize(alert, SlaStore.Json));
        _ = tran.ListTrimAsync(keys.UnitAlerts(e.UnitId), 0, InboxAlertsKept - 1);
        await tran.ExecuteAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SLA alert {Key} of period {Seq} of conversation {ConversationId} (unit {UnitId}) delivered")]
    private static partial void LogDelivered(ILogger logger, string conversationId, int seq, string key, string unitId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Court {CourtId} has no escalation contact in the units catalogue; escalations go to the unit's managers")]
    private static partial void LogNoEscalationContact(ILogger logger, string courtId);
}
