using System.Text;
using System.Text.Json.Nodes;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Channels.Email;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure.Storage;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Security;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;

namespace BalcaoVirtual.IntegrationTests.Channels;

/// <summary>Each unit's mailbox read over IMAP, against a real Dovecot: into the unit's inbox, once, and moved aside.</summary>
public sealed class MailboxPollerTests
{
    private const string Unit = "trt8-vt-macapa-7";
    private const string Processed = "Balcao/Processadas";

    [Test]
    public async Task Poll_StoresEachMailInTheUnitsInbox_Once_DecodedAndAsText_AndMovesIt()
    {
        var user = "vt7-" + Guid.NewGuid().ToString("N")[..8];
        await using var bot = await BotHarness.StartAsync(Settings(user));
        var plain = Mail("advogada@escritorio.adv.br", "Processo 0001234-56.2025.5.08.0210", "Bom dia. Peço informações sobre a audiência.", "utf-8");
        var latin1 = Mail("cidadao@exemplo.com.br", "Ação trabalhista", "Não recebi a notificação da audiência de conciliação.", "iso-8859-1");
        var html = new MimeMessage([new MailboxAddress("Maria", "maria@exemplo.com.br")], [MailboxAddress.Parse("vt7macapa@trt8.jus.br")], "Dúvida",
            new TextPart("html") { Text = "<html><head><style>p{color:red}</style></head><body><p>Olá,</p><p>quando é minha audiência?<script>alert(1)</script></p></body></html>" })
        { MessageId = "html-1@exemplo.com.br" };
        await AppendAsync(user, plain, latin1, html);

        var poller = bot.Factory.Services.GetRequiredService<MailboxPoller>();
        var first = await poller.PollAsync(Unit, CancellationToken.None);
        Assert.That(first, Is.EqualTo(new MailPollResult(3, 0, 0)));

        var store = bot.Factory.Services.GetRequiredService<ConversationStore>();
        IReadOnlyList<(Conversation Conversation, IReadOnlyList<Message> Messages)> stored = [];
        await TestServers.WaitUntilAsync(async () =>
        {
            var page = await store.ListAsync([Unit], [ConversationState.Waiting], 1, 10);
            stored = [.. await Task.WhenAll(page.Items.Select(async c => (c, (IReadOnlyList<Message>)await store.GetMessagesAsync(c.Id))))];
            return stored.Count == 3;
        }, TimeSpan.FromSeconds(20), "three e-mail conversations waiting for the unit");
        var texts = stored.ToDictionary(s => s.Conversation.ContactAddress, s => s.Messages.Single().Text);
        Assert.Multiple(() =>
        {
            Assert.That(stored.All(s => s.Conversation.Channel == Channel.Email && s.Conversation.DueAt is not null), "waiting with a deadline");
            Assert.That(texts["advogada@escritorio.adv.br"], Is.EqualTo("Processo 0001234-56.2025.5.08.0210\n\nBom dia. Peço informações sobre a audiência."));
            Assert.That(texts["cidadao@exemplo.com.br"], Does.Contain("Não recebi a notificação"), "Latin-1 decoded");
            Assert.That(texts["maria@exemplo.com.br"], Is.EqualTo("Dúvida\n\nOlá,\n\nquando é minha audiência?"), "HTML as text, no script or style");
            Assert.That(stored.SelectMany(s => s.Messages).All(m => m.Direction == MessageDirection.Inbound), "no chatbot menu sent by e-mail");
        });

        Assert.That(await CountAsync(user, "INBOX"), Is.Zero);
        Assert.That(await CountAsync(user, Processed), Is.EqualTo(3));

        // The same mail delivered again (a resend, or a crash before the move): stored once.
        await AppendAsync(user, plain);
        Assert.That(await poller.PollAsync(Unit, CancellationToken.None), Is.EqualTo(new MailPollResult(0, 1, 0)));
    }

    [Test]
    public async Task Poll_OfAnUnreachableMailbox_IsReportedAsItsStatus_CountingFailuresInARow()
    {
        var user = "vt7-" + Guid.NewGuid().ToString("N")[..8];
        var settings = Settings(user, port: TestServers.FreePort());
        await using var bot = await BotHarness.StartAsync(settings);
        var jobs = bot.Factory.Services.GetRequiredService<MailJobs>();
        var keys = bot.Factory.Services.GetRequiredService<RedisKeys>();
        var db = bot.Factory.Services.GetRequiredService<RedisConnections>().GetDatabase();

        await jobs.PollAsync(Unit);
        await jobs.PollAsync(Unit);

        Assert.That((string?)await db.HashGetAsync(keys.MailboxStatus(Unit), "failures"), Is.EqualTo("2"));
        Assert.That((string?)await db.HashGetAsync(keys.MailboxStatus(Unit), "lastError"), Does.EndWith("Exception"));
    }

    private static MimeMessage Mail(string from, string subject, string body, string charset)
    {
        var part = new TextPart("plain");
        part.SetText(Encoding.GetEncoding(charset), body);
        part.ContentTransferEncoding = ContentEncoding.QuotedPrintable;
        return new MimeMessage([MailboxAddress.Parse(from)], [MailboxAddress.Parse("vt7macapa@trt8.jus.br")], subject, part)
        {
            MessageId = Guid.NewGuid().ToString("N") + "@" + from.Split('@')[1],
        };
    }

    private static (string Host, int Port) Server() =>
        (TestServers.Imap[..TestServers.Imap.LastIndexOf(':')], int.Parse(TestServers.Imap[(TestServers.Imap.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>The sample catalogue with Macapá's mailbox on the test Dovecot, as user <paramref name="user"/> (a mailbox of its own).</summary>
    private static Dictionary<string, string?> Settings(string user, int? port = null)
    {
        var path = TestServers.SampleCatalogWith(Unit, unit => unit["mailbox"] = new JsonObject
        {
            ["imap"] = new JsonObject { ["host"] = Server().Host, ["port"] = port ?? Server().Port, ["security"] = "none", ["user"] = user },
            ["processedFolder"] = Processed,
        });
        return new()
        {
            ["Units:Catalog"] = path,
            [$"Mail:Passwords:{Unit}"] = TestServers.ImapPassword,
            ["Mail:Timeout"] = "00:00:05",
        };
    }

    private static async Task<ImapClient> ConnectAsync(string user)
    {
        var client = new ImapClient();
        await client.ConnectAsync(Server().Host, Server().Port, SecureSocketOptions.None);
        await client.AuthenticateAsync(user, TestServers.ImapPassword);
        return client;
    }

    private static async Task AppendAsync(string user, params MimeMessage[] messages)
    {
        using var client = await ConnectAsync(user);
        foreach (var message in messages)
        {
            await client.Inbox.AppendAsync(message);
        }

        await client.DisconnectAsync(true);
    }

    private static async Task<int> CountAsync(string user, string folderName)
    {
        using var client = await ConnectAsync(user);
        var folder = await client.GetFolderAsync(folderName.Replace('/', client.PersonalNamespaces[0].DirectorySeparator));
        await folder.OpenAsync(FolderAccess.ReadOnly);
        var count = folder.Count;
        await client.DisconnectAsync(true);
        return count;
    }
}
