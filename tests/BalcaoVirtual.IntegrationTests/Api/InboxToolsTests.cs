using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using BalcaoVirtual.IntegrationTests.Chatbot;
using BalcaoVirtual.Web.Features.Inbox;

namespace BalcaoVirtual.IntegrationTests.Api;

/// <summary>Canned answers and labels kept by a unit's managers, and the one-click video-desk link that goes only while the desk is open.</summary>
public sealed class InboxToolsTests
{
    private const string Unit = "trt8-vt-macapa-7";

    [Test]
    public async Task CannedAnswers_ManagersKeepAndEditThem_ClerksProposeTheirOwn_OthersCannot()
    {
        await using var bot = await BotHarness.StartAsync();
        using var manager = await bot.Factory.ClientForNewUserAsync("gestora@trt8.jus.br", managerOf: [Unit]);
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidor@trt8.jus.br", clerkOf: [Unit], name: "Paulo Reis");
        using var colleague = await bot.Factory.ClientForNewUserAsync("colega@trt8.jus.br", clerkOf: [Unit]);
        using var foreign = await bot.Factory.ClientForNewUserAsync("outro@trt8.jus.br", clerkOf: ["trt8-vt-belem-1"]);

        var created = await manager.PostAsJsonAsync($"/api/units/{Unit}/canned", new { title = "Audiência", text = "A audiência está mantida. Qualquer mudança é publicada no PJe." });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var answer = (await created.Content.ReadFromJsonAsync<CannedAnswer>())!;
        Assert.That(answer.Proposed, Is.False);
        var bad = await manager.PostAsJsonAsync($"/api/units/{Unit}/canned", new { title = "", text = new string('a', 1601) });
        Assert.That((await bad.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").EnumerateObject().Select(p => p.Name), Is.EquivalentTo(new[] { "title", "text" }));

        // A clerk's is a proposal: the managers and she see it, a colleague does not, and nobody but a manager changes it.
        var proposed = (await (await clerk.PostAsJsonAsync($"/api/units/{Unit}/canned", new { title = "Prazo", text = "Respondemos até {prazo}." })).Content.ReadFromJsonAsync<CannedAnswer>())!;
        Assert.That(proposed.Proposed, Is.True);
        async Task<string[]> Titles(HttpClient who) =>
            [.. (await who.GetFromJsonAsync<JsonElement>($"/api/units/{Unit}/canned")).EnumerateArray().Select(c => c.GetProperty("title").GetString() + (c.GetProperty("proposed").GetBoolean() ? "?" : ""))];
        Assert.Multiple(async () =>
        {
            Assert.That(await Titles(manager), Is.EqualTo(new[] { "Audiência", "Prazo?" }));
            Assert.That(await Titles(clerk), Is.EqualTo(new[] { "Audiência", "Prazo?" }));
            Assert.That(await Titles(colleague), Is.EqualTo(new[] { "Audiência" }));
            Assert.That((await manager.GetFromJsonAsync<JsonElement>($"/api/units/{Unit}/canned"))[1].GetProperty("proposedByName").GetString(), Is.EqualTo("Paulo Reis"));
            Assert.That((await clerk.PutAsJsonAsync($"/api/units/{Unit}/canned/{proposed.Id}", new { title = "x", text = "y" })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await clerk.PostAsync($"/api/units/{Unit}/canned/{proposed.Id}/approve", null)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await colleague.DeleteAsync($"/api/units/{Unit}/canned/{proposed.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await clerk.DeleteAsync($"/api/units/{Unit}/canned/{answer.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "only her own proposal");
        });

        // The manager edits it in place (title and text apart) and approves it: now the unit's, for every clerk.
        var edited = await manager.PutAsJsonAsync($"/api/units/{Unit}/canned/{proposed.Id}", new { title = "Prazo de resposta", text = "Respondemos até {prazo}, {nome}." });
        Assert.That(edited.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await manager.PutAsJsonAsync($"/api/units/{Unit}/canned/{proposed.Id}", new { title = "", text = "" })).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await manager.PostAsync($"/api/units/{Unit}/canned/{proposed.Id}/approve", null)).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(await Titles(colleague), Is.EqualTo(new[] { "Audiência", "Prazo de resposta" }));
        Assert.That((await manager.PutAsJsonAsync($"/api/units/{Unit}/canned/nada", new { title = "a", text = "b" })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));

        Assert.That((await foreign.GetAsync($"/api/units/{Unit}/canned")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await foreign.PostAsJsonAsync($"/api/units/{Unit}/canned", new { title = "x", text = "y" })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await manager.DeleteAsync($"/api/units/{Unit}/canned/{answer.Id}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await Titles(clerk), Is.EqualTo(new[] { "Prazo de resposta" }));
    }

    /// <summary>
    /// Labels: managers keep the unit's list; clerks set them on its conversations (audited); the inbox filters by them in
    /// the waiting queue's order; a transfer takes them off; a label the unit does not have is refused.
    /// </summary>
    [Test]
    public async Task Labels_KeptByManagers_SetByClerks_FilteredInTheInbox_AndOffWithATransfer()
    {
        await using var bot = await BotHarness.StartAsync();
        using var manager = await bot.Factory.ClientForNewUserAsync("gestora.labels@trt8.jus.br", managerOf: [Unit]);
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidor.labels@trt8.jus.br", clerkOf: [Unit]);
        using var belem = await bot.Factory.ClientForNewUserAsync("servidor.labels.belem@trt8.jus.br", clerkOf: ["trt8-vt-belem-1"]);
        await bot.SayAsync("Quando sai o alvará?", to: BotHarness.MacapaNumber);
        var maria = (await bot.ConversationAsync(to: BotHarness.MacapaNumber)).Id;
        await bot.SayAsync("Minha audiência foi remarcada?", from: "whatsapp:+5596988887777", to: BotHarness.MacapaNumber);
        var bia = (await bot.ConversationAsync(from: "whatsapp:+5596988887777", to: BotHarness.MacapaNumber)).Id;

        var alvara = (await (await manager.PostAsJsonAsync($"/api/units/{Unit}/labels", new { name = "Alvará" })).Content.ReadFromJsonAsync<UnitLabel>())!;
        Assert.That(alvara.Id, Does.Match("^[0-9a-f]{8}$"), "a random id: the name a manager typed names no key");
        var hearing = (await (await manager.PostAsJsonAsync($"/api/units/{Unit}/labels", new { name = "Audiência de instrução" })).Content.ReadFromJsonAsync<UnitLabel>())!.Id;
        Assert.Multiple(async () =>
        {
            Assert.That((await manager.PostAsJsonAsync($"/api/units/{Unit}/labels", new { name = " ALVARA " })).StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "the same name");
            Assert.That((await manager.PostAsJsonAsync($"/api/units/{Unit}/labels", new { name = "!!" })).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await manager.PostAsync($"/api/units/{Unit}/labels", JsonContent.Create<object?>(null))).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            Assert.That((await clerk.PostAsJsonAsync($"/api/units/{Unit}/labels", new { name = "Outra" })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
            Assert.That((await manager.PutAsJsonAsync($"/api/units/{Unit}/labels/{alvara.Id}", new { name = "Audiência de Instrução" })).StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "renamed onto another");
            Assert.That((await manager.PutAsJsonAsync($"/api/units/{Unit}/labels/{alvara.Id}", new { name = "Alvará judicial" })).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        });
        Assert.That((await clerk.GetFromJsonAsync<List<UnitLabel>>($"/api/units/{Unit}/labels"))!, Is.EqualTo(new[]
        {
            new UnitLabel(alvara.Id, "Alvará judicial"), new UnitLabel(hearing, "Audiência de instrução"),
        }));

        Assert.That((await clerk.PutAsJsonAsync($"/api/conversations/{maria}/labels", new { labels = new[] { alvara.Id } })).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That((await clerk.PutAsJsonAsync($"/api/conversations/{bia}/labels", new { labels = new[] { alvara.Id, hearing } })).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        var unknown = await clerk.PutAsJsonAsync($"/api/conversations/{bia}/labels", new { labels = new[] { "0000beef" } });
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(await unknown.Content.ReadAsStringAsync(), Does.Contain("não existe mais"));
        Assert.That((await belem.PutAsJsonAsync($"/api/conversations/{bia}/labels", new { labels = Array.Empty<string>() })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        async Task<string[]> Ids(string query) =>
            [.. (await clerk.GetFromJsonAsync<JsonElement>("/api/inbox?" + query)).GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetString()!)];
        Assert.Multiple(async () =>
        {
            Assert.That(await Ids($"label={alvara.Id}"), Is.EquivalentTo(new[] { maria, bia }));
            Assert.That(await Ids($"label={hearing}"), Is.EqualTo(new[] { bia }));
            Assert.That(await Ids($"label={hearing}&q=remarcada"), Is.EqualTo(new[] { bia }));
            Assert.That(await Ids($"label={alvara.Id}&q=remarcada"), Is.EqualTo(new[] { bia }));
            Assert.That((await clerk.GetAsync("/api/inbox?label=Alvar%C3%A1")).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
            var row = (await clerk.GetFromJsonAsync<JsonElement>($"/api/inbox?label={hearing}")).GetProperty("items")[0];
            Assert.That(row.GetProperty("labels").EnumerateArray().Select(l => l.GetString()), Is.EquivalentTo(new[] { alvara.Id, hearing }));
        });
        var audit = await clerk.GetFromJsonAsync<List<BalcaoVirtual.Web.Features.Conversations.AuditEntry>>($"/api/conversations/{bia}/audit");
        Assert.That(audit!.Select(a => (a.Action, a.Detail)), Does.Contain(("labels", "Alvará judicial, Audiência de instrução")));

        // Taking one off, and a transfer: they leave the filter.
        await clerk.PutAsJsonAsync($"/api/conversations/{bia}/labels", new { labels = new[] { hearing } });
        Assert.That(await Ids($"label={alvara.Id}"), Is.EqualTo(new[] { maria }));
        Assert.That(await Ids($"label={hearing}&channel=whatsapp&assignee=none"), Is.EqualTo(new[] { bia }), "with the other filters, from the records");
        Assert.That((await clerk.PostAsync($"/api/conversations/{bia}/close", null)).IsSuccessStatusCode);
        Assert.That((await Ids($"label={hearing}"), await Ids($"label={hearing}&state=closed")), Is.EqualTo((Array.Empty<string>(), new[] { bia })), "closed: out of the queue, in the closed list");
        await clerk.PutAsJsonAsync($"/api/conversations/{maria}/labels", new { labels = new[] { alvara.Id, hearing } });
        Assert.That(await Ids($"label={hearing}"), Is.EqualTo(new[] { maria }), "the label has had more than the queue holds: the queue is read");
        await clerk.PostAsJsonAsync($"/api/conversations/{maria}/transfer", new { unitId = "trt8-vt-belem-1", reason = "Processo de Belém." });
        Assert.That(await Ids($"label={alvara.Id}"), Is.Empty);
        var moved = await belem.GetFromJsonAsync<JsonElement>($"/api/conversations/{maria}");
        Assert.That(moved.GetProperty("conversation").GetProperty("labels").GetArrayLength(), Is.Zero);

        // Deleted: gone from the list and from the filter.
        Assert.That((await manager.DeleteAsync($"/api/units/{Unit}/labels/{hearing}")).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(await Ids($"label={hearing}"), Is.Empty);
        Assert.That((await clerk.GetFromJsonAsync<JsonElement>("/api/labels")).EnumerateArray().Select(l => l.GetProperty("id").GetString()), Is.EqualTo(new[] { alvara.Id }));
    }

    /// <summary>
    /// The contact panel: the citizen's other conversations in the clerk's units (not another unit's), every case number
    /// mentioned in them, and the units' notes with who wrote them; nobody of another unit reads it.
    /// </summary>
    [Test]
    public async Task ContactPanel_EarlierConversationsInMyUnits_CaseNumbersAndNotes()
    {
        await using var bot = await BotHarness.StartAsync();
        var number = ChatbotTranscriptTests.Macapa.Canonical;
        await bot.SayAsync("Oi, boa tarde");
        await bot.SayAsync("2");
        await bot.SayAsync("Macapá");
        await bot.SayAsync($"O alvará do processo {number} já saiu?");
        var first = await bot.ConversationAsync();
        await bot.SayAsync("Minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        var second = await bot.ConversationAsync(to: BotHarness.MacapaNumber);
        await bot.SayAsync("Preciso de uma certidão.", to: "whatsapp:+559140080001");
        var belem = await bot.ConversationAsync(to: "whatsapp:+559140080001");
        Assert.That((first.UnitId, second.UnitId, belem.UnitId), Is.EqualTo((Unit, Unit, "trt8-vt-belem-1")));
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidora.contato@trt8.jus.br", clerkOf: [Unit], name: "Rita Alves");
        using var foreign = await bot.Factory.ClientForNewUserAsync("outro.contato@trt8.jus.br", clerkOf: ["trt8-vt-belem-1"]);
        Assert.That((await clerk.PostAsJsonAsync($"/api/conversations/{first.Id}/notes", new { text = "Cidadã já ligou duas vezes." })).IsSuccessStatusCode);

        var panel = await clerk.GetFromJsonAsync<JsonElement>($"/api/conversations/{second.Id}/contact");
        Assert.Multiple(() =>
        {
            Assert.That(panel.GetProperty("earlierCount").GetInt32(), Is.EqualTo(1), "Belém's is not the clerk's");
            var earlier = panel.GetProperty("earlier")[0];
            Assert.That(earlier.GetProperty("id").GetString(), Is.EqualTo(first.Id));
            Assert.That(earlier.GetProperty("last").GetString(), Is.EqualTo($"O alvará do processo {number} já saiu?"));
            Assert.That(panel.GetProperty("caseNumbers").EnumerateArray().Select(n => n.GetString()), Is.EqualTo(new[] { number }));
            var note = panel.GetProperty("notes")[0];
            Assert.That((note.GetProperty("text").GetString(), note.GetProperty("authorName").GetString(), note.GetProperty("conversationId").GetString()),
                Is.EqualTo(("Cidadã já ligou duas vezes.", "Rita Alves", first.Id)));
        });
        Assert.That((await foreign.GetAsync($"/api/conversations/{second.Id}/contact")).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var fromBelem = await foreign.GetFromJsonAsync<JsonElement>($"/api/conversations/{belem.Id}/contact");
        Assert.That((fromBelem.GetProperty("earlierCount").GetInt32(), fromBelem.GetProperty("notes").GetArrayLength()), Is.EqualTo((0, 0)), "Macapá's are not Belém's");
    }

    [Test]
    public async Task CaseStatus_SendsTheDataJudSummary_OrSaysWhyNot()
    {
        await using var bot = await BotHarness.StartAsync();
        await bot.SayAsync("Minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        var id = (await bot.ConversationAsync(to: BotHarness.MacapaNumber)).Id;
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidora.status@trt8.jus.br", clerkOf: [Unit]);
        var number = ChatbotTranscriptTests.Macapa;

        var bad = await clerk.PostAsJsonAsync($"/api/conversations/{id}/case-status", new { number = "123" });
        Assert.That(bad.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var unknown = await clerk.PostAsJsonAsync($"/api/conversations/{id}/case-status", new { number = BalcaoVirtual.Web.Features.Court.CnjNumber.Create(9999, 2024, 5, 8, 210).Canonical });
        Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.NotFound), "DataJud does not know it");

        bot.DataJud.AddHit("api_publica_trt8", number.Digits, ChatbotTranscriptTests.Hit);
        var sent = await clerk.PostAsJsonAsync($"/api/conversations/{id}/case-status", new { number = number.Canonical });
        Assert.That(sent.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await Support.TestServers.WaitUntilAsync(() => Task.FromResult(bot.Twilio.Requests.Any(r => r.Body.StartsWith($"Processo {number.Canonical}", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(20), "the summary to reach the citizen");
        var audit = await clerk.GetFromJsonAsync<List<BalcaoVirtual.Web.Features.Conversations.AuditEntry>>($"/api/conversations/{id}/audit");
        Assert.That(audit!.Select(a => (a.Action, a.Detail)), Does.Contain(("case-status", number.Canonical)));
    }

    [Test]
    public async Task VideoLink_GoesWhileTheDeskIsOpen_AndIsRefusedWithTheNextOpeningWhenClosed()
    {
        await using var bot = await BotHarness.StartAsync(); // Monday 23/11/2026, 09:00 in Macapá: open until 13:00
        await bot.SayAsync("Minha audiência foi remarcada?", to: BotHarness.MacapaNumber);
        var id = (await bot.ConversationAsync(to: BotHarness.MacapaNumber)).Id;
        using var clerk = await bot.Factory.ClientForNewUserAsync("servidora.video@trt8.jus.br", clerkOf: [Unit]);

        var sent = await clerk.PostAsync($"/api/conversations/{id}/video-link", null);
        Assert.That(sent.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        await Support.TestServers.WaitUntilAsync(() => Task.FromResult(bot.Twilio.Requests.Any(r => r.Body.Contains("meet.google.com", StringComparison.Ordinal))),
            TimeSpan.FromSeconds(20), "the link to reach the citizen");

        bot.Factory.Time.Advance(TimeSpan.FromHours(5)); // 14:00: closed
        var refused = await clerk.PostAsync($"/api/conversations/{id}/video-link", null);
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Conflict));
        Assert.That((await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString(), Does.EndWith("Próxima abertura: terça-feira, 24/11, às 8h."));
        Assert.That(bot.Twilio.Requests.Count(r => r.Body.Contains("meet.google.com", StringComparison.Ordinal)), Is.EqualTo(1));
    }
}
