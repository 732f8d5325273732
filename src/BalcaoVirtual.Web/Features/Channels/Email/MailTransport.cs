using System.Text;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Units;
using BalcaoVirtual.Web.Infrastructure.Mail;
using BalcaoVirtual.Web.Resources;
using MailKit.Net.Smtp;
using Microsoft.Extensions.Options;
using MimeKit;

namespace BalcaoVirtual.Web.Features.Channels.Email;

/// <summary>
/// Answers e-mail conversations from the mailbox the citizen wrote to, over that mailbox's SMTP server (or the
/// service's own, <c>Smtp:*</c>, when the mailbox names none). The mail keeps the thread: a Message-ID tied to the
/// conversation, In-Reply-To the citizen's last mail, References the thread, "Re:" and the first subject, a
/// plus-addressed Reply-To where the mailbox allows it, and both a plain-text and an HTML part.
/// </summary>
internal sealed class MailTransport(
    UnitCatalog catalog,
    ConversationStore conversations,
    MailThreads threads,
    IMailSender serviceSmtp,
    IOptions<MailOptions> options) : IOutboundTransport
{
    public async Task<SendOutcome> SendAsync(Conversation conversation, Message message, CancellationToken cancellationToken)
    {
        if (catalog.FindMailboxByAddress(conversation.ChannelAddress) is not { } mailbox)
        {
            return new SendOutcome.Failed("no-mailbox", "the mailbox this conversation came to is no longer in the catalogue");
        }

        var mail = await ComposeAsync(mailbox, conversation, message).ConfigureAwait(false);
        var mailId = MailThreads.OutboundMessageId(message.Id, mailbox.Address);
        // Remembered first: a citizen who answers within a second still lands in this conversation.
        await threads.RememberAsync(conversation.Id, mailId).ConfigureAwait(false);
        if (mailbox.Settings.PlusAddressing)
        {
            await threads.RememberTokenAsync(conversation.Id).ConfigureAwait(false);
        }

        try
        {
            if (mailbox.Settings.Smtp is { } smtp)
            {
                await SendOwnAsync(mailbox, smtp, mail, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await serviceSmtp.SendAsync(mail, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (SmtpCommandException ex) when ((int)ex.StatusCode >= 500)
        {
            // 5xx: refused for good (no such mailbox, policy); the inbox shows the failure.
            return new SendOutcome.Failed($"smtp-{(int)ex.StatusCode}", ex.ErrorCode.ToString());
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // 4xx, a dropped connection, a timeout or a refused login: tried again with backoff; the same Message-ID
            // makes a mail that did get through the first time one mail to the citizen's program.
            return new SendOutcome.Retry(ex.GetType().Name);
        }

        return new SendOutcome.Sent(mailId, "sent");
    }

    private async Task<MimeMessage> ComposeAsync(Mailbox mailbox, Conversation conversation, Message message)
    {
        var thread = await conversations.GetMessagesAsync(conversation.Id).ConfigureAwait(false);
        var ids = thread
            .Where(m => m.CreatedAt <= message.CreatedAt && m.Id != message.Id && m.Channel == Channel.Email)
            .Select(m => m.Direction == MessageDirection.Inbound ? m.MailId
                : m.Direction == MessageDirection.Outbound && m.SentAt is not null ? MailThreads.OutboundMessageId(m.Id, mailbox.Address) : null)
            .OfType<string>()
            .ToList();
        var lastInbound = thread.LastOrDefault(m => m.Direction == MessageDirection.Inbound && m.MailId is not null && m.CreatedAt <= message.CreatedAt);

        var mail = new MimeMessage
        {
            MessageId = MailThreads.OutboundMessageId(message.Id, mailbox.Address),
            Subject = Subject(conversation.Subject, mailbox.DisplayName),
            Date = message.CreatedAt,
        };
        mail.From.Add(new MailboxAddress(mailbox.DisplayName, mailbox.Address));
        // A clerk's answer goes to the citizen's latest Reply-To, which the clerk saw above the mail; the chatbot's
        // automatic messages only ever to the sender, or a forged Reply-To would turn them on someone else's mailbox.
        // Only the citizen's own mail says where they want answers (a third party in the thread does not).
        mail.To.Add(message.Author == MessageAuthor.Clerk && lastInbound is { From: null, ReplyTo: { } replyTo }
            ? MailboxAddress.Parse(replyTo)
            : new MailboxAddress(conversation.ContactName ?? "", conversation.ContactAddress));
        if (mailbox.Settings.PlusAddressing)
        {
            var at = mailbox.Address.LastIndexOf('@');
            mail.ReplyTo.Add(new MailboxAddress(mailbox.DisplayName,
                $"{mailbox.Address[..at]}+{MailThreads.TokenOf(conversation.Id)}{mailbox.Address[at..]}"));
        }

        if (lastInbound is not null)
        {
            mail.InReplyTo = lastInbound.MailId;
        }

        // The first id and the latest ones: enough for any mail program, short enough for any server.
        foreach (var id in ids.Count <= 10 ? ids : [ids[0], .. ids[^9..]])
        {
            mail.References.Add(id);
        }

        if (message.Author is MessageAuthor.Bot or MessageAuthor.System)
        {
            // RFC 3834: a machine wrote this; other machines must not answer it (and Exchange not send out-of-office).
            mail.Headers.Add("Auto-Submitted", "auto-replied");
            mail.Headers.Add("X-Auto-Response-Suppress", "All");
        }

        var signature = Texts.Format("MailSignature", mailbox.DisplayName, mailbox.Court.Name);
        var body = new BodyBuilder
        {
            TextBody = $"{message.Text}\n\n-- \n{signature}\n",
            HtmlBody = Html(message.Text, signature),
        };
        mail.Body = body.ToMessageBody();
        return mail;
    }

    /// <summary>"Re: " and the citizen's first subject, so the answer sits in the citizen's thread.</summary>
    internal static string Subject(string? first, string unitName)
    {
        if (string.IsNullOrWhiteSpace(first))
        {
            return Texts.Format("MailSubjectDefault", unitName);
        }

        var subject = first.Trim();
        return subject.StartsWith("Re:", StringComparison.OrdinalIgnoreCase) ? subject : "Re: " + subject;
    }

    /// <summary>The answer as HTML: every character escaped, paragraphs and line breaks kept, nothing else.</summary>
    internal static string Html(string text, string signature)
    {
        var encoder = System.Text.Encodings.Web.HtmlEncoder.Create(System.Text.Unicode.UnicodeRanges.All);
        var html = new StringBuilder("<!DOCTYPE html><html lang=\"pt-BR\"><head><meta charset=\"utf-8\"></head><body>");
        foreach (var paragraph in text.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            html.Append("<p>").Append(string.Join("<br>", paragraph.Split('\n').Select(encoder.Encode))).Append("</p>");
        }

        html.Append("<p style=\"color:#555\">").Append(string.Join("<br>", signature.Split('\n').Select(encoder.Encode))).Append("</p></body></html>");
        return html.ToString();
    }

    private async Task SendOwnAsync(Mailbox mailbox, MailServer smtp, MimeMessage mail, CancellationToken cancellationToken)
    {
        using var client = new SmtpClient { Timeout = (int)options.Value.Timeout.TotalMilliseconds };
        await client.ConnectAsync(smtp.Host, smtp.Port, MailboxPoller.Socket(smtp.Security), cancellationToken).ConfigureAwait(false);
        // A relay that offers no AUTH (it trusts the court's network) is used as it is.
        if (options.Value.Passwords.GetValueOrDefault(mailbox.Id) is { Length: > 0 } password && client.Capabilities.HasFlag(SmtpCapabilities.Authentication))
        {
            await client.AuthenticateAsync(smtp.User, password, cancellationToken).ConfigureAwait(false);
        }

        await client.SendAsync(mail, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(true, cancellationToken).ConfigureAwait(false);
    }
}
