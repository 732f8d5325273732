using System.Security.Cryptography;
using System.Text;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Resources;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BalcaoVirtual.Web.Features.Channels.Email;

/// <summary>What one poll of a mailbox did. Skipped: mail set aside (no usable sender, or automatic and not part of a conversation).</summary>
public sealed record MailPollResult(int Stored, int Duplicates, int Skipped, int Bounces = 0);

/// <summary>
/// Reads one mailbox over IMAP: each message is fetched with BODY.PEEK (nothing is marked read by accident),
/// stored through the same atomic step as every channel (deduplicated on its Message-ID), and only then moved to the
/// processed folder (or given a keyword). A crash in between fetches it again next time, and the dedupe keeps one.
/// A reply joins its conversation by its headers; delivery reports mark our answer as not delivered; automatic and
/// list mail is never a new conversation.
/// </summary>
internal sealed partial class MailboxPoller(
    UnitCatalog catalog,
    InboundStore inbound,
    MailThreads threads,
    MailOriginals originals,
    MessageStatuses statuses,
    IOptions<MailOptions> options,
    TimeProvider time,
    ILogger<MailboxPoller> logger)
{
    /// <summary>Marks processed mail when the mailbox has no processed folder.</summary>
    public const string ProcessedKeyword = "BalcaoProcessado";

    /// <param name="mailboxId">The id of a unit or court with a mailbox.</param>
    public async Task<MailPollResult> PollAsync(string mailboxId, CancellationToken cancellationToken)
    {
        if (catalog.FindMailbox(mailboxId) is not { } mailbox)
        {
            return new MailPollResult(0, 0, 0);
        }

        using var activity = Infrastructure.Telemetry.BalcaoTracing.Source.StartActivity("mail.poll");
        activity?.SetTag("balcao.mailbox_id", mailbox.Id);
        var o = options.Value;
        var settings = mailbox.Settings;
        using var client = new ImapClient { Timeout = (int)o.Timeout.TotalMilliseconds };
        await client.ConnectAsync(settings.Imap.Host, settings.Imap.Port, Socket(settings.Imap.Security), cancellationToken).ConfigureAwait(false);
        await client.AuthenticateAsync(settings.Imap.User, o.Passwords.GetValueOrDefault(mailboxId, ""), cancellationToken).ConfigureAwait(false);
        var folder = await client.GetFolderAsync(settings.Folder, cancellationToken).ConfigureAwait(false);
        await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken).ConfigureAwait(false);
        IMailFolder? processed = null;
        if (settings.ProcessedFolder is { } name)
        {
            processed = await FolderAsync(client, name, cancellationToken).ConfigureAwait(false);
        }

        var query = processed is null ? SearchQuery.NotDeleted.And(SearchQuery.NotKeyword(ProcessedKeyword)) : SearchQuery.NotDeleted;
        var uids = (await folder.SearchAsync(query, cancellationToken).ConfigureAwait(false)).Take(o.BatchSize).ToList();
        var sizes = uids.Count == 0 ? [] : (await folder.FetchAsync(uids, MessageSummaryItems.Size | MessageSummaryItems.BodyStructure, cancellationToken).ConfigureAwait(false))
            .ToDictionary(s => s.UniqueId, s => s);
        var counts = new int[4]; // stored, duplicates, skipped, bounces
        foreach (var uid in uids)
        {
            var summary = sizes.GetValueOrDefault(uid);
            var tooLarge = summary?.Size > o.MaxMessageBytes;
            var message = tooLarge
                ? await HeadersAndTextAsync(folder, uid, summary!, cancellationToken).ConfigureAwait(false)
                : await folder.GetMessageAsync(uid, cancellationToken).ConfigureAwait(false);
            counts[(int)await TakeAsync(mailbox, message, folder.UidValidity, uid, tooLarge ? summary!.Size : null, cancellationToken).ConfigureAwait(false)]++;

            if (processed is not null)
            {
                await folder.MoveToAsync(uid, processed, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await folder.StoreAsync(uid, new StoreFlagsRequest(StoreAction.Add, [ProcessedKeyword]) { Silent = true }, cancellationToken).ConfigureAwait(false);
            }
        }

        await client.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
        return new MailPollResult(counts[0], counts[1], counts[2], counts[3]);
    }

    private enum Taken
    {
        Stored,
        Duplicate,
        Skipped,
        Bounce,
    }

    /// <summary>Decides what one mail is and stores it; the caller then moves it aside whatever happened.</summary>
    private async Task<Taken> TakeAsync(Mailbox mailbox, MimeMessage message, uint uidValidity, UniqueId uid, uint? tooLargeSize, CancellationToken cancellationToken)
    {
        var kind = MailHeaders.Classify(message);
        if (kind == MailKind.Bounce)
        {
            await BouncedAsync(mailbox, message).ConfigureAwait(false);
            return Taken.Bounce;
        }

        var thread = await threads.FindAsync(message, mailbox.Address).ConfigureAwait(false);
        if (kind != MailKind.Personal && thread is null)
        {
            // An out-of-office or a newsletter that answers nothing of ours: not a citizen's question.
            LogSetAside(logger, mailbox.Id, uid.Id, kind);
            return Taken.Skipped;
        }

        var note = tooLargeSize is { } size
            ? Texts.Format("MailTooLarge", Megabytes(size), Megabytes(options.Value.MaxMessageBytes))
            : null;
        if (ToInbound(message, mailbox, uidValidity, uid, kind, thread, note) is not { } mail)
        {
            LogSkipped(logger, mailbox.Id, uid.Id);
            return Taken.Skipped;
        }

        var result = await inbound.AppendAsync(mail).ConfigureAwait(false);
        if (message.MessageId is { Length: > 0 } id)
        {
            await threads.RememberAsync(result.ConversationId, id).ConfigureAwait(false);
        }

        if (tooLargeSize is null && (message.Attachments.Any() || message.HtmlBody is not null))
        {
            await originals.StoreAsync(result.ConversationId, result.MessageId, message, cancellationToken).ConfigureAwait(false);
        }

        if (!result.IsNew)
        {
            return Taken.Duplicate;
        }

        LogStored(logger, mailbox.Id, result.ConversationId);
        return Taken.Stored;
    }

    /// <summary>A delivery report about one of our answers marks that answer "undelivered" in its conversation.</summary>
    private async Task BouncedAsync(Mailbox mailbox, MimeMessage report)
    {
        var original = MailHeaders.BouncedMessageId(report);
        var conversationId = original is null ? null : await threads.FindByMessageIdAsync(original).ConfigureAwait(false);
        if (original is null || conversationId is null || !original.StartsWith("balcao.", StringComparison.Ordinal))
        {
            LogBounceUnmatched(logger, mailbox.Id);
            return;
        }

        var messageId = original["balcao.".Length..original.IndexOf('@', StringComparison.Ordinal)];
        var updated = await statuses.ApplyAsync(conversationId, messageId, m => m.Direction == MessageDirection.Outbound
            ? m with { Status = "undelivered", ErrorCode = "bounced", StatusAt = time.GetUtcNow() }
            : null).ConfigureAwait(false);
        LogBounce(logger, mailbox.Id, conversationId, messageId, updated is not null);
    }

    /// <summary>The headers and the text part of a mail over the size limit; its attachments stay on the mail server.</summary>
    private static async Task<MimeMessage> HeadersAndTextAsync(IMailFolder folder, UniqueId uid, IMessageSummary summary, CancellationToken cancellationToken)
    {
        var headers = await folder.GetHeadersAsync(uid, cancellationToken).ConfigureAwait(false);
        var message = new MimeMessage();
        message.Headers.Clear();
        foreach (var header in headers)
        {
            message.Headers.Add(header);
        }

        if ((summary.TextBody ?? (BodyPart?)summary.HtmlBody) is { } part)
        {
            message.Body = await folder.GetBodyPartAsync(uid, part, cancellationToken).ConfigureAwait(false);
        }

        return message;
    }

    private static string Megabytes(long bytes) => (bytes / 1024d / 1024d).ToString("0.#", System.Globalization.CultureInfo.GetCultureInfo("pt-BR")) + " MB";

    /// <summary>The message as the conversation store takes it; null for mail without a usable sender.</summary>
    internal static InboundMessage? ToInbound(
        MimeMessage message, Mailbox mailbox, uint uidValidity, UniqueId uid, MailKind kind = MailKind.Personal, string? thread = null, string? note = null)
    {
        // The sender is From: a Reply-To only says where answers go (Mallory's mail with Reply-To: Beatriz is Mallory's).
        // Except mail the court's own systems relay (a contact form "From: noreply@<the mailbox's domain>"), which
        // speaks for the citizen in its Reply-To.
        if (ContactAddress.FromEmail(message.From.Mailboxes.FirstOrDefault()?.Address) is not { } contact)
        {
            return null;
        }

        var replyTo = ContactAddress.FromEmail(message.ReplyTo.Mailboxes.FirstOrDefault()?.Address);
        if (replyTo is not null && Domain(contact.Normalized) == Domain(mailbox.Address.ToLowerInvariant()))
        {
            (contact, replyTo) = (replyTo, null);
        }

        // The provider id is the Message-ID (the same mail seen again is one message); without one, the IMAP identity.
        var providerId = "mail:" + Digest(message.MessageId is { Length: > 0 } id ? id : $"{mailbox.Address}:{uidValidity}:{uid.Id}");
        var body = message.TextBody ?? (message.HtmlBody is { } html ? HtmlText.ToPlain(html) : "");
        var (fresh, quoted) = MailQuotes.Split(body);
        var subject = string.IsNullOrWhiteSpace(message.Subject) ? "" : message.Subject.Trim();
        var text = string.Join("\n\n", new[] { subject, fresh, note }.Where(t => !string.IsNullOrEmpty(t)));
        var attachments = note is null ? message.Attachments.ToList() : [];
        return new InboundMessage(
            contact,
            providerId,
            text,
            [.. attachments.Select((a, i) => $"attachment:{i}/{a.ContentDisposition?.FileName ?? a.ContentType.Name ?? "anexo"}")],
            message.From.Mailboxes.FirstOrDefault()?.Name,
            mailbox.UnitId,
            mailbox.Address,
            MediaTypes: [.. attachments.Select(a => a.ContentType.MimeType)],
            Mail: new InboundMail(message.MessageId, subject, quoted, kind != MailKind.Personal, thread,
                replyTo is not null && replyTo.Normalized != contact.Normalized ? replyTo.Raw : null));
    }

    /// <summary>The processed folder, created level by level when missing ("Balcao/Processadas": '/' stands for the server's own separator).</summary>
    private static async Task<IMailFolder> FolderAsync(ImapClient client, string name, CancellationToken cancellationToken)
    {
        var folder = client.GetFolder(client.PersonalNamespaces[0]);
        foreach (var level in name.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var subfolders = await folder.GetSubfoldersAsync(false, cancellationToken).ConfigureAwait(false);
            folder = subfolders.FirstOrDefault(f => f.Name == level)
                ?? await folder.CreateAsync(level, true, cancellationToken).ConfigureAwait(false)
                ?? throw new InvalidOperationException($"The IMAP server did not create the folder '{level}' of '{name}'.");
        }

        return folder;
    }

    internal static SecureSocketOptions Socket(MailSecurity security) => security switch
    {
        MailSecurity.Ssl => SecureSocketOptions.SslOnConnect,
        MailSecurity.StartTls => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.None,
    };

    private static string Domain(string address) => address[(address.LastIndexOf('@') + 1)..];

    private static string Digest(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail of mailbox {MailboxId} stored in conversation {ConversationId}")]
    private static partial void LogStored(ILogger logger, string mailboxId, string conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail UID {Uid} of mailbox {MailboxId} has no usable sender; set aside as processed")]
    private static partial void LogSkipped(ILogger logger, string mailboxId, uint uid);

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail UID {Uid} of mailbox {MailboxId} is {Kind} mail outside any conversation; set aside as processed")]
    private static partial void LogSetAside(ILogger logger, string mailboxId, uint uid, MailKind kind);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery report in mailbox {MailboxId} about message {MessageId} of conversation {ConversationId} (marked undelivered: {Marked})")]
    private static partial void LogBounce(ILogger logger, string mailboxId, string conversationId, string messageId, bool marked);

    [LoggerMessage(Level = LogLevel.Information, Message = "Delivery report in mailbox {MailboxId} about no answer of ours; set aside")]
    private static partial void LogBounceUnmatched(ILogger logger, string mailboxId);
}
