using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.IntegrationTests.Support;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Lgpd;

/// <summary>The service-wide audit trail: who did what, when and from where, searchable by admins only, kept for its retention.</summary>
public sealed class AuditTrailTests
{
    [Test]
    public async Task Search_ByActionActorOrTarget_DoesNotDependOnHowManyOtherRecordsTheDayHolds()
    {
        await using var factory = new ApiFactory();
        var trail = factory.Services.GetRequiredService<BalcaoVirtual.Web.Features.Privacy.AuditTrail>();
        for (var i = 0; i < 3; i++)
        {
            await trail.RecordAsync("user.create", $"u{i}", who: "admin-1");
        }

        // A flood after them: read newest first, the whole day would stop at the scan limit before reaching them.
        for (var i = 0; i < 60; i++)
        {
            await trail.RecordAsync("signin.failed", null, who: "unknown:abc");
        }

        var today = DateOnly.FromDateTime(factory.Time.GetUtcNow().UtcDateTime);
        var byAction = await trail.SearchAsync(today, today, new("", "user.create", ""), limit: 100, scanLimit: 20);
        var byActor = await trail.SearchAsync(today, today, new("admin-1", null, null), limit: 100, scanLimit: 20);
        var byTarget = await trail.SearchAsync(today, today, new(null, null, "u1"), limit: 100, scanLimit: 20);

        Assert.That((byAction.Records.Count, byAction.Truncated), Is.EqualTo((3, false)));
        Assert.That((byActor.Records.Count, byActor.Truncated), Is.EqualTo((3, false)));
        Assert.That(byTarget.Records.Select(r => r.Target), Is.EqualTo(new[] { "u1" }));
    }

    [Test]
    public async Task SignIns_Views_Replies_Transfers_Reveals_AndUserAndUnitChanges_AreRecorded_AndSearchable()
    {
        await using var bot = await BotHarness.StartAsync(kestrel: true);
        await bot.SayAsync("Meu CPF é 529.982.247-25 e quero falar com a vara.", to: BotHarness.MacapaNumber);
        var conversation = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        using var admin = await bot.Factory.AdminClientAsync();
        admin.BaseAddress = new Uri(bot.BaseUrl);
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidora.auditada@trt8.jus.br", clerkOf: ["trt8-vt-macapa-7"]);
        clerk.BaseAddress = new Uri(bot.BaseUrl);
        var clerkId = (await clerk.GetFromJsonAsync<JsonElement>("/api/auth/me")).GetProperty("id").GetString()!;

        var view = await clerk.GetFromJsonAsync<JsonElement>($"/api/conversations/{conversation.Id}");
        var messageId = view.GetProperty("revealable")[0].GetString();
        await clerk.PostAsync($"/api/conversations/{conversation.Id}/messages/{messageId}/reveal", null);
        await clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/messages", new { text = "Recebido." });
        await clerk.PostAsJsonAsync($"/api/conversations/{conversation.Id}/transfer", new { unitId = "trt8-vt-belem-1", reason = "Processo é de Belém." });
        await admin.PatchAsJsonAsync($"/api/users/{clerkId}", new { managerOf = new[] { "trt8-vt-macapa-7" } });
        await admin.DeleteAsync("/api/units/trt8-vt-macapa-7/settings");
        await bot.Service.PostAsJsonAsync("/api/auth/token", new { email = "servidora.auditada@trt8.jus.br", password = "senha-errada-123" });
        await bot.Service.PostAsJsonAsync("/api/auth/token", new { email = "ninguem@exemplo.com.br", password = "senha-errada-123" });

        var all = await admin.GetFromJsonAsync<JsonElement>("/api/audit?limit=500");
        var records = all.GetProperty("records").EnumerateArray().Select(r => (
            Who: r.GetProperty("who").GetString(), Action: r.GetProperty("action").GetString(),
            Target: r.TryGetProperty("target", out var t) ? t.GetString() : null, From: r.TryGetProperty("from", out var f) ? f.GetString() : null)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(records, Has.Some.Matches<(string? Who, string? Action, string? Target, string? From)>(r => r.Action == "signin" && r.Who == clerkId));
            foreach (var action in new[] { "conversation.view", "conversation.reveal", "conversation.reply", "conversation.transfer" })
            {
                Assert.That(records, Has.Some.Matches<(string? Who, string? Action, string? Target, string? From)>(r => r.Action == action && r.Who == clerkId && r.Target == conversation.Id), action);
            }

            Assert.That(records, Has.Some.Matches<(string? Who, string? Action, string? Target, string? From)>(r => r.Action == "user.create" && r.Target == clerkId));
            Assert.That(records, Has.Some.Matches<(string? Who, string? Action, string? Target, string? From)>(r => r.Action == "user.update" && r.Target == clerkId));
            Assert.That(records, Has.Some.Matches<(string? Who, string? Action, string? Target, string? From)>(r => r.Action == "unit.restore" && r.Target == "trt8-vt-macapa-7"));
            Assert.That(records.Where(r => r.Action == "signin.failed").Select(r => r.Who), Has.Some.EqualTo(clerkId).And.Some.StartsWith("unknown:"));
            Assert.That(records.Where(r => r.Action == "conversation.view").Select(r => r.From), Has.All.EqualTo("127.0.0.1"), "from where");
            Assert.That(all.GetRawText(), Does.Not.Contain("ninguem@exemplo.com.br"), "an unknown e-mail is recorded as a digest only");
        });

        // Searches: by action prefix, by who, by target; the newest first.
        var reveals = await admin.GetFromJsonAsync<JsonElement>($"/api/audit?action=conversation.reveal&who={clerkId}");
        Assert.That(reveals.GetProperty("records").GetArrayLength(), Is.EqualTo(1));
        var forConversation = await admin.GetFromJsonAsync<JsonElement>($"/api/audit?target={conversation.Id}");
        Assert.That(forConversation.GetProperty("records").EnumerateArray().Select(r => r.GetProperty("action").GetString()),
            Is.EqualTo(new[] { "conversation.transfer", "conversation.reply", "conversation.reveal", "conversation.view" }));

        // Bad filters name the field; only admins search.
        var bad = await admin.GetAsync("/api/audit?from=23/11/2026");
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await bad.Content.ReadAsStringAsync(), Does.Contain("\"from\""));
        Assert.That((await admin.GetAsync("/api/audit?from=2025-01-01&to=2026-11-23")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await clerk.GetAsync("/api/audit")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        // Behind nginx on the same machine: the client's address as nginx forwarded it.
        using (var proxied = new HttpRequestMessage(HttpMethod.Get, $"/api/conversations/{conversation.Id}"))
        {
            proxied.Headers.Add("X-Forwarded-For", "203.0.113.7");
            Assert.That((await admin.SendAsync(proxied)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }

        var latest = await admin.GetFromJsonAsync<JsonElement>($"/api/audit?action=conversation.view&target={conversation.Id}&limit=1");
        Assert.That(latest.GetProperty("records")[0].GetProperty("from").GetString(), Is.EqualTo("203.0.113.7"));

        // Kept for its retention (five years by default), then dropped by the store.
        var keys = bot.Factory.Services.GetRequiredService<RedisKeys>();
        var ttl = await bot.Factory.Services.GetRequiredService<RedisConnections>().GetDatabase().KeyTimeToLiveAsync(keys.AuditDay("20261123"));
        Assert.That(ttl, Is.GreaterThan(TimeSpan.FromDays(5 * 365)).And.LessThanOrEqualTo(TimeSpan.FromDays((5 * 365) + 1)));
    }
}
