using System.Text.Json;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Sla;
using BalcaoVirtual.Web.Infrastructure.Storage;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Privacy;

/// <summary>
/// A data subject's request (LGPD art. 18) as recorded: what was asked, about whom (masked: the record must not keep
/// what an erasure removes), by which admin, when, its legal deadline (15 days, art. 19, II) and its outcome.
/// </summary>
public sealed record DataSubjectRequest(
    string Id, string Kind, string Subject, string RequestedBy, DateTimeOffset RequestedAt, DateTimeOffset DueAt,
    string Status, DateTimeOffset? CompletedAt, string? Outcome, int Conversations);

/// <summary>Everything held about one person, as exported.</summary>
public sealed record SubjectData(IReadOnlyList<SubjectContact> Contacts, IReadOnlyList<SubjectConversation> Conversations);

public sealed record SubjectContact(Channel Channel, string Address, string? Name, string? PrivacyNotice, string? PrivacyNoticeAt, string? LastInboundAt);

/// <param name="Follows">The cases followed through it for movement alerts, with each subscription's record.</param>
public sealed record SubjectConversation(Conversation Conversation, IReadOnlyList<Message> Messages, IReadOnlyList<CaseAlerts.CaseFollow> Follows)
{
    /// <summary>The video calls booked through the conversation.</summary>
    public IReadOnlyList<Appointments.Appointment> Appointments { get; init; } = [];
}

/// <summary>
/// Finds everything held about a phone number (its WhatsApp and SMS contacts) or an e-mail address, exports it, or
/// erases it (each conversation anonymised, the contact records gone, the SLA figures kept); every request is recorded.
/// </summary>
public sealed class DataSubjectRequests(
    RedisConnections redis, RedisKeys keys, ContactIds contactIds, ConversationStore conversations, Anonymizer anonymizer, AuditTrail trail,
    CaseAlerts.CaseFollows follows, Appointments.AppointmentBook appointments, TimeProvider time)
{
    public static readonly TimeSpan Deadline = TimeSpan.FromDays(15);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The subject's contacts: a phone is its WhatsApp and its SMS contact; an e-mail its e-mail contact. Null when neither.</summary>
    public static IReadOnlyList<ContactAddress>? ContactsOf(string? phone, string? email)
    {
        if (!string.IsNullOrWhiteSpace(phone))
        {
            var digits = new string([.. phone.Where(char.IsAsciiDigit)]);
            var whatsApp = ContactAddress.FromTwilio("whatsapp:+" + digits);
            var sms = ContactAddress.FromTwilio("+" + digits);
            return whatsApp is null || sms is null ? null : [whatsApp, sms];
        }

        return ContactAddress.FromEmail(email?.Trim()) is { } mail ? [mail] : null;
    }

    public async Task<SubjectData> CollectAsync(IReadOnlyList<ContactAddress> contacts)
    {
        var db = redis.GetDatabase();
        var found = new List<SubjectContact>();
        var threads = new List<SubjectConversation>();
        foreach (var contact in contacts)
        {
            var fields = (await db.HashGetAllAsync(keys.Contact(contactIds.Of(contact))).ConfigureAwait(false))
                .ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);
            if (fields.Count == 0)
            {
                continue;
            }

            found.Add(new SubjectContact(contact.Channel, fields.GetValueOrDefault("address") ?? contact.Raw, fields.GetValueOrDefault("name"),
                fields.GetValueOrDefault(PrivacyNotices.VersionField), fields.GetValueOrDefault(PrivacyNotices.AtField),
                long.TryParse(fields.GetValueOrDefault("lastInboundAt"), out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("O") : null));
            // The conversation open on each court address, and every earlier one that reached a unit.
            var earlier = await db.SortedSetRangeByRankAsync(keys.ContactConversations(contactIds.Of(contact))).ConfigureAwait(false);
            foreach (var id in fields.Where(f => f.Key.StartsWith("open:", StringComparison.Ordinal)).Select(f => f.Value)
                .Concat(earlier.Select(v => v.ToString())).Distinct())
            {
                if (await conversations.GetAsync(id).ConfigureAwait(false) is { AnonymizedAt: null } conversation)
                {
                    threads.Add(new SubjectConversation(
                        conversation, await conversations.GetMessagesAsync(id).ConfigureAwait(false), await follows.AllAsync(id).ConfigureAwait(false))
                    {
                        Appointments = await appointments.OfConversationAsync(id).ConfigureAwait(false),
                    });
                }
            }
        }

        return new SubjectData(found, threads);
    }

    /// <summary>Anonymises every conversation of the subject; the last one takes the contact record with it.</summary>
    public async Task<int> EraseAsync(SubjectData data)
    {
        var erased = 0;
        foreach (var thread in data.Conversations)
        {
            erased += await anonymizer.AnonymizeAsync(thread.Conversation.Id, "erasure request").ConfigureAwait(false) ? 1 : 0;
        }

        return erased;
    }

    public async Task<DataSubjectRequest> RecordAsync(string kind, IReadOnlyList<ContactAddress> contacts, string requestedBy, string outcome, int count)
    {
        var now = time.GetUtcNow();
        var request = new DataSubjectRequest(
            InboundStore.NewId(now), kind, SlaFormat.MaskedContact(contacts[0].Channel, contacts[0].Raw), requestedBy, now, now + Deadline,
            "done", now, outcome, count);
        var db = redis.GetDatabase();
        var tran = db.CreateTransaction();
        _ = tran.HashSetAsync(keys.DataSubjectRequests(), request.Id, JsonSerializer.Serialize(request, Json));
        _ = tran.ListLeftPushAsync(keys.DataSubjectRequestOrder(), request.Id); // newest first, even within one millisecond
        await tran.ExecuteAsync().ConfigureAwait(false);
        await trail.RecordAsync("privacy." + kind, request.Id, $"{request.Subject}: {outcome}").ConfigureAwait(false);
        return request;
    }

    /// <summary>Every request, newest first.</summary>
    public async Task<IReadOnlyList<DataSubjectRequest>> ListAsync()
    {
        var db = redis.GetDatabase();
        var order = await db.ListRangeAsync(keys.DataSubjectRequestOrder()).ConfigureAwait(false);
        var values = order.Length == 0 ? [] : await db.HashGetAsync(keys.DataSubjectRequests(), order).ConfigureAwait(false);
        return [.. values.Where(v => !v.IsNullOrEmpty).Select(v => JsonSerializer.Deserialize<DataSubjectRequest>(v.ToString(), Json)!)];
    }
}
