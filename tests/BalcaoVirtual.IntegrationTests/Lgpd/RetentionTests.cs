using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Privacy;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Lgpd;

/// <summary>Retention: conversations closed longer than the period are anonymised, exactly those, once; the SLA figures stay.</summary>
public sealed class RetentionTests
{
    private const string Old = "whatsapp:+5591981110001";
    private const string Recent = "whatsapp:+5591981110002";
    private const string Open = "whatsapp:+5591981110003";

    [Test]
    public async Task Run_AnonymisesExactlyTheExpiredClosedConversations_IsIdempotent_AndKeepsTheReport()
    {
        await using var bot = await BotHarness.StartAsync();
        var old = await ClosedAsync(bot, Old, "Sou a Joana. Preciso falar com a vara: a audiência do meu processo foi remarcada?", "joana");
        bot.Factory.Time.Advance(TimeSpan.FromDays(700));
        var recent = await ClosedAsync(bot, Recent, "Sou o Pedro. Preciso falar com a vara: a certidão já saiu?", "pedro");
        await bot.SayAsync("Sou a Ana e ainda espero resposta da vara.", from: Open, to: BotHarness.MacapaNumber);
        var open = await bot.ConversationAsync(from: Open, to: BotHarness.MacapaNumber);
        bot.Factory.Time.Advance(TimeSpan.FromDays(31));

        using var admin = await bot.Factory.AdminClientAsync();
        const string ReportPath = "/api/reports/sla?unit=trt8-vt-macapa-7&from=2026-11-01&to=2026-11-30"; // the old conversation's month
        var report = await admin.GetFromJsonAsync<JsonElement>(ReportPath);
        Assert.That(report.GetProperty("periods").GetInt32(), Is.EqualTo(1), "the old conversation's waiting period");
        var reportBefore = report.GetRawText();
        var job = bot.Factory.Services.GetRequiredService<RetentionJob>();

        var first = await job.RunAsync();
        Assert.That(first.Anonymized, Is.EqualTo(1), "closed 731 days ago: past the 730-day default");
        Assert.That(first.Remaining, Is.Zero);
        Assert.That((await job.RunAsync()).Anonymized, Is.Zero, "a second run changes nothing");

        var anonymised = (await bot.Conversations.GetAsync(old.Id))!;
        var messages = await bot.Conversations.GetMessagesAsync(old.Id);
        Assert.Multiple(async () =>
        {
            Assert.That(anonymised.ContactAddress, Is.EqualTo(Anonymizer.Removed));
            Assert.That(anonymised.ContactName, Is.Null);
            Assert.That(anonymised.AnonymizedAt, Is.Not.Null);
            Assert.That(anonymised.State, Is.EqualTo(ConversationState.Closed));
            Assert.That(anonymised.UnitId, Is.EqualTo("trt8-vt-macapa-7"), "kept for the reports");
            Assert.That(messages, Is.Not.Empty);
            Assert.That(messages.Select(m => m.Text), Is.All.Empty);
            Assert.That(messages.Select(m => m.ProviderId), Is.All.Null);
            Assert.That((await bot.Conversations.GetAsync(recent.Id))!.ContactAddress, Is.EqualTo(Recent), "closed 31 days ago: kept");
            Assert.That((await bot.Conversations.GetAsync(open.Id))!.ContactAddress, Is.EqualTo(Open), "still open: kept");
            Assert.That((await admin.GetFromJsonAsync<JsonElement>(ReportPath)).GetRawText(), Is.EqualTo(reportBefore), "the SLA report adds up as before");
        });

        var keys = bot.Factory.Services.GetRequiredService<RedisKeys>();
        var db = bot.Factory.Services.GetRequiredService<RedisConnections>().GetDatabase();
        Assert.That(await db.KeyExistsAsync(keys.Contact(bot.Factory.ContactIdOf(ContactAddress.FromTwilio(Old)!))), Is.False, "her contact record is gone");

        // She writes again: a new conversation, not the anonymised one.
        await bot.SayAsync("Oi, voltei.", from: Old, to: BotHarness.MacapaNumber);
        Assert.That((await bot.ConversationAsync(from: Old, to: BotHarness.MacapaNumber)).Id, Is.Not.EqualTo(old.Id));

        var status = await admin.GetFromJsonAsync<JsonElement>("/api/privacy/retention");
        Assert.That(status.GetProperty("anonymized").GetInt32(), Is.Zero, "the last run's report");
        Assert.That(status.GetProperty("remaining").GetInt64(), Is.Zero);
    }

    /// <summary>A citizen's conversation with Macapá, answered and closed by a clerk.</summary>
    private static async Task<Conversation> ClosedAsync(BotHarness bot, string from, string text, string clerkName)
    {
        await bot.SayAsync(text, from: from, to: BotHarness.MacapaNumber);
        var conversation = await bot.ConversationAsync(from: from, to: BotHarness.MacapaNumber);
        Assert.That(conversation.State, Is.EqualTo(ConversationState.Waiting), "handed to the unit: a waiting period the reports count");
        using var clerk = await bot.Factory.ClientForNewUserAsync($"{clerkName}.servidor@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        await clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/messages", new { text = "Respondido." });
        var closed = await clerk.PostAsync($"/api/conversations/{conversation.Id}/close", null);
        Assert.That((int)closed.StatusCode, Is.EqualTo(200));
        return conversation;
    }
}
