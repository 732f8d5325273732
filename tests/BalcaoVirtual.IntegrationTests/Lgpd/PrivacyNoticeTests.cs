using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Privacy;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Lgpd;

/// <summary>The privacy notice: configurable per court, sent once per contact and channel, recorded with its version.</summary>
public sealed class PrivacyNoticeTests
{
    [Test]
    public async Task Notice_IsTheCourtsOwn_SentOncePerContactAndChannel_RecordedWithItsVersion_AndSentAgainForANewVersion()
    {
        await using var bot = await BotHarness.StartAsync(new Dictionary<string, string?>
        {
            ["Privacy:Courts:TRT8:Controller"] = "Tribunal Regional do Trabalho da 8ª Região (controlador)",
            ["Privacy:Courts:TRT8:LegalBasis"] = "LGPD, art. 7º, III",
            ["Privacy:Courts:TRT8:Version"] = "2026-11",
        });
        var keys = bot.Factory.Services.GetRequiredService<RedisKeys>();
        var db = bot.Factory.Services.GetRequiredService<RedisConnections>().GetDatabase();
        var contact = keys.Contact(bot.Factory.ContactIdOf(ContactAddress.FromTwilio(BotHarness.Citizen)!));

        // To Macapá's own number: the court is known, its notice goes.
        var first = string.Concat(await bot.SayAsync("Oi", to: BotHarness.MacapaNumber));
        // In a chat, one sentence with the link (the whole notice is behind it), after the answer.
        Assert.That(first, Does.EndWith("Privacidade: o Tribunal Regional do Trabalho da 8ª Região (controlador) usa seus dados só para este atendimento (LGPD); " +
            "não envie CPF nem documentos por aqui. Saiba mais: https://www.trt8.jus.br/lgpd"));
        Assert.That((string?)await db.HashGetAsync(contact, PrivacyNotices.VersionField), Is.EqualTo("TRT8:2026-11"));
        Assert.That((string?)await db.HashGetAsync(contact, PrivacyNotices.AtField), Does.StartWith("2026-11-23T12:00:00"));

        // The same person on the same channel, now to the central number (another conversation): no second notice.
        Assert.That(string.Concat(await bot.SayAsync("Oi", to: BotHarness.Central)), Does.Not.Contain("Privacidade"));

        // By SMS she is another contact on another channel: the notice goes there once.
        Assert.That(string.Concat(await bot.SayAsync("Oi", from: BotHarness.SmsCitizen, to: BotHarness.SmsCentral)), Does.Contain("Privacidade"));

        // The court publishes a new notice version: on her next new conversation she gets it again.
        await db.HashSetAsync(contact, PrivacyNotices.VersionField, "TRT8:2026-10");
        await bot.SayAsync("sair", to: BotHarness.MacapaNumber);
        Assert.That(string.Concat(await bot.SayAsync("Oi de novo", to: BotHarness.MacapaNumber)), Does.Contain("Privacidade"));
        Assert.That((string?)await db.HashGetAsync(contact, PrivacyNotices.VersionField), Is.EqualTo("TRT8:2026-11"));
    }
}
