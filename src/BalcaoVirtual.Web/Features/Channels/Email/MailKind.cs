using MimeKit;

namespace BalcaoVirtual.Web.Features.Channels.Email;

/// <summary>What kind of sender wrote a mail, for the loop rules (protocols.md §7).</summary>
public enum MailKind
{
    /// <summary>A person: stored, acknowledged, answered.</summary>
    Personal,

    /// <summary>An automatic reply (Auto-Submitted other than "no", X-Autoreply, Precedence: auto_reply): never answered.</summary>
    Automatic,

    /// <summary>Bulk or list mail (Precedence bulk/list/junk, List-Id, List-Unsubscribe): never answered.</summary>
    Bulk,

    /// <summary>A delivery report (multipart/report, MAILER-DAEMON, postmaster): marks our answer as not delivered.</summary>
    Bounce,
}

/// <summary>Reads the headers that decide whether a mail may be answered, and what it threads to.</summary>
internal static class MailHeaders
{
    private static readonly string[] DeliveryHeaders = ["Delivered-To", "X-Original-To"];

    public static MailKind Classify(MimeMessage message)
    {
        var headers = message.Headers;
        var sender = message.From.Mailboxes.FirstOrDefault()?.LocalPart ?? "";
        if (message.Body is MultipartReport { ReportType: var type } && type?.Equals("delivery-status", StringComparison.OrdinalIgnoreCase) == true
            || sender.Equals("mailer-daemon", StringComparison.OrdinalIgnoreCase)
            || sender.Equals("postmaster", StringComparison.OrdinalIgnoreCase))
        {
            return MailKind.Bounce;
        }

        var autoSubmitted = headers["Auto-Submitted"]?.Trim();
        var precedence = headers["Precedence"]?.Trim().ToLowerInvariant();
        if ((autoSubmitted is { Length: > 0 } && !autoSubmitted.StartsWith("no", StringComparison.OrdinalIgnoreCase))
            || headers.Contains("X-Autoreply") || headers.Contains("X-Autorespond") || precedence == "auto_reply")
        {
            return MailKind.Automatic;
        }

        return precedence is "bulk" or "list" or "junk" || headers.Contains("List-Id") || headers.Contains("List-Unsubscribe")
            ? MailKind.Bulk
            : MailKind.Personal;
    }

    /// <summary>The Message-IDs a reply points at, most telling first: In-Reply-To, then References from the newest.</summary>
    public static IEnumerable<string> ThreadIds(MimeMessage message)
    {
        if (!string.IsNullOrWhiteSpace(message.InReplyTo))
        {
            yield return message.InReplyTo;
        }

        foreach (var id in message.References.Reverse().Take(20))
        {
            yield return id;
        }
    }

    /// <summary>The token of a plus address of <paramref name="mailbox"/> the mail was sent to ("vt7+TOKEN@…"), if any.</summary>
    public static string? PlusToken(MimeMessage message, string mailbox)
    {
        var at = mailbox.LastIndexOf('@');
        if (at <= 0)
        {
            return null;
        }

        var (local, domain) = (mailbox[..at], mailbox[(at + 1)..]);
        var recipients = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Select(m => m.Address)
            .Concat(DeliveryHeaders.Select(h => message.Headers[h]).OfType<string>().Select(v => v.Trim().Trim('<', '>')));
        foreach (var address in recipients)
        {
            var sep = address.LastIndexOf('@');
            if (sep > 0 && address[(sep + 1)..].Equals(domain, StringComparison.OrdinalIgnoreCase)
                && address[..sep].StartsWith(local + "+", StringComparison.OrdinalIgnoreCase) && address.Length - sep < 256)
            {
                var token = address[(local.Length + 1)..sep];
                return token.Length is > 0 and <= 64 && token.All(char.IsAsciiLetterOrDigit) ? token.ToLowerInvariant() : null;
            }
        }

        return null;
    }

    /// <summary>The Message-ID of the mail a delivery report is about (its returned message or headers: message/rfc822 and text/rfc822-headers are both MessageParts to MimeKit), if it says.</summary>
    public static string? BouncedMessageId(MimeMessage report)
    {
        foreach (var part in report.BodyParts)
        {
            switch (part)
            {
                case MessagePart { Message: { } returned } when !string.IsNullOrEmpty(returned.MessageId):
                    return returned.MessageId;
                case MimePart text when text.ContentType.IsMimeType("text", "rfc822-headers"):
                    using (var stream = new MemoryStream())
                    {
                        text.Content?.DecodeTo(stream);
                        stream.Position = 0;
                        HeaderList list;
                        try
                        {
                            list = HeaderList.Load(stream);
                        }
                        catch (FormatException)
                        {
                            break; // returned headers too broken to read: the report names no message of ours
                        }

                        if (list["Message-ID"] is { } value && MimeKit.Utils.MimeUtils.EnumerateReferences(value).FirstOrDefault() is { } id)
                        {
                            return id;
                        }
                    }

                    break;
            }
        }

        return null;
    }
}
