using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.Web.Features.Conversations;
using BalcaoVirtual.Web.Features.Privacy;
using BalcaoVirtual.Web.Infrastructure.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace BalcaoVirtual.IntegrationTests.Api;

/// <summary>
/// The inbox finds conversations by what people wrote in them — the citizen's words, the clerks' answers and notes,
/// the contact's name — accents and case aside, by the beginning of a word, every word of the search at once; never by
/// the chatbot's lines; only in the clerk's units; and the words follow a transfer and go with an erasure.
/// </summary>
public sealed class InboxSearchTests
{
    private const string Macapa = "trt8-vt-macapa-7";
    private const string Belem = "trt8-vt-belem-1";
    private const string Bia = "whatsapp:+5596988887777";

    [Test]
    public async Task Search_FindsTheWordsPeopleWrote_InTheClerksUnits_AndFollowsTransferAndErasure()
    {
        await using var bot = await BotHarness.StartAsync();
        var botLines = await bot.SayAsync("Quando sai o meu alvará de levantamento?", to: BotHarness.MacapaNumber);
        var maria = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        await bot.SayAsync("Minha audiência foi remarcada?", from: Bia, to: BotHarness.MacapaNumber);
        var bia = await bot.ConversationAsync(from: Bia, to: BotHarness.MacapaNumber);
        Assert.That((maria.UnitId, bia.UnitId), Is.EqualTo((Macapa, Macapa)), "both handed to the unit");
        using var clerk = await bot.Factory.ClientForNewUserAsync("clerk.search@trt8.jus.br", clerkOf: [Macapa]);
        using var belemClerk = await bot.Factory.ClientForNewUserAsync("clerk.search.belem@trt8.jus.br", clerkOf: [Belem]);

        async Task<string[]> Find(HttpClient who, string query)
        {
            var page = await who.GetFromJsonAsync<JsonElement>("/api/inbox?q=" + Uri.EscapeDataString(query));
            var ids = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!).ToArray();
            Assert.That(page.GetProperty("total").GetInt64(), Is.EqualTo(ids.Length), query);
            return ids;
        }

        Assert.That((await clerk.PostAsJsonAsync($"/api/conversations/{bia.Id}/notes", new { text = "Ligar amanhã para confirmar a perícia." })).IsSuccessStatusCode);
        Assert.That((await clerk.PostAsJsonAsync($"/api/conversations/{maria.Id}/messages", new { text = "Seu alvará foi expedido ontem." })).IsSuccessStatusCode);
        var botWord = SearchTerms.Words(string.Join(' ', botLines)).First(w => w.Length >= 5 && !SearchTerms.Words("Quando sai o meu alvará de levantamento? Seu alvará foi expedido ontem. Maria").Contains(w));

        Assert.Multiple(async () =>
        {
            Assert.That(await Find(clerk, "alvara"), Is.EqualTo(new[] { maria.Id }), "accents aside");
            Assert.That(await Find(clerk, "ALVARÁ levant"), Is.EqualTo(new[] { maria.Id }), "case aside, the beginning of a word, every word");
            Assert.That(await Find(clerk, "audiência"), Is.EqualTo(new[] { bia.Id }));
            Assert.That(await Find(clerk, "alvará audiência"), Is.Empty, "no conversation has both");
            Assert.That(await Find(clerk, "pericia"), Is.EqualTo(new[] { bia.Id }), "a clerk's note");
            Assert.That(await Find(clerk, "expedido"), Is.EqualTo(new[] { maria.Id }), "a clerk's answer");
            Assert.That(await Find(clerk, "maria"), Does.Contain(maria.Id), "the contact's name");
            Assert.That(await Find(clerk, botWord), Is.Empty, $"the chatbot's lines ('{botWord}') are in every conversation: not searched");
            Assert.That(await Find(belemClerk, "alvara"), Is.Empty, "another unit's conversations are not found");
        });

        var onlyCommon = await clerk.GetAsync("/api/inbox?q=" + Uri.EscapeDataString("de o !"));
        Assert.That(onlyCommon.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "nothing in it to search by");
        Assert.That(await onlyCommon.Content.ReadAsStringAsync(), Does.Contain("comuns demais"), "told apart from nothing at all");
        Assert.That(await (await clerk.GetAsync("/api/inbox?q=%21%21")).Content.ReadAsStringAsync(), Does.Contain("palavras da conversa"));

        // The index names no word: its keys are keyed digests.
        var server = bot.Factory.Services.GetRequiredService<RedisConnections>().Primary.GetServers().First();
        var wordKeys = server.Keys(pattern: bot.Factory.KeyPrefix + ":{w:*").Select(k => k.ToString()).ToList();
        Assert.That(wordKeys, Is.Not.Empty);
        Assert.That(wordKeys.Where(k => k.Contains("alva", StringComparison.Ordinal) || k.Contains("maria", StringComparison.Ordinal)), Is.Empty);

        // Transferred: the words go along to the other unit.
        Assert.That((await clerk.PostAsJsonAsync($"/api/conversations/{maria.Id}/transfer", new { unitId = Belem, reason = "Processo da 1ª Vara." })).IsSuccessStatusCode);
        Assert.That((await Find(clerk, "alvara"), await Find(belemClerk, "alvara expedido")), Is.EqualTo((Array.Empty<string>(), new[] { maria.Id })));

        // Erased: nothing of it is found, and no word key holds it, also after a step of an earlier change that ran late.
        await bot.Factory.Services.GetRequiredService<Anonymizer>().AnonymizeAsync(maria.Id, "test");
        var late = maria with { UnitId = Belem };
        await bot.Factory.Services.GetRequiredService<ConversationWords>().AfterChangeAsync(late, late, ["Quando sai o meu alvará?"], bot.Factory.Time.GetUtcNow());
        Assert.That(await Find(belemClerk, "alvara"), Is.Empty);
        var db = bot.Factory.Services.GetRequiredService<RedisConnections>().GetDatabase();
        foreach (var key in server.Keys(pattern: bot.Factory.KeyPrefix + ":{w:*"))
        {
            Assert.That(await db.SortedSetScoreAsync(key, maria.Id), Is.Null, key.ToString());
        }

    }

    /// <summary>
    /// What normalisation refuses (U+FFFE, half an emoji) in a message, a name or a search: the turn, the answers and the
    /// search go on (the rest of the words are found), and a search of nothing searchable is a 400, never a 500.
    /// </summary>
    [Test]
    public async Task TextNormalisationRefuses_NeitherStopsATurn_NorAnAnswer_NorASearch()
    {
        await using var bot = await BotHarness.StartAsync();
        await bot.SayAsync("Alvará \uFFFE do FGTS \uD83D quando sai?", to: BotHarness.MacapaNumber);
        var maria = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        using var clerk = await bot.Factory.ClientForNewUserAsync("clerk.fffe@trt8.jus.br", clerkOf: [Macapa]);

        var answer = await clerk.PostAsJsonAsync($"/api/conversations/{maria.Id}/messages", new { text = "Sai amanhã \uFFFE." });
        Assert.That((int)answer.StatusCode, Is.EqualTo(202), await answer.Content.ReadAsStringAsync());
        var found = await clerk.GetFromJsonAsync<JsonElement>("/api/inbox?q=fgts");
        Assert.That(found.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()), Is.EqualTo(new[] { maria.Id }));
        Assert.That((await clerk.GetAsync("/api/inbox?q=%EF%BF%BE")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await clerk.GetAsync("/api/inbox?q=fgts%EF%BF%BE")).StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }
}
