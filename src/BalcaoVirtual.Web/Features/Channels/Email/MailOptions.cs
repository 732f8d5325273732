using System.ComponentModel.DataAnnotations;

namespace BalcaoVirtual.Web.Features.Channels.Email;

/// <summary>How the units' mailboxes are read. The mailboxes themselves are in the units catalogue.</summary>
public sealed class MailOptions
{
    public const string Section = "Mail";

    /// <summary>Each mailbox's password, by unit id (Mail__Passwords__trt8-vt-macapa-7 as an environment variable).</summary>
    public Dictionary<string, string> Passwords { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Cron of the polling job of each mailbox (default every minute).</summary>
    [Required]
    public string PollCron { get; set; } = "* * * * *";

    /// <summary>How long one IMAP operation may take before the poll of that mailbox gives up (the others go on).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Hangfire workers reading mailboxes on each node (apart from the SLA's): mailboxes read at the same time.</summary>
    [Range(1, 64)]
    public int Workers { get; set; } = 4;

    /// <summary>Messages taken per poll and mailbox; the rest wait for the next poll.</summary>
    [Range(1, 1000)]
    public int BatchSize { get; set; } = 50;

    /// <summary>Automatic answers (acknowledgements, "which unit?") one sender gets a day at most: the loop guard.</summary>
    [Range(0, 100)]
    public int AutoRepliesPerSenderPerDay { get; set; } = 3;

    /// <summary>Mail larger than this is recorded without its attachments (a note says so), never refused silently.</summary>
    [Range(1024, 100L * 1024 * 1024)]
    public long MaxMessageBytes { get; set; } = 25L * 1024 * 1024;
}
