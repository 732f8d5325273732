using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Infrastructure.Storage;

/// <summary>
/// Every key this service writes is built here. Keys that take part in one atomic step share a hash tag
/// (the part between braces), so the step stays valid on Redis Cluster.
/// </summary>
public sealed class RedisKeys(IOptions<StorageOptions> options)
{
    private readonly string prefix = options.Value.KeyPrefix;

    // Users: all user keys share one slot, so that creating a user (record + e-mail index + list) is one transaction.
    private string UsersTag => $"{prefix}:{{users}}";

    public RedisKey User(string userId) => $"{UsersTag}:user:{userId}";

    public RedisKey UserByEmail(string normalizedEmail) => $"{UsersTag}:email:{normalizedEmail}";

    public RedisKey AllUsers() => $"{UsersTag}:all";

    /// <summary>The user an identity of the court's provider ("issuer|subject") signs in as (a digest: no personal data).</summary>
    public RedisKey UserByExternalId(string externalId) => $"{UsersTag}:external:{Digest(externalId)}";

    public RedisKey BootstrapDone() => $"{UsersTag}:bootstrapped";

    /// <summary>
    /// Sign-in attempts of an e-mail, an address, or the pair, keyed by a digest so the key holds no personal data;
    /// one slot for all, since each attempt counts the three at once.
    /// </summary>
    public RedisKey SignInAttempts(string subject) => $"{prefix}:{{signin}}:{Digest(subject)}";

    /// <summary>Session tokens are stored by their SHA-256, never as given to the client.</summary>
    public RedisKey Token(string token) => $"{prefix}:token:{Digest(token)}";

    // Conversations: contacts are spread over 16 buckets by the first hex digit of their id; everything about a
    // contact (its record, the provider ids it sent, its conversations and messages) and the inbound queue of its
    // bucket share the bucket's tag {b:<digit>}, so the inbound step (dedupe, conversation, message, queue) is one
    // script on one slot. A conversation id starts with its contact id ("<contactId>-<suffix>"), which gives the
    // bucket back.

    /// <summary>The 16 buckets, for whoever has to visit them all (the inbound processor).</summary>
    public static readonly IReadOnlyList<string> Buckets = [.. "0123456789abcdef".Select(c => c.ToString())];

    private string Tag(string contactOrConversationId) => $"{prefix}:{{b:{BucketOf(contactOrConversationId)}}}";

    public RedisKey Contact(string contactId) => $"{Tag(contactId)}:contact:{contactId}";

    /// <summary>Every conversation of a contact that reached a unit, scored by when it began (its contact panel, LGPD requests).</summary>
    public RedisKey ContactConversations(string contactId) => $"{Tag(contactId)}:contact-convs:{contactId}";

    /// <summary>Dedupe of a provider message id (Twilio MessageSid, Meta wamid, e-mail Message-ID).</summary>
    public RedisKey ProviderMessage(string contactId, string providerId) => $"{Tag(contactId)}:pm:{contactId}:{providerId}";

    /// <summary>Set once an inbound message has been processed (chatbot turn, routing), so a redelivery does nothing.</summary>
    public RedisKey MessageProcessed(string conversationId, string messageId) => $"{Tag(conversationId)}:done:{messageId}";

    /// <summary>Set when a queued inbound message was once not found: a second miss, a lease later, drops it.</summary>
    public RedisKey MessageMissed(string conversationId, string messageId) => $"{Tag(conversationId)}:missed:{messageId}";

    public RedisKey Conversation(string conversationId) => $"{Tag(conversationId)}:conv:{conversationId}";

    /// <summary>A conversation's messages by id (hash of JSON), and their order (list of ids).</summary>
    public RedisKey ConversationMessages(string conversationId) => $"{Tag(conversationId)}:msgs:{conversationId}";

    public RedisKey ConversationMessageOrder(string conversationId) => $"{Tag(conversationId)}:order:{conversationId}";

    /// <summary>What people did to a conversation (JSON entries, oldest first): who, what, when.</summary>
    public RedisKey ConversationAudit(string conversationId) => $"{Tag(conversationId)}:audit:{conversationId}";

    /// <summary>Outbound provider id (Twilio SM…) to "conversationId|messageId", for status callbacks.</summary>
    public RedisKey OutboundByProviderId(string contactId, string providerId) => $"{Tag(contactId)}:out:{contactId}:{providerId}";

    /// <summary>A bucket's inbound messages waiting for processing, and those being processed (see <see cref="LeasedWorkList"/>).</summary>
    public RedisKey InboundQueue(string bucket) => $"{prefix}:{{b:{bucket}}}:inbound:queue";

    public RedisKey InboundLeases(string bucket) => $"{prefix}:{{b:{bucket}}}:inbound:leases";

    public static string ContactOf(string conversationId)
    {
        var dash = conversationId.IndexOf('-', StringComparison.Ordinal);
        return dash > 0 ? conversationId[..dash] : conversationId;
    }

    /// <summary>The bucket of a contact id or conversation id: its first character, lower-cased.</summary>
    public static string BucketOf(string contactOrConversationId) =>
        contactOrConversationId.Length == 0 ? "0" : char.ToLowerInvariant(contactOrConversationId[0]).ToString();

    /// <summary>A bucket's outbound messages waiting to be sent (see <see cref="LeasedWorkList"/>).</summary>
    public RedisKey OutboxQueue(string bucket) => $"{prefix}:{{b:{bucket}}}:outbox:queue";

    public RedisKey OutboxLeases(string bucket) => $"{prefix}:{{b:{bucket}}}:outbox:leases";

    public RedisChannel OutboxSignal() => RedisChannel.Literal($"{prefix}:outbox-signal");

    /// <summary>What the service would have sent when no provider is configured (the /dev/phone page reads it).</summary>
    public RedisKey LocalOutbox() => $"{prefix}:local-outbox";

    /// <summary>Conversation changes for the inbox's live pages, on every node (ids only).</summary>
    public RedisChannel InboxEvents() => RedisChannel.Literal($"{prefix}:inbox-events");

    /// <summary>A user's record or one of their sessions changed (ids only): live connections are checked again.</summary>
    public RedisChannel UserChanged() => RedisChannel.Literal($"{prefix}:user-changed");

    public RedisChannel InboundSignal() => RedisChannel.Literal($"{prefix}:inbound-signal");

    // SLA: a conversation's waiting periods, events and sent alerts share its bucket's slot, so that writing an event
    // and queueing its alert is one transaction; the due index and the pending alerts are per bucket on that slot too.

    /// <summary>A conversation's waiting periods: field "current" (the seq of the latest) and per seq the fields of <c>PeriodCodec</c>.</summary>
    public RedisKey SlaPeriods(string conversationId) => $"{Tag(conversationId)}:sla:{conversationId}";

    /// <summary>Events written once: field "{seq}:{key}" ("1:warning-1", "1:breach") to the event's JSON.</summary>
    public RedisKey SlaEvents(string conversationId) => $"{Tag(conversationId)}:sla-ev:{conversationId}";

    /// <summary>Alerts already delivered, "{seq}:{key}:{recipient}", so that a retried delivery sends each one once.</summary>
    public RedisKey SlaSent(string conversationId) => $"{Tag(conversationId)}:sla-sent:{conversationId}";

    public RedisKey SlaDeliveryLock(string conversationId, int seq, string key) => $"{Tag(conversationId)}:sla-lock:{conversationId}:{seq}:{key}";

    /// <summary>A bucket's conversations with an open period, scored by their next check (Unix ms).</summary>
    public RedisKey SlaDue(string bucket) => $"{prefix}:{{b:{bucket}}}:sla-due";

    /// <summary>A bucket's events whose alerts are not all delivered yet ("conversationId|seq|key"), scored by when written.</summary>
    public RedisKey SlaPendingAlerts(string bucket) => $"{prefix}:{{b:{bucket}}}:sla-alerts";

    /// <summary>A unit's waiting periods ("conversationId|seq"), scored by their start (Unix ms): what reports read.</summary>
    public RedisKey UnitPeriods(string unitId) => $"{prefix}:unit:{unitId}:sla-periods";

    /// <summary>The cases a conversation's citizen follows (digits → JSON <c>CaseFollow</c>), on the conversation's slot.</summary>
    public RedisKey CaseFollows(string conversationId) => $"{Tag(conversationId)}:follows:{conversationId}";

    /// <summary>The conversations following a case (by its 20 digits).</summary>
    public RedisKey CaseFollowers(string digits) => $"{prefix}:case:{digits}:followers";

    /// <summary>Every followed case (digits), scored by its next check (Unix ms): what the alert job takes.</summary>
    public RedisKey CasesDue() => $"{prefix}:cases-due";

    /// <summary>A unit's satisfaction surveys ("conversationId|askedAt"), scored by when each was asked (Unix ms): what reports read.</summary>
    public RedisKey UnitSurveys(string unitId) => $"{prefix}:unit:{unitId}:surveys";

    /// <summary>The latest SLA alerts of a unit (JSON, newest first), shown in its inbox.</summary>
    public RedisKey UnitAlerts(string unitId) => $"{prefix}:unit:{unitId}:sla-alerts";

    /// <summary>Hangfire's own keys, under one hash tag so its multi-key steps stay valid on a cluster.</summary>
    public string HangfirePrefix => $"{{{prefix}:hangfire}}:";

    /// <summary>Index of a unit's conversations in one state, scored by last activity (Unix ms).</summary>
    public RedisKey UnitConversations(string unitId, string state) => $"{prefix}:unit:{unitId}:conversations:{state}";

    /// <summary>A unit's labels: id to JSON {id, name}.</summary>
    public RedisKey UnitLabels(string unitId) => $"{prefix}:unit:{unitId}:labels";

    /// <summary>A unit's conversations bearing one of its labels, in any state, scored by last activity (Unix ms).</summary>
    public RedisKey UnitLabeled(string unitId, string labelId) => $"{prefix}:unit:{unitId}:labeled:{labelId}";

    /// <summary>A unit's canned answers: id to JSON {title, text}.</summary>
    public RedisKey UnitCannedAnswers(string unitId) => $"{prefix}:unit:{unitId}:canned";

    // Appointments: everything about one unit's appointments shares the unit's tag, so a booking (the unit's places, the
    // contact's limit at the unit, the record, the agenda) is one conditioned transaction on one slot.
    private string AppointmentTag(string unitId) => $"{prefix}:{{appt:{unitId}}}";

    /// <summary>An appointment (JSON).</summary>
    public RedisKey Appointment(string unitId, string appointmentId) => $"{AppointmentTag(unitId)}:a:{appointmentId}";

    /// <summary>How many times a place changed at the unit (a call booked, moved or cancelled): what a booking is conditioned on.</summary>
    public RedisKey AppointmentPlaces(string unitId) => $"{AppointmentTag(unitId)}:places";

    /// <summary>Every appointment of the unit, whatever became of it, scored by its start (ms): the agenda and the reports.</summary>
    public RedisKey AppointmentAgenda(string unitId) => $"{AppointmentTag(unitId)}:agenda";

    /// <summary>
    /// The reminders of video calls queued to a conversation ("appointmentId:kind:startMs" → when), on the conversation's
    /// slot: written with the message in one step, so a reminder goes once whichever node sends it.
    /// </summary>
    public RedisKey AppointmentReminders(string conversationId) => $"{Tag(conversationId)}:appt-reminders:{conversationId}";

    /// <summary>Every appointment a contact ever booked at the unit (set of ids): what an erasure or an export of the contact finds.</summary>
    public RedisKey AppointmentHistory(string unitId, string contactId) => $"{AppointmentTag(unitId)}:history:{contactId}";

    /// <summary>A contact's booked appointments at the unit, scored by start (ms): its limit counts those still ahead.</summary>
    public RedisKey AppointmentsOfContact(string unitId, string contactId) => $"{AppointmentTag(unitId)}:contact:{contactId}";

    /// <summary>A unit's waiting conversations scored by due time (Unix ms; no deadline last): the inbox's order.</summary>
    public RedisKey UnitDue(string unitId) => $"{prefix}:unit:{unitId}:due";

    /// <summary>
    /// A unit's waiting conversations held by one clerk (a user id) or by nobody ("none"), scored by due time: the
    /// workspace's "minhas" and "sem responsável" tabs and their counts.
    /// </summary>
    public RedisKey UnitWaitingBy(string unitId, string assignee) => $"{prefix}:unit:{unitId}:waiting-by:{assignee}";

    /// <summary>A unit's waiting conversations on one channel ("whatsApp", "sms", "email"), scored by due time.</summary>
    public RedisKey UnitWaitingVia(string unitId, string channel) => $"{prefix}:unit:{unitId}:waiting-via:{channel}";

    /// <summary>Which version of the waiting indexes (<see cref="UnitWaitingBy"/>, <see cref="UnitWaitingVia"/>) every waiting conversation is in.</summary>
    public RedisKey WaitingByIndexed() => $"{prefix}:waiting-by-indexed";

    /// <summary>Who has a conversation open or is typing in it (see InboxPresence), on the conversation's slot.</summary>
    public RedisKey ConversationPresence(string conversationId) => $"{Tag(conversationId)}:presence:{conversationId}";

    /// <summary>How many citizen messages of each conversation a user has seen: conversation id to count.</summary>
    public RedisKey UserRead(string userId) => $"{prefix}:read:{userId}";

    /// <summary>A unit's conversations by the last four digits of the citizen's phone (the inbox's search).</summary>
    public RedisKey UnitContactSuffix(string unitId, string lastFour) => $"{prefix}:unit:{unitId}:suffix:{lastFour}";

    /// <summary>
    /// A unit's conversations that contain a word, or a word beginning so (the inbox's search), scored by the latest
    /// time they did; named by a keyed digest of the word. One hash tag per unit, so a search's words are on one slot.
    /// </summary>
    public RedisKey UnitWord(string unitId, string digest) => $"{prefix}:{{w:{unitId}}}:word:{digest}";

    /// <summary>Which version of the word index (<see cref="UnitWord"/>) every conversation is in.</summary>
    public RedisKey WordsIndexed() => $"{prefix}:words-indexed";

    /// <summary>Held by the node building the word index, so that the others wait for it instead of repeating it.</summary>
    public RedisKey WordsIndexLease() => $"{prefix}:words-indexed:lease";

    /// <summary>Conversations that mention a case number (canonical CNJ form).</summary>
    public RedisKey ProcessConversations(string canonical) => $"{prefix}:process:{canonical}";

    /// <summary>Units settings admins changed, laid over the catalogue file: unit id to JSON, under one hash tag with its version.</summary>
    public RedisKey UnitSettings() => $"{prefix}:{{units}}:settings";

    /// <summary>Counts changes of <see cref="UnitSettings"/>, so a node that missed a notice sees it has to reload.</summary>
    public RedisKey UnitSettingsVersion() => $"{prefix}:{{units}}:settings-version";

    /// <summary>Who changed a unit's settings, when, and from what to what (newest first).</summary>
    public RedisKey UnitSettingsAudit() => $"{prefix}:{{units}}:settings-audit";

    public RedisChannel UnitSettingsChanged() => RedisChannel.Literal($"{prefix}:units-changed");

    /// <summary>How the last polls of a mailbox (a unit's or a court's id) went: lastOkAt, failures in a row, lastError (a type name).</summary>
    public RedisKey MailboxStatus(string mailboxId) => $"{prefix}:mailbox:{mailboxId}:status";

    /// <summary>The conversation an e-mail Message-ID (ours or the citizen's) belongs to, by a digest of the id.</summary>
    public RedisKey MailReference(string messageId) => $"{prefix}:mail-ref:{Digest(messageId)[..40]}";

    /// <summary>The conversation a plus-address token ("vt7macapa+&lt;token&gt;@…") stands for.</summary>
    public RedisKey MailToken(string token) => $"{prefix}:mail-token:{token}";

    /// <summary>An inbound mail's original MIME, under its conversation (an original is only ever read through it).</summary>
    public RedisKey MailOriginal(string conversationId, string messageId) => $"{Tag(conversationId)}:mail-raw:{conversationId}:{messageId}";

    /// <summary>Where originals were kept before they were keyed by conversation: read and erased, never written.</summary>
    public RedisKey LegacyMailOriginal(string conversationId, string messageId) => $"{Tag(conversationId)}:mail-raw:{messageId}";

    /// <summary>Automatic answers sent to one e-mail sender today (the loop guard).</summary>
    public RedisKey MailAutoReplies(string contactId, string day) => $"{Tag(contactId)}:mail-auto:{contactId}:{day}";

    /// <summary>Held while a mailbox is being read, so that two polls never read it at once.</summary>
    public RedisKey MailboxPolling(string mailboxId) => $"{prefix}:mailbox:{mailboxId}:polling";

    /// <summary>WhatsApp answers held outside the 24-hour window, oldest first, until the citizen writes.</summary>
    public RedisKey HeldMessages(string conversationId) => $"{Tag(conversationId)}:held:{conversationId}";

    /// <summary>Set while an "answer waiting" template covers a conversation's held answers.</summary>
    /// <summary>Marks an outbound message queued once for a purpose (an SLA alert to a phone), so that a retry after a crash does not queue it again.</summary>
    public RedisKey OutboundOnce(string conversationId, string purpose) => $"{Tag(conversationId)}:once:{conversationId}:{Digest(purpose)[..32]}";

    /// <summary>ASP.NET Core's data-protection key ring (antiforgery tokens), one for every node.</summary>
    public RedisKey DataProtectionKeys() => $"{prefix}:dataprotection-keys";

    public RedisKey WindowTemplateSent(string conversationId) => $"{Tag(conversationId)}:window-template:{conversationId}";

    /// <summary>When each waiting WhatsApp conversation of a bucket gets its keep-alive (Unix ms), on the bucket's slot.</summary>
    public RedisKey KeepAliveDue(string bucket) => $"{prefix}:{{b:{bucket}}}:keep-alive-due";

    /// <summary>The audit trail of one UTC day (yyyyMMdd), newest first.</summary>
    public RedisKey AuditDay(string day) => $"{prefix}:audit:{day}";

    /// <summary>
    /// The same day's records again, by one field ("who", "target", or "family": the action's first word), so that a
    /// search by it reads those alone, however many others the day holds (digests: the key holds no personal data).
    /// </summary>
    public RedisKey AuditDayBy(string day, string field, string value) => $"{prefix}:audit:{day}:{field}:{Digest(value)[..32]}";

    /// <summary>Closed conversations of a bucket by the time they closed (Unix ms): what retention goes through.</summary>
    public RedisKey ClosedConversations(string bucket) => $"{prefix}:{{b:{bucket}}}:closed";

    /// <summary>How the last retention run went.</summary>
    public RedisKey RetentionStatus() => $"{prefix}:retention:last";

    /// <summary>Data subjects' requests (export, erasure) by id: what, about whom (masked), by whom, deadline, outcome.</summary>
    public RedisKey DataSubjectRequests() => $"{prefix}:{{dsr}}:requests";

    /// <summary>The requests' ids, newest first (same slot as the requests).</summary>
    public RedisKey DataSubjectRequestOrder() => $"{prefix}:{{dsr}}:order";

    public RedisKey Probe() => $"{prefix}:probe";

    /// <summary>The secret contact ids are derived with (32 random bytes, written once by the first node).</summary>
    public RedisKey ContactIdKey() => $"{prefix}:contact-id-key";

    /// <summary>How the store's contact ids are derived; absent in a store written before they were keyed.</summary>
    public RedisKey ContactIdScheme() => $"{prefix}:contact-id-scheme";

    /// <summary>While a store's ids are being changed: old id to new id, kept until the change is done.</summary>
    public RedisKey ContactIdMigration() => $"{prefix}:contact-id-migration";

    /// <summary>Held by the node that changes the ids; the others wait for the scheme marker.</summary>
    public RedisKey ContactIdMigrationLock() => $"{prefix}:contact-id-migration:lock";

    public string Prefix => prefix;

    internal static string Digest(string value) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
