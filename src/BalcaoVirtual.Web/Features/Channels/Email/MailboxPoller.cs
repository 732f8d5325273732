using System.Security.Cryptography;
using System.Text;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Units;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BalcaoVirtual.Web.Features.Channels.Email;

/// <summary>What one poll of a mailbox did.</summary>
public sealed record MailPollResult(int Stored, int Duplicates, int Skipped);

/// <summary>
/// Reads one unit's mailbox over IMAP: each message is fetched with BODY.PEEK (nothing is marked read by accident),
/// stored through the same atomic step as every channel (deduplicated on its Message-ID), and only then moved to the
/// processed folder (or given a keyword). A crash in between fetches it again next time, and the dedupe keeps one.
/// </summary>
internal sealed partial class MailboxPoller(
    UnitCatalog catalog, InboundStore inbound, IOptions<MailOptions> options, ILogger<MailboxPoller> logger)
{
    /// <summary>Marks processed mail when the mailbox has no processed folder.</summary>
    public const string ProcessedKeyword = "BalcaoProcessado";

    public async Task<MailPollResult> PollAsync(string unitId, CancellationToken cancellationToken)
    {
        var unit = catalog.Find(unitId);
        if (unit?.Mailbox is not { } mailbox || unit.Channels.Email is not { } address)
        {
            return new MailPollResult(0, 0, 0);
        }

        var o = options.Value;
        using var client = new ImapClient { Timeout = (int)o.Timeout.TotalMilliseconds };
        await client.ConnectAsync(mailbox.Imap.Host, mailbox.Imap.Port, Socket(mailbox.Imap.Security), cancellationToken).ConfigureAwait(false);
        await client.AuthenticateAsync(mailbox.Imap.User, o.Passwords.GetValueOrDefault(unitId, ""), cancellationToken).ConfigureAwait(false);
        var folder = await client.GetFolderAsync(mailbox.Folder, cancellationToken).ConfigureAwait(false);
        await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken).ConfigureAwait(false);
        IMailFolder? processed = null;
        if (mailbox.ProcessedFolder is { } name)
        {
            processed = await FolderAsync(client, name, cancellationToken).ConfigureAwait(false);
        }

        var query = processed is null ? SearchQuery.NotDeleted.And(SearchQuery.NotKeyword(ProcessedKeyword)) : SearchQuery.NotDeleted;
        var uids = await folder.SearchAsync(query, cancellationToken).ConfigureAwait(false);
        int stored = 0, duplicates = 0, skipped = 0;
        foreach (var uid in uids.Take(o.BatchSize))
        {
            var message = await folder.GetMessageAsync(uid, cancellationToken).ConfigureAwait(false);
            var mail = ToInbound(message, unit, address, folder.UidValidity, uid);
            if (mail is null)
            {
                skipped++;
                LogSkipped(logger, unitId, uid.Id);
            }
            else
            {
                var result = await inbound.AppendAsync(mail).ConfigureAwait(false);
                if (result.IsNew)
                {
                    stored++;
                    LogStored(logger, unitId, result.ConversationId);
                }
                else
                {
                    duplicates++;
                }
            }

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
        return new MailPollResult(stored, duplicates, skipped);
    }

    /// <summary>The message as the conversation store takes it; null for mail without a usable sender.</summary>
    internal static InboundMessage? ToInbound(MimeMessage message, Unit unit, string mailboxAddress, uint uidValidity, UniqueId uid)
    {
        var from = (message.ReplyTo.Mailboxes.FirstOrDefault() ?? message.From.Mailboxes.FirstOrDefault())?.Address;
        if (ContactAddress.FromEmail(from) is not { } contact)
        {
            return null;
        }

        // The provider id is the Message-ID (the same mail seen again is one message); without one, the IMAP identity.
        var providerId = "mail:" + Digest(message.MessageId is { Length: > 0 } id ? id : $"{mailboxAddress}:{uidValidity}:{uid.Id}");
        var body = message.TextBody ?? (message.HtmlBody is { } html ? HtmlText.ToPlain(html) : "");
        var subject = string.IsNullOrWhiteSpace(message.Subject) ? "" : message.Subject.Trim();
        var text = subject.Length == 0 ? body.Trim() : $"{subject}\n\n{body.Trim()}";
        var attachments = message.Attachments.ToList();
        return new InboundMessage(
            contact,
            providerId,
            text,
            [.. attachments.Select((a, i) => $"mail:{uidValidity}:{uid.Id}/{i}/{Uri.EscapeDataString(a.ContentDisposition?.FileName ?? a.ContentType.Name ?? "anexo")}")],
            message.From.Mailboxes.FirstOrDefault()?.Name,
            unit.Id,
            mailboxAddress,
            MediaTypes: [.. attachments.Select(a => a.ContentType.MimeType)]);
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

    private static SecureSocketOptions Socket(MailSecurity security) => security switch
    {
        MailSecurity.Ssl => SecureSocketOptions.SslOnConnect,
        MailSecurity.StartTls => SecureSocketOptions.StartTls,
        _ => SecureSocketOptions.None,
    };

    private static string Digest(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];

    [LoggerMessage(Level = LogLevel.Information, Message = "Mail of unit {UnitId} stored in conversation {ConversationId}")]
    private static partial void LogStored(ILogger logger, string unitId, string conversationId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Mail UID {Uid} of unit {UnitId} has no usable sender; set aside as processed")]
    private static partial void LogSkipped(ILogger logger, string unitId, uint uid);
}
