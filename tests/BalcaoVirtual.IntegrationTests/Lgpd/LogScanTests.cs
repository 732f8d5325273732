using System.Net.Http.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Features.Channels.Email;
using Microsoft.Extensions.DependencyInjection;
using static BalcaoVirtual.IntegrationTests.Channels.Email.MailTestSupport;

namespace BalcaoVirtual.IntegrationTests.Lgpd;

/// <summary>
/// A full conversation carrying a phone number, an e-mail address and a CPF, over WhatsApp and e-mail, through the
/// chatbot, the inbox, the outbox and status callbacks; then every log line written is scanned for them.
/// </summary>
public sealed class LogScanTests
{
    [Test]
    public async Task NoLogLine_HoldsThePhone_TheEmail_TheCpf_OrWhatTheCitizenWrote()
    {
        var user = NewUser();
        var citizenMail = NewCitizen("maria.silva");
        await using var bot = await BotHarness.StartAsync(Settings(user));
        const string Text = "Meu CPF é 123.456.789-09, meu e-mail é maria.silva@exemplo.com.br e meu celular (91) 98123-4567. Preciso falar com a vara.";

        await bot.SayAsync(Text, to: BotHarness.MacapaNumber);
        var conversation = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidora.lgpd@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        await clerk.GetAsync($"/api/conversations/{conversation.Id}");
        await clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/messages", new { text = "Recebemos. Ligaremos para 98123-4567." });
        await TestServers.WaitUntilAsync(() => Task.FromResult(bot.Twilio.Requests.Any(r => r.Body.StartsWith("Recebemos", StringComparison.Ordinal))), TimeSpan.FromSeconds(20), "the answer sent");
        await FakeTwilio.SendStatusAsync(bot.Service, bot.Twilio.Requests.Last(), "failed", "30008");
        await AppendAsync(user, Mail(citizenMail, "CPF 123.456.789-09", "Meu CPF é 12345678909 e meu telefone +5591981234567."));
        await bot.Factory.Services.GetRequiredService<MailboxPoller>().PollAsync(Unit, CancellationToken.None);
        await Channels.Email.MailboxPollerTests.WaitingAsync(bot, 1); // the WhatsApp one is answered
        // A sign-in with a wrong password (the e-mail is the login).
        await bot.Service.PostAsJsonAsync("/api/auth/token", new { email = "maria.silva@exemplo.com.br", password = "errada-errada" });

        var lines = bot.Factory.Logs.Lines;
        Assert.That(lines, Has.Count.GreaterThan(20), "the run did log");
        var secrets = new[]
        {
            "5591981234567", "91981234567", "98123-4567", "981234567", "maria.silva", "exemplo.com.br",
            "123.456.789-09", "12345678909", "Meu CPF", "Preciso falar com a vara", "Ligaremos",
        };
        foreach (var secret in secrets)
        {
            Assert.That(lines.Where(l => l.Contains(secret, StringComparison.OrdinalIgnoreCase)), Is.Empty, $"'{secret}' in the logs");
        }
    }
}
