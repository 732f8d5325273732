using System.Net.Http.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Channels.Email;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using static BalcaoVirtual.IntegrationTests.Channels.Email.MailTestSupport;

namespace BalcaoVirtual.IntegrationTests.Channels.Email;

/// <summary>Each unit's mailbox read over IMAP, against a real Dovecot: into the unit's inbox, once, and moved aside.</summary>
public sealed class MailboxPollerTests
{
    [Test]
    public async Task Poll_StoresEachMailInTheUnitsInbox_Once_DecodedAndAsText_AcknowledgedAndMoved()
    {
        var user = NewUser();
        await using var bot = await BotHarness.StartAsync(Settings(user));
        var (lawyer, citizen, maria) = (NewCitizen("advogada"), NewCitizen("cidadao"), NewCitizen("maria"));
        var plain = Mail(lawyer, "Processo " + Macapa, "Bom dia. Peço informações sobre a audiência.");
        var latin1 = Mail(citizen, "Ação trabalhista", "Não recebi a notificação da audiência de conciliação.", "iso-8859-1");
        var html = new MimeMessage([new MailboxAddress("Maria", maria)], [MailboxAddress.Parse(UnitAddress)], "Dúvida",
            new TextPart("html") { Text = "<html><head><style>p{color:red}</style></head><body><p>Olá,</p><p>quando é minha audiência?<script>alert(1)</script></p></body></html>" })
        { MessageId = "html-" + Guid.NewGuid().ToString("N") + "@exemplo.com.br" };
        await AppendAsync(user, plain, latin1, html);

        var poller = bot.Factory.Services.GetRequiredService<MailboxPoller>();
        var first = await poller.PollAsync(Unit, CancellationToken.None);
        Assert.That(first, Is.EqualTo(new MailPollResult(3, 0, 0)));

        var stored = await WaitingAsync(bot, 3);
        var texts = stored.ToDictionary(s => s.Conversation.ContactAddress, s => s.Messages.Single(m => m.Direction == MessageDirection.Inbound).Text);
        Assert.Multiple(() =>
        {
            Assert.That(stored.All(s => s.Conversation.Channel == Channel.Email && s.Conversation.DueAt is not null), "waiting with a deadline");
            Assert.That(texts[lawyer], Is.EqualTo($"Processo {Macapa}\n\nBom dia. Peço informações sobre a audiência."));
            Assert.That(texts[citizen], Does.Contain("Não recebi a notificação"), "Latin-1 decoded");
            Assert.That(texts[maria], Is.EqualTo("Dúvida\n\nOlá,\n\nquando é minha audiência?"), "HTML as text, no script or style");
            Assert.That(stored.Single(s => s.Conversation.ContactAddress == lawyer).Conversation.ProcessNumbers, Is.EqualTo(new[] { Macapa }));
        });

        // Each new e-mail conversation gets one acknowledgement: the unit, the deadline, the privacy notice; no chat menu.
        foreach (var address in new[] { lawyer, citizen, maria })
        {
            var ack = (await ReceivedAsync(address, 1)).Single();
            Assert.Multiple(() =>
            {
                Assert.That(ack.TextBody, Does.Contain("7ª Vara do Trabalho de Macapá").And.Contain("vai responder por escrito até").And.Contain("LGPD"));
                Assert.That(ack.TextBody, Does.Not.Contain("Digite"), "not the chatbot's menu");
                Assert.That(ack.Headers["Auto-Submitted"], Is.EqualTo("auto-replied"));
                Assert.That(ack.From.Mailboxes.Single().Address, Is.EqualTo(UnitAddress));
            });
        }

        Assert.That(await CountAsync(user, "INBOX"), Is.Zero);
        Assert.That(await CountAsync(user, Processed), Is.EqualTo(3));

        // The same mail delivered again (a resend, or a crash before the move): stored once.
        await AppendAsync(user, plain);
        Assert.That(await poller.PollAsync(Unit, CancellationToken.None), Is.EqualTo(new MailPollResult(0, 1, 0)));
    }

    [Test]
    public async Task AFirstMail_WithThePaymentDemand_IsFlaggedForTheUnit_AndItsAcknowledgementWarns()
    {
        var user = NewUser();
        await using var bot = await BotHarness.StartAsync(Settings(user));
        var victim = NewCitizen("vitima");
        await AppendAsync(user, Mail(victim, "Alvará", "O advogado pediu um PIX de R$ 500 para liberar meu alvará. Posso pagar?"));

        Assert.That(await bot.Factory.Services.GetRequiredService<MailboxPoller>().PollAsync(Unit, CancellationToken.None), Is.EqualTo(new MailPollResult(1, 0, 0)));

        var stored = (await WaitingAsync(bot, 1)).Single();
        Assert.That(stored.Conversation.PaymentWarningAt, Is.Not.Null, "flagged: the chip in the unit's list, the count in its report");
        Assert.That((await ReceivedAsync(victim, 1)).Single().TextBody, Does.Contain("o tribunal nunca pede PIX, boleto, depósito ou taxa por mensagem"));
    }

    [Test]
    public async Task Poll_OfAnUnreachableMailbox_IsReportedAsItsStatus_CountingFailuresInARow_ThenRecovers()
    {
        var user = NewUser();
        using var closed = TestServers.RefusingPort();
        await using var bot = await BotHarness.StartAsync(Settings(user, port: closed.Port));
        var jobs = bot.Factory.Services.GetRequiredService<MailJobs>();
        var keys = bot.Factory.Services.GetRequiredService<RedisKeys>();
        var db = bot.Factory.Services.GetRequiredService<RedisConnections>().GetDatabase();

        await jobs.PollAsync(Unit);
        await jobs.PollAsync(Unit);

        Assert.That((string?)await db.HashGetAsync(keys.MailboxStatus(Unit), "failures"), Is.EqualTo("2"));
        Assert.That((string?)await db.HashGetAsync(keys.MailboxStatus(Unit), "lastError"), Does.EndWith("Exception"));

        // Admins see it (and nobody else).
        using var admin = await bot.Factory.AdminClientAsync();
        var status = await admin.GetFromJsonAsync<System.Text.Json.JsonElement>("/api/mailboxes");
        var macapa = status.EnumerateArray().Single(m => m.GetProperty("id").GetString() == Unit);
        Assert.That(macapa.GetProperty("failures").GetInt32(), Is.EqualTo(2));
        Assert.That(macapa.GetProperty("lastError").GetString(), Does.EndWith("Exception"));
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidora@trt8.jus.br", clerkOf: [Unit]);
        Assert.That((int)(await clerk.GetAsync("/api/mailboxes")).StatusCode, Is.EqualTo(403));

        // The mailbox comes back (here: the same service pointed at the running server): the next poll clears the failures.
        await using var fixedBot = await BotHarness.StartAsync(Settings(user));
        var fixedJobs = fixedBot.Factory.Services.GetRequiredService<MailJobs>();
        var fixedKeys = fixedBot.Factory.Services.GetRequiredService<RedisKeys>();
        var fixedDb = fixedBot.Factory.Services.GetRequiredService<RedisConnections>().GetDatabase();
        await fixedJobs.PollAsync(Unit);
        await fixedJobs.PollAsync(Unit);
        Assert.That((string?)await fixedDb.HashGetAsync(fixedKeys.MailboxStatus(Unit), "failures"), Is.EqualTo("0"));
        Assert.That((string?)await fixedDb.HashGetAsync(fixedKeys.MailboxStatus(Unit), "lastOkAt"), Is.Not.Empty);
    }

    [Test]
    public async Task PollJob_WhileAnEarlierPollStillReadsTheMailbox_IsSkipped_AndTheNextOneReadsIt()
    {
        var user = NewUser();
        await using var bot = await BotHarness.StartAsync(Settings(user));
        var jobs = bot.Factory.Services.GetRequiredService<MailJobs>();
        var keys = bot.Factory.Services.GetRequiredService<RedisKeys>();
        var db = bot.Factory.Services.GetRequiredService<RedisConnections>().GetDatabase();
        await AppendAsync(user, Mail(NewCitizen(), "Dúvida", "Qual o horário do balcão?"));

        await db.StringSetAsync(keys.MailboxPolling(Unit), "another-node", TimeSpan.FromMinutes(1));
        await jobs.PollAsync(Unit);
        Assert.That(await CountAsync(user, "INBOX"), Is.EqualTo(1), "not read twice at once");

        await db.KeyDeleteAsync(keys.MailboxPolling(Unit));
        await jobs.PollAsync(Unit);
        Assert.That(await CountAsync(user, "INBOX"), Is.Zero);
        Assert.That(await db.KeyExistsAsync(keys.MailboxPolling(Unit)), Is.False, "released after the poll");
    }

    /// <summary>Waits for <paramref name="count"/> e-mail conversations waiting for Macapá, with their messages.</summary>
    internal static async Task<IReadOnlyList<(Conversation Conversation, IReadOnlyList<Message> Messages)>> WaitingAsync(BotHarness bot, int count)
    {
        var store = bot.Factory.Services.GetRequiredService<ConversationStore>();
        IReadOnlyList<(Conversation Conversation, IReadOnlyList<Message> Messages)> stored = [];
        await TestServers.WaitUntilAsync(async () =>
        {
            var page = await store.ListAsync([Unit], [ConversationState.Waiting], 1, 50);
            stored = [.. await Task.WhenAll(page.Items.Select(async c => (c, (IReadOnlyList<Message>)await store.GetMessagesAsync(c.Id))))];
            return stored.Count == count;
        }, TimeSpan.FromSeconds(20), $"{count} e-mail conversations waiting for the unit");
        return stored;
    }
}
