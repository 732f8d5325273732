using BalcaoVirtual.Web.Features.Chatbot;
using BalcaoVirtual.Web.Infrastructure.Storage;
using BalcaoVirtual.Web.Resources;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace BalcaoVirtual.Web.Features.Privacy;

/// <summary>One court's privacy notice (LGPD art. 9º): who controls the data, why, on what legal basis, whom to ask.</summary>
public sealed class PrivacyNotice
{
    /// <summary>The controller (the court). Default: Chatbot:CourtName.</summary>
    public string? Controller { get; set; }

    /// <summary>What the data is used for. Default: answering the citizen's request.</summary>
    public string? Purpose { get; set; }

    /// <summary>The legal basis. Default: LGPD art. 7º, III and art. 23 (public authority, public policies).</summary>
    public string? LegalBasis { get; set; }

    /// <summary>How to reach the data protection officer (encarregado). Default: Chatbot:DataProtectionOfficer.</summary>
    public string? Officer { get; set; }

    /// <summary>The court's privacy policy. Default: Chatbot:PrivacyPolicyUrl.</summary>
    public Uri? PolicyUrl { get; set; }

    /// <summary>Changing the version sends the notice again to every contact, once.</summary>
    public string Version { get; set; } = "1";
}

/// <summary>The notice of the court (section "Privacy"), with courts of their own under Privacy:Courts:&lt;court id&gt;.</summary>
public sealed class PrivacyOptions
{
    public const string Section = "Privacy";

    public PrivacyNotice Notice { get; set; } = new();

    public Dictionary<string, PrivacyNotice> Courts { get; set; } = new(StringComparer.Ordinal);

    /// <summary>How long a closed conversation keeps its personal data before it is anonymised (default two years).</summary>
    public TimeSpan ClosedRetention { get; set; } = TimeSpan.FromDays(730);

    /// <summary>When the retention job runs (default every day at 03:30 UTC).</summary>
    public string RetentionCron { get; set; } = "30 3 * * *";

    /// <summary>Conversations anonymised per run at most; the rest wait for the next run.</summary>
    public int RetentionBatch { get; set; } = 1000;

    /// <summary>How long the audit trail is kept (default five years).</summary>
    public TimeSpan AuditRetention { get; set; } = TimeSpan.FromDays(5 * 365);
}

/// <summary>The notice as a citizen reads it, its version, and the one sentence with its link that a chat carries.</summary>
public sealed record NoticeText(string Text, string Version, string Brief);

/// <summary>
/// Sends the privacy notice once per contact and channel (a contact is one address on one channel), and again only
/// when its version changes. The contact record keeps which version it got and when, written in the same transaction
/// as the reply that carries it.
/// </summary>
public sealed class PrivacyNotices(RedisConnections redis, RedisKeys keys, IOptions<PrivacyOptions> options, IOptions<ChatbotOptions> chatbot)
{
    public const string VersionField = "privacyNotice";
    public const string AtField = "privacyNoticeAt";

    public NoticeText For(string? courtId)
    {
        var o = options.Value;
        var notice = courtId is not null && o.Courts.TryGetValue(courtId, out var own) ? own : o.Notice;
        var c = chatbot.Value;
        var policy = (notice.PolicyUrl ?? o.Notice.PolicyUrl ?? c.PrivacyPolicyUrl)!.OriginalString;
        var controller = notice.Controller ?? o.Notice.Controller ?? c.CourtName;
        var text = Texts.Format("PrivacyNotice",
            controller,
            notice.Purpose ?? o.Notice.Purpose ?? Texts.Get("PrivacyDefaultPurpose"),
            notice.LegalBasis ?? o.Notice.LegalBasis ?? Texts.Get("PrivacyDefaultLegalBasis"),
            policy,
            notice.Officer ?? o.Notice.Officer ?? c.DataProtectionOfficer);
        var version = (courtId is not null && o.Courts.ContainsKey(courtId) ? courtId + ":" : "") + notice.Version;
        return new NoticeText(text, version, Texts.Format("PrivacyBrief", controller, policy));
    }

    /// <summary>The notice this contact still has to get (null: it got this version already).</summary>
    public async Task<NoticeText?> PendingAsync(string contactId, string? courtId)
    {
        var notice = For(courtId);
        var got = await redis.GetDatabase().HashGetAsync(keys.Contact(contactId), VersionField).ConfigureAwait(false);
        return got == notice.Version ? null : notice;
    }

    /// <summary>Adds the record that the contact got <paramref name="version"/> to a transaction on the contact's slot.</summary>
    public void AddRecord(ITransaction tran, string contactId, string version, DateTimeOffset at) =>
        _ = tran.HashSetAsync(keys.Contact(contactId), [new(VersionField, version), new(AtField, at.ToString("O"))]);
}
