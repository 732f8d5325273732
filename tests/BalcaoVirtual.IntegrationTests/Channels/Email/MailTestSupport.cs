using System.Text;
using System.Text.Json.Nodes;
using BalcaoVirtual.IntegrationTests.Support;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using MimeKit;

namespace BalcaoVirtual.IntegrationTests.Channels.Email;

/// <summary>The test Dovecot (each test its own IMAP user, so its own mailbox) and the test SMTP server's Maildir.</summary>
internal static class MailTestSupport
{
    public const string Unit = "trt8-vt-macapa-7";
    public const string UnitAddress = "vt7macapa@trt8.jus.br";
    public const string Processed = "Balcao/Processadas";
    public const string CourtAddress = "balcao@trt8.jus.br";

    /// <summary>A case number of Macapá's (origin code 0210), with valid check digits.</summary>
    public static readonly string Macapa = BalcaoVirtual.Web.Features.Court.CnjNumber.Create(1234, 2025, 5, 8, 210).Canonical;

    public static string NewUser(string prefix = "vt7") => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A citizen address no other test uses (the Maildir is shared).</summary>
    public static string NewCitizen(string name = "cidada") => $"{name}.{Guid.NewGuid():N}"[..(name.Length + 13)] + "@exemplo.com.br";

    public static (string Host, int Port) Imap() =>
        (TestServers.Imap[..TestServers.Imap.LastIndexOf(':')], int.Parse(TestServers.Imap[(TestServers.Imap.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    public static JsonObject Mailbox(string user, int? port = null, bool plus = false, bool ownSmtp = false)
    {
        var mailbox = new JsonObject
        {
            ["imap"] = new JsonObject { ["host"] = Imap().Host, ["port"] = port ?? Imap().Port, ["security"] = "none", ["user"] = user },
            ["processedFolder"] = Processed,
            ["plusAddressing"] = plus,
        };
        if (ownSmtp)
        {
            var smtp = TestServers.Smtp;
            mailbox["smtp"] = new JsonObject
            {
                ["host"] = smtp[..smtp.LastIndexOf(':')], ["port"] = int.Parse(smtp[(smtp.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture),
                ["security"] = "none", ["user"] = user,
            };
        }

        return mailbox;
    }

    /// <summary>The sample catalogue with Macapá's mailbox on the test Dovecot as <paramref name="user"/>; answers go to the test SMTP server.</summary>
    public static Dictionary<string, string?> Settings(string user, int? port = null, bool plus = false, bool ownSmtp = false, string? courtUser = null)
    {
        var path = TestServers.SampleCatalog(doc =>
        {
            doc["units"]!.AsArray().Single(u => (string?)u!["id"] == Unit)!["mailbox"] = Mailbox(user, port, plus, ownSmtp);
            if (courtUser is not null)
            {
                var court = doc["courts"]![0]!;
                court["email"] = CourtAddress;
                court["mailbox"] = Mailbox(courtUser);
            }
        });
        var settings = TestServers.SmtpSettings();
        settings["Units:Catalog"] = path;
        settings[$"Mail:Passwords:{Unit}"] = TestServers.ImapPassword;
        settings["Mail:Passwords:TRT8"] = TestServers.ImapPassword;
        settings["Mail:Timeout"] = "00:00:05";
        return settings;
    }

    public static MimeMessage Mail(string from, string subject, string body, string charset = "utf-8", string to = UnitAddress)
    {
        var part = new TextPart("plain");
        part.SetText(Encoding.GetEncoding(charset), body);
        part.ContentTransferEncoding = ContentEncoding.QuotedPrintable;
        return new MimeMessage([MailboxAddress.Parse(from)], [MailboxAddress.Parse(to)], subject, part)
        {
            MessageId = Guid.NewGuid().ToString("N") + "@" + from.Split('@')[1],
        };
    }

    public static async Task<ImapClient> ConnectAsync(string user)
    {
        var client = new ImapClient();
        await client.ConnectAsync(Imap().Host, Imap().Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, TestServers.ImapPassword);
        return client;
    }

    /// <summary>Delivers mail into the user's INBOX, as the unit's mail server would.</summary>
    public static async Task AppendAsync(string user, params MimeMessage[] messages)
    {
        using var client = await ConnectAsync(user);
        foreach (var message in messages)
        {
            await client.Inbox.AppendAsync(message);
        }

        await client.DisconnectAsync(true);
    }

    public static async Task<int> CountAsync(string user, string folderName)
    {
        using var client = await ConnectAsync(user);
        var folder = await client.GetFolderAsync(folderName.Replace('/', client.PersonalNamespaces[0].DirectorySeparator));
        await folder.OpenAsync(FolderAccess.ReadOnly);
        var count = folder.Count;
        await client.DisconnectAsync(true);
        return count;
    }

    /// <summary>The mail the test SMTP server received for <paramref name="to"/>, oldest first.</summary>
    public static IReadOnlyList<MimeMessage> Received(string to)
    {
        var found = new List<(DateTime At, MimeMessage Message)>();
        foreach (var folder in new[] { "new", "cur" }.Select(f => Path.Combine(TestServers.Maildir, f)).Where(Directory.Exists))
        {
            foreach (var file in Directory.EnumerateFiles(folder))
            {
                try
                {
                    var message = MimeMessage.Load(file);
                    if (message.To.Mailboxes.Any(m => m.Address.Equals(to, StringComparison.OrdinalIgnoreCase)))
                    {
                        found.Add((File.GetLastWriteTimeUtc(file), message));
                    }
                }
                catch (IOException)
                {
                    // being written
                }
            }
        }

        return [.. found.OrderBy(f => f.At).ThenBy(f => f.Message.Date).Select(f => f.Message)];
    }

    /// <summary>Waits until the SMTP server received <paramref name="count"/> mails for <paramref name="to"/>.</summary>
    public static async Task<IReadOnlyList<MimeMessage>> ReceivedAsync(string to, int count)
    {
        IReadOnlyList<MimeMessage> mail = [];
        await TestServers.WaitUntilAsync(() => Task.FromResult((mail = Received(to)).Count >= count), TimeSpan.FromSeconds(20), $"{count} mail(s) to the citizen");
        return mail;
    }
}
