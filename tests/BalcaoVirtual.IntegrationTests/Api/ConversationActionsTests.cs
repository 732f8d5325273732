using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Sla;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Api;

/// <summary>What clerks do to a conversation: claim, assign, note, close, reopen; each recorded (who, what, when).</summary>
public sealed class ConversationActionsTests
{
    private BotHarness bot = null!;

    [SetUp]
    public async Task Start() => bot = await BotHarness.StartAsync();

    [TearDown]
    public async Task Stop() => await bot.DisposeAsync();

    [Test]
    public async Task ClaimAssignNoteCloseReopen_ChangeTheConversation_TheSla_AndTheAuditTrail()
    {
        await bot.SayAsync("Minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        var id = (await bot.ConversationAsync(to: BotHarness.MacapaNumber)).Id;
        using var ana = await bot.Factory.ClientForNewUserAsync("ana@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        using var bia = await bot.Factory.ClientForNewUserAsync("bia@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        using var caio = await bot.Factory.ClientForNewUserAsync("caio@trt8.jus.br", clerkOf: ["trt8-vt-belem-1"]);
        var biaId = (await bia.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetString();
        var anaId = (await ana.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetString();
        var caioId = (await caio.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetString();

        async Task<Conversation> Post(HttpClient who, string path, object? body = null, HttpStatusCode expected = HttpStatusCode.OK)
        {
            var response = await who.PostAsJsonAsync($"/api/conversations/{id}/{path}", body ?? new { });
            Assert.That(response.StatusCode, Is.EqualTo(expected), $"{path}: {await response.Content.ReadAsStringAsync()}");
            return (await bot.Conversations.GetAsync(id))!;
        }

        Assert.That((await Post(ana, "claim")).AssigneeId, Is.EqualTo(anaId));
        Assert.That((await Post(ana, "assign", new { userId = biaId })).AssigneeId, Is.EqualTo(biaId));
        await Post(ana, "assign", new { userId = caioId }, HttpStatusCode.BadRequest); // Caio works for Belém
        await Post(ana, "notes", new { text = "Cidadão já ligou duas vezes." });
        await Post(ana, "notes", new { text = "" }, HttpStatusCode.BadRequest);
        await Post(ana, "reopen", expected: HttpStatusCode.Conflict); // not closed
        Assert.That((await Post(bia, "close")).State, Is.EqualTo(ConversationState.Closed));
        Assert.That((await Post(bia, "reopen")).State, Is.EqualTo(ConversationState.Waiting));
        foreach (var path in new[] { "claim", "close", "reopen", "notes" })
        {
            await Post(caio, path, new { text = "x" }, HttpStatusCode.Forbidden);
        }

        var periods = await bot.Factory.Services.GetRequiredService<SlaStore>().GetAllAsync(id);
        Assert.That(periods.Select(p => p.Outcome), Is.EqualTo(new[] { PeriodOutcome.Closed, PeriodOutcome.Open }), "closing ends the period; reopening starts a new one");

        var audit = await ana.GetFromJsonAsync<List<AuditEntry>>($"/api/conversations/{id}/audit");
        Assert.That(audit!.Select(a => (a.Action, a.UserId)), Is.EqualTo(new[]
        {
            ("claim", anaId), ("assign", anaId), ("note", anaId), ("close", biaId), ("reopen", biaId),
        }));
        var thread = await bot.Conversations.GetMessagesAsync(id);
        Assert.That(thread.Single(m => m.Direction == MessageDirection.Internal).Text, Is.EqualTo("Cidadão já ligou duas vezes."));
        Assert.That(bot.Twilio.Requests.Any(r => r.Body.Contains("ligou", StringComparison.Ordinal)), Is.False, "a note is never sent");
        Assert.That((await caio.GetAsync($"/api/conversations/{id}/audit")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }
}
