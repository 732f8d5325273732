using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Conversations;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;
using static BalcaoVirtual.IntegrationTests.Channels.Email.MailTestSupport;

namespace BalcaoVirtual.IntegrationTests.Storage;

/// <summary>Writes Fixtures/store-sha256-contact-ids.json: the store as this version leaves it after a day's work.</summary>
public sealed class StoreFixtureWriter
{
    [Test, Explicit("writes a fixture of the repository")]
    public async Task WriteStoreWithUnkeyedContactIds()
    {
        var user = NewUser();
        await using var bot = await BotHarness.StartAsync(Settings(user, plus: true, ownSmtp: true));
        // A WhatsApp citizen asks Macapá: her conversation waits in its inbox, with a deadline.
        await bot.SayAsync("Minha audiência foi remarcada?", BotHarness.Citizen, BotHarness.MacapaNumber);
        // An SMS citizen talks to the chatbot of the court's number.
        await bot.SayAsync("oi", "+5591987650001", BotHarness.SmsCentral);
        // An e-mail citizen writes to Macapá's mailbox.
        var poller = bot.Factory.Services.GetRequiredService<BalcaoVirtual.Web.Features.Channels.Email.MailboxPoller>();
        await AppendAsync(user, Mail("fixture.cidada@exemplo.com.br", "Audiência", "Bom dia, a audiência foi adiada?"));
        await poller.PollAsync(Unit, CancellationToken.None);
        await TestServers.WaitUntilAsync(async () => (await bot.Conversations.ListAsync([Unit], [ConversationState.Waiting], 1, 50)).Items.Count == 2,
            TimeSpan.FromSeconds(20), "both conversations waiting");

        // A clerk reads and answers both; the WhatsApp citizen writes again.
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidora@trt8.jus.br", clerkOf: [Unit]);
        var waiting = (await bot.Conversations.ListAsync([Unit], [ConversationState.Waiting], 1, 50)).Items;
        foreach (var conversation in waiting)
        {
            await clerk.GetStringAsync($"/api/conversations/{conversation.Id}");
            var sent = await clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/messages", new { text = "Bom dia. A audiência foi mantida." });
            Assert.That((int)sent.StatusCode, Is.EqualTo(202));
        }

        var outbox = bot.Factory.Services.GetRequiredService<Outbox>();
        await TestServers.WaitUntilAsync(async () => await outbox.PendingAsync() == 0, TimeSpan.FromSeconds(20), "the answers sent");
        bot.Factory.Time.Advance(TimeSpan.FromMinutes(5));
        await bot.SayAsync("Obrigada! E preciso levar testemunhas?", BotHarness.Citizen, BotHarness.MacapaNumber);

        // The e-mail citizen sends a document: its original is kept for the clerk.
        var withFile = Mail("fixture.cidada@exemplo.com.br", "Documento", "Segue a petição.");
        withFile.Body = new MimeKit.Multipart("mixed")
        {
            withFile.Body!,
            new MimeKit.MimePart("application", "pdf") { Content = new MimeKit.MimeContent(new MemoryStream("%PDF-1.4 peticao"u8.ToArray())), FileName = "peticao.pdf" },
        };
        await AppendAsync(user, withFile);
        await poller.PollAsync(Unit, CancellationToken.None);
        await TestServers.WaitUntilAsync(async () => (await bot.Conversations.ListAsync([Unit], [ConversationState.Waiting], 1, 50)).Items.Count == 2,
            TimeSpan.FromSeconds(20), "the e-mail conversation waiting again");
        await TestServers.WaitUntilAsync(async () => await outbox.PendingAsync() == 0, TimeSpan.FromSeconds(20), "the queues empty");

        await using var redis = await ConnectionMultiplexer.ConnectAsync(TestServers.Redis);
        var dump = await StoreDump.ReadAsync(redis, bot.Factory.KeyPrefix, bot.Factory.Time.GetUtcNow());
        var path = TestServers.RepoFile("tests/BalcaoVirtual.IntegrationTests/Storage/Fixtures/store-sha256-contact-ids.json");
        await File.WriteAllTextAsync(path, dump.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
